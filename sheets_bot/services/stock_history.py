"""The ``StockHistory`` port over ``Blobs``: one compact blob of ``StockDay`` rows per month.

``history/<sheet id>/stock-days-YYYY-MM.csv.gz`` holds ``day,sku,opening,closing,low,drops,
rises``, one row per item per shop day (the shop's timezone sets the day boundary). A shop of
500 items keeps ~15,000 rows a month: ~120 kB gzipped.

What it costs, on S3 or in a folder:
- ``record`` (only when the Stock tab changed): one GET of this month's blob (two on the first
  change of a month, to carry the last on hand over from the month before) and one PUT;
- ``days(start, end)``: one GET per month in the range (a 30-day window: one or two).

The last on hand per item comes from the blob itself (each item's latest closing), so no
earlier snapshot needs reading.
"""

from __future__ import annotations

import builtins
import csv
import gzip
import io
from collections.abc import Mapping
from datetime import date, datetime
from typing import Final
from zoneinfo import ZoneInfo

from sheets_bot.domain.history import StockDay
from sheets_bot.domain.number_ranges import SIGNED_COUNT
from sheets_bot.domain.sheet_numbers import NotANumber, number_cell, parse_number
from sheets_bot.domain.stock_days import fold_reading, latest_on_hand
from sheets_bot.errors import BotError
from sheets_bot.ports import Blobs, Grid, StockHistory
from sheets_bot.sheet.layout import normalise_header

CONTENT_TYPE: Final = "application/gzip"
COLUMNS: Final = ("day", "sku", "opening", "closing", "low", "drops", "rises")


class UnreadableHistory(BotError, ValueError):
    """A month blob that is not what ``encode`` wrote; the check reports it and learns
    without it, and the next changed snapshot starts the month afresh."""


def history_key(sheet_id: str, month: date) -> str:
    return f"history/{sheet_id}/stock-days-{month:%Y-%m}.csv.gz"


def _previous_month(month: date) -> date:
    return date(month.year - 1, 12, 1) if month.month == 1 else date(month.year, month.month - 1, 1)


def _months(start: date, end: date) -> list[date]:
    months = []
    month = date(start.year, start.month, 1)
    while month <= end:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def _number(value: float) -> str:
    return str(number_cell(value))


def encode(days: Mapping[tuple[date, str], StockDay]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for _, record in sorted(days.items()):
        writer.writerow(
            [
                record.day.isoformat(),
                record.sku,
                *(
                    _number(value)
                    for value in (
                        record.opening,
                        record.closing,
                        record.low,
                        record.drops,
                        record.rises,
                    )
                ),
            ]
        )
    return gzip.compress(out.getvalue().encode("utf-8"), compresslevel=9, mtime=0)


def decode(data: bytes) -> dict[tuple[date, str], StockDay]:
    reader = csv.DictReader(io.StringIO(gzip.decompress(data).decode("utf-8")))
    days: dict[tuple[date, str], StockDay] = {}
    for row in reader:
        record = StockDay(
            day=date.fromisoformat(row["day"]),
            sku=row["sku"],
            opening=float(row["opening"]),
            closing=float(row["closing"]),
            low=float(row["low"]),
            drops=float(row["drops"]),
            rises=float(row["rises"]),
        )
        days[(record.day, record.sku.casefold())] = record
    return days


def on_hand_reading(grid: Grid) -> dict[str, float]:
    """On hand per SKU from a Stock tab grid (header row first). Rows whose SKU is blank or
    repeated, or whose on hand is not a number (or not a sane one), are left out: the check
    reports them."""
    if not grid:
        return {}
    headers = [normalise_header(cell) if cell is not None else "" for cell in grid[0]]
    try:
        sku_at, on_hand_at = headers.index("sku"), headers.index("on hand")
    except ValueError:
        return {}
    reading: dict[str, float] = {}
    seen: set[str] = set()
    for row in grid[1:]:
        sku = str(row[sku_at]).strip() if sku_at < len(row) and row[sku_at] is not None else ""
        if not sku:
            continue
        key = sku.casefold()
        if key in seen:
            reading = {k: v for k, v in reading.items() if k.casefold() != key}
            continue
        seen.add(key)
        try:
            number = parse_number(row[on_hand_at] if on_hand_at < len(row) else None)
        except NotANumber:
            continue
        if number is not None and SIGNED_COUNT.contains(number):
            reading[sku] = float(number)
    return reading


class BlobStockHistory:
    """``StockHistory`` for one sheet, in ``blobs`` (a folder locally, S3 on AWS)."""

    def __init__(self, blobs: Blobs, sheet_id: str) -> None:
        self.blobs = blobs
        self.sheet_id = sheet_id

    def __repr__(self) -> str:
        return f"BlobStockHistory({self.blobs!r}, {self.sheet_id!r})"

    def _month(self, month: date) -> dict[tuple[date, str], StockDay] | None:
        key = history_key(self.sheet_id, month)
        try:
            data = self.blobs.get(key)
        except KeyError:
            return None
        try:
            return decode(data)
        except (OSError, EOFError, ValueError, KeyError, csv.Error) as error:
            raise UnreadableHistory(f"the stock history {key} cannot be read ({error})") from None

    def days(self, start: date, end: date) -> builtins.list[StockDay]:
        found: list[StockDay] = []
        for month in _months(start, end):
            for (day, _), record in sorted((self._month(month) or {}).items()):
                if start <= day <= end:
                    found.append(record)
        return found

    def record(self, reading: Mapping[str, float], at: datetime, zone: ZoneInfo) -> str:
        """Fold a reading taken ``at`` into its month; returns the key written."""
        day = at.astimezone(zone).date()
        month = date(day.year, day.month, 1)
        try:
            days = self._month(month)
        except UnreadableHistory:
            days = None
        if days is None:
            days = {}
            try:
                before = self._month(_previous_month(month)) or {}
            except UnreadableHistory:
                before = {}
            previous = latest_on_hand(before.values())
        else:
            previous = latest_on_hand(days.values())
        key = history_key(self.sheet_id, month)
        self.blobs.put(key, encode(fold_reading(days, previous, reading, day)), CONTENT_TYPE)
        return key


class RunHistory:
    """One run's view of a ``StockHistory``: the widest window the run needs (the learning's
    30 days) is read once, and every narrower ask (the Trend's fortnight) is answered from
    it, so a check costs one history read whatever uses it. A read that failed fails the
    same way for each asker, which reports it (or not) as it sees fit."""

    def __init__(self, inner: StockHistory, start: date, end: date) -> None:
        self.inner = inner
        self.start = start
        self.end = end
        self._days: list[StockDay] | None = None
        self._error: ValueError | None = None

    def days(self, start: date, end: date) -> list[StockDay]:
        if start < self.start or end > self.end:
            return self.inner.days(start, end)
        if self._error is not None:
            raise self._error
        if self._days is None:
            try:
                self._days = self.inner.days(self.start, self.end)
            except ValueError as error:
                self._error = error
                raise
        return [day for day in self._days if start <= day.day <= end]
