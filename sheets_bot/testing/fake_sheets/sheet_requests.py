"""``spreadsheets.batchUpdate`` requests that change tabs and their shape: addSheet,
deleteSheet, updateSheetProperties, updateSpreadsheetProperties, appendDimension,
insertDimension, deleteDimension, autoResizeDimensions, updateDimensionProperties.

Each handler takes the working copy of the spreadsheet, the request's payload and the error
prefix Google uses (``Invalid requests[0].deleteSheet: ``), and returns its reply or ``None``.
"""

from __future__ import annotations

import copy
from typing import Any, Final, cast

from . import a1, discovery, field_masks
from .errors import invalid_argument
from .grid import Dimension, JsonObject, Sheet
from .ranges import grid_limits_error, sheet_for_id
from .spreadsheet import Spreadsheet

_INTERPRETED: Final = frozenset(
    {"sheetId", "title", "index", "sheetType", "gridProperties", "hidden"}
)


def add_sheet(spreadsheet: Spreadsheet, payload: JsonObject, context: str) -> JsonObject:
    properties: JsonObject = payload.get("properties") or {}
    title = properties.get("title") or _next_default_title(spreadsheet)
    _check_title_free(spreadsheet, title, None, context)
    sheet_id = properties.get("sheetId")
    if sheet_id is not None and spreadsheet.sheet_by_id(int(sheet_id)) is not None:
        raise invalid_argument(f"{context}Sheet with id {int(sheet_id)} already exists.")
    index = properties.get("index")
    if index is not None and not 0 <= int(index) <= len(spreadsheet.sheets):
        raise invalid_argument(f"{context}Invalid index: {int(index)}")
    grid = properties.get("gridProperties") or {}
    sheet = spreadsheet.add_sheet(
        title,
        int(grid.get("rowCount") or 1000),
        int(grid.get("columnCount") or 26),
        sheet_id=None if sheet_id is None else int(sheet_id),
        index=None if index is None else int(index),
    )
    current = sheet.properties_json(spreadsheet.index_of(sheet))
    _apply_properties(spreadsheet, sheet, {**current, **properties}, context)
    return {"addSheet": {"properties": sheet.properties_json(spreadsheet.index_of(sheet))}}


def delete_sheet(spreadsheet: Spreadsheet, payload: JsonObject, context: str) -> None:
    sheet = sheet_for_id(spreadsheet, payload.get("sheetId"), context)
    if len(spreadsheet.sheets) == 1:
        raise invalid_argument(f"{context}You can't remove all the sheets in a document.")
    spreadsheet.sheets.remove(sheet)


def update_sheet_properties(spreadsheet: Spreadsheet, payload: JsonObject, context: str) -> None:
    requested: JsonObject = payload.get("properties") or {}
    sheet = sheet_for_id(spreadsheet, requested.get("sheetId"), context)
    mask = _update_mask(payload, "SheetProperties", context)
    properties = sheet.properties_json(spreadsheet.index_of(sheet))
    field_masks.copy_masked(properties, requested, mask)
    _apply_properties(spreadsheet, sheet, properties, context)


def update_spreadsheet_properties(
    spreadsheet: Spreadsheet, payload: JsonObject, context: str
) -> None:
    mask = _update_mask(payload, "SpreadsheetProperties", context)
    properties = spreadsheet.properties_json()
    field_masks.copy_masked(properties, payload.get("properties") or {}, mask)
    spreadsheet.apply_properties_json(properties)


def append_dimension(spreadsheet: Spreadsheet, payload: JsonObject, context: str) -> None:
    sheet = sheet_for_id(spreadsheet, payload.get("sheetId"), context)
    length = int(payload.get("length") or 0)
    if length <= 0:
        raise invalid_argument(f"{context}length must be positive")
    if _dimension(payload.get("dimension"), context) == "ROWS":
        sheet.row_count += length
    else:
        sheet.column_count += length


def insert_dimension(spreadsheet: Spreadsheet, payload: JsonObject, context: str) -> None:
    sheet, dimension, start, end = _dimension_range(
        spreadsheet, payload.get("range"), context, True
    )
    if payload.get("inheritFromBefore") and start == 0:
        raise invalid_argument(f"{context}Cannot inherit from before when inserting at index 0.")
    sheet.insert_dimension(dimension, start, end)


def delete_dimension(spreadsheet: Spreadsheet, payload: JsonObject, context: str) -> None:
    sheet, dimension, start, end = _dimension_range(
        spreadsheet, payload.get("range"), context, False
    )
    size = sheet.row_count if dimension == "ROWS" else sheet.column_count
    if start == 0 and end >= size:
        noun = "rows" if dimension == "ROWS" else "columns"
        raise invalid_argument(f"{context}You can't delete all the {noun} on the sheet.")
    sheet.delete_dimension(dimension, start, end)


def auto_resize_dimensions(spreadsheet: Spreadsheet, payload: JsonObject, context: str) -> None:
    """Accepted and checked; pixel sizes are not simulated."""
    if payload.get("dimensions") is None:
        raise NotImplementedError("FakeSheetsApi: autoResizeDimensions needs 'dimensions'")
    _dimension_range(spreadsheet, payload["dimensions"], context, False)


def update_dimension_properties(
    spreadsheet: Spreadsheet, payload: JsonObject, context: str
) -> None:
    """Stores ``pixelSize``/``hiddenByUser``/... per row or column (returned as grid data's
    ``rowMetadata``/``columnMetadata``, and moved by inserts and deletes)."""
    if payload.get("range") is None:
        raise NotImplementedError("FakeSheetsApi: updateDimensionProperties needs 'range'")
    sheet, dimension, start, end = _dimension_range(spreadsheet, payload["range"], context, False)
    mask = _update_mask(payload, "DimensionProperties", context)
    store = sheet.row_properties if dimension == "ROWS" else sheet.column_properties
    for index in range(start, end):
        properties = copy.deepcopy(store.get(index, {}))
        field_masks.copy_masked(properties, payload.get("properties") or {}, mask)
        store[index] = field_masks.prune(properties)


def _apply_properties(
    spreadsheet: Spreadsheet, sheet: Sheet, properties: JsonObject, context: str
) -> None:
    title = properties.get("title")
    if not title:
        raise invalid_argument(f"{context}A sheet name cannot be empty.")
    _check_title_free(spreadsheet, str(title), sheet, context)
    sheet.title = str(title)
    grid: JsonObject = properties.get("gridProperties") or {}
    rows = int(grid.get("rowCount") or sheet.row_count)
    cols = int(grid.get("columnCount") or sheet.column_count)
    frozen_rows = int(grid.get("frozenRowCount") or 0)
    frozen_cols = int(grid.get("frozenColumnCount") or 0)
    if frozen_rows > rows or frozen_cols > cols:
        raise invalid_argument(
            f"{context}You can't freeze more rows or columns than the sheet has."
        )
    if (rows, cols) != (sheet.row_count, sheet.column_count):
        sheet.resize(rows, cols)
    sheet.frozen_row_count, sheet.frozen_column_count = frozen_rows, frozen_cols
    sheet.hide_gridlines = bool(grid.get("hideGridlines"))
    sheet.hidden = bool(properties.get("hidden"))
    sheet.extra_properties = field_masks.prune(
        {key: value for key, value in properties.items() if key not in _INTERPRETED}
    )
    index = properties.get("index")
    if index is not None and int(index) != spreadsheet.index_of(sheet):
        spreadsheet.sheets.remove(sheet)
        spreadsheet.sheets.insert(min(int(index), len(spreadsheet.sheets)), sheet)


def _update_mask(payload: JsonObject, schema: str, context: str) -> field_masks.MaskTree:
    mask = payload.get("fields")
    if not mask:
        raise invalid_argument(f"{context}At least one field must be specified in 'fields'.")
    try:
        tree = field_masks.parse(str(mask))
    except field_masks.MaskSyntaxError:
        raise invalid_argument(f"{context}Invalid field mask: '{mask}'") from None
    bad = field_masks.unknown_path(tree, discovery.schema(schema))
    if bad is not None:
        raise invalid_argument(f"{context}Invalid field mask path '{bad}' for {schema}.")
    return tree


def _dimension(value: Any, context: str) -> Dimension:
    if value not in ("ROWS", "COLUMNS"):
        raise invalid_argument(f"{context}A dimension (ROWS or COLUMNS) must be specified.")
    return cast(Dimension, value)


def _dimension_range(
    spreadsheet: Spreadsheet, payload: Any, context: str, inserting: bool
) -> tuple[Sheet, Dimension, int, int]:
    """A ``DimensionRange`` -> (tab, dimension, start, end), checked against the grid."""
    dimension_range: JsonObject = payload or {}
    sheet = sheet_for_id(spreadsheet, dimension_range.get("sheetId"), context)
    dimension = _dimension(dimension_range.get("dimension"), context)
    size = sheet.row_count if dimension == "ROWS" else sheet.column_count
    start = int(dimension_range.get("startIndex") or 0)
    end_value = dimension_range.get("endIndex")
    end = size if end_value is None else int(end_value)
    limit = size if inserting else size - 1
    if start > limit or (not inserting and end > size):
        bounds = (
            a1.Bounds(start_row=start, end_row=end)
            if dimension == "ROWS"
            else a1.Bounds(start_col=start, end_col=end)
        )
        raise grid_limits_error(sheet, bounds, context)
    if end <= start:
        raise invalid_argument(f"{context}The end index must be greater than the start index.")
    return sheet, dimension, start, end


def _check_title_free(
    spreadsheet: Spreadsheet, title: str, sheet: Sheet | None, context: str
) -> None:
    for other in spreadsheet.sheets:
        if other is not sheet and other.title.casefold() == title.casefold():
            raise invalid_argument(
                f'{context}A sheet with the name "{title}" already exists. '
                "Please enter another name."
            )


def _next_default_title(spreadsheet: Spreadsheet) -> str:
    number = len(spreadsheet.sheets) + 1
    while spreadsheet.sheet_by_title(f"Sheet{number}") is not None:
        number += 1
    return f"Sheet{number}"
