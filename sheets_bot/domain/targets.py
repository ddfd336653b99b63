"""Each item's fill target, so that its ABC class reaches the class's target at the least stock
value (Settings ``Fill target A/B/C`` are the classes' averages, weighted by units sold).

A unit short is a unit short whichever item it is, but a unit of safety stock costs its unit
cost, held for a cycle. Spending the same money where it prevents the most shortages gives
(a Lagrangian argument, Silver, Pyke & Thomas §7.6 with a cost per unit short) a chance of
running short per order that grows with unit cost × days between orders. The bot follows it
halfway (the square root), which keeps every item's target near its class's:

    shortfall allowed (1 − target) = (1 − class target) × √(cost × cycle) ÷ its average

where the average is weighted by units sold, so the class as a whole still meets its target.
An item's shortfall stays within a third and three times its class's (A: 94% … 99.3%), so no
item strays far from what the owner set. A slow, costly part gets a lower target than a fast,
cheap one of the same class: it cannot dominate the stock value. An item that has not sold
yet keeps its class's target: it weighs nothing in the average, so a lower target for it
would not be made up by the others once it sells.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

SPREAD = 3.0
"""An item's shortfall allowed is between 1/SPREAD and SPREAD times its class's."""


@dataclass(frozen=True)
class TargetInput:
    key: str
    abc: str
    rate: float
    """Units a day."""
    unit_cost: float | None
    cycle_days: float
    """Days between orders (lead time + review period)."""


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

        def weight(entry: TargetInput, usual: float = usual_cost) -> float:
            cost = entry.unit_cost if entry.unit_cost is not None and entry.unit_cost > 0 else usual
            return math.sqrt(cost * max(entry.cycle_days, 1.0))

        sold = sum(max(m.rate, 0.0) for m in members)
        average = sum(max(m.rate, 0.0) * weight(m) for m in members) / sold if sold > 0 else 0.0
        for member in members:
            if average <= 0 or member.rate <= 0:
                targets[member.key] = goal
                continue
            share = min(max(weight(member) / average, 1 / SPREAD), SPREAD)
            targets[member.key] = 1 - (1 - goal) * share
    return targets
