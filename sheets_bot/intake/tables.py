"""A sheet read from a file: its name and its rows, every cell as text."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

Rows = list[list[str]]


@dataclass(frozen=True)
class RawSheet:
    name: str
    rows: Rows
    numbers: dict[tuple[int, int], Decimal] = field(default_factory=dict)
    """Cells the file stored as numbers (XLSX, ODS), by (0-based row, column): their value
    needs no locale to read."""


def cell_to_text(value: object) -> str:
    """A spreadsheet value as the text a person would read in the cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def trim_row(row: list[str]) -> list[str]:
    """The row without its trailing blank cells."""
    end = len(row)
    while end and not row[end - 1].strip():
        end -= 1
    return row[:end]


def typed_number(value: object) -> Decimal | None:
    """A spreadsheet cell's number when the file stored it as one (not text, not a bool)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return Decimal(repr(value)) if not value.is_integer() else Decimal(int(value))
    return Decimal(value)
