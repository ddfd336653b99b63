"""A tab read by header: columns found by header text, rows found by their id, never by position."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from sheets_bot.domain.sheet_numbers import as_float
from sheets_bot.errors import SheetLayoutError
from sheets_bot.ports import Cell, CellWrite, Grid, Written
from sheets_bot.sheet.layout import TabSpec, normalise_header


def is_blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: Cell) -> str:
    """A cell as comparable text: numbers without trailing zeros, text stripped, blank as ''."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return _number_text(value)
    return str(value).strip()


def _number_text(value: int | float) -> str:
    """Any number as text, never raising: ``inf`` and ``nan`` for what is not finite, the
    digits of an integer too long for a double (or its length, past Python's limit)."""
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
        for number, raw in enumerate(grid[1:], start=2):
            if all(is_blank(value) for value in raw):
                continue
            last_row = number
            values = {
                name: raw[position - 1] if position - 1 < len(raw) else None
                for name, position in columns.items()
            }
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
