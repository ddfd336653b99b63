"""``ScriptedStockHistory``: a ``StockHistory`` over days a test or benchmark gives it.

A stand-in for the real store over the Stock snapshots (built elsewhere); it answers exactly
as the Protocol says: the days in the range, inclusive, ordered by day then SKU.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sheets_bot.domain.history import StockDay


class ScriptedStockHistory:
    """``StockHistory`` over a fixed list of days; records the ranges asked for."""

    def __init__(self, days: Iterable[StockDay]) -> None:
        self._days = sorted(days, key=lambda record: (record.day, record.sku))
        self.calls: list[tuple[date, date]] = []

    def days(self, start: date, end: date) -> list[StockDay]:
        self.calls.append((start, end))
        return [record for record in self._days if start <= record.day <= end]
