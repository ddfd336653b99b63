"""A ``DemandFilter`` as plain numbers, so the check can keep it from one day to the next.

``dump`` gives a tuple of floats (ints, classes and the recent stock-out flags coded as exact
numbers), ``load`` makes the filter again from it. Every slot of ``DemandFilter`` is named
here, once, with how it is coded; ``LAYOUT`` spells that out (with ``STATE_VERSION``) and is
saved with the numbers, so a state written by a filter of another shape is never read into
this one: the caller learns that item again from its window.

When the filter changes (``sheets_bot/domain/forecast.py``):
- a slot added, removed or renamed: name it below; ``LAYOUT`` changes by itself and
  ``tests/unit/test_learned_demand.py`` fails until every slot is named;
- a slot kept but meaning something else (a new smoothing, another unit): bump
  ``STATE_VERSION``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from math import isfinite
from operator import attrgetter
from typing import Final

from sheets_bot.domain.demand_class import DemandClass
from sheets_bot.domain.forecast import RECENT_DAYS, DemandFilter

STATE_VERSION: Final = 1
"""Bump when a slot keeps its name but its meaning changes."""

COUNTS: Final = ("days", "observed_days", "selling_days", "stock_out_days", "_gap")
"""Whole numbers, at least 0."""
REALS: Final = (
    "size_sum",
    "size_squares",
    "_level",
    "_size",
    "_interval",
    "_probability",
    "_whole",
)
"""Floats, kept exactly (float64)."""
ERRORS: Final = ("_squared_errors", 3)
"""A list of three floats (SES, SBA, TSB)."""
RECENT: Final = "_recent"
"""The last ``RECENT_DAYS`` stock-out flags: their number, then a bit mask (oldest first)."""
KINDS: Final = ("_checkpoint_kind", "_prior_kind", "_last_kind")
"""A demand class or none: 0 for none, else 1 + its place in ``DemandClass``."""

NAMED: Final = frozenset((*COUNTS, *REALS, ERRORS[0], RECENT, *KINDS))

_CLASSES: Final = tuple(DemandClass)
_CODE: Final[dict[DemandClass | None, float]] = {None: 0.0} | {
    kind: float(n + 1) for n, kind in enumerate(_CLASSES)
}
_scalars = attrgetter(*COUNTS, *REALS)
_kinds = attrgetter(*KINDS)

LAYOUT: Final = (
    f"v{STATE_VERSION};"
    + ",".join(COUNTS)
    + ";"
    + ",".join(REALS)
    + f";{ERRORS[0]}*{ERRORS[1]};{RECENT}*{RECENT_DAYS};"
    + ",".join(KINDS)
    + "="
    + "|".join(kind.value for kind in _CLASSES)
    + ";slots="
    + ",".join(sorted(DemandFilter.__slots__))
)
"""What the numbers are, in order; a saved state with another layout is not read."""

WIDTH: Final = len(COUNTS) + len(REALS) + ERRORS[1] + 2 + len(KINDS)
"""Numbers per filter."""


def dump(state: DemandFilter) -> tuple[float, ...]:
    """The filter as ``WIDTH`` exact numbers, in ``LAYOUT`` order."""
    recent: deque[bool] = getattr(state, RECENT)
    mask = 0
    if any(recent):
        mask = sum(1 << n for n, out in enumerate(recent) if out)
    return (
        *_scalars(state),
        *getattr(state, ERRORS[0]),
        float(len(recent)),
        float(mask),
        *(_CODE[kind] for kind in _kinds(state)),
    )


def _count(value: float) -> int:
    if not (isfinite(value) and value >= 0 and value == int(value)):
        raise ValueError(f"{value!r} is not a count")
    return int(value)


def load(values: Sequence[float]) -> DemandFilter:
    """The filter ``dump`` gave ``values``; ``ValueError`` when they cannot be one."""
    if len(values) != WIDTH:
        raise ValueError(f"{len(values)} numbers where a demand filter has {WIDTH}")
    state = DemandFilter()
    at = 0
    for name in COUNTS:
        setattr(state, name, _count(values[at]))
        at += 1
    for name in REALS:
        value = float(values[at])
        if not isfinite(value):
            raise ValueError(f"{name} is {value!r}")
        setattr(state, name, value)
        at += 1
    errors = [float(value) for value in values[at : at + ERRORS[1]]]
    if not all(isfinite(value) for value in errors):
        raise ValueError(f"{ERRORS[0]} are {errors!r}")
    setattr(state, ERRORS[0], errors)
    at += ERRORS[1]
    length, mask = _count(values[at]), _count(values[at + 1])
    at += 2
    if length > RECENT_DAYS or mask >> length:
        raise ValueError(f"{length} recent days with the stock-out mask {mask}")
    setattr(state, RECENT, deque((bool(mask >> n & 1) for n in range(length)), maxlen=RECENT_DAYS))
    for name in KINDS:
        code = _count(values[at])
        if code > len(_CLASSES):
            raise ValueError(f"{name} has the unknown class code {code}")
        setattr(state, name, _CLASSES[code - 1] if code else None)
        at += 1
    return state
