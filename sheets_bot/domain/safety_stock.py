"""Safety stock by the owner's choice (Settings, ``Safety method``):

- ``buffer`` (default): the sheet's ``Safety buffer``, as typed;
- ``peak``: (peak daily sales − average daily sales) × average lead time, the stock that covers
  a lead time of peak days;
- ``service level``: z × √(L·σd² + d²·σL²), from the spread of daily demand (σd) and of lead
  times (σL), with z for a target per ABC class (A 99%, B 95%, C 90%).

Without enough history the learned methods fall back to the typed buffer, and say so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from statistics import NormalDist

from sheets_bot.domain.demand import RateEstimate
from sheets_bot.domain.lead_time import LeadEstimate
from sheets_bot.domain.models import SafetyMethod
from sheets_bot.domain.sheet_numbers import plain

SERVICE_TARGETS = {"A": 0.99, "B": 0.95, "C": 0.90}
__all__ = ["SERVICE_TARGETS", "SafetyMethod", "SafetyStock", "safety_stock", "z_score"]


@dataclass(frozen=True)
class SafetyStock:
    units: float
    method: str

    @property
    def why(self) -> str:
        return f"safety stock {plain(self.units)} ({self.method})"


def z_score(target: float) -> float:
    return NormalDist().inv_cdf(target)


def service_level_stock(
    *, rate: float, stdev: float, lead_mean: float, lead_stdev: float, target: float
) -> float:
    return z_score(target) * math.sqrt(lead_mean * stdev**2 + rate**2 * lead_stdev**2)


def safety_stock(
    method: SafetyMethod,
    *,
    buffer: float,
    rate: RateEstimate | None,
    lead: LeadEstimate,
    abc: str,
    targets: Mapping[str, float] = SERVICE_TARGETS,
) -> SafetyStock:
    if method is SafetyMethod.BUFFER:
        return SafetyStock(buffer, "your safety buffer")
    if rate is None:
        return SafetyStock(buffer, f"your safety buffer: too little history for {method.value}")
    if method is SafetyMethod.PEAK:
        units = max(rate.peak - rate.mean, 0.0) * lead.mean
        return SafetyStock(
            units,
            f"peak: ({plain(rate.peak)} − {plain(rate.mean)}/day) × {plain(lead.mean)} days",
        )
    target = targets.get(abc, targets["C"])
    units = service_level_stock(
        rate=rate.rate,
        stdev=rate.stdev,
        lead_mean=lead.mean,
        lead_stdev=lead.stdev,
        target=target,
    )
    return SafetyStock(units, f"service level {round(target * 100, 2):g}% for class {abc}")
