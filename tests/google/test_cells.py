"""Cell values on their way to Google and back, and grouping cells into rectangles."""

from __future__ import annotations

import math

from sheets_bot.adapters.google.cells import Rectangle, cell_data, raw_value, read_value, rectangles
from sheets_bot.ports import Cell


def test_raw_values_are_plain_and_blank_clears() -> None:
    assert raw_value(None) == ""
    assert raw_value("=1+1") == "=1+1"
    assert raw_value(True) is True
    assert raw_value(3) == 3
    assert raw_value(math.inf) == "inf"
    assert raw_value(math.nan) == "nan"


def test_typed_values_never_use_formulas() -> None:
    assert cell_data(None) == {}
    assert cell_data("=HYPERLINK(1)") == {"userEnteredValue": {"stringValue": "=HYPERLINK(1)"}}
    assert cell_data(False) == {"userEnteredValue": {"boolValue": False}}
    assert cell_data(2.5) == {"userEnteredValue": {"numberValue": 2.5}}
    assert cell_data(math.inf) == {"userEnteredValue": {"stringValue": "inf"}}


def test_values_read_back_as_cells() -> None:
    assert read_value("") is None
    assert read_value(12.0) == 12
    assert isinstance(read_value(12.0), int)
    assert read_value(1.5) == 1.5
    assert read_value(True) is True
    assert read_value("x") == "x"


def test_cells_group_into_rectangles() -> None:
    cells: dict[tuple[int, int], Cell] = {
        (2, 13): 1,
        (2, 14): 2,
        (3, 13): 3,
        (3, 14): 4,
        (4, 13): 5,
        (6, 13): 6,
        (6, 14): 7,
        (2, 2): "a",
    }

    assert rectangles(cells) == [
        Rectangle(2, 2, [["a"]]),
        Rectangle(2, 13, [[1, 2], [3, 4]]),
        Rectangle(4, 13, [[5]]),
        Rectangle(6, 13, [[6, 7]]),
    ]


def test_a_full_column_of_writes_is_one_rectangle() -> None:
    cells: dict[tuple[int, int], Cell] = {
        (row, column): row * column for row in range(2, 2002) for column in range(13, 18)
    }

    [block] = rectangles(cells)

    assert (block.row, block.column, len(block.rows), block.width) == (2, 13, 2000, 5)
