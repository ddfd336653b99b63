"""The shape of an item's demand (Syntetos & Boylan, 2005): smooth, erratic, intermittent, lumpy.

Two numbers from the daily history, both checkable by hand:

- ADI, the average demand interval: days in the history ÷ days with a sale. 1 for an item
  that sells every day, 7 for one that sells once a week;
- CV², the squared coefficient of variation of the sizes on the days with a sale: their
  variance ÷ their mean squared. 0 when every sale is the same size.

The cut-offs 1.32 (ADI) and 0.49 (CV²) split the plane where Croston-type forecasts start to
beat exponential smoothing (Syntetos, Boylan & Croston, 2005):

=============  ============  ============
               CV² < 0.49    CV² ≥ 0.49
ADI < 1.32     smooth        erratic
ADI ≥ 1.32     intermittent  lumpy
=============  ============  ============
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

ADI_CUT = 1.32
CV2_CUT = 0.49


class DemandClass(StrEnum):
    SMOOTH = "smooth"
    ERRATIC = "erratic"
    INTERMITTENT = "intermittent"
    LUMPY = "lumpy"

    @property
    def sporadic(self) -> bool:
        """Intermittent or lumpy: days without a sale are the rule, not the exception."""
        return self in (DemandClass.INTERMITTENT, DemandClass.LUMPY)


def demand_class(adi: float, cv2: float) -> DemandClass:
    if adi < ADI_CUT:
        return DemandClass.SMOOTH if cv2 < CV2_CUT else DemandClass.ERRATIC
    return DemandClass.INTERMITTENT if cv2 < CV2_CUT else DemandClass.LUMPY


@dataclass(frozen=True)
class Shape:
    """ADI and CV² of a history, and the class they make."""

    days: int
    selling_days: int
    adi: float
    cv2: float

    @property
    def kind(self) -> DemandClass:
        return demand_class(self.adi, self.cv2)

    @property
    def why(self) -> str:
        return f"{self.kind.value}: ADI {self.adi:.2f}, CV² {self.cv2:.2f}"


def shape_of(days: int, selling_days: int, size_sum: float, size_squares: float) -> Shape | None:
    """From running totals (days, selling days, Σ size, Σ size²); ``None`` before any sale."""
    if selling_days <= 0 or size_sum <= 0:
        return None
    mean = size_sum / selling_days
    variance = max(size_squares / selling_days - mean * mean, 0.0)
    return Shape(days, selling_days, days / selling_days, variance / (mean * mean))


def classify(values: Iterable[float]) -> Shape | None:
    """The shape of a daily history (zeros are days without a sale)."""
    days = selling = 0
    total = squares = 0.0
    for value in values:
        days += 1
        if value > 0:
            selling += 1
            total += value
            squares += value * value
    return shape_of(days, selling, total, squares)
