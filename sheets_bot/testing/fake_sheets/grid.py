"""One tab's state: its properties, its cells, and what is anchored to its rows and columns.

Cells are stored sparsely by (row, column), zero-based. A cell carries its value and the
per-cell things Google keeps with it (format, data validation, note), so inserting or
deleting rows and columns moves all of them together. Protected ranges, conditional format
rules and row/column properties are anchored to grid ranges, and move with them too.

:class:`Cell` is immutable and every JSON mapping a cell or range holds is treated as
immutable, which makes :meth:`Sheet.clone` cheap: batch requests run against a clone and are
committed only if all of them succeed.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from .cell_values import CellValue

Dimension = Literal["ROWS", "COLUMNS"]
JsonObject = dict[str, Any]

DEFAULT_ROW_PIXELS = 21
DEFAULT_COLUMN_PIXELS = 100


@dataclass(frozen=True)
class Cell:
    value: CellValue | None = None
    format: JsonObject | None = None
    validation: JsonObject | None = None
    note: str | None = None

    def is_empty(self) -> bool:
        return self.value is None and not self.format and not self.validation and not self.note


@dataclass
class Sheet:
    """A grid tab. ``extra_properties`` keeps ``SheetProperties`` fields the fake does not
    interpret (``tabColorStyle``, ``rightToLeft`` ...) so they round-trip."""

    sheet_id: int
    title: str
    row_count: int = 1000
    column_count: int = 26
    frozen_row_count: int = 0
    frozen_column_count: int = 0
    hidden: bool = False
    hide_gridlines: bool = False
    extra_properties: JsonObject = field(default_factory=dict)
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    protected_ranges: list[JsonObject] = field(default_factory=list)
    conditional_formats: list[JsonObject] = field(default_factory=list)
    row_properties: dict[int, JsonObject] = field(default_factory=dict)
    column_properties: dict[int, JsonObject] = field(default_factory=dict)

    def clone(self) -> Sheet:
        return replace(
            self,
            extra_properties=copy.deepcopy(self.extra_properties),
            cells=dict(self.cells),
            protected_ranges=list(self.protected_ranges),
            conditional_formats=list(self.conditional_formats),
            row_properties=dict(self.row_properties),
            column_properties=dict(self.column_properties),
        )

    def properties_json(self, index: int) -> JsonObject:
        """``SheetProperties`` as Google returns it: defaults (0, false) are left out."""
        grid: JsonObject = {"rowCount": self.row_count, "columnCount": self.column_count}
        if self.frozen_row_count:
            grid["frozenRowCount"] = self.frozen_row_count
        if self.frozen_column_count:
            grid["frozenColumnCount"] = self.frozen_column_count
        if self.hide_gridlines:
            grid["hideGridlines"] = True
        properties: JsonObject = {
            "sheetId": self.sheet_id,
            "title": self.title,
            "index": index,
            "sheetType": "GRID",
            "gridProperties": grid,
        }
        if self.hidden:
            properties["hidden"] = True
        properties.update(copy.deepcopy(self.extra_properties))
        return properties

    def cell(self, row: int, col: int) -> Cell:
        return self.cells.get((row, col), _EMPTY)

    def value(self, row: int, col: int) -> CellValue | None:
        return self.cell(row, col).value

    def update_cell(self, row: int, col: int, **changes: Any) -> None:
        updated = replace(self.cell(row, col), **changes)
        if updated.is_empty():
            self.cells.pop((row, col), None)
        else:
            self.cells[(row, col)] = updated

    def values_in(self, rows: range, cols: range) -> Iterator[tuple[int, int, CellValue]]:
        for (row, col), cell in self.cells.items():
            if cell.value is not None and row in rows and col in cols:
                yield row, col, cell.value

    def resize(self, rows: int, cols: int) -> None:
        """Shrinking drops whatever lies outside the new grid."""
        if rows < self.row_count:
            self.delete_dimension("ROWS", rows, self.row_count)
        if cols < self.column_count:
            self.delete_dimension("COLUMNS", cols, self.column_count)
        self.row_count, self.column_count = rows, cols

    def insert_dimension(self, dimension: Dimension, start: int, end: int) -> None:
        count = end - start
        axis = 0 if dimension == "ROWS" else 1
        self.cells = {
            _moved(key, axis, count if key[axis] >= start else 0): cell
            for key, cell in self.cells.items()
        }
        self._shift_anchored(lambda gr: shift_for_insert(gr, dimension, start, end))
        self._shift_properties(dimension, lambda i: i + count if i >= start else i)
        if dimension == "ROWS":
            self.row_count += count
        else:
            self.column_count += count

    def delete_dimension(self, dimension: Dimension, start: int, end: int) -> None:
        count = end - start
        axis = 0 if dimension == "ROWS" else 1
        self.cells = {
            _moved(key, axis, -count if key[axis] >= end else 0): cell
            for key, cell in self.cells.items()
            if not start <= key[axis] < end
        }
        self._shift_anchored(lambda gr: shift_for_delete(gr, dimension, start, end))
        self._shift_properties(
            dimension, lambda i: None if start <= i < end else (i - count if i >= end else i)
        )
        if dimension == "ROWS":
            self.row_count -= count
            self.frozen_row_count = min(self.frozen_row_count, self.row_count)
        else:
            self.column_count -= count
            self.frozen_column_count = min(self.frozen_column_count, self.column_count)

    def _shift_anchored(self, shift: Callable[[JsonObject], JsonObject | None]) -> None:
        """Move protected ranges and conditional format rules; drop what no longer covers
        any cell."""
        protected: list[JsonObject] = []
        for item in self.protected_ranges:
            moved = shift(item["range"])
            if moved is not None:
                protected.append({**item, "range": moved})
        self.protected_ranges = protected
        rules: list[JsonObject] = []
        for rule in self.conditional_formats:
            ranges = [r for r in (shift(gr) for gr in rule.get("ranges", [])) if r is not None]
            if ranges:
                rules.append({**rule, "ranges": ranges})
        self.conditional_formats = rules

    def _shift_properties(self, dimension: Dimension, move: Callable[[int], int | None]) -> None:
        source = self.row_properties if dimension == "ROWS" else self.column_properties
        moved: dict[int, JsonObject] = {}
        for index, props in source.items():
            new_index = move(index)
            if new_index is not None:
                moved[new_index] = props
        if dimension == "ROWS":
            self.row_properties = moved
        else:
            self.column_properties = moved


_EMPTY = Cell()


def _moved(key: tuple[int, int], axis: int, delta: int) -> tuple[int, int]:
    return (key[0] + delta, key[1]) if axis == 0 else (key[0], key[1] + delta)


def _keys(dimension: Dimension) -> tuple[str, str]:
    if dimension == "ROWS":
        return "startRowIndex", "endRowIndex"
    return "startColumnIndex", "endColumnIndex"


def shift_for_insert(
    grid_range: JsonObject, dimension: Dimension, start: int, end: int
) -> JsonObject:
    """A ``GridRange`` after ``end - start`` rows/columns are inserted at ``start``: ranges
    below move down, ranges spanning the insertion point grow."""
    low_key, high_key = _keys(dimension)
    count = end - start
    moved = dict(grid_range)
    low, high = grid_range.get(low_key), grid_range.get(high_key)
    if low is not None and low >= start:
        moved[low_key] = low + count
    if high is not None and high > start:
        moved[high_key] = high + count
    return moved


def shift_for_delete(
    grid_range: JsonObject, dimension: Dimension, start: int, end: int
) -> JsonObject | None:
    """A ``GridRange`` after rows/columns ``[start, end)`` are deleted; ``None`` if nothing of
    it is left."""
    low_key, high_key = _keys(dimension)
    count = end - start

    def moved_index(index: int) -> int:
        if index <= start:
            return index
        return max(start, index - count)

    moved = dict(grid_range)
    low, high = grid_range.get(low_key), grid_range.get(high_key)
    if low is not None:
        moved[low_key] = moved_index(low)
    if high is not None:
        moved[high_key] = moved_index(high)
    if low is not None and high is not None and moved[low_key] >= moved[high_key]:
        return None
    return moved
