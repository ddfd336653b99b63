"""A shop wired to in-memory adapters: the sample café, a fixed clock, a recording mailer, and
empty in-memory stores for the rest; each lane's bundle of ports from them (``check_ports``,
``daily_ports``, ``poll_ports``, ``link_ports``, ``intake_ports``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sheets_bot.adapters.clock import FixedClock
from sheets_bot.ports import Blobs, Cell, Parser, ReceiptLog, SalesLog, StockHistory
from sheets_bot.services.check import CheckReport, run_check
from sheets_bot.services.lanes import CheckPorts, DailyPorts, IntakePorts, LinkPorts, PollPorts
from sheets_bot.services.poll import PollReport, run_poll
from sheets_bot.services.setup import run_init
from sheets_bot.services.shop import Core, core_fields
from sheets_bot.testing import lanes
from sheets_bot.testing.learning_fakes import MemoryStockHistory
from sheets_bot.testing.memory_learner import MemoryLearnerStates
from sheets_bot.testing.memory_live import MemoryReceiptLog, MemorySalesLog
from sheets_bot.testing.memory_marks import MemoryMarks, MemoryRunFailures
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
    history: StockHistory = field(default_factory=MemoryStockHistory)
    sales: SalesLog = field(default_factory=MemorySalesLog)
    receipts: ReceiptLog = field(default_factory=MemoryReceiptLog)
    learned: MemoryLearnerStates = field(default_factory=MemoryLearnerStates)
    """Kept between this shop's checks, as on a real machine."""
    marks: MemoryMarks = field(default_factory=MemoryMarks)
    failures: MemoryRunFailures = field(default_factory=MemoryRunFailures)

    @classmethod
    def sample(cls) -> Shop:
        sheet = MemorySheet()
        run_init(sheet, sample=True)
        sheet.reads = 0  # init reads Settings for its currency: tests count the runs' reads
        return cls(sheet, MemoryStore(), RecordingMailer(), FixedClock(MONDAY_10AM))

    @property
    def core(self) -> Core:
        return lanes.core(self.sheet, self.store, self.clock)

    @property
    def check_ports(self) -> CheckPorts:
        return lanes.check_ports(
            self.core,
            history=self.history,
            sales=self.sales,
            receipts=self.receipts,
            learned=self.learned,
        )

    @property
    def daily_ports(self) -> DailyPorts:
        """The check and digest, without links (a test adds its ``LinkSigner``)."""
        return lanes.daily_ports(
            self.core,
            self.mailer,
            marks=self.marks,
            failures=self.failures,
            history=self.history,
            sales=self.sales,
            receipts=self.receipts,
            learned=self.learned,
        )

    @property
    def poll_ports(self) -> PollPorts:
        """The poll without claims, scheduler or confirmation links (``LiveShop`` adds them)."""
        return lanes.poll_ports(self.core, self.mailer, sales=self.sales, receipts=self.receipts)

    @property
    def link_ports(self) -> LinkPorts:
        return LinkPorts(**core_fields(self.core), marks=self.marks)

    def intake_ports(self, blobs: Blobs, parser: Parser | None = None) -> IntakePorts:
        return IntakePorts(**core_fields(self.core), blobs=blobs, parser=parser)

    def check(self) -> CheckReport:
        return run_check(self.check_ports)

    def poll(self) -> PollReport:
        return run_poll(self.poll_ports)

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
