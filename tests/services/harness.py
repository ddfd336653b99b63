"""A shop wired to in-memory adapters: the sample café, a fixed clock, a recording mailer."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sheets_bot.adapters.clock import FixedClock
from sheets_bot.ports import Cell
from sheets_bot.services.check import CheckReport, run_check
from sheets_bot.services.poll import PollReport, run_poll
from sheets_bot.services.setup import run_init
from sheets_bot.services.shop import Adapters
from sheets_bot.testing.memory_sheet import MemorySheet
from sheets_bot.testing.memory_store import MemoryStore
from sheets_bot.testing.recording_mailer import RecordingMailer

MONDAY_10AM = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@dataclass
class Shop:
    sheet: MemorySheet
    store: MemoryStore
    mailer: RecordingMailer
    clock: FixedClock

    @classmethod
    def sample(cls) -> Shop:
        sheet = MemorySheet()
        run_init(sheet, sample=True)
        sheet.reads = 0  # init reads Settings for its currency: tests count the runs' reads
        return cls(sheet, MemoryStore(), RecordingMailer(), FixedClock(MONDAY_10AM))

    @property
    def adapters(self) -> Adapters:
        return Adapters(
            sheet=self.sheet,
            ledger=self.store.ledger,
            audit=self.store.audit,
            memory=self.store.memory,
            mailer=self.mailer,
            clock=self.clock,
        )

    def check(self) -> CheckReport:
        return run_check(self.adapters)

    def poll(self) -> PollReport:
        return run_poll(self.adapters)

    def rows(self, tab: str) -> list[dict[str, Cell]]:
        return self.sheet.records(tab)

    def numbered(self, tab: str) -> Iterator[tuple[int, dict[str, Cell]]]:
        """Rows with their sheet row numbers (row 2 is the first data row)."""
        return enumerate(self.rows(tab), start=2)

    def stock(self, sku: str) -> dict[str, Cell]:
        return next(row for row in self.rows("Stock") if row["SKU"] == sku)

    def stock_row(self, sku: str) -> int:
        return next(number for number, row in self.numbered("Stock") if row["SKU"] == sku)

    def draft_lines(self, draft: str) -> list[dict[str, Cell]]:
        return [row for row in self.rows("Drafts") if row["Draft"] == draft]

    def decide(self, draft: str, *decisions: str) -> None:
        """Set the Decision of the draft's lines in order; one value for all if only one given."""
        numbers = [number for number, row in self.numbered("Drafts") if row["Draft"] == draft]
        values = list(decisions) if len(decisions) > 1 else list(decisions) * len(numbers)
        for number, value in zip(numbers, values, strict=True):
            self.sheet.set_cell("Drafts", number, "Decision", value)

    def set_line(self, draft: str, sku: str, header: str, value: Cell) -> None:
        number = next(
            n for n, row in self.numbered("Drafts") if row["Draft"] == draft and row["SKU"] == sku
        )
        self.sheet.set_cell("Drafts", number, header, value)

    def draft_of(self, supplier: str) -> str:
        return str(next(row["Draft"] for row in self.rows("Drafts") if row["Supplier"] == supplier))
