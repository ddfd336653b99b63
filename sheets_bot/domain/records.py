"""Frozen records changed field by field, without a copy when nothing changes."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

R = TypeVar("R", bound="DataclassInstance")


def with_changes(record: R, **changes: Any) -> R:
    """``dataclasses.replace(record, **changes)``, or ``record`` itself when every change is
    the value it already holds (same type, equal). The check does this for every item, and
    for most items nothing changes: ``replace`` builds and validates a whole new record."""
    for name, value in changes.items():
        current = getattr(record, name)
        if current is not value and (type(current) is not type(value) or current != value):
            return replace(record, **changes)
    return record
