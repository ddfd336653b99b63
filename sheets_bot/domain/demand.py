"""Daily demand per SKU from history, and the learned forecast the check can use.

Where the demand comes from, best first:
1. point-of-sale events (sales net of refunds; restocks and adjustments are not demand);
2. the Stock tab snapshots: the day's drops in on hand. Rises are deliveries or count
   corrections, never negative demand, so they are left out.

A day on which the item was out of stock (at any snapshot) is censored: it sold at least what
it sold. It is kept as a lower bound, never dropped (``forecast``): with lumpy demand the
stock-out days are the big days.

The check reads the ``WINDOW_DAYS`` days before today, folds the days since its last check into
each item's kept filter (``sheets_bot.domain.learned_demand``), and classes the demand and
forecasts it by its class (``sheets_bot.domain.forecast``); ``learn_from_days`` learns from the
window alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sheets_bot.domain.forecast import Forecast, learn_forecast
from sheets_bot.domain.history import SaleEvent, StockDay

WINDOW_DAYS = 56
"""Days of history the check reads each day: eight weeks. What it learned before them is kept
(``learned_demand``); an item without a kept filter is learned from these days alone."""
DEMAND_KINDS = ("sale", "refund")


@dataclass(frozen=True)
class DemandDay:
    day: date
    units: float
    censored: bool = False
    """Out of stock at some point of the day: it sold at least ``units``."""


def days_from_stock(
    days: Iterable[StockDay], last: date | None = None, since: Mapping[str, date] | None = None
) -> dict[str, list[DemandDay]]:
    """Demand per SKU (case-folded) from the stock history: the day's drops, censored on a
    stock-out day.

    A snapshot is taken only when the Stock tab changed, so a day with no record is a day on
    which the item's on hand did not move: zero demand at the last closing (censored if that
    was zero). Such days are filled in from a SKU's first record to ``last``.

    ``since`` gives the first day wanted of some SKUs (those whose learned demand is kept
    through the day before): their earlier days are not made, which at tens of thousands of
    items saves millions of records a check."""
    wanted = since or {}
    by_sku: dict[str, list[StockDay]] = {}
    for day in days:
        by_sku.setdefault(day.sku.casefold(), []).append(day)
    series: dict[str, list[DemandDay]] = {}
    for sku, records in by_sku.items():
        records.sort(key=lambda d: d.day)
        filled: list[DemandDay] = []
        first = wanted.get(sku, date.min)
        for record, following in zip(records, [*records[1:], None], strict=True):
            until = (
                following.day if following is not None else (last or record.day) + timedelta(days=1)
            )
            if until <= first:
                continue
            if record.day >= first:
                filled.append(DemandDay(record.day, max(record.drops, 0.0), record.stocked_out))
            quiet = max(record.day + timedelta(days=1), first)
            while quiet < until:
                filled.append(DemandDay(quiet, 0.0, record.closing <= 0))
                quiet += timedelta(days=1)
        series[sku] = filled
    return series


def days_from_events(
    events: Sequence[SaleEvent],
    zone: ZoneInfo,
    last: date,
    stock_outs: Mapping[str, set[date]] | None = None,
    also: Iterable[str] = (),
    since: Mapping[str, date] | None = None,
) -> dict[str, list[DemandDay]]:
    """Demand per SKU (case-folded) from POS events, one entry per shop day from the first
    event in the log to ``last``: a day without a sale is a day of zero demand, unless the
    stock history says the item was out that day.

    The SKUs of ``also`` (case-folded) get their days even without a sale in the log: the
    items whose learned demand the check keeps (``learned_demand``), for which weeks without
    a sale are days of zero demand to fold in, not days unseen. ``since`` gives the first day
    wanted of some SKUs, as for ``days_from_stock``."""
    if not events:
        return {}
    first = min(event.at.astimezone(zone).date() for event in events)
    totals: dict[str, dict[date, float]] = {}
    for event in events:
        if event.kind not in DEMAND_KINDS:
            continue
        day = event.at.astimezone(zone).date()
        if day > last:
            continue
        per_day = totals.setdefault(event.sku.casefold(), {})
        per_day[day] = per_day.get(day, 0.0) + event.quantity
    for sku in also:
        totals.setdefault(sku, {})
    outs = stock_outs or {}
    wanted = since or {}
    series: dict[str, list[DemandDay]] = {}
    for sku, per_day in totals.items():
        out_days = outs.get(sku, set())
        start = max(first, wanted.get(sku, first))
        series[sku] = [
            DemandDay(
                day,
                max(per_day.get(day, 0.0), 0.0),
                day in out_days,
            )
            for day in (start + timedelta(days=offset) for offset in range((last - start).days + 1))
        ]
    return series


def window_start(now: datetime, zone: ZoneInfo, window: int = WINDOW_DAYS) -> date:
    """The first shop day of the window that ends yesterday."""
    return now.astimezone(zone).date() - timedelta(days=window)


def learn_from_days(
    series: Sequence[DemandDay], today: date, window: int = WINDOW_DAYS
) -> Forecast | None:
    """The forecast from the ``window`` days before ``today`` (oldest first); ``None`` when
    the series has no day in it."""
    start = today - timedelta(days=window)
    in_window = sorted((d for d in series if start <= d.day < today), key=lambda d: d.day)
    if not in_window:
        return None
    return learn_forecast((d.units, d.censored) for d in in_window)
