"""Demand over the protection interval, and the reorder point that reaches a fill rate.

The protection interval is the time an order decided today must cover: the wait for the
supplier's ordering day + the lead time + the review period (until the next chance to order).
Its demand has

- mean = rate × days;
- variance = days × σ² × (1 + days × c) + rate² × σL²: the daily forecast error σ² summed over
  the days, the error of the forecast itself (c = α ÷ (2 − α), the variance of an
  exponentially smoothed level, which the same error repeats on every day of the interval),
  and the spread of lead times σL where receipts show one.

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
from dataclasses import dataclass

from sheets_bot.domain.forecast import ALPHA

FORECAST_ERROR = ALPHA / (2 - ALPHA)
"""Variance of an exponentially smoothed level, per unit of daily variance."""
NORMAL = "normal"
GAMMA = "gamma"
_NORMAL_SHAPE = 400.0
"""Above this gamma shape the gamma is a normal to four digits: use the normal (faster)."""
_TOLERANCE = 1e-3
"""Units: the reorder point is found to within this."""
_SQRT2 = math.sqrt(2.0)
_SQRT2PI = math.sqrt(2.0 * math.pi)


def _normal_loss(z: float) -> float:
    """G(z) = φ(z) − z·(1 − Φ(z)): expected shortage of a standard normal above z."""
    return math.exp(-0.5 * z * z) / _SQRT2PI - z * 0.5 * math.erfc(z / _SQRT2)


def gamma_q(a: float, x: float) -> float:
    """The regularised upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a)."""
    if x <= 0:
        return 1.0
    log_front = -x + a * math.log(x) - math.lgamma(a)
    if x < a + 1:
        term = total = 1.0 / a
        denominator = a
        for _ in range(1000):
            denominator += 1
            term *= x / denominator
            total += term
            if abs(term) < abs(total) * 1e-13:
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
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-13:
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
        mean = self.mean
        if self.variance <= 0 or mean <= 0:
            return max(mean - level, 0.0)
        if self.distribution == NORMAL:
            sd = self.stdev
            return sd * _normal_loss((level - mean) / sd)
        if level <= 0:
            return mean - level
        scale = self.variance / mean
        shape = mean / scale
        x = level / scale
        return max(mean * gamma_q(shape + 1, x) - level * gamma_q(shape, x), 0.0)

    def fill_rate(self, reorder_point: float, order: float) -> float:
        """The share of demand served from the shelf with this reorder point and order size."""
        if order <= 0:
            return 0.0
        short = self.expected_shortage(reorder_point) - self.expected_shortage(
            reorder_point + order
        )
        return min(max(1.0 - short / order, 0.0), 1.0)


def protection_demand(
    *, rate: float, daily_variance: float, days: float, lead_stdev: float, skewed: bool
) -> ProtectionDemand:
    """``skewed``: erratic, intermittent or lumpy demand (a gamma); smooth demand is normal."""
    mean = rate * days
    variance = days * daily_variance * (1 + days * FORECAST_ERROR) + (rate * lead_stdev) ** 2
    distribution = NORMAL
    if skewed and mean > 0 and variance > 0 and mean * mean / variance < _NORMAL_SHAPE:
        distribution = GAMMA
    return ProtectionDemand(mean, variance, days, distribution)


def reorder_point_for_fill(demand: ProtectionDemand, target: float, order: float) -> float:
    """The smallest reorder point ≥ 0 whose fill rate with orders of ``order`` units reaches
    ``target``: bisection (the fill rate rises with the reorder point)."""
    if order <= 0 or demand.mean <= 0:
        return 0.0
    if demand.fill_rate(0.0, order) >= target:
        return 0.0
    low, high = 0.0, demand.mean + 4 * demand.stdev + order
    while demand.fill_rate(high, order) < target:
        low, high = high, 2 * high + 1
    while high - low > max(_TOLERANCE, 1e-6 * high):
        middle = (low + high) / 2
        if demand.fill_rate(middle, order) >= target:
            high = middle
        else:
            low = middle
    return high
