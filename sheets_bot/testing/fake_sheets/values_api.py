"""The ``spreadsheets.values`` methods: get, batchGet, update, batchUpdate, append, clear,
batchClear.

Behaviour pinned to Google's documentation (ValueRange, values.append):

* reads leave out trailing empty cells of each row and trailing empty rows, and leave out
  ``values`` altogether for an empty range; ``range`` echoes the whole requested range
  (clipped to the grid), not the part that holds data;
* a single-cell write range is an anchor the values extend from; a larger range bounds them
  (``Requested writing within range [...], but tried writing to row [N]``);
* ``values.append`` finds the "table" that starts in the range and writes after its last row,
  growing the grid when needed (``INSERT_ROWS`` inserts rows first).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from . import a1, cell_values
from .cell_values import CellValue, InvalidCellInput
from .errors import SheetsApiError, invalid_argument
from .grid import Cell, JsonObject
from .ranges import Area, bounds_of, resolve
from .spreadsheet import Spreadsheet

Params = Mapping[str, str]


def render_cell(cell: Cell, value_render: str, date_time_render: str) -> Any:
    if cell.value is None:
        return ""
    pattern = (cell.format or {}).get("numberFormat", {}).get("pattern")
    return cell_values.render(cell.value, value_render, date_time_render, pattern)


def read(area: Area, major: str, value_render: str, date_time_render: str) -> JsonObject:
    """A ``ValueRange`` for ``area``, trimmed like Google trims it."""
    by_position: dict[tuple[int, int], Any] = {}
    for (row, col), cell in area.sheet.cells.items():
        if cell.value is not None and row in area.rows and col in area.cols:
            key = (row - area.rows.start, col - area.cols.start)
            if major == "COLUMNS":
                key = (key[1], key[0])
            by_position[key] = render_cell(cell, value_render, date_time_render)
    result: JsonObject = {"range": area.echo(), "majorDimension": major}
    if by_position:
        height = max(major_index for major_index, _ in by_position) + 1
        lines: list[list[Any]] = [[] for _ in range(height)]
        for (major_index, minor_index), value in sorted(by_position.items()):
            line = lines[major_index]
            line.extend([""] * (minor_index - len(line)))
            line.append(value)
        result["values"] = lines
    return result


def get(spreadsheet: Spreadsheet, text: str, params: Params) -> JsonObject:
    return read(resolve(spreadsheet, text), *_read_options(params))


def batch_get(spreadsheet: Spreadsheet, ranges: Sequence[str], params: Params) -> JsonObject:
    options = _read_options(params)
    areas = [resolve(spreadsheet, text) for text in ranges]
    result: JsonObject = {"spreadsheetId": spreadsheet.spreadsheet_id}
    if areas:
        result["valueRanges"] = [read(area, *options) for area in areas]
    return result


def update(spreadsheet: Spreadsheet, text: str, body: JsonObject, params: Params) -> JsonObject:
    input_option = _input_option(params.get("valueInputOption"))
    area = resolve(spreadsheet, text)
    return _update_area(spreadsheet, area, body, input_option, params)


def batch_update(spreadsheet: Spreadsheet, body: JsonObject) -> JsonObject:
    input_option = _input_option(body.get("valueInputOption"))
    options = {
        key: str(body[key])
        for key in (
            "includeValuesInResponse",
            "responseValueRenderOption",
            "responseDateTimeRenderOption",
        )
        if body.get(key) is not None
    }
    responses: list[JsonObject] = []
    for index, value_range in enumerate(body.get("data") or []):
        try:
            if value_range.get("range") is None:
                raise invalid_argument("Must specify a range.")
            area = resolve(spreadsheet, str(value_range["range"]))
            responses.append(_update_area(spreadsheet, area, value_range, input_option, options))
        except SheetsApiError as error:
            raise invalid_argument(f"Invalid data[{index}]: {error.message}") from None
    result: JsonObject = {"spreadsheetId": spreadsheet.spreadsheet_id}
    written = [r for r in responses if r.get("updatedCells")]
    if written:
        result.update(
            totalUpdatedRows=sum(r["updatedRows"] for r in written),
            totalUpdatedColumns=sum(r["updatedColumns"] for r in written),
            totalUpdatedCells=sum(r["updatedCells"] for r in written),
            totalUpdatedSheets=len({r["updatedRange"].rpartition("!")[0] for r in written}),
        )
    if responses:
        result["responses"] = responses
    return result


def append(spreadsheet: Spreadsheet, text: str, body: JsonObject, params: Params) -> JsonObject:
    input_option = _input_option(params.get("valueInputOption"))
    area = resolve(spreadsheet, text)
    sheet = area.sheet
    matrix = _row_major(body)
    occupied = {row for row, _, _ in sheet.values_in(range(sheet.row_count), area.cols)}
    first = next((row for row in area.rows if row in occupied), None)
    target = area.rows.start
    table: range | None = None
    if first is not None:
        last = first
        while last + 1 in occupied:
            last += 1
        table, target = range(first, last + 1), last + 1
    height = len(matrix)
    width = max((len(row) for row in matrix), default=0)
    if params.get("insertDataOption") == "INSERT_ROWS" and height:
        sheet.insert_dimension(
            "ROWS", min(target, sheet.row_count), min(target, sheet.row_count) + height
        )
    sheet.row_count = max(sheet.row_count, target + height)
    sheet.column_count = max(sheet.column_count, area.cols.start + width)
    anchor = Area(
        sheet,
        range(target, sheet.row_count),
        range(area.cols.start, sheet.column_count),
        True,
        text,
    )
    updates = _write(anchor, matrix, input_option, params)
    result: JsonObject = {"spreadsheetId": spreadsheet.spreadsheet_id}
    if table is not None:
        used = [col for _, col, _ in sheet.values_in(table, range(sheet.column_count))]
        table_cols = range(area.cols.start, max([*used, area.cols.start]) + 1)
        result["tableRange"] = a1.format_range(sheet.title, bounds_of(table, table_cols))
    updates["spreadsheetId"] = spreadsheet.spreadsheet_id
    result["updates"] = updates
    return result


def clear(spreadsheet: Spreadsheet, text: str) -> JsonObject:
    area = resolve(spreadsheet, text)
    _clear(area)
    return {"spreadsheetId": spreadsheet.spreadsheet_id, "clearedRange": area.echo()}


def batch_clear(spreadsheet: Spreadsheet, body: JsonObject) -> JsonObject:
    cleared: list[str] = []
    for index, text in enumerate(body.get("ranges") or []):
        try:
            area = resolve(spreadsheet, str(text))
        except SheetsApiError as error:
            raise invalid_argument(f"Invalid range[{index}]: {error.message}") from None
        _clear(area)
        cleared.append(area.echo())
    result: JsonObject = {"spreadsheetId": spreadsheet.spreadsheet_id}
    if cleared:
        result["clearedRanges"] = cleared
    return result


def _clear(area: Area) -> None:
    for row, col, _ in list(area.sheet.values_in(area.rows, area.cols)):
        area.sheet.update_cell(row, col, value=None)


def _update_area(
    spreadsheet: Spreadsheet, area: Area, body: JsonObject, input_option: str, options: Params
) -> JsonObject:
    sheet = area.sheet
    if area.single_cell:
        area = Area(
            sheet,
            range(area.rows.start, sheet.row_count),
            range(area.cols.start, sheet.column_count),
            True,
            area.text,
        )
    result = _write(area, _row_major(body), input_option, options)
    result["spreadsheetId"] = spreadsheet.spreadsheet_id
    return result


def _write(area: Area, matrix: list[list[Any]], input_option: str, options: Params) -> JsonObject:
    """Write ``matrix`` from the top-left of ``area``, which bounds it."""
    sheet = area.sheet
    top, left = area.rows.start, area.cols.start
    parsed: dict[tuple[int, int], CellValue | None] = {}
    for i, line in enumerate(matrix):
        for j, value in enumerate(line):
            if top + i >= area.rows.stop:
                raise _outside(area, f"row [{top + i + 1}]")
            if left + j >= area.cols.stop:
                raise _outside(area, f"column [{a1.column_letters(left + j)}]")
            if value is None:
                continue
            parsed[(top + i, left + j)] = _parse(value, input_option, i, j)
    for (row, col), cell_value in parsed.items():
        sheet.update_cell(row, col, value=cell_value)
    height = len(matrix)
    width = max((len(line) for line in matrix), default=0)
    if not height or not width:
        return {
            "updatedRange": a1.format_range(
                sheet.title, bounds_of(range(top, top + 1), range(left, left + 1))
            )
        }
    written = Area(sheet, range(top, top + height), range(left, left + width), False, area.text)
    result: JsonObject = {
        "updatedRange": written.echo(),
        "updatedRows": height,
        "updatedColumns": width,
        "updatedCells": sum(len(line) for line in matrix),
    }
    if str(options.get("includeValuesInResponse", "")).lower() in ("true", "1"):
        result["updatedData"] = read(
            written,
            "ROWS",
            options.get("responseValueRenderOption", "FORMATTED_VALUE"),
            options.get("responseDateTimeRenderOption", "SERIAL_NUMBER"),
        )
    return result


def _parse(value: Any, input_option: str, i: int, j: int) -> CellValue | None:
    try:
        if input_option == "RAW":
            return cell_values.from_raw(value)
        return cell_values.from_user_entered(value)
    except InvalidCellInput as error:
        raise invalid_argument(f"Invalid values[{i}][{j}]: {error} {value!r}") from None


def _outside(area: Area, where: str) -> SheetsApiError:
    return invalid_argument(
        f"Requested writing within range [{area.text}], but tried writing to {where}"
    )


def _row_major(body: JsonObject) -> list[list[Any]]:
    values: list[list[Any]] = [list(line or []) for line in body.get("values") or []]
    if body.get("majorDimension") != "COLUMNS":
        return values
    height = max((len(line) for line in values), default=0)
    return [[line[i] if i < len(line) else None for line in values] for i in range(height)]


def _input_option(value: Any) -> str:
    if value is None:
        raise invalid_argument("'valueInputOption' is required but not specified")
    if value not in ("RAW", "USER_ENTERED"):
        raise invalid_argument(f"Invalid valueInputOption: {value}")
    return str(value)


def _read_options(params: Params) -> tuple[str, str, str]:
    major = params.get("majorDimension") or "ROWS"
    return (
        "COLUMNS" if major == "COLUMNS" else "ROWS",
        params.get("valueRenderOption") or "FORMATTED_VALUE",
        params.get("dateTimeRenderOption") or "SERIAL_NUMBER",
    )
