"""Each item's fill target, so that its ABC class reaches the class's target at the least stock
value (Settings ``Fill target A/B/C`` are the classes' averages, weighted by units sold).

A unit short is a unit short whichever item it is, but a unit of safety stock costs its unit
cost, held for a cycle, and it prevents more shortages on some items than on others. Spending
the same money where it prevents the most shortages (a Lagrangian argument: Silver, Pyke &
Thomas, 2017, §7.6; the normal approximation with the order much bigger than a shortage)
gives every item the reorder point where

    chance of running short in a cycle = unit cost × days between orders ÷ λ

with one λ per class, chosen so that the class meets its target. An item's shortfall (1 − its
fill) is then its spread (σ of a cycle's demand ÷ the cycle's demand) × G(z), G the normal
loss function at the z of that chance. So

- a costly part, or one ordered seldom, runs short a little more often;
- an item whose demand is steady relative to its orders gets a high target: a little stock
  buys it a lot of fill; an erratic one gets less, since the same fill would cost it much
  more stock, and its class makes up the difference on the steady ones.

On the benchmark (``benchmarks/policy.py``) this holds 5% to 14% less stock value than an
allocation by cost alone for the same or a higher fill. An item's shortfall stays within a
fifth and five times its class's, and at most half (A: 90% … 99.6%; C: 50% … 98%), so no item
strays far from what the owner set.

Items whose demand is not learned, or pinned to the typed numbers (no spread), share their
class's shortfall by √(unit cost × cycle) as before (they follow the typed buffer anyway); an
item that has not sold yet keeps its class's target: it weighs nothing in the average, so a
lower target for it would not be made up by the others once it sells.

**An item with few sales** (fewer than eight: the bot marks its numbers unsure) gets no target
below its class's; a higher one where the allocation gives it one. Its spread, which would
lower its target, is itself a guess from those few sales. And its next sale tends to come
when its rate was underestimated: a rate learned from one or two sales is often far below
the true one, and those items sell more than their estimate. On sparse parts, items with
one or two sales were set 67-84% targets and filled about that. Class C then filled 86%
against 90%. With the class's target as the floor, C filled 88.2% and B 93.0% (from
91.2%), for 7% more stock. On the monthly parts, C filled 93.6% (from 91.6%) for 14% more.
The class's average then comes out above its target, since the other items do not make up
for it (making them up cancelled the gain).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sheets_bot.domain.fill_rate import normal_loss

SPREAD = 3.0
"""Without a learned spread: an item's shortfall is between 1/SPREAD and SPREAD times its
class's."""
LEARNED_SPREAD = 5.0
"""With a learned spread: an item's shortfall is between 1/LEARNED_SPREAD and LEARNED_SPREAD
times its class's, and at most ``MAX_SHORTFALL``."""
MAX_SHORTFALL = 0.5
_CHANCE_LOW, _CHANCE_HIGH = 1e-7, 0.999
"""The chance of running short in a cycle is kept within these."""
_GRID = 1000
"""Points of the table of G(z) by the log of the chance (its error is far below a tenth of a
point of fill)."""


def _loss_table() -> tuple[float, float, list[float]]:
    """G(Φ⁻¹(1 − p)) on an even grid of log p from ``_CHANCE_LOW`` to ``_CHANCE_HIGH``."""
    normal = statistics.NormalDist()
    start, end = math.log(_CHANCE_LOW), math.log(_CHANCE_HIGH)
    step = (end - start) / (_GRID - 1)
    values = [normal_loss(normal.inv_cdf(1 - math.exp(start + n * step))) for n in range(_GRID)]
    return start, step, values


_LOG_START, _LOG_STEP, _LOSSES = _loss_table()


def shortage_per_spread(log_chance: float) -> float:
    """G(z) where the chance of running short in a cycle is e^``log_chance`` (clamped to
    ``_CHANCE_LOW`` … ``_CHANCE_HIGH``): the expected units short per cycle, in σ."""
    place = (log_chance - _LOG_START) / _LOG_STEP
    if place <= 0:
        return _LOSSES[0]
    if place >= _GRID - 1:
        return _LOSSES[-1]
    index = int(place)
    low = _LOSSES[index]
    return low + (place - index) * (_LOSSES[index + 1] - low)


def cycle_spread(rate: float, daily_variance: float, cycle_days: float) -> float | None:
    """σ of a cycle's demand ÷ its mean: √(variance a day × days) ÷ (rate × days); ``None``
    without a rate, or where the numbers are not finite (one such item would otherwise set
    every target of its class)."""
    if not (rate > 0 and cycle_days > 0 and math.isfinite(rate * daily_variance * cycle_days)):
        return None
    return math.sqrt(max(daily_variance, 0.0) * cycle_days) / (rate * cycle_days)


@dataclass(frozen=True)
class TargetInput:
    key: str
    abc: str
    rate: float
    """Units a day."""
    unit_cost: float | None
    cycle_days: float
    """Days between orders (lead time + review period)."""
    spread: float | None = None
    """σ of a cycle's demand ÷ its mean (``cycle_spread``), where the demand is learned."""
    sure: bool = True
    """Whether the item has sold often enough for its spread to be trusted
    (``forecast.SURE_SALES``); an item that has not gets no target below its class's."""


def item_targets(
    inputs: Sequence[TargetInput], class_targets: Mapping[str, float]
) -> dict[str, float]:
    by_class: dict[str, list[TargetInput]] = {}
    for entry in inputs:
        by_class.setdefault(entry.abc, []).append(entry)
    targets: dict[str, float] = {}
    for abc, members in by_class.items():
        goal = class_targets.get(abc, class_targets.get("C", 0.9))
        costs = [m.unit_cost for m in members if m.unit_cost is not None and m.unit_cost > 0]
        usual_cost = statistics.median(costs) if costs else 1.0

        def holding(entry: TargetInput, usual: float = usual_cost) -> float:
            """Unit cost × days between orders."""
            cost = entry.unit_cost if entry.unit_cost is not None and entry.unit_cost > 0 else usual
            return cost * max(entry.cycle_days, 1.0)

        selling = [m for m in members if m.rate > 0]
        learned = [m for m in selling if m.spread is not None]
        typed = [m for m in selling if m.spread is None]
        targets.update({m.key: goal for m in members if m.rate <= 0})
        targets.update(_by_chance(learned, 1 - goal, holding))
        targets.update(_by_weight(typed, 1 - goal, holding))
        # few sales: the spread that lowers a target is a guess, and the sales seen were the
        # low ones more often than not (the next sale comes when the rate was underestimated)
        targets.update({m.key: max(targets[m.key], goal) for m in learned if not m.sure})
    return targets


def _by_weight(
    members: Sequence[TargetInput], short: float, holding: Callable[[TargetInput], float]
) -> dict[str, float]:
    """Shortfall ∝ √(unit cost × cycle), averaging the class's (units-weighted)."""
    sold = sum(m.rate for m in members)
    if sold <= 0:
        return {}
    average = sum(m.rate * math.sqrt(holding(m)) for m in members) / sold
    return {
        m.key: 1 - short * min(max(math.sqrt(holding(m)) / average, 1 / SPREAD), SPREAD)
        for m in members
    }


def _by_chance(
    members: Sequence[TargetInput], short: float, holding: Callable[[TargetInput], float]
) -> dict[str, float]:
    """The Lagrangian allocation: each item's chance of running short in a cycle is its
    holding cost ÷ λ, its shortfall spread × G(z) (within the bounds), λ found so that the
    units-weighted shortfall is the class's (a root of a decreasing function of log λ, by
    the Illinois method, to within a millionth of a point)."""
    sold = sum(m.rate for m in members)
    if sold <= 0:
        return {}
    low_short = short / LEARNED_SPREAD
    high_short = max(min(short * LEARNED_SPREAD, MAX_SHORTFALL), short)
    logs = [math.log(holding(m)) for m in members]
    rows = [
        (m.spread or 0.0, log - _LOG_START, m.rate / sold)
        for m, log in zip(members, logs, strict=True)
    ]
    last = _GRID - 1
    first_loss, last_loss, losses, per_step = _LOSSES[0], _LOSSES[-1], _LOSSES, 1 / _LOG_STEP

    def excess(log_lambda: float) -> float:
        """The class's units-weighted shortfall − its target's. It runs for every item some
        ten times a class, so ``shortage_per_spread`` and the bounds are inlined."""
        total = 0.0
        for spread, offset, weight in rows:
            place = (offset - log_lambda) * per_step
            if place <= 0:
                loss = first_loss
            elif place >= last:
                loss = last_loss
            else:
                index = int(place)
                low = losses[index]
                loss = low + (place - index) * (losses[index + 1] - low)
            value = spread * loss
            total += weight * (
                low_short if value < low_short else high_short if value > high_short else value
            )
        return total - short

    # at ``left`` every chance is the highest, at ``right`` the lowest
    left = min(logs) - math.log(_CHANCE_HIGH)
    right = max(logs) - math.log(_CHANCE_LOW)
    f_left, f_right = excess(left), excess(right)
    # where even the highest chances leave the class above its target, they are the least stock
    chosen = left if f_left <= 0 else _root(excess, left, f_left, right, f_right)
    return {
        m.key: 1
        - min(max((m.spread or 0.0) * shortage_per_spread(log - chosen), low_short), high_short)
        for m, log in zip(members, logs, strict=True)
    }


def _root(
    function: Callable[[float], float], left: float, f_left: float, right: float, f_right: float
) -> float:
    """A root of a decreasing ``function`` between ``left`` (> 0) and ``right`` (≤ 0): the
    Illinois variant of regula falsi, ending where the value is within 1e-8 (a millionth of a
    point of fill) or the bracket is negligible. Returns a point whose value is ≤ 0 or within
    the tolerance, so the class never falls short of its target by more than that."""
    side = 0
    for _ in range(100):
        if f_right >= -1e-8 or right - left < 1e-12:
            return right
        point = right - f_right * (right - left) / (f_right - f_left)
        value = function(point)
        if value > 0:
            left, f_left = point, value
            if side == -1:
                f_right /= 2
            side = -1
        else:
            right, f_right = point, value
            if side == 1:
                f_left /= 2
            side = 1
    return right
