"""``spreadsheets.get``: properties, tabs, protected ranges, conditional formats, and grid data.

Only what exists is returned, the way proto3 JSON omits defaults: a tab without protected
ranges has no ``protectedRanges`` key, ``frozenRowCount`` appears only when non-zero, and a
``GridRange`` on the tab with id 0 has no ``sheetId``.

Grid data (``sheets[].data``) is included when ``includeGridData=true`` and no ``fields``
mask is given, or when the ``fields`` mask selects ``sheets.data`` (Google ignores
``includeGridData`` once a mask is set). Each cell carries ``userEnteredValue``,
``effectiveValue``, ``formattedValue``, ``userEnteredFormat``, ``dataValidation`` and
``note`` as far as they exist; ``effectiveFormat`` is not modelled.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from . import cell_values
from .grid import DEFAULT_COLUMN_PIXELS, DEFAULT_ROW_PIXELS, Cell, JsonObject, Sheet
from .ranges import resolve
from .spreadsheet import Spreadsheet


def spreadsheet_json(
    spreadsheet: Spreadsheet, *, include_grid_data: bool, ranges: Sequence[str] = ()
) -> JsonObject:
    """The ``Spreadsheet`` resource; ``ranges`` limits the tabs (and their grid data)."""
    areas = [resolve(spreadsheet, text) for text in ranges]
    sheets: list[JsonObject] = []
    for index, sheet in enumerate(spreadsheet.sheets):
        mine = [area for area in areas if area.sheet is sheet]
        if areas and not mine:
            continue
        sheet_json = sheet_resource(sheet, index)
        if include_grid_data:
            if mine:
                sheet_json["data"] = [grid_data(sheet, a.rows, a.cols) for a in mine]
            else:
                sheet_json["data"] = [
                    grid_data(sheet, range(sheet.row_count), range(sheet.column_count))
                ]
        sheets.append(sheet_json)
    return {
        "spreadsheetId": spreadsheet.spreadsheet_id,
        "properties": spreadsheet.properties_json(),
        "sheets": sheets,
        "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{spreadsheet.spreadsheet_id}/edit",
    }


def sheet_resource(sheet: Sheet, index: int) -> JsonObject:
    resource: JsonObject = {"properties": sheet.properties_json(index)}
    if sheet.conditional_formats:
        resource["conditionalFormats"] = copy.deepcopy(sheet.conditional_formats)
    if sheet.protected_ranges:
        resource["protectedRanges"] = copy.deepcopy(sheet.protected_ranges)
    return resource


def grid_data(sheet: Sheet, rows: range, cols: range) -> JsonObject:
    """``GridData`` for a window of the tab: trailing empty rows and cells are left out."""
    data: JsonObject = {}
    if rows.start:
        data["startRow"] = rows.start
    if cols.start:
        data["startColumn"] = cols.start
    used: dict[int, int] = {}
    """Row -> one past its last used column."""
    for (row, col), cell in sheet.cells.items():
        if row in rows and col in cols and not cell.is_empty():
            used[row] = max(used.get(row, 0), col + 1)
    if used:
        data["rowData"] = [
            {"values": [cell_data(sheet.cell(row, col)) for col in range(cols.start, used[row])]}
            if row in used
            else {}
            for row in range(rows.start, max(used) + 1)
        ]
    data["rowMetadata"] = [
        _dimension(sheet.row_properties.get(row), DEFAULT_ROW_PIXELS) for row in rows
    ]
    data["columnMetadata"] = [
        _dimension(sheet.column_properties.get(col), DEFAULT_COLUMN_PIXELS) for col in cols
    ]
    return data


def cell_data(cell: Cell) -> JsonObject:
    data: JsonObject = {}
    if cell.value is not None:
        pattern = (cell.format or {}).get("numberFormat", {}).get("pattern")
        data["userEnteredValue"] = cell_values.extended_value(cell.value)
        data["effectiveValue"] = cell_values.effective_value(cell.value)
        data["formattedValue"] = cell_values.formatted(cell.value, pattern)
    if cell.format:
        data["userEnteredFormat"] = copy.deepcopy(cell.format)
    if cell.validation:
        data["dataValidation"] = copy.deepcopy(cell.validation)
    if cell.note:
        data["note"] = cell.note
    return data


def _dimension(properties: JsonObject | None, default_pixels: int) -> dict[str, Any]:
    result: dict[str, Any] = {"pixelSize": default_pixels}
    result.update(copy.deepcopy(properties or {}))
    return result


def trim_masked(resource: JsonObject) -> JsonObject:
    """Trim grid data again after a ``fields`` mask: Google leaves out trailing cells and rows
    with nothing *selected* (``fields=sheets.data.rowData.values.note`` returns rows only as
    far as the last note)."""
    for sheet in resource.get("sheets", []):
        for data in sheet.get("data", []):
            if "rowData" not in data:
                continue
            rows: list[JsonObject] = data["rowData"]
            for row in rows:
                values: list[JsonObject] = row.get("values", [])
                while values and not values[-1]:
                    values.pop()
                if "values" in row and not values:
                    del row["values"]
            while rows and not rows[-1]:
                rows.pop()
            if not rows:
                del data["rowData"]
    return resource
