"""Lead time from actual deliveries: the 85th percentile of receipts once there are enough.

Per item where the item has at least 8 receipts, else per supplier with at least 8, else the
sheet's number. The 85th percentile (not the mean) so that most deliveries arrive within it:
an order placed at the reorder point is covered 17 times in 20 without touching the buffer.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from sheets_bot.domain.history import Receipt
from sheets_bot.domain.models import supplier_key
from sheets_bot.domain.sheet_numbers import plain

MIN_RECEIPTS = 8
PERCENTILE = 0.85


@dataclass(frozen=True)
class LeadEstimate:
    days: float
    """The lead time to plan with."""
    method: str
    learned: bool
    mean: float
    """Average lead time (the plan's value when nothing was learned)."""
    stdev: float
    """Spread of actual lead times (0 when nothing was learned)."""
    receipts: int = 0

    @property
    def why(self) -> str:
        if not self.learned:
            return f"{plain(self.days)} days lead time ({self.method})"
        return f"{plain(self.days)} days lead time learned ({self.method})"


def percentile(values: Sequence[float], fraction: float) -> float:
    """Linear interpolation between the closest ranks (as a spreadsheet's PERCENTILE)."""
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (position - low) * (ordered[high] - ordered[low])


def from_lead_days(
    lead_days: Sequence[float], whose: str, fallback: float, fallback_method: str
) -> LeadEstimate:
    if len(lead_days) < MIN_RECEIPTS:
        return LeadEstimate(fallback, fallback_method, False, fallback, 0.0, len(lead_days))
    days = percentile(lead_days, PERCENTILE)
    return LeadEstimate(
        days=days,
        method=f"85th percentile of {len(lead_days)} {whose} receipts",
        learned=True,
        mean=statistics.fmean(lead_days),
        stdev=statistics.pstdev(lead_days),
        receipts=len(lead_days),
    )


def estimate_lead_time(
    receipts: Sequence[Receipt], *, sku: str, supplier: str, sheet_days: float
) -> LeadEstimate:
    """The item's own receipts if it has 8, else its supplier's, else the sheet's value."""
    if not receipts:  # a shop without deliveries yet: the sheet's value, nothing to search
        return from_lead_days((), "supplier", sheet_days, "sheet")
    wanted = sku.casefold()
    own = [r.lead_days for r in receipts if r.sku.casefold() == wanted and r.received > 0]
    if len(own) >= MIN_RECEIPTS:
        return from_lead_days(own, "item", sheet_days, "")
    key = supplier_key(supplier)
    theirs = [r.lead_days for r in receipts if supplier_key(r.supplier) == key and r.received > 0]
    note = f"sheet; {len(theirs)} of {MIN_RECEIPTS} receipts so far" if theirs else "sheet"
    return from_lead_days(theirs, "supplier", sheet_days, note)
