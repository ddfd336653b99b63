"""Resolving A1 ranges and ``GridRange`` objects against a spreadsheet, with Google's errors:

* a tab that does not exist, or text that is not A1: ``Unable to parse range: Nope!A1``
* a range reaching past the grid: ``Range (Stock!A1001) exceeds grid limits. Max rows: 1000,
  max columns: 26`` (the title quoted only when it needs quotes, as Google writes it)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from . import a1
from .errors import SheetsApiError, invalid_argument
from .grid import JsonObject, Sheet
from .spreadsheet import Spreadsheet

_GRID_RANGE_KEYS: Final = (
    "sheetId",
    "startRowIndex",
    "endRowIndex",
    "startColumnIndex",
    "endColumnIndex",
)


@dataclass(frozen=True)
class Area:
    """A range resolved to a tab: ``rows``/``cols`` are clamped to the grid (open sides run to
    its edge). ``text`` is the range as the client sent it."""

    sheet: Sheet
    rows: range
    cols: range
    single_cell: bool
    text: str

    def echo(self) -> str:
        """The ``range`` Google returns for this request: ``Stock!A1:Q1000``, ``'Drafts 2'!B2``."""
        return a1.format_range(self.sheet.title, bounds_of(self.rows, self.cols))


def bounds_of(rows: range, cols: range) -> a1.Bounds:
    return a1.Bounds(rows.start, rows.stop, cols.start, cols.stop)


def unparseable(text: str) -> SheetsApiError:
    return invalid_argument(f"Unable to parse range: {text}")


def resolve(spreadsheet: Spreadsheet, text: str) -> Area:
    """Resolve an A1 range; raise Google's 400 for an unknown tab or an out-of-grid range."""
    try:
        parsed = a1.parse(text)
    except a1.A1SyntaxError:
        raise unparseable(text) from None
    if parsed.title is None:
        sheet = spreadsheet.sheets[0]
    else:
        found = spreadsheet.sheet_by_title(parsed.title)
        if found is None:
            raise unparseable(text)
        sheet = found
    bounds = parsed.bounds or a1.Bounds()
    check_limits(sheet, bounds)
    rows = range(
        bounds.start_row or 0, sheet.row_count if bounds.end_row is None else bounds.end_row
    )
    cols = range(
        bounds.start_col or 0, sheet.column_count if bounds.end_col is None else bounds.end_col
    )
    return Area(sheet, rows, cols, parsed.single_cell, text)


def check_limits(sheet: Sheet, bounds: a1.Bounds, *, clamp_ends: bool = False) -> None:
    """400 if ``bounds`` start past the grid, or (unless ``clamp_ends``) end past it.

    ``clamp_ends`` is how ``GridRange``s in batch requests behave: one that starts inside the
    grid and ends past it is taken and clipped.
    """
    past = (
        (bounds.start_row is not None and bounds.start_row >= sheet.row_count)
        or (bounds.start_col is not None and bounds.start_col >= sheet.column_count)
        or (
            not clamp_ends
            and (
                (bounds.end_row is not None and bounds.end_row > sheet.row_count)
                or (bounds.end_col is not None and bounds.end_col > sheet.column_count)
            )
        )
    )
    if past:
        raise grid_limits_error(sheet, bounds)


def grid_limits_error(sheet: Sheet, bounds: a1.Bounds, prefix: str = "") -> SheetsApiError:
    return invalid_argument(
        f"{prefix}Range ({a1.format_range(sheet.title, bounds)}) exceeds grid limits. "
        f"Max rows: {sheet.row_count}, max columns: {sheet.column_count}"
    )


def sheet_for_id(spreadsheet: Spreadsheet, sheet_id: Any, context: str) -> Sheet:
    sheet = spreadsheet.sheet_by_id(int(sheet_id or 0))
    if sheet is None:
        raise invalid_argument(f"{context}No grid with id: {int(sheet_id or 0)}")
    return sheet


def resolve_grid_range(
    spreadsheet: Spreadsheet, grid_range: JsonObject, context: str
) -> tuple[Sheet, range, range]:
    """A ``GridRange`` -> (tab, rows, cols), clipped to the grid; ``context`` prefixes errors
    (``Invalid requests[0].repeatCell: ``)."""
    sheet = sheet_for_id(spreadsheet, grid_range.get("sheetId"), context)
    bounds = grid_bounds(grid_range)
    try:
        check_limits(sheet, bounds, clamp_ends=True)
    except SheetsApiError as error:
        raise invalid_argument(f"{context}{error.message}") from None
    rows = range(bounds.start_row or 0, min(_or(bounds.end_row, sheet.row_count), sheet.row_count))
    cols = range(
        bounds.start_col or 0,
        min(_or(bounds.end_col, sheet.column_count), sheet.column_count),
    )
    return sheet, rows, cols


def grid_bounds(grid_range: JsonObject) -> a1.Bounds:
    def index(key: str) -> int | None:
        value = grid_range.get(key)
        return None if value is None else int(value)

    return a1.Bounds(
        index("startRowIndex"),
        index("endRowIndex"),
        index("startColumnIndex"),
        index("endColumnIndex"),
    )


def stored_grid_range(grid_range: JsonObject) -> JsonObject:
    """A ``GridRange`` as Google returns it: integers, and no ``sheetId`` when it is 0 (proto3
    leaves default values out, and 0 is the default for a non-optional field)."""
    stored = {
        key: int(grid_range[key]) for key in _GRID_RANGE_KEYS if grid_range.get(key) is not None
    }
    if stored.get("sheetId") == 0:
        del stored["sheetId"]
    return stored


def _or(value: int | None, default: int) -> int:
    return default if value is None else value
