"""Daily demand per SKU from history, and the rate the check can use in place of the typed one.

Where the demand comes from, best first:
1. point-of-sale events (sales net of refunds; restocks and adjustments are not demand);
2. the Stock tab snapshots: the day's drops in on hand. Rises are deliveries or count
   corrections, never negative demand, so they are left out.

A day on which the item was out of stock (at any snapshot) says nothing about demand: the
shelf was empty, not the customers' wish. Those days are left out of the rate (censored).

The rate, over a 30-day window ending yesterday:
- spikes first: a day above 3 × the median of the window's selling days is cut to that cap, so
  one bulk order (or one cancelled one) barely moves the rate;
- steady movers (1 unit a day or more): an exponentially weighted mean with a daily decay of
  0.92, so each of the last 7 days weighs about 3 × as much as each of the 23 before;
- slow, intermittent movers (below 1 a day): Croston's method with the Syntetos-Boylan
  correction (SBA), which smooths the size of a sale and the gap between sales separately.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sheets_bot.domain.history import SaleEvent, StockDay
from sheets_bot.domain.sheet_numbers import plain

WINDOW_DAYS = 30
MIN_DAYS = 7
"""Observed (not censored) days needed before the bot trusts its own rate: a whole week."""
DECAY = 0.92
"""Daily weight decay: the last 7 days average ~3 × the weight per day of the 23 before."""
SPIKE_CAP = 3.0
"""A day above this many times the median selling day is cut to that."""
CROSTON_ALPHA = 0.1
INTERMITTENT_BELOW = 1.0
"""Units a day under which an item is a slow, intermittent mover (Croston SBA)."""
DEMAND_KINDS = ("sale", "refund")


@dataclass(frozen=True)
class DemandDay:
    day: date
    units: float
    censored: bool = False
    """Out of stock at some point of the day: its true demand is unknown."""


@dataclass(frozen=True)
class RateEstimate:
    rate: float
    method: str
    """``EWMA`` or ``Croston-SBA``."""
    source: str
    """``POS sales`` or ``stock snapshots``."""
    days: int
    """Observed days in the window."""
    censored: int
    """Stock-out days left out."""
    clipped: int
    """Spike days cut to the cap."""
    mean: float
    """Plain mean of the observed days (after the spike cap)."""
    stdev: float
    """Standard deviation of the observed days (after the spike cap)."""
    peak: float
    """The highest observed day (after the spike cap)."""

    @property
    def why(self) -> str:
        """``18.2/day learned (EWMA, 30 days, 2 stock-out days left out)``."""
        notes = [self.method, f"{self.days} days"]
        if self.censored:
            notes.append(
                f"{self.censored} stock-out day{'s' if self.censored > 1 else ''} left out"
            )
        if self.clipped:
            notes.append(f"{self.clipped} spike{'s' if self.clipped > 1 else ''} capped")
        notes.append(f"from {self.source}")
        return f"{plain(round(self.rate, 2))}/day learned ({', '.join(notes)})"


def days_from_stock(
    days: Iterable[StockDay], last: date | None = None
) -> dict[str, list[DemandDay]]:
    """Demand per SKU (case-folded) from the stock history: the day's drops, censored on a
    stock-out day.

    A snapshot is taken only when the Stock tab changed, so a day with no record is a day on
    which the item's on hand did not move: zero demand at the last closing (censored if that
    was zero). Such days are filled in from a SKU's first record to ``last``."""
    by_sku: dict[str, list[StockDay]] = {}
    for day in days:
        by_sku.setdefault(day.sku.casefold(), []).append(day)
    series: dict[str, list[DemandDay]] = {}
    for sku, records in by_sku.items():
        records.sort(key=lambda d: d.day)
        filled: list[DemandDay] = []
        for record, following in zip(records, [*records[1:], None], strict=True):
            filled.append(DemandDay(record.day, max(record.drops, 0.0), record.stocked_out))
            until = (
                following.day if following is not None else (last or record.day) + timedelta(days=1)
            )
            quiet = record.day + timedelta(days=1)
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
) -> dict[str, list[DemandDay]]:
    """Demand per SKU (case-folded) from POS events, one entry per shop day from the first
    event in the log to ``last``: a day without a sale is a day of zero demand, unless the
    stock history says the item was out that day."""
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
    outs = stock_outs or {}
    span = (last - first).days + 1
    series: dict[str, list[DemandDay]] = {}
    for sku, per_day in totals.items():
        out_days = outs.get(sku, set())
        series[sku] = [
            DemandDay(
                day,
                max(per_day.get(day, 0.0), 0.0),
                day in out_days,
            )
            for day in (first + timedelta(days=offset) for offset in range(span))
        ]
    return series


def window_start(now: datetime, zone: ZoneInfo, window: int = WINDOW_DAYS) -> date:
    """The first shop day of the window that ends yesterday."""
    return now.astimezone(zone).date() - timedelta(days=window)


def _croston_sba(values: Sequence[float], alpha: float = CROSTON_ALPHA) -> float:
    size: float | None = None
    interval = 0.0
    gap = 0
    for value in values:
        gap += 1
        if value <= 0:
            continue
        if size is None:
            size, interval = value, float(gap)
        else:
            size += alpha * (value - size)
            interval += alpha * (gap - interval)
        gap = 0
    if size is None:
        return 0.0
    return (1 - alpha / 2) * size / interval


def estimate_rate(
    series: Sequence[DemandDay],
    today: date,
    *,
    source: str = "stock snapshots",
    window: int = WINDOW_DAYS,
    min_days: int = MIN_DAYS,
) -> RateEstimate | None:
    """The learned daily rate from the ``window`` days before ``today``; ``None`` with fewer
    than ``min_days`` observed days (the owner's number stays)."""
    start = today - timedelta(days=window)
    in_window = sorted((d for d in series if start <= d.day < today), key=lambda d: d.day)
    observed = [d for d in in_window if not d.censored]
    censored = len(in_window) - len(observed)
    if len(observed) < min_days:
        return None
    selling = [d.units for d in observed if d.units > 0]
    cap = SPIKE_CAP * statistics.median(selling) if selling else 0.0
    values = [min(d.units, cap) for d in observed]
    clipped = sum(1 for d in observed if d.units > cap)
    mean = statistics.fmean(values)
    stdev = statistics.pstdev(values) if len(values) > 1 else 0.0
    if mean < INTERMITTENT_BELOW:
        rate, method = _croston_sba(values), "Croston-SBA"
    else:
        weights = [DECAY ** (today - d.day - timedelta(days=1)).days for d in observed]
        rate = sum(w * v for w, v in zip(weights, values, strict=True)) / sum(weights)
        method = "EWMA"
    return RateEstimate(
        rate=rate,
        method=method,
        source=source,
        days=len(observed),
        censored=censored,
        clipped=clipped,
        mean=mean,
        stdev=stdev,
        peak=max(values),
    )
