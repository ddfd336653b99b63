"""Safety stock by the owner's choice (Settings, ``Safety method``):

- ``fill rate`` (default): the stock above the expected demand of the protection interval
  that serves the class's fill-rate target (Settings ``Fill target A/B/C``) from the shelf,
  given the order actually placed (``fill_rate``); used where the learned demand is;
- ``buffer``: the sheet's ``Safety buffer``, as typed, always.

Without enough history the typed buffer stays, and the ``Why`` says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sheets_bot.domain.fill_rate import ProtectionDemand, reorder_point_for_fill
from sheets_bot.domain.models import SafetyMethod
from sheets_bot.domain.sheet_numbers import plain

FILL_TARGETS = {"A": 0.98, "B": 0.95, "C": 0.90}
"""Default share of units demanded served from the shelf, per ABC class."""
__all__ = ["FILL_TARGETS", "SafetyMethod", "SafetyStock", "cycle_order", "stock_for"]


@dataclass(frozen=True)
class SafetyStock:
    units: float
    """Reorder point − expected demand over the protection interval (may be below 0 when the
    order size alone serves the target)."""
    reorder_point: float
    order: int
    """The order size the fill rate was computed for."""
    distribution: str
    why: str


def cycle_order(rate: float, cycle_days: float, pack_size: int, min_order: int | None) -> int:
    """The order placed each cycle: ``cycle_days`` of demand, raised to the minimum order and
    rounded up to whole packs (at least one pack)."""
    pack = max(pack_size, 1)
    units = max(math.ceil(rate * cycle_days - 1e-9), min_order or 0, 1)
    return max(-(-units // pack) * pack, pack)


def stock_for(
    demand: ProtectionDemand, *, rate: float, target: float, order: int, review_days: int = 1
) -> SafetyStock:
    """The safety stock of ``demand`` over its protection interval (``protection_demand``)
    for ``target`` with orders of ``order``: its reorder point − the rate × its days."""
    point = reorder_point_for_fill(demand, target, order)
    units = point - rate * demand.days
    between = "a day's sale" if review_days <= 1 else f"{review_days} days of sales"
    why = (
        f"safety stock {plain(round(units, 1))} for {plain(round(target * 100, 1))}% fill"
        f" with orders of {order}, allowing for {between} before the next order can go"
        f" ({demand.distribution}, σ {plain(round(demand.stdev, 1))})"
    )
    return SafetyStock(units, point, order, demand.distribution, why)
