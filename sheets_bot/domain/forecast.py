"""The learned daily demand of one item: a forecast chosen by the shape of its demand.

One pass over the daily history, oldest first (``DemandFilter.update``), keeps three
recursive forecasts side by side and the running totals that class the item
(``demand_class``):

- **SES** (simple exponential smoothing, α 0.1) for smooth and erratic items: the level moves
  a tenth of the way to each day's demand;
- **SBA** (Croston's method with the Syntetos-Boylan correction) for intermittent and lumpy
  items: the size of a sale and the days between sales are smoothed separately (α 0.1), and
  the rate is (1 − α/2) × size ÷ interval;
- **TSB** (Teunter-Syntetos-Babai) for an intermittent or lumpy item that has gone more than
  twice its usual interval without a sale: the chance of a sale on a day is smoothed every
  day (β = α ÷ ADI, so it remembers as many sales as SBA does), so the forecast of a dying
  item falls day by day where SBA's would stay put.

Early on each smoothing weight is at least 1/n (n = days, or sales, so far): the first
estimates are plain means, not the first value.

**Stock-out days are lower bounds**: a day that ended with the shelf empty sold at least what
it sold. When the forecast before that day is above the units sold, the forecast stands in
for the day (the unserved demand is unknown, not zero); when the units sold are above it (a
spike that emptied the shelf), the units sold count in full, plus what such a sale takes
beyond them on average (the mean residual of the sale sizes seen: mean × CV², 0 when sales
are all of one size), so that lost sales do not cut the big days off the history.

The spread of demand comes from the forecast errors: the mean squared one-day-ahead error of
the method used (equal weights for the first 180 days, then exponentially weighted), so that
it measures how wrong the forecast actually was, not how varied the demand looks.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from sheets_bot.domain.demand_class import DemandClass, Shape, shape_of
from sheets_bot.domain.sheet_numbers import plain

ALPHA = 0.1
"""Smoothing weight of SES, and of the sizes and intervals in SBA and TSB."""
ERROR_MEMORY = 180
"""Days over which forecast errors weigh equally; older ones fade."""
DYING_GAPS = 2.0
"""An intermittent item with no sale for more than this many usual intervals is forecast by TSB."""
MIN_DAYS = 28
"""Days of history before the bot trusts its own forecast."""
MIN_SALES = 3
"""Days with a sale before the bot trusts its own forecast."""
SURE_DAYS = 56
"""Below this many days of history the learned numbers are used but marked unsure."""
SURE_SALES = 8
"""Below this many days with a sale the learned numbers are used but marked unsure."""
RECENT_DAYS = 28
"""The recent window in which stock-outs and a change of class make the bot unsure."""
RECENT_STOCK_OUTS = 3
"""Stock-out days in the recent window that make the bot unsure (their demand is unknown)."""


@dataclass(frozen=True)
class Forecast:
    """What the history says about one item's daily demand."""

    rate: float
    """Units a day expected from now on."""
    variance: float
    """Mean squared one-day-ahead error of the method used (units²/day)."""
    method: str
    """``SES``, ``SBA`` or ``TSB`` (``none`` before any sale)."""
    shape: Shape | None
    days: int
    """Days of history."""
    stock_out_days: int
    """Days that ended out of stock (counted as at least what they sold)."""
    recent_stock_outs: int
    """Stock-out days among the last ``RECENT_DAYS``."""
    previous_class: DemandClass | None
    """The class at the previous four-weekly checkpoint, when it was a different one."""

    @property
    def kind(self) -> DemandClass | None:
        return self.shape.kind if self.shape is not None else None

    @property
    def selling_days(self) -> int:
        return self.shape.selling_days if self.shape is not None else 0

    @property
    def enough(self) -> bool:
        """Enough history to use instead of the owner's typed rate."""
        return self.days >= MIN_DAYS and self.selling_days >= MIN_SALES

    @property
    def unsure(self) -> list[str]:
        """Why the learned numbers, though used, deserve a second look (empty when sure)."""
        reasons = []
        if self.days < SURE_DAYS or self.selling_days < SURE_SALES:
            reasons.append(f"little history ({self.days} days, {self.selling_days} with sales)")
        if self.previous_class is not None and self.kind is not None:
            reasons.append(f"demand changed from {self.previous_class.value} to {self.kind.value}")
        if self.recent_stock_outs >= RECENT_STOCK_OUTS:
            reasons.append(
                f"{self.recent_stock_outs} stock-out days in the last {RECENT_DAYS}:"
                " their demand is a lower bound"
            )
        return reasons

    @property
    def why(self) -> str:
        """``2.1/day learned (SBA, intermittent: ADI 3.10, CV² 0.20; 120 days, 3 stock-out days
        counted as at least what they sold)``."""
        notes = [self.method]
        if self.shape is not None:
            notes[0] += f", {self.shape.why}"
        notes.append(f"{self.days} days")
        if self.stock_out_days:
            notes.append(
                f"{self.stock_out_days} stock-out day{'s' if self.stock_out_days > 1 else ''}"
                " counted as at least what they sold"
            )
        return f"{plain(round(self.rate, 2))}/day learned ({'; '.join(notes)})"


class DemandFilter:
    """The running state of the three forecasts and the class totals; ``update`` once a day."""

    __slots__ = (
        "_checkpoint_kind",
        "_gap",
        "_interval",
        "_last_kind",
        "_level",
        "_prior_kind",
        "_probability",
        "_recent",
        "_size",
        "_squared_errors",
        "days",
        "selling_days",
        "size_squares",
        "size_sum",
        "stock_out_days",
    )

    def __init__(self) -> None:
        self.days = 0
        self.selling_days = 0
        self.size_sum = 0.0
        self.size_squares = 0.0
        self.stock_out_days = 0
        self._level = 0.0
        self._size = 0.0
        self._interval = 0.0
        self._gap = 0
        self._probability = 0.0
        self._squared_errors = [0.0, 0.0, 0.0]
        """SES, SBA, TSB."""
        self._recent: deque[bool] = deque(maxlen=RECENT_DAYS)
        self._checkpoint_kind: DemandClass | None = None
        self._prior_kind: DemandClass | None = None
        self._last_kind: DemandClass | None = None

    # --- the three forecasts, as they stand before today's demand
    @property
    def ses(self) -> float:
        return self._level

    @property
    def sba(self) -> float:
        if self.selling_days == 0 or self._interval <= 0:
            return 0.0
        return (1 - ALPHA / 2) * self._size / self._interval

    @property
    def tsb(self) -> float:
        return self._probability * self._size

    @property
    def shape(self) -> Shape | None:
        return shape_of(self.days, self.selling_days, self.size_sum, self.size_squares)

    def _method(self, kind: DemandClass | None) -> int:
        """0 SES, 1 SBA, 2 TSB."""
        if kind is None or not kind.sporadic:
            return 0
        if self._gap > DYING_GAPS * self._interval:
            return 2
        return 1

    def _excess(self, sold: float) -> float:
        """What a sale that emptied the shelf would have taken beyond ``sold``, on average:
        the mean residual of a gamma-shaped sale size far in its tail, mean × CV² (0 for sales
        of one size; the mean itself for exponential ones). Nothing before two sales."""
        if sold <= 0 or self.selling_days < 2:
            return 0.0
        mean = self.size_sum / self.selling_days
        cv2 = max(self.size_squares / self.selling_days / (mean * mean) - 1, 0.0)
        return mean * cv2

    def _forecasts(self) -> tuple[float, float, float]:
        return (self.ses, self.sba, self.tsb)

    def update(self, sold: float, stocked_out: bool = False) -> None:
        """One more day: ``sold`` units, and whether the day ended with the shelf empty."""
        kind = self._last_kind
        forecasts = self._forecasts()
        value = max(sold, 0.0)
        if stocked_out:
            value = max(value + self._excess(value), forecasts[self._method(kind)])
            self.stock_out_days += 1
        self._recent.append(stocked_out)
        self.days += 1
        weight = max(1.0 / self.days, 1.0 / ERROR_MEMORY)
        for index, forecast in enumerate(forecasts):
            if self.days > 1:
                error = value - forecast
                squared = self._squared_errors[index]
                self._squared_errors[index] = squared + weight * (error * error - squared)
        self._level += max(ALPHA, 1.0 / self.days) * (value - self._level)
        self._gap += 1
        adi = self.days / self.selling_days if self.selling_days else float(self.days)
        beta = max(ALPHA / max(adi, 1.0), 1.0 / self.days)
        self._probability += beta * ((1.0 if value > 0 else 0.0) - self._probability)
        if value > 0:
            self.selling_days += 1
            self.size_sum += value
            self.size_squares += value * value
            step = max(ALPHA, 1.0 / self.selling_days)
            self._size += step * (value - self._size)
            self._interval += step * (self._gap - self._interval)
            self._gap = 0
        shape = self.shape
        self._last_kind = shape.kind if shape is not None else None
        if self.days % RECENT_DAYS == 0:
            self._prior_kind, self._checkpoint_kind = self._checkpoint_kind, self._last_kind

    def forecast(self) -> Forecast:
        shape = self.shape
        kind = shape.kind if shape is not None else None
        method = self._method(kind)
        previous = self._prior_kind if self.days % RECENT_DAYS == 0 else self._checkpoint_kind
        if previous == kind:
            previous = None
        return Forecast(
            rate=self._forecasts()[method] if shape is not None else 0.0,
            variance=self._squared_errors[method],
            method=("SES", "SBA", "TSB")[method] if shape is not None else "none",
            shape=shape,
            days=self.days,
            stock_out_days=self.stock_out_days,
            recent_stock_outs=sum(self._recent),
            previous_class=previous,
        )


def learn_forecast(days: Iterable[tuple[float, bool]]) -> Forecast:
    """The forecast after ``days`` of (units sold, ended out of stock), oldest first."""
    state = DemandFilter()
    for sold, stocked_out in days:
        state.update(sold, stocked_out)
    return state.forecast()
