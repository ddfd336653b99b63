"""Frozen records changed field by field, without a copy when nothing changes."""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

R = TypeVar("R", bound="DataclassInstance")


@cache
def _plain_fields(cls: type) -> frozenset[str] | None:
    """The field names of a dataclass whose instances are just their fields in ``__dict__``
    (no ``__post_init__``, no init-only or non-init fields, no slots): a copy of such a record
    with some fields changed is what ``replace`` would build. ``None`` for any other class."""
    if not dataclasses.is_dataclass(cls) or hasattr(cls, "__post_init__"):
        return None
    fields = dataclasses.fields(cls)
    if "__slots__" in cls.__dict__ or any(not f.init for f in fields):
        return None
    if len(cls.__dataclass_fields__) != len(fields):  # InitVar or ClassVar pseudo-fields
        return None
    return frozenset(f.name for f in fields)


def with_changes(record: R, **changes: Any) -> R:
    """``dataclasses.replace(record, **changes)``, or ``record`` itself when every change is
    the value it already holds (same type, equal). The check does this for every item, and
    for most items nothing changes: ``replace`` builds and validates a whole new record.

    Where a field does change, a plain record (see ``_plain_fields``) is copied field by field
    rather than through ``__init__``: the same record, several times faster. A record holding
    more than its fields (a ``cached_property`` worked out) goes through ``replace``."""
    for name, value in changes.items():
        current = getattr(record, name)
        if current is not value and (type(current) is not type(value) or current != value):
            return _changed(record, changes)
    return record


def _changed(record: R, changes: dict[str, Any]) -> R:
    fields = _plain_fields(type(record))
    if fields is None or not fields.issuperset(changes) or len(vars(record)) != len(fields):
        return replace(record, **changes)
    copy = object.__new__(type(record))
    state = copy.__dict__
    state.update(vars(record))
    state.update(changes)
    return copy
