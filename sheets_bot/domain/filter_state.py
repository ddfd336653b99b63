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


_COMPLETE: Final = frozenset(DemandFilter.__slots__) == NAMED
"""Every slot named: ``load`` may set them all on a bare filter (else it starts from a new
one, so that a slot added without being named here has its first value, not none)."""
_AT_REALS: Final = len(COUNTS)
_AT_ERRORS: Final = _AT_REALS + len(REALS)
_AT_RECENT: Final = _AT_ERRORS + ERRORS[1]
_AT_KINDS: Final = _AT_RECENT + 2
_KIND_OF: Final[dict[float, DemandClass | None]] = {code: kind for kind, code in _CODE.items()}


def load(values: Sequence[float]) -> DemandFilter:
    """The filter ``dump`` gave ``values``; ``ValueError`` when they cannot be one."""
    if len(values) != WIDTH:
        raise ValueError(f"{len(values)} numbers where a demand filter has {WIDTH}")
    [state] = load_many([[float(value)] for value in values])
    return state


def load_many(columns: Sequence[Sequence[float]]) -> list[DemandFilter]:
    """The filters whose numbers ``columns`` holds field by field (``WIDTH`` columns, one
    number per filter in each); ``ValueError`` when they cannot be filters.

    Made for speed, as the check loads every item's filter each day: the numbers are checked
    a column at a time, then each filter is set slot by slot."""
    if len(columns) != WIDTH:
        raise ValueError(f"{len(columns)} numbers where a demand filter has {WIDTH}")
    for column in columns:
        if not all(map(isfinite, column)):
            raise ValueError("a number that is not finite")
    wholes = [*columns[: len(COUNTS)], columns[_AT_RECENT], columns[_AT_RECENT + 1]]
    for column in wholes:
        if column and (min(column) < 0 or not all(map(float.is_integer, column))):
            raise ValueError("a count that is not a whole number")
    for column in columns[_AT_KINDS:]:
        if not set(column) <= _KIND_OF.keys():
            raise ValueError(f"the unknown class code {max(column)}")
    if columns[_AT_RECENT] and max(columns[_AT_RECENT]) > RECENT_DAYS:
        raise ValueError(f"more than {RECENT_DAYS} recent days")
    filters = []
    new = DemandFilter.__new__ if _COMPLETE else None
    for row in zip(*columns, strict=True):
        state = new(DemandFilter) if new is not None else DemandFilter()
        for name, value in zip(COUNTS, row[:_AT_REALS], strict=True):
            setattr(state, name, int(value))
        for name, value in zip(REALS, row[_AT_REALS:_AT_ERRORS], strict=True):
            setattr(state, name, value)
        setattr(state, ERRORS[0], list(row[_AT_ERRORS:_AT_RECENT]))
        length, mask = int(row[_AT_RECENT]), int(row[_AT_RECENT + 1])
        if mask >> length:
            raise ValueError(f"{length} recent days with the stock-out mask {mask}")
        flags = (False,) * length if not mask else (bool(mask >> n & 1) for n in range(length))
        setattr(state, RECENT, deque(flags, maxlen=RECENT_DAYS))
        for name, code in zip(KINDS, row[_AT_KINDS:], strict=True):
            setattr(state, name, _KIND_OF[code])
        filters.append(state)
    return filters
