"""ABC classes by share of value moved (units × unit cost a day): A items make the first 80%,
B the next 15%, C the last 5% (and items that move no value)."""

from __future__ import annotations

from collections.abc import Mapping

A_SHARE = 0.80
B_SHARE = 0.95


def classify(revenue: Mapping[str, float]) -> dict[str, str]:
    """Class per key. An item is A while the revenue of the items ranked above it is under 80%
    of the total, B while under 95%, else C; ties rank by key so the result is stable."""
    total = sum(value for value in revenue.values() if value > 0)
    classes: dict[str, str] = {}
    before = 0.0
    for key, value in sorted(revenue.items(), key=lambda kv: (-kv[1], kv[0])):
        if value <= 0 or total <= 0:
            classes[key] = "C"
            continue
        share = before / total
        classes[key] = "A" if share < A_SHARE else "B" if share < B_SHARE else "C"
        before += value
    return classes
