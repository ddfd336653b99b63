"""Demand over the protection interval, and the reorder point that reaches a fill rate.

The protection interval is the time an order decided today must cover until it arrives: the
wait for the supplier's ordering day + the lead time; the review period (until the next chance
to order) enters as the undershoot: what is sold between two chances to order takes the stock
below the reorder point before the order can go. Its demand has

- mean = rate × days + the undershoot (an order is placed when a sale takes the position below
  the reorder point, on average half a sale below it, more for lumpy sales);
- variance = days × σ² + (days² − days) × σr² + rate² × σL² + the undershoot's: the daily
  forecast error σ² (the mean squared one-day-ahead error) summed over the days; the rate's
  own error σr², which that holds once a day but which is the same error on every day of
  the interval, so it counts days² times; and the spread of lead times σL where receipts
  show one.

Its distribution: normal for smooth demand; gamma (same mean and variance, skewed, never
negative) for erratic, intermittent and lumpy demand, where a normal would put weight on
negative demand and too little on a big day.

The **fill rate** (share of units demanded served from the shelf) of a reorder point s with
orders of Q units (Silver, Pyke & Thomas, 2017, §7.7; Axsäter, 2015, §5.3) is

    fill = 1 − (E[(D − s)⁺] − E[(D − s − Q)⁺]) ÷ Q

E[(D − s)⁺] is the expected shortage (the loss function): σ·G((s − μ)/σ) for a normal,
μ·Q(k+1, s/θ) − s·Q(k, s/θ) for a gamma of shape k and scale θ (Q the regularised upper
incomplete gamma function). The reorder point is the smallest s ≥ 0 whose fill reaches the
target. A bigger order (packs, minimum order) serves more units per shortage, so it needs
less safety stock for the same fill: that is why the order actually placed enters here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

NORMAL = "normal"
GAMMA = "gamma"
_NORMAL_SHAPE = 50.0
"""Above this gamma shape (skewness 2/√k below 0.3) the normal serves, and is much faster."""
_TOLERANCE = 1e-3
"""Units: the reorder point is found to within this (or its fill to within the next)."""
_FILL_TOLERANCE = 1e-7
_ROUGH = 0.05
"""The normal's answer a gamma starts from is found to within this share of σ."""
_SQRT2 = math.sqrt(2.0)
_SQRT2PI = math.sqrt(2.0 * math.pi)


def normal_loss(z: float) -> float:
    """G(z) = φ(z) − z·(1 − Φ(z)): expected shortage of a standard normal above z."""
    return math.exp(-0.5 * z * z) / _SQRT2PI - z * 0.5 * math.erfc(z / _SQRT2)


def gamma_q(a: float, x: float) -> float:
    """The regularised upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a): a series
    below x = a + 1, a continued fraction above (Numerical Recipes, §6.2)."""
    if x <= 0:
        return 1.0
    log_front = -x + a * math.log(x) - math.lgamma(a)
    if x < a + 1:
        term = total = 1.0 / a
        denominator = a
        while True:
            denominator += 1
            term *= x / denominator
            total += term
            if term < total * 1e-10:
                break
        return max(1.0 - total * math.exp(log_front), 0.0)
    tiny = 1e-300
    b = x + 1 - a
    c = 1 / tiny
    d = 1 / b
    h = d
    for i in range(1, 1000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if -tiny < d < tiny else d
        c = b + an / c
        c = tiny if -tiny < c < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if -1e-10 < delta - 1 < 1e-10:
            break
    return math.exp(log_front) * h


@dataclass(frozen=True)
class ProtectionDemand:
    """Demand over the protection interval."""

    mean: float
    variance: float
    days: float
    distribution: str

    @property
    def stdev(self) -> float:
        return math.sqrt(self.variance)

    def expected_shortage(self, level: float) -> float:
        """E[(D − level)⁺]: the units demanded beyond ``level`` on average."""
        return self._shortage_and_cdf(level)[0]

    def _shortage_and_cdf(self, level: float) -> tuple[float, float]:
        """E[(D − level)⁺] and P(D ≤ level)."""
        mean = self.mean
        if self.variance <= 0 or mean <= 0:
            return max(mean - level, 0.0), 1.0 if level >= mean else 0.0
        if self.distribution == NORMAL:
            sd = self.stdev
            z = (level - mean) / sd
            return sd * normal_loss(z), 0.5 * math.erfc(-z / _SQRT2)
        if level <= 0:
            return mean - level, 0.0
        scale = self.variance / mean
        shape = mean / scale
        x = level / scale
        upper = gamma_q(shape, x)
        # Q(k + 1, x) = Q(k, x) + x^k e^(−x) / Γ(k + 1)
        upper_next = upper + math.exp(shape * math.log(x) - x - math.lgamma(shape + 1))
        return max(mean * upper_next - level * upper, 0.0), 1.0 - upper

    def fill_rate(self, reorder_point: float, order: float) -> float:
        """The share of demand served from the shelf with this reorder point and order size."""
        return self._fill_and_slope(reorder_point, order)[0]

    def _fill_and_slope(self, reorder_point: float, order: float) -> tuple[float, float]:
        """The fill rate and its derivative in the reorder point: (F(s + Q) − F(s)) ÷ Q."""
        if order <= 0:
            return 0.0, 0.0
        short_low, cdf_low = self._shortage_and_cdf(reorder_point)
        short_high, cdf_high = self._shortage_and_cdf(reorder_point + order)
        fill = 1.0 - (short_low - short_high) / order
        return min(max(fill, 0.0), 1.0), (cdf_high - cdf_low) / order


def undershoot(size: float, cv2: float) -> tuple[float, float]:
    """Mean and variance of how far below the reorder point the position is when an order is
    placed: a sale of ``size`` units on average (squared coefficient of variation ``cv2``)
    crosses the reorder point somewhere inside itself. Renewal theory: E[U] = E[X²] ÷ 2E[X],
    E[U²] = E[X³] ÷ 3E[X], with gamma-shaped sizes (E[X³] = m³(1 + cv²)(1 + 2cv²))."""
    if size <= 0:
        return 0.0, 0.0
    mean = size * (1 + cv2) / 2
    second = size * size * (1 + cv2) * (1 + 2 * cv2) / 3
    return mean, max(second - mean * mean, 0.0)


def protection_demand(
    *,
    rate: float,
    daily_variance: float,
    days: float,
    lead_stdev: float,
    skewed: bool,
    sale_size: float = 0.0,
    size_cv2: float = 0.0,
    rate_variance: float = 0.0,
) -> ProtectionDemand:
    """``skewed``: erratic, intermittent or lumpy demand (a gamma); smooth demand is normal.
    ``sale_size`` and ``size_cv2`` (a day's sale when there is one) add the undershoot: the
    bigger the sales, the further below the reorder point an order is placed."""
    short_mean, short_variance = undershoot(sale_size, size_cv2)
    mean = rate * days + short_mean
    # the rate's own error weighs on every day alike: days² × its variance, of which the
    # one-day errors (daily_variance) already hold one share a day
    shared = max(days * days - days, 0.0) * rate_variance
    variance = days * daily_variance + shared + (rate * lead_stdev) ** 2 + short_variance
    distribution = NORMAL
    if skewed and mean > 0 and variance > 0 and mean * mean / variance < _NORMAL_SHAPE:
        distribution = GAMMA
    return ProtectionDemand(mean, variance, days, distribution)


def reorder_point_for_fill(demand: ProtectionDemand, target: float, order: float) -> float:
    """The smallest reorder point ≥ 0 whose fill rate with orders of ``order`` units reaches
    ``target`` (to within ``_TOLERANCE`` units above it). A gamma starts from the normal's
    answer (found roughly), a normal from mean + ½ σ."""
    if order <= 0 or demand.mean <= 0:
        return 0.0
    if demand.fill_rate(0.0, order) >= target:
        return 0.0
    if demand.distribution == GAMMA:
        normal = replace(demand, distribution=NORMAL)
        start = _newton(
            normal, target, order, demand.mean + 0.5 * demand.stdev, _ROUGH * demand.stdev
        )
    else:
        start = demand.mean + 0.5 * demand.stdev
    return _newton(demand, target, order, start, _TOLERANCE)


def _newton(
    demand: ProtectionDemand, target: float, order: float, start: float, tolerance: float
) -> float:
    """Newton's method on the fill rate, which rises with the reorder point (its slope is
    (F(s + Q) − F(s)) ÷ Q), kept inside the bracket found so far (bisection when a step would
    leave it). Beyond the mode of the demand the fill rate is concave, so Newton's steps from
    below stay below and close in quadratically: once a step is shorter than ``tolerance``,
    the answer lies within its square of the step, and the step + ``tolerance`` is returned
    without evaluating it again."""
    low, high = 0.0, math.inf
    point = start
    for _ in range(200):
        fill, slope = demand._fill_and_slope(point, order)
        if fill >= target:
            if fill - target < _FILL_TOLERANCE:
                return point
            high = point
        else:
            low = point
        if high - low <= tolerance:
            return high
        step = point + (target - fill) / slope if slope > 0 else -1.0
        if not low < step < high:
            step = (low + high) / 2 if high < math.inf else 2 * point + demand.stdev + order
        elif fill < target and step - point < tolerance:
            return min(step + tolerance, high)
        point = step
    return high if high < math.inf else point


def surely_above_reorder_point(
    demand: ProtectionDemand, target: float, order: float, level: float
) -> bool:
    """Whether ``level`` is above the reorder point ``reorder_point_for_fill`` would return,
    found with one evaluation of the fill rate instead of the search: the search's answer lies
    at most two tolerances above the smallest point that reaches the target, so a level from
    which three tolerances down already reach it is above that answer."""
    lower = level - 3 * _TOLERANCE
    return lower >= 0 and demand.fill_rate(lower, order) >= target
