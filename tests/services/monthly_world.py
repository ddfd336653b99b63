"""The scripted November (tests/unit/monthly_script.py) as a sheet, a history and a clock.

The history is ``ScriptedStockHistory`` (``sheets_bot/testing``), a stand-in for the
``StockHistory`` port: the real store over the Stock snapshots is built elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sheets_bot.adapters.clock import FixedClock
from sheets_bot.domain.history import Receipt
from sheets_bot.ports import Cell, Grid, Narrator, ReceiptLog, StockHistory
from sheets_bot.services.lanes import MonthlyPorts
from sheets_bot.services.setup import run_init
from sheets_bot.sheet.layout import load_layout
from sheets_bot.testing.learning_fakes import MemoryReceiptLog, MemoryStockHistory
from sheets_bot.testing.memory_sheet import MemorySheet
from sheets_bot.testing.memory_store import MemoryStore
from sheets_bot.testing.recording_mailer import RecordingMailer
from sheets_bot.testing.scripted_history import ScriptedStockHistory
from tests.unit.monthly_script import LINES, november_history

FIRST_OF_DECEMBER = datetime(2026, 12, 1, 7, 30, tzinfo=UTC)


class ListedReceipts:
    """``ReceiptLog`` over a list."""

    def __init__(self, receipts: Sequence[Receipt] = ()) -> None:
        self._receipts = list(receipts)

    def record(self, receipt: Receipt) -> None:
        self._receipts.append(receipt)

    def receipts(self) -> list[Receipt]:
        return list(self._receipts)


def grid(tab: str, rows: Sequence[Mapping[str, Cell]]) -> Grid:
    headers = load_layout().tab(tab).headers
    return [list(headers), *[[row.get(name) for name in headers] for row in rows]]


STOCK_ROWS: list[dict[str, Cell]] = [
    {
        "Item": "Coffee beans 1kg",
        "SKU": "COF-1",
        "Supplier": "Bean Bros",
        "On hand": 30,
        "Daily sales": 2,
        "Lead time (days)": 5,
        "Reorder point": 10,
        "Move": "stocked",
    },
    {
        "Item": "Milk 4L",
        "SKU": "MLK-4",
        "Supplier": "Dairy Co",
        "On hand": 50,
        "Daily sales": 5,
        "Lead time (days)": 2,
        "Reorder point": 20,
        "Move": "stocked",
    },
    {
        "Item": "Strawberry jam <b>",
        "SKU": "JAM-1",
        "Supplier": "Dairy Co",
        "On hand": 12,
        "Daily sales": 0,
        "Reorder point": 4,
        "Move": "stocked",
    },
]
SUPPLIER_ROWS: list[dict[str, Cell]] = [
    {"Supplier": "Bean Bros", "Email": "beans@example.com", "Lead time (days)": 5},
    {"Supplier": "Dairy Co", "Email": "dairy@example.com", "Lead time (days)": 3},
]
SETTINGS_ROWS: list[dict[str, Cell]] = [
    {"Setting": "Business name", "Value": "Corner Café & Pantry"},
    {"Setting": "Owner email", "Value": "owner@cornercafe.example"},
    {"Setting": "From address", "Value": "orders@cornercafe.example"},
    {"Setting": "Timezone", "Value": "Europe/London"},
    {"Setting": "Currency", "Value": "GBP"},
]


def order_rows() -> list[dict[str, Cell]]:
    return [
        {
            "PO": line.po,
            "Supplier": line.supplier,
            "SKU": line.sku,
            "Item": line.sku,
            "Qty": line.quantity,
            "Unit cost": None if line.unit_cost is None else float(line.unit_cost),
            "Sent at": f"{line.sent_on.isoformat()} 09:15",
            "Status": line.status,
            "Received on": line.received_on.isoformat() if line.received_on else None,
        }
        for line in LINES
    ]


@dataclass
class MonthWorld:
    sheet: MemorySheet
    store: MemoryStore = field(default_factory=MemoryStore)
    mailer: RecordingMailer = field(default_factory=RecordingMailer)
    clock: FixedClock = field(default_factory=lambda: FixedClock(FIRST_OF_DECEMBER))
    history: StockHistory = field(default_factory=MemoryStockHistory)
    receipts: ReceiptLog = field(default_factory=MemoryReceiptLog)
    narrator: Narrator | None = None

    @classmethod
    def november(cls, *, ai_summary: str | None = None, with_history: bool = True) -> MonthWorld:
        sheet = MemorySheet()
        run_init(sheet, sample=False)
        settings = list(SETTINGS_ROWS)
        if ai_summary is not None:
            settings.append({"Setting": "AI summary", "Value": ai_summary})
        sheet.set_grid("Stock", grid("Stock", STOCK_ROWS))
        sheet.set_grid("Suppliers", grid("Suppliers", SUPPLIER_ROWS))
        sheet.set_grid("Orders", grid("Orders", order_rows()))
        sheet.set_grid("Settings", grid("Settings", settings))
        if not with_history:
            return cls(sheet)
        return cls(sheet, history=ScriptedStockHistory(november_history()))

    @property
    def ports(self) -> MonthlyPorts:
        return MonthlyPorts(
            sheet=self.sheet,
            ledger=self.store.ledger,
            audit=self.store.audit,
            memory=self.store.memory,
            mailer=self.mailer,
            clock=self.clock,
            history=self.history,
            receipts=self.receipts,
            narrator=self.narrator,
        )
