"""``spreadsheets.batchUpdate``: run each request in order and collect the replies.

The caller runs this on a clone of the spreadsheet and keeps the clone only if every
request succeeded, so, as documented by Google, an invalid request applies nothing.

Request kinds the discovery document does not know are refused earlier, by body validation
(400, like Google). Kinds Google knows but this fake does not model raise
:class:`NotImplementedError` instead of pretending to succeed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from . import cell_requests, metadata, sheet_requests
from .errors import invalid_argument
from .grid import JsonObject
from .spreadsheet import Spreadsheet

Handler = Callable[[Spreadsheet, JsonObject, str], JsonObject | None]

HANDLERS: Final[dict[str, Handler]] = {
    "addSheet": sheet_requests.add_sheet,
    "deleteSheet": sheet_requests.delete_sheet,
    "updateSheetProperties": sheet_requests.update_sheet_properties,
    "updateSpreadsheetProperties": sheet_requests.update_spreadsheet_properties,
    "appendDimension": sheet_requests.append_dimension,
    "insertDimension": sheet_requests.insert_dimension,
    "deleteDimension": sheet_requests.delete_dimension,
    "autoResizeDimensions": sheet_requests.auto_resize_dimensions,
    "updateDimensionProperties": sheet_requests.update_dimension_properties,
    "setDataValidation": cell_requests.set_data_validation,
    "repeatCell": cell_requests.repeat_cell,
    "updateCells": cell_requests.update_cells,
    "addProtectedRange": cell_requests.add_protected_range,
    "deleteProtectedRange": cell_requests.delete_protected_range,
    "addConditionalFormatRule": cell_requests.add_conditional_format_rule,
    "deleteConditionalFormatRule": cell_requests.delete_conditional_format_rule,
}


def apply(spreadsheet: Spreadsheet, body: JsonObject) -> JsonObject:
    """Apply ``body`` (a ``BatchUpdateSpreadsheetRequest``) to ``spreadsheet`` in place."""
    requests = body.get("requests") or []
    if not requests:
        raise invalid_argument("Must specify at least one request.")
    replies: list[JsonObject] = []
    for index, request in enumerate(requests):
        kinds = [kind for kind, payload in request.items() if payload is not None]
        if not kinds:
            raise invalid_argument(f"Invalid requests[{index}]: No request set.")
        if len(kinds) > 1:
            raise invalid_argument(
                f"Invalid JSON payload received. Oneof field 'kind' is already set. "
                f"Cannot set '{kinds[1]}'"
            )
        kind = kinds[0]
        handler = HANDLERS.get(kind)
        if handler is None:
            raise NotImplementedError(
                f"FakeSheetsApi does not model the batchUpdate request kind {kind!r}; "
                f"supported: {', '.join(sorted(HANDLERS))}"
            )
        replies.append(
            handler(spreadsheet, request[kind], f"Invalid requests[{index}].{kind}: ") or {}
        )
    response: JsonObject = {"spreadsheetId": spreadsheet.spreadsheet_id, "replies": replies}
    if body.get("includeSpreadsheetInResponse"):
        response["updatedSpreadsheet"] = metadata.spreadsheet_json(
            spreadsheet,
            include_grid_data=bool(body.get("responseIncludeGridData")),
            ranges=body.get("responseRanges") or (),
        )
    return response
