"""In-memory stand-ins for the history ports the learning reads (tests and the simulation):
``MemorySalesLog``, ``MemoryReceiptLog`` and ``MemoryStockHistory``. The real stores are the
live lanes' (POS events, receiving) and ``services.stock_history.BlobStockHistory``."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sheets_bot.domain.history import Receipt, SaleEvent, StockDay
from sheets_bot.domain.stock_days import fold_reading, latest_on_hand


class MemorySalesLog:
    """``SalesLog`` in a list; replayed event ids are ignored."""

    def __init__(self, events: Sequence[SaleEvent] = ()) -> None:
        self._events: dict[str, SaleEvent] = {}
        self.add(events)

    def add(self, events: Sequence[SaleEvent]) -> builtins.list[SaleEvent]:
        new = [event for event in events if event.event_id not in self._events]
        for event in new:
            self._events[event.event_id] = event
        return new

    def since(self, start: datetime) -> builtins.list[SaleEvent]:
        return sorted(
            (event for event in self._events.values() if event.at >= start),
            key=lambda event: event.at,
        )


class MemoryReceiptLog:
    """``ReceiptLog`` in a dict keyed by PO and SKU."""

    def __init__(self, receipts: Sequence[Receipt] = ()) -> None:
        self._receipts: dict[tuple[str, str], Receipt] = {}
        for receipt in receipts:
            self.record(receipt)

    def record(self, receipt: Receipt) -> None:
        self._receipts[(receipt.po, receipt.sku.casefold())] = receipt

    def receipts(self) -> builtins.list[Receipt]:
        return sorted(self._receipts.values(), key=lambda receipt: receipt.received_at)


class MemoryStockHistory:
    """``StockHistory`` in a dict, folded from readings as ``BlobStockHistory`` does."""

    def __init__(self, days: Sequence[StockDay] = ()) -> None:
        self._days = {(day.day, day.sku.casefold()): day for day in days}

    def days(self, start: date, end: date) -> builtins.list[StockDay]:
        return [record for (day, _), record in sorted(self._days.items()) if start <= day <= end]

    def record(self, reading: Mapping[str, float], at: datetime, zone: ZoneInfo) -> str:
        day = at.astimezone(zone).date()
        self._days = fold_reading(self._days, latest_on_hand(self._days.values()), reading, day)
        return "memory"
