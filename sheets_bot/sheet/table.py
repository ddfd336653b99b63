"""A tab read by header: columns found by header text, rows found by their id, never by position."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from sheets_bot.domain.sheet_numbers import as_float
from sheets_bot.errors import SheetLayoutError
from sheets_bot.ports import Cell, CellWrite, Grid, Written
from sheets_bot.sheet.layout import TabSpec, normalise_header


def is_blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _all_blank(cells: Sequence[Cell]) -> bool:
    """``all(is_blank(value) for value in cells)``, inlined: it runs on every row read."""
    for value in cells:
        if value is not None and not (isinstance(value, str) and not value.strip()):
            return False
    return True


_EXACT_INT: Final = 2**53
"""Integers below this in size are exact as doubles: their text is their digits."""


def cell_text(value: Cell) -> str:
    """A cell as comparable text: numbers without trailing zeros, text stripped, blank as ''."""
    if value is None:
        return ""
    # The common cells first, by exact type (a check reads and writes hundreds of thousands).
    if type(value) is str:
        return value.strip()
    if type(value) is int and -_EXACT_INT < value < _EXACT_INT:
        return str(value)
    if type(value) is float:
        return number_text(value)
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return number_text(value)
    return str(value).strip()


def number_text(value: int | float) -> str:
    """Any number as text, never raising: ``inf`` and ``nan`` for what is not finite, the
    digits of an integer too long for a double (or its length, past Python's limit)."""
    if type(value) is float:
        number = round(value, 6)
        if not math.isfinite(number):
            return str(number)
        return str(int(number)) if number.is_integer() else repr(number)
    if isinstance(value, int) and not math.isfinite(as_float(value)):
        try:
            return str(value)
        except ValueError:
            return f"a number of about {int(value.bit_length() * math.log10(2))} digits"
    number = round(as_float(value), 6)
    if not math.isfinite(number):
        return str(number)
    return str(int(number)) if number.is_integer() else repr(number)


@dataclass(frozen=True)
class Row:
    """One data row: its 1-based sheet row number and its values by layout column name."""

    number: int
    values: Mapping[str, Cell]

    def __getitem__(self, column: str) -> Cell:
        return self.values.get(column)

    def text(self, column: str) -> str:
        return cell_text(self.values.get(column))


class Table:
    """A tab's rows keyed by the layout's column names, whatever their position or spelling."""

    def __init__(self, spec: TabSpec, columns: Mapping[str, int], rows: list[Row], last_row: int):
        self.spec = spec
        self.columns = dict(columns)
        self.rows = rows
        self.last_row = last_row

    @property
    def name(self) -> str:
        return self.spec.name

    @classmethod
    def from_grid(cls, spec: TabSpec, grid: Grid | None) -> Table:
        """Raises ``SheetLayoutError`` naming the tab, or the tab and a missing header."""
        if grid is None:
            raise SheetLayoutError(spec.name, None)
        header_row = grid[0] if grid else []
        found: dict[str, int] = {}
        for index, text in enumerate(header_row, start=1):
            key = normalise_header(text) if not is_blank(text) else ""
            if key and key not in found:
                found[key] = index
        columns: dict[str, int] = {}
        for column in spec.columns:
            position = found.get(normalise_header(column.name))
            if position is not None:
                columns[column.name] = position
            elif not column.optional:
                raise SheetLayoutError(spec.name, column.name)
        rows: list[Row] = []
        last_row = 1
        indexes = [(name, position - 1) for name, position in columns.items()]
        for number, raw in enumerate(grid[1:], start=2):
            if _all_blank(raw):
                continue
            last_row = number
            width = len(raw)
            values = {name: raw[index] if index < width else None for name, index in indexes}
            rows.append(Row(number, values))
        return cls(spec, columns, rows, last_row)

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def has(self, column: str) -> bool:
        return column in self.columns

    def column(self, name: str) -> int:
        return self.columns[name]

    def write(self, row: int, column: str, value: Written) -> CellWrite:
        return CellWrite(self.name, row, self.columns[column], value)

    def new_row(self, values: Mapping[str, Cell]) -> list[Cell]:
        """A row to append, laid out in this tab's actual column order."""
        width = max(self.columns.values(), default=0)
        cells: list[Cell] = [None] * width
        for name, value in values.items():
            if name in self.columns:
                cells[self.columns[name] - 1] = value
        return cells
