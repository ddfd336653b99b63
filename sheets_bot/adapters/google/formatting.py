"""``spreadsheets.batchUpdate`` requests that give columns their look and rules, as the local
workbook does: bold headers, a tint on bot columns (lighter where the owner may edit), a note
on bot headers, dropdowns, a colour per move on every ``Move`` column, and warning-only
protection of the columns only the bot writes.

Columns here are 1-based like the ``Sheet`` port; rows are 0-based ``GridRange`` indexes
(``None`` = unbounded), as the requests carry them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from sheets_bot.ports import Cell
from sheets_bot.sheet.formats import PROBLEM_TINT
from sheets_bot.sheet.layout import ColumnSpec, DropdownSpec, TabSpec, normalise_header
from sheets_bot.sheet.palette import BOT_TINT, EDITABLE_TINT, MOVE_COLOURS
from sheets_bot.sheet.table import is_blank

JsonObject = dict[str, Any]
PROTECTION_MARK: Final = "sheets-bot"
"""Every protected range the bot adds has a description starting with this."""
MOVE_COLUMN: Final = "Move"
MOVES: Final = tuple(MOVE_COLOURS)
"""urgent, reorder, watch, stocked: each gets its colour on every ``Move`` column."""


def rgb(hex_colour: str) -> JsonObject:
    """``"DCE6F1"`` -> Google's ``Color`` (components 0..1)."""
    red, green, blue = (int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return {"red": round(red, 4), "green": round(green, 4), "blue": round(blue, 4)}


def same_colour(found: Mapping[str, Any] | None, hex_colour: str) -> bool:
    """Google leaves zero components out of a ``Color``; compare to a hundredth."""
    wanted = rgb(hex_colour)
    found = found or {}
    return all(abs(float(found.get(key, 0)) - value) < 0.01 for key, value in wanted.items())


def tint_of(column: ColumnSpec) -> str | None:
    if column.owner:
        return None
    return EDITABLE_TINT if column.editable else BOT_TINT


def grid_range(
    sheet_id: int,
    column: int,
    width: int = 1,
    start_row: int | None = None,
    end_row: int | None = None,
) -> JsonObject:
    found: JsonObject = {
        "sheetId": sheet_id,
        "startColumnIndex": column - 1,
        "endColumnIndex": column - 1 + width,
    }
    if start_row is not None:
        found["startRowIndex"] = start_row
    if end_row is not None:
        found["endRowIndex"] = end_row
    return found


def header_positions(spec: TabSpec, header_row: Sequence[Cell]) -> dict[str, int]:
    """Where each layout column of ``spec`` is (1-based), for the headers present."""
    found: dict[str, int] = {}
    for index, text in enumerate(header_row, start=1):
        if not is_blank(text):
            found.setdefault(normalise_header(text), index)
    return {
        column.name: found[normalise_header(column.name)]
        for column in spec.columns
        if normalise_header(column.name) in found
    }


def runs(columns: Sequence[int]) -> list[tuple[int, int]]:
    """Adjacent columns as (first, width): ``[3, 4, 5, 9]`` -> ``[(3, 3), (9, 1)]``."""
    found: list[tuple[int, int]] = []
    for column in sorted(set(columns)):
        if found and found[-1][0] + found[-1][1] == column:
            found[-1] = (found[-1][0], found[-1][1] + 1)
        else:
            found.append((column, 1))
    return found


def bold_headers(sheet_id: int, columns: Sequence[int]) -> list[JsonObject]:
    return [
        {
            "repeatCell": {
                "range": grid_range(sheet_id, first, width, 0, 1),
                "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                "fields": "userEnteredFormat.textFormat.bold",
            }
        }
        for first, width in runs(columns)
    ]


def tints(
    sheet_id: int,
    columns: Mapping[int, str],
    start_row: int | None = None,
    end_row: int | None = None,
) -> list[JsonObject]:
    """A background colour per column (``column -> hex``), adjacent equal ones in one request."""
    requests: list[JsonObject] = []
    for colour in sorted(set(columns.values())):
        for first, width in runs([column for column, tint in columns.items() if tint == colour]):
            requests.append(
                {
                    "repeatCell": {
                        "range": grid_range(sheet_id, first, width, start_row, end_row),
                        "cell": {"userEnteredFormat": {"backgroundColor": rgb(colour)}},
                        "fields": "userEnteredFormat.backgroundColor",
                    }
                }
            )
    return requests


def header_note(sheet_id: int, column: int, note: str) -> JsonObject:
    return {
        "updateCells": {
            "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": column - 1},
            "rows": [{"values": [{"note": note}]}],
            "fields": "note",
        }
    }


def dropdown(
    sheet_id: int,
    column: int,
    spec: DropdownSpec,
    start_row: int = 1,
    end_row: int | None = None,
) -> JsonObject:
    """A dropdown (``ONE_OF_LIST``, arrow shown) on the column from row 2 down; strict ones
    reject other input, the others only warn."""
    return {
        "setDataValidation": {
            "range": grid_range(sheet_id, column, 1, start_row, end_row),
            "rule": {
                "condition": {
                    "type": "ONE_OF_LIST",
                    "values": [{"userEnteredValue": value} for value in spec.values],
                },
                "inputMessage": f"{spec.column}: one of {', '.join(spec.values)}",
                "strict": spec.strict,
                "showCustomUi": True,
            },
        }
    }


def move_colour(sheet_id: int, column: int, move: str) -> JsonObject:
    return {
        "addConditionalFormatRule": {
            "index": 0,
            "rule": {
                "ranges": [grid_range(sheet_id, column, 1, 1)],
                "booleanRule": {
                    "condition": {"type": "TEXT_EQ", "values": [{"userEnteredValue": move}]},
                    "format": {"backgroundColor": rgb(MOVE_COLOURS[move])},
                },
            },
        }
    }


DEFAULT_PIXELS: Final = 100
"""The width Google gives a new column: a column still that wide was not sized by anyone."""
PIXELS_PER_CHAR: Final = 7
PROBLEM_COLUMN: Final = "Problem"


def pixels(column: ColumnSpec) -> int:
    """The layout's width in characters as Google's pixels."""
    return column.chars * PIXELS_PER_CHAR + 12


def column_width(sheet_id: int, column: int, pixel_size: int) -> JsonObject:
    return {
        "updateDimensionProperties": {
            "range": {
                "sheetId": sheet_id,
                "dimension": "COLUMNS",
                "startIndex": column - 1,
                "endIndex": column,
            },
            "properties": {"pixelSize": pixel_size},
            "fields": "pixelSize",
        }
    }


def number_format(
    sheet_id: int, column: int, pattern: str, start_row: int = 1, end_row: int | None = None
) -> JsonObject:
    """A number format on the column's data rows (``NUMBER`` with the pattern: the currency
    symbol is in the pattern, as the workbook has it)."""
    return {
        "repeatCell": {
            "range": grid_range(sheet_id, column, 1, start_row, end_row),
            "cell": {"userEnteredFormat": {"numberFormat": {"type": "NUMBER", "pattern": pattern}}},
            "fields": "userEnteredFormat.numberFormat",
        }
    }


def wrap(sheet_id: int, column: int, start_row: int = 1, end_row: int | None = None) -> JsonObject:
    return {
        "repeatCell": {
            "range": grid_range(sheet_id, column, 1, start_row, end_row),
            "cell": {"userEnteredFormat": {"wrapStrategy": "WRAP", "verticalAlignment": "TOP"}},
            "fields": "userEnteredFormat.wrapStrategy,userEnteredFormat.verticalAlignment",
        }
    }


def problem_formula(problem: int) -> str:
    return f'=${column_letter(problem)}2<>""'


def problem_rows(sheet_id: int, problem: int, width: int) -> JsonObject:
    """Rows whose Problem cell holds text, tinted from the first column to ``width``."""
    return {
        "addConditionalFormatRule": {
            "index": 0,
            "rule": {
                "ranges": [grid_range(sheet_id, 1, width, 1)],
                "booleanRule": {
                    "condition": {
                        "type": "CUSTOM_FORMULA",
                        "values": [{"userEnteredValue": problem_formula(problem)}],
                    },
                    "format": {"backgroundColor": rgb(PROBLEM_TINT)},
                },
            },
        }
    }


def column_letter(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def protection(sheet_id: int, first: int, width: int, names: Sequence[str]) -> JsonObject:
    listed = ", ".join(f"'{name}'" for name in names)
    return {
        "addProtectedRange": {
            "protectedRange": {
                "range": grid_range(sheet_id, first, width),
                "description": f"{PROTECTION_MARK} writes {listed}: edit only if you mean to",
                "warningOnly": True,
            }
        }
    }


def formats_for_new_rows(
    spec: TabSpec, positions: Mapping[str, int], sheet_id: int, start_row: int, end_row: int
) -> list[JsonObject]:
    """Tints and dropdowns for rows a write just added to the grid (0-based ``[start, end)``):
    formats set on a column reach only the rows that existed then."""
    colours = {
        positions[column.name]: tint
        for column in spec.columns
        if column.name in positions and (tint := tint_of(column)) is not None
    }
    requests = tints(sheet_id, colours, start_row, end_row)
    requests.extend(
        dropdown(sheet_id, positions[item.column], item, start_row, end_row)
        for item in spec.dropdowns
        if item.column in positions
    )
    requests.extend(
        wrap(sheet_id, positions[column.name], start_row, end_row)
        for column in spec.columns
        if column.wrap and column.name in positions
    )
    return requests
