"""Cell values on their way to Google: plain values, and formulas only of the bot's making.

Two encodings of the same thing: a ``RAW`` value for ``values.batchUpdate`` (Google stores a
RAW string as text, so ``=HYPERLINK(...)`` from an email stays text) and a typed
``ExtendedValue`` for ``updateCells`` inside a ``spreadsheets.batchUpdate`` (``stringValue``
is text in the same way). ``formulaValue`` is used for exactly two kinds of value, both built
by the bot itself: a ``BotFormula`` (from the layout) and a ``Sparkline`` (numbers only); a
batch holding one goes as ``updateCells``. Cells are grouped into rectangles so a batch
carries a few ranges rather than one per cell.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sheets_bot.ports import BotFormula, Cell, Sparkline, Written

JsonObject = dict[str, Any]


def raw_value(value: Cell) -> str | int | float | bool:
    """A ``RAW`` input value: ``""`` clears the cell (JSON ``null`` would leave it as it is)."""
    if value is None:
        return ""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def is_formula(value: Written) -> bool:
    return isinstance(value, BotFormula | Sparkline)


def cell_data(value: Written) -> JsonObject:
    """A ``CellData`` for ``updateCells`` with ``fields=userEnteredValue``: ``{}`` clears."""
    if isinstance(value, BotFormula):
        return {"userEnteredValue": {"formulaValue": value.text}}
    if isinstance(value, Sparkline):
        return {"userEnteredValue": {"formulaValue": value.formula}}
    if value is None:
        return {}
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if isinstance(value, int | float) and (not isinstance(value, float) or math.isfinite(value)):
        return {"userEnteredValue": {"numberValue": value}}
    return {"userEnteredValue": {"stringValue": str(value)}}


def read_value(value: Any) -> Cell:
    """A value as ``UNFORMATTED_VALUE`` returns it, as a ``Cell``: ``""`` is blank, whole
    numbers are ints (Google's JSON numbers are doubles)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    return str(value)


@dataclass
class Rectangle:
    """Rows of values whose top-left cell is (``row``, ``column``), 1-based."""

    row: int
    column: int
    rows: list[list[Written]] = field(default_factory=list)

    @property
    def width(self) -> int:
        return len(self.rows[0]) if self.rows else 0


def rectangles(cells: Mapping[tuple[int, int], Written]) -> list[Rectangle]:
    """Group cells keyed by 1-based (row, column): runs of adjacent columns in a row, and
    runs in consecutive rows that span the same columns stacked into one rectangle."""
    by_row: dict[int, list[int]] = {}
    for row, column in cells:
        by_row.setdefault(row, []).append(column)
    done: list[Rectangle] = []
    open_: dict[tuple[int, int], Rectangle] = {}
    """(first column, width) -> the rectangle that can still grow downwards."""
    for row in sorted(by_row):
        columns = sorted(by_row[row])
        runs: list[tuple[int, int]] = []
        start = previous = columns[0]
        for column in columns[1:]:
            if column != previous + 1:
                runs.append((start, previous - start + 1))
                start = column
            previous = column
        runs.append((start, previous - start + 1))
        for key in list(open_):
            rectangle = open_[key]
            if key not in runs or rectangle.row + len(rectangle.rows) != row:
                done.append(open_.pop(key))
        for first, width in runs:
            values = [cells[(row, column)] for column in range(first, first + width)]
            if (first, width) in open_:
                open_[(first, width)].rows.append(values)
            else:
                open_[(first, width)] = Rectangle(row, first, [values])
    done.extend(open_.values())
    return sorted(done, key=lambda rectangle: (rectangle.row, rectangle.column))


def updates(sheet_id: int, cells: Mapping[tuple[int, int], Written]) -> list[JsonObject]:
    """``updateCells`` requests writing ``cells`` (1-based (row, column) -> value) as plain
    values, a rectangle each."""
    return [
        {
            "updateCells": {
                "start": {
                    "sheetId": sheet_id,
                    "rowIndex": block.row - 1,
                    "columnIndex": block.column - 1,
                },
                "rows": [{"values": [cell_data(value) for value in row]} for row in block.rows],
                "fields": "userEnteredValue",
            }
        }
        for block in rectangles(cells)
    ]
