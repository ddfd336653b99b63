"""An item's recent on hand as a tiny trend: text blocks, or a Google Sheets SPARKLINE.

Both are built from numbers only (never from text read anywhere), so the formula is one of
the bot's own making and safe to write as a formula.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final

BLOCKS: Final = "▁▂▃▄▅▆▇█"
TREND_DAYS: Final = 14
"""Days of closing on hand the trend shows (today's on hand is the last point)."""


def _finite(points: Sequence[float]) -> list[float]:
    return [float(point) for point in points if math.isfinite(point)]


def text_sparkline(points: Sequence[float]) -> str:
    """``[0, 5, 10]`` -> ``▁▅█``: each point scaled between the lowest and highest."""
    values = _finite(points)
    if not values:
        return ""
    low, high = min(values), max(values)
    if high == low:
        return BLOCKS[len(BLOCKS) // 2 - 1] * len(values)
    top = len(BLOCKS) - 1
    return "".join(BLOCKS[round((value - low) / (high - low) * top)] for value in values)


def _number(value: float) -> str:
    rounded = round(value, 2)
    return str(int(rounded)) if rounded == int(rounded) else repr(rounded)


def sparkline_formula(points: Sequence[float]) -> str:
    """``=SPARKLINE({12,10,8})``: an array literal of numbers, nothing else."""
    values = _finite(points)
    return "=SPARKLINE({" + ",".join(_number(value) for value in values) + "})"
