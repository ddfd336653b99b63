"""``spreadsheets.batchUpdate`` requests about cells and ranges: setDataValidation,
repeatCell, updateCells, addProtectedRange, deleteProtectedRange, addConditionalFormatRule,
deleteConditionalFormatRule.

Stored objects are kept the way Google returns them (defaults such as ``false`` left out), so
``spreadsheets.get`` can hand them back as they are.
"""

from __future__ import annotations

import copy
from typing import Any

from . import cell_values, discovery, field_masks
from .errors import invalid_argument
from .grid import JsonObject, Sheet
from .ranges import resolve_grid_range, sheet_for_id, stored_grid_range
from .spreadsheet import Spreadsheet

_CELL_FIELDS = ("userEnteredValue", "userEnteredFormat", "dataValidation", "note")
"""The ``CellData`` fields a client can write; the others are computed by Sheets."""


def set_data_validation(spreadsheet: Spreadsheet, payload: JsonObject, context: str) -> None:
    """Set (or, without ``rule``, clear) the validation rule of every cell in the range."""
    sheet, rows, cols = resolve_grid_range(spreadsheet, payload.get("range") or {}, context)
    rule = payload.get("rule")
    stored: JsonObject | None = None
    if rule is not None:
        condition = rule.get("condition") or {}
        if not condition.get("type"):
            raise invalid_argument(f"{context}The rule's condition must have a type.")
        if condition["type"] in ("ONE_OF_LIST", "ONE_OF_RANGE") and not condition.get("values"):
            raise invalid_argument(
                f"{context}Invalid ConditionValue: {condition['type']} needs at least one value."
            )
        stored = field_masks.prune(copy.deepcopy(rule))
    for row in rows:
        for col in cols:
            sheet.update_cell(row, col, validation=stored)


def repeat_cell(spreadsheet: Spreadsheet, payload: JsonObject, context: str) -> None:
    sheet, rows, cols = resolve_grid_range(spreadsheet, payload.get("range") or {}, context)
    mask = _cell_mask(payload, context)
    data: JsonObject = payload.get("cell") or {}
    for row in rows:
        for col in cols:
            _write_cell(sheet, row, col, data, mask)


def update_cells(spreadsheet: Spreadsheet, payload: JsonObject, context: str) -> None:
    mask = _cell_mask(payload, context)
    given: list[list[JsonObject]] = [
        list(row.get("values") or []) for row in payload.get("rows") or []
    ]
    if payload.get("range") is not None:
        sheet, rows, cols = resolve_grid_range(spreadsheet, payload["range"], context)
        for i, row in enumerate(rows):
            for j, col in enumerate(cols):
                line = given[i] if i < len(given) else []
                _write_cell(sheet, row, col, line[j] if j < len(line) else {}, mask)
        return
    start: JsonObject = payload.get("start") or {}
    sheet = sheet_for_id(spreadsheet, start.get("sheetId"), context)
    top, left = int(start.get("rowIndex") or 0), int(start.get("columnIndex") or 0)
    if (
        top + len(given) > sheet.row_count
        or left + max(map(len, given), default=0) > sheet.column_count
    ):
        raise invalid_argument(f"{context}The cells to update fall outside the grid.")
    for i, line in enumerate(given):
        for j, data in enumerate(line):
            _write_cell(sheet, top + i, left + j, data or {}, mask)


def add_protected_range(spreadsheet: Spreadsheet, payload: JsonObject, context: str) -> JsonObject:
    protected: JsonObject = copy.deepcopy(payload.get("protectedRange") or {})
    if protected.get("namedRangeId") is not None:
        raise invalid_argument(f"{context}No named range with id: {protected['namedRangeId']}")
    grid_range = protected.get("range") or {}
    sheet, _, _ = resolve_grid_range(spreadsheet, grid_range, context)
    if protected.get("warningOnly") and (protected.get("editors") or {}).get("users"):
        raise invalid_argument(f"{context}A warning-only protected range cannot have editors.")
    wanted = protected.get("protectedRangeId")
    if wanted is not None and _find_protected(spreadsheet, int(wanted)) is not None:
        raise invalid_argument(f"{context}Protected range with id {int(wanted)} already exists.")
    protected["protectedRangeId"] = spreadsheet.new_id() if wanted is None else int(wanted)
    protected["range"] = stored_grid_range(grid_range)
    stored = field_masks.prune(protected)
    sheet.protected_ranges.append(stored)
    return {"addProtectedRange": {"protectedRange": copy.deepcopy(stored)}}


def delete_protected_range(spreadsheet: Spreadsheet, payload: JsonObject, context: str) -> None:
    wanted = int(payload.get("protectedRangeId") or 0)
    found = _find_protected(spreadsheet, wanted)
    if found is None:
        raise invalid_argument(f"{context}No protected range with id: {wanted}")
    sheet, item = found
    sheet.protected_ranges.remove(item)


def add_conditional_format_rule(
    spreadsheet: Spreadsheet, payload: JsonObject, context: str
) -> None:
    rule: JsonObject = copy.deepcopy(payload.get("rule") or {})
    ranges = rule.get("ranges") or []
    if not ranges:
        raise invalid_argument(f"{context}A conditional format rule must have at least one range.")
    sheets = {
        resolve_grid_range(spreadsheet, grid_range, context)[0].sheet_id for grid_range in ranges
    }
    if len(sheets) > 1:
        raise invalid_argument(f"{context}All ranges of a rule must be on the same sheet.")
    if rule.get("booleanRule") is None and rule.get("gradientRule") is None:
        raise invalid_argument(f"{context}A rule needs a booleanRule or a gradientRule.")
    sheet = sheet_for_id(spreadsheet, next(iter(sheets)), context)
    index = int(payload.get("index") or 0)
    if not 0 <= index <= len(sheet.conditional_formats):
        raise invalid_argument(f"{context}Invalid index: {index}")
    rule["ranges"] = [stored_grid_range(grid_range) for grid_range in ranges]
    sheet.conditional_formats.insert(index, field_masks.prune(rule))


def delete_conditional_format_rule(
    spreadsheet: Spreadsheet, payload: JsonObject, context: str
) -> JsonObject:
    sheet = sheet_for_id(spreadsheet, payload.get("sheetId"), context)
    index = int(payload.get("index") or 0)
    if not 0 <= index < len(sheet.conditional_formats):
        raise invalid_argument(f"{context}No conditional format on the sheet at index: {index}")
    removed = sheet.conditional_formats.pop(index)
    return {"deleteConditionalFormatRule": {"rule": copy.deepcopy(removed)}}


def _cell_mask(payload: JsonObject, context: str) -> field_masks.MaskTree:
    mask = payload.get("fields")
    if not mask:
        raise invalid_argument(f"{context}At least one field must be specified in 'fields'.")
    try:
        tree = field_masks.parse(str(mask))
    except field_masks.MaskSyntaxError:
        raise invalid_argument(f"{context}Invalid field mask: '{mask}'") from None
    bad = field_masks.unknown_path(tree, discovery.schema("CellData"))
    if bad is not None:
        raise invalid_argument(f"{context}Invalid field mask path '{bad}' for CellData.")
    if "*" in tree:
        return {name: {} for name in _CELL_FIELDS}
    return tree


def _write_cell(
    sheet: Sheet, row: int, col: int, data: JsonObject, mask: field_masks.MaskTree
) -> None:
    cell = sheet.cell(row, col)
    changes: dict[str, Any] = {}
    if "userEnteredValue" in mask:
        changes["value"] = cell_values.from_extended_value(data.get("userEnteredValue") or {})
    if "userEnteredFormat" in mask:
        current = copy.deepcopy(cell.format or {})
        field_masks.copy_masked(
            current, data.get("userEnteredFormat") or {}, mask["userEnteredFormat"] or {"*": {}}
        )
        changes["format"] = field_masks.prune(current) or None
    if "dataValidation" in mask:
        rule = data.get("dataValidation")
        changes["validation"] = field_masks.prune(copy.deepcopy(rule)) if rule else None
    if "note" in mask:
        changes["note"] = data.get("note") or None
    if changes:
        sheet.update_cell(row, col, **changes)


def _find_protected(spreadsheet: Spreadsheet, wanted: int) -> tuple[Sheet, JsonObject] | None:
    for sheet in spreadsheet.sheets:
        for item in sheet.protected_ranges:
            if item["protectedRangeId"] == wanted:
                return sheet, item
    return None
