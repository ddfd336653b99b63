"""A line of goods at a unit cost, and the total of several: shared by the drafts the digest
shows and the POs the owner approved, so both add up the same way."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class PricedLine:
    sku: str
    item: str
    quantity: int
    unit_cost: Decimal | None

    @property
    def total(self) -> Decimal | None:
        """Quantity times unit cost; ``None`` without a unit cost."""
        return None if self.unit_cost is None else self.unit_cost * self.quantity


def lines_total(lines: Iterable[PricedLine]) -> Decimal | None:
    """The sum of the lines; ``None`` when any line has no unit cost (a partial sum would
    read as the order's total and be wrong)."""
    totals = [line.total for line in lines]
    if any(total is None for total in totals):
        return None
    return sum((total for total in totals if total is not None), Decimal(0))
