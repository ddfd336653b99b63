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
it sold.

- A day that sold something and emptied the shelf counts as at least that: for SES the units
  sold plus what such a sale takes beyond them on average (the mean residual of the sale
  sizes seen: mean × CV², 0 when sales are all of one size), or the forecast where that is
  higher; for SBA and TSB it is a sale whose size is only a lower bound. The usual size of
  a sale is then the sizes seen (whole or cut short) ÷ the share of sales seen whole (the
  censored exponential estimate, that share taken as at least 1/4), so that a shelf kept
  too low does not teach the bot that sales are small: lost sales never cut the big days
  off the history.
- A day the shelf stood empty and nothing sold tells nothing of demand: the forecast stands
  in for it (SES keeps its level), and SBA and TSB neither count it as a day without a sale
  nor as a sale (counting it either way would make an empty shelf look like falling or like
  steady small demand). ADI counts the days whose demand is known.

The spread of demand comes from the forecast errors: the mean squared one-day-ahead error of
the method used (equal weights for the first 180 days, then exponentially weighted), so that
it measures how wrong the forecast actually was, not how varied the demand looks; for SBA
and TSB at least the spread their own model implies (a sale on one day in ADI, of the usual
size and CV²), which few sales, or sales cut short, would otherwise understate.

**Few sales tell little**, and the policy allows for it (checked on sparse parts, where items
with one or two sales filled 55-80% against a 90% aim):

- the CV² of a sale's size is the one seen made unbiased and pooled with the shop's usual one
  (``shop_size_cv2``: the median over its items with eight sales or more) weighing as two
  sales (``size_cv2``): one sale says nothing of the spread, and two of one size are not
  sales always of that size;
- the rate's own error (``Forecast.rate_variance``) is kept apart from the day's: it weighs on
  every day of a lead time alike, so over L days it counts L² times, not L times (Prak,
  Teunter & Syntetos, 2017, on safety stocks when demand is forecast).

Learning starts early (two weeks of history with a sale): an item's own little history beats
a typed guess, and the bot says it is unsure until eight weeks with eight days of sales.
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sheets_bot.domain.demand_class import DemandClass, Shape, shape_of
from sheets_bot.domain.sheet_numbers import plain

ALPHA = 0.1
"""Smoothing weight of SES, and of the sizes and intervals in SBA and TSB."""
ERROR_MEMORY = 180
"""Days over which forecast errors weigh equally; older ones fade."""
DYING_GAPS = 2.0
"""An intermittent item with no sale for more than this many usual intervals is forecast by TSB."""
MIN_DAYS = 14
"""Days of history before the bot uses its own forecast (marked unsure until ``SURE_DAYS``)."""
MIN_SALES = 1
"""Days with a sale before the bot uses its own forecast (unsure until ``SURE_SALES``)."""
SURE_DAYS = 56
"""Below this many days of history the learned numbers are used but marked unsure."""
SURE_SALES = 8
"""Below this many days with a sale the learned numbers are used but marked unsure."""
MIN_WHOLE = 0.25
"""The share of sales seen whole is taken as at least this: with every sale cut short by an
empty shelf, the usual size is taken as four times the sizes seen, not as unbounded."""
RECENT_DAYS = 28
"""The recent window in which stock-outs and a change of class make the bot unsure."""
HALF_SEEN = 0.5
"""Below this share of recent sales seen whole, a sporadic item's sale size is marked unsure."""
SIZE_PRIOR_CV2 = 0.49
"""The CV² of a sale's size assumed before an item's own sales show it, while the shop has too
few items that sold often enough to tell its usual one (``shop_size_cv2``): the
Syntetos-Boylan cut-off between intermittent and lumpy, no sign either way."""
SIZE_PRIOR_SALES = 2.0
"""How many sales that assumption weighs as (see ``size_cv2``)."""
POOL_ITEMS = 5
"""Items with ``SURE_SALES`` sales or more it takes to tell the shop's usual size CV²."""
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
    whole_share: float = 1.0
    """The share of recent sales seen whole (the others emptied the shelf, so their size is a
    lower bound); SBA and TSB divide the sizes seen by it."""
    size_cv2: float = 0.0
    """The CV² of a sale's size the policy allows for: the one seen, unbiased and, over few
    sales, drawn toward the shop's usual one (``size_cv2``, ``shop_size_cv2``)."""
    rate_variance: float = 0.0
    """How uncertain ``rate`` itself is (units²/day²): the variance of the estimate, which
    weighs on every day of a lead time alike (see ``DemandFilter._rate_variance``)."""

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
        if self.method in ("SBA", "TSB") and self.whole_share < HALF_SEEN:
            reasons.append(
                f"only {plain(round(self.whole_share * 100))}% of recent sales were seen whole"
                " (the others emptied the shelf): the size of a sale is an estimate"
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
        "_whole",
        "days",
        "observed_days",
        "selling_days",
        "size_squares",
        "size_sum",
        "stock_out_days",
    )

    def __init__(self) -> None:
        self.days = 0
        self.observed_days = 0
        """Days whose demand is known, at least as a lower bound (all but empty-shelf days
        without a sale): the ADI counts these."""
        self.selling_days = 0
        self.size_sum = 0.0
        self.size_squares = 0.0
        self.stock_out_days = 0
        self._level = 0.0
        self._size = 0.0
        self._interval = 0.0
        self._gap = 0
        self._probability = 0.0
        self._whole = 0.0
        """The share of sales seen whole (smoothed as the sizes are): a sale that emptied the
        shelf was at least its units, so the sizes seen are divided by this share."""
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
    def size(self) -> float:
        """The usual size of a sale, allowing for sales cut short by an empty shelf: the
        censored exponential estimate, the sizes seen (whole or cut short) ÷ the share of
        sales seen whole, that share taken as at least ``MIN_WHOLE``."""
        return self._size / max(self._whole, MIN_WHOLE) if self.selling_days else 0.0

    @property
    def sba(self) -> float:
        if self.selling_days == 0 or self._interval <= 0:
            return 0.0
        return (1 - ALPHA / 2) * self.size / self._interval

    @property
    def tsb(self) -> float:
        return self._probability * self.size

    @property
    def shape(self) -> Shape | None:
        return shape_of(self.observed_days, self.selling_days, self.size_sum, self.size_squares)

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
        self.days += 1
        self._recent.append(stocked_out)
        value = max(sold, 0.0)
        if stocked_out:
            self.stock_out_days += 1
            if value <= 0:
                # the shelf was empty and nothing sold: whether anyone asked is unknown. Every
                # forecast stands in for the day (the level stays), and the day is neither a
                # sale nor a day without one for the sizes, intervals and chance of a sale
                self._close_day()
                return
        kind = self._last_kind
        forecasts = self._forecasts()
        observed = [value] * 3
        if stocked_out:
            # at least what it sold: the units sold plus what such a sale takes beyond them,
            # or each forecast where that is higher (a short day that emptied the shelf)
            floor = value + self._excess(value)
            observed = [max(floor, forecast) for forecast in forecasts]
            value = observed[self._method(kind)]
        self.observed_days += 1
        weight = max(1.0 / self.observed_days, 1.0 / ERROR_MEMORY)
        if self.observed_days > 1:
            for index, forecast in enumerate(forecasts):
                error = observed[index] - forecast
                squared = self._squared_errors[index]
                self._squared_errors[index] = squared + weight * (error * error - squared)
        self._level += max(ALPHA, 1.0 / self.observed_days) * (observed[0] - self._level)
        self._gap += 1
        seen = self.observed_days
        adi = seen / self.selling_days if self.selling_days else float(seen)
        beta = max(ALPHA / max(adi, 1.0), 1.0 / self.observed_days)
        self._probability += beta * ((1.0 if value > 0 else 0.0) - self._probability)
        if value > 0:
            size = max(sold, 0.0) if stocked_out else value
            self.selling_days += 1
            self.size_sum += size
            self.size_squares += size * size
            step = max(ALPHA, 1.0 / self.selling_days)
            self._size += step * (size - self._size)
            self._whole += step * ((0.0 if stocked_out else 1.0) - self._whole)
            self._interval += step * (self._gap - self._interval)
            self._gap = 0
        self._close_day()

    def _close_day(self) -> None:
        shape = self.shape
        self._last_kind = shape.kind if shape is not None else None
        if self.days % RECENT_DAYS == 0:
            self._prior_kind, self._checkpoint_kind = self._checkpoint_kind, self._last_kind

    def _variance(self, method: int, shape: Shape | None, rate: float, prior: float) -> float:
        """The mean squared one-day-ahead error of the method; for SBA and TSB at least the
        spread their own model implies (a sale on one day in ADI, of the usual size, its
        CV² as seen): few sales, or sales cut short by an empty shelf, understate the
        errors seen."""
        errors = self._squared_errors[method]
        if method == 0 or shape is None:
            return errors
        size = self.size
        chance = min(rate / size, 1.0) if size > 0 else 0.0
        model = chance * size * size * (1 + size_cv2(shape, prior)) - rate * rate
        return max(errors, model)

    def _rate_variance(
        self, method: int, shape: Shape | None, rate: float, errors: float, prior: float
    ) -> float:
        """The variance of the rate's estimate. A smoothed mean of n values (weights 1/n early,
        then α) has the variance of one value × w, w = max(1/n, α/(2 − α)). For SES the
        one-day-ahead error holds the level's error once (MSE = σ²(1 + w)), so it is
        MSE × w/(1 + w). For SBA and TSB the rate is size ÷ interval, each smoothed over the
        sales: rate² × w × (CV² of the sizes + CV² of the intervals, 1 − 1/ADI for a sale
        that comes on each day with the same chance)."""
        if shape is None or rate <= 0:
            return 0.0
        floor = ALPHA / (2 - ALPHA)
        if method == 0:
            weight = max(1.0 / max(self.observed_days, 1), floor)
            return errors * weight / (1 + weight)
        weight = max(1.0 / max(self.selling_days, 1), floor)
        return rate * rate * weight * (size_cv2(shape, prior) + max(1 - 1 / shape.adi, 0.0))

    def forecast(self, size_prior: float = SIZE_PRIOR_CV2) -> Forecast:
        """Today's forecast; ``size_prior`` is the shop's usual CV² of a sale's size
        (``shop_size_cv2``), which an item's few sales are drawn toward."""
        shape = self.shape
        kind = shape.kind if shape is not None else None
        method = self._method(kind)
        previous = self._prior_kind if self.days % RECENT_DAYS == 0 else self._checkpoint_kind
        if previous == kind:
            previous = None
        rate = self._forecasts()[method] if shape is not None else 0.0
        variance = self._variance(method, shape, rate, size_prior)
        return Forecast(
            rate=rate,
            variance=variance,
            method=("SES", "SBA", "TSB")[method] if shape is not None else "none",
            shape=shape,
            days=self.days,
            stock_out_days=self.stock_out_days,
            recent_stock_outs=sum(self._recent),
            previous_class=previous,
            whole_share=self._whole if self.selling_days else 1.0,
            size_cv2=size_cv2(shape, size_prior) if shape is not None else 0.0,
            rate_variance=self._rate_variance(method, shape, rate, variance, size_prior),
        )

    # --- kept between checks: ``sheets_bot.domain.filter_state`` names every slot and its code
    def to_state(self) -> tuple[float, ...]:
        """This filter as exact plain numbers (``filter_state.LAYOUT``)."""
        from sheets_bot.domain.filter_state import dump

        return dump(self)

    @classmethod
    def from_state(cls, values: Sequence[float]) -> DemandFilter:
        """The filter ``to_state`` gave ``values``; ``ValueError`` when they cannot be one."""
        from sheets_bot.domain.filter_state import load

        return load(values)


def size_cv2(shape: Shape, prior: float = SIZE_PRIOR_CV2) -> float:
    """The CV² of a sale's size the policy allows for. The CV² seen over n sales (their
    variance ÷ n) is short of the true one by a factor (n − 1)/n on average, and tells nothing
    from one sale: the sizes' squared deviations are taken over n − 1, pooled with ``prior``
    (the shop's usual CV², ``shop_size_cv2``) weighing as ``SIZE_PRIOR_SALES`` sales. Over
    many sales it is the CV² seen; after one sale, the prior. (Few sales of one size would
    otherwise read as sales always of that size, and a bigger one then empties the shelf.)"""
    seen = shape.selling_days
    return (seen * shape.cv2 + SIZE_PRIOR_SALES * prior) / (seen - 1 + SIZE_PRIOR_SALES)


def shop_size_cv2(shapes: Iterable[Shape | None]) -> float:
    """The CV² of a sale's size usual in this shop, which an item with few sales is assumed to
    share until its own sales tell (an empirical-Bayes prior): the median, over the items
    with ``SURE_SALES`` sales or more, of their CV² made unbiased (× n/(n − 1)).
    ``SIZE_PRIOR_CV2`` while fewer than ``POOL_ITEMS`` items have sold that often."""
    seen = [
        shape.cv2 * shape.selling_days / (shape.selling_days - 1)
        for shape in shapes
        if shape is not None and shape.selling_days >= SURE_SALES
    ]
    return statistics.median(seen) if len(seen) >= POOL_ITEMS else SIZE_PRIOR_CV2


def shop_sale_size(filters: Iterable[DemandFilter]) -> float:
    """The units one sale of this shop's items usually takes: the median, over the items that
    have sold, of their units per day with a sale, to the nearest whole unit and at least 1.

    An item that has not sold yet keeps this much (``policy.assess``): with one unit on the
    shelf, the first customer of a shop whose sales take three at a time leaves with a third
    of what they came for, and on parts that sell a few at a time that lost two-thirds of the
    demand of the new items (checked on sparse parts). Where a sale is usually one unit, it is
    one, as before. (The median of the sizes seen whole and cut short alike: a sale cut
    short by an empty shelf makes it smaller, never larger.)"""
    sizes = [f.size_sum / f.selling_days for f in filters if f.selling_days > 0]
    if not sizes:
        return 1.0
    return float(max(math.floor(statistics.median(sizes) + 0.5), 1))


def learn_forecast(days: Iterable[tuple[float, bool]]) -> Forecast:
    """The forecast after ``days`` of (units sold, ended out of stock), oldest first."""
    state = DemandFilter()
    for sold, stocked_out in days:
        state.update(sold, stocked_out)
    return state.forecast()
