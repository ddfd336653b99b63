"""Folding one Stock tab reading (on hand per SKU, at one moment) into the day records.

Pure: the caller says which shop day the reading belongs to and what the last reading before
it was. Folding the same reading twice changes nothing (the second sees no change), so a run
that dies after writing the history and before recording the snapshot's digest does no harm
when it runs again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date

from sheets_bot.domain.history import StockDay


def latest_on_hand(days: Iterable[StockDay]) -> dict[str, float]:
    """The closing on hand of each SKU's latest day (case-folded SKU)."""
    latest: dict[str, StockDay] = {}
    for day in days:
        key = day.sku.casefold()
        if key not in latest or day.day >= latest[key].day:
            latest[key] = day
    return {key: day.closing for key, day in latest.items()}


def fold_reading(
    days: Mapping[tuple[date, str], StockDay],
    previous: Mapping[str, float],
    reading: Mapping[str, float],
    day: date,
) -> dict[tuple[date, str], StockDay]:
    """``days`` (keyed by day and case-folded SKU) with ``reading`` taken on ``day`` folded in.

    ``previous`` is the on hand at the last reading before this one (case-folded SKU); a SKU
    seen for the first time opens at its first reading, with no drop or rise."""
    folded = dict(days)
    for sku, on_hand in reading.items():
        key = sku.casefold()
        before = previous.get(key)
        change = 0.0 if before is None else on_hand - before
        drop, rise = max(-change, 0.0), max(change, 0.0)
        record = folded.get((day, key))
        if record is None:
            opening = on_hand if before is None else before
            folded[(day, key)] = StockDay(
                day=day,
                sku=sku,
                opening=opening,
                closing=on_hand,
                low=min(opening, on_hand),
                drops=drop,
                rises=rise,
            )
        else:
            folded[(day, key)] = replace(
                record,
                closing=on_hand,
                low=min(record.low, on_hand),
                drops=record.drops + drop,
                rises=record.rises + rise,
            )
    return folded
