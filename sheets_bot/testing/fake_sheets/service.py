"""Serving one routed request against the stored spreadsheets, the way Google does:

check its query parameters, body and ``fields`` mask against the discovery document (400);
find the spreadsheet (404) and check access (403); run it (a write runs on a copy that is kept
only if the whole request succeeds); apply the ``fields`` mask to the response.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import batch_update, discovery, field_masks, metadata, validation, values_api
from .errors import not_found, permission_denied
from .grid import JsonObject
from .routing import READ_ENDPOINTS, Route
from .spreadsheet import Spreadsheet

Query = Mapping[str, list[str]]


def serve(spreadsheets: dict[str, Spreadsheet], found: Route, query: Query, raw: Any) -> Any:
    """The JSON response to a request; raises ``SheetsApiError`` for Google's errors."""
    method = discovery.method(found.method_id)
    validation.check_query(method, query)
    body: JsonObject = {}
    if method.request_schema is not None:
        body = validation.parse_json_body(raw)
        validation.check_body(method.request_schema, body)
    mask = None
    if query.get("fields") and method.response_schema is not None:
        mask = field_masks.check_response_mask(query["fields"][0], method.response_schema)
    stored = spreadsheets.get(found.spreadsheet_id)
    if stored is None:
        raise not_found()
    if not stored.shared:
        raise permission_denied()
    reading = found.endpoint in READ_ENDPOINTS
    spreadsheet = stored if reading else stored.clone()
    result = _dispatch(found, spreadsheet, query, body, mask)
    if not reading:
        spreadsheets[found.spreadsheet_id] = spreadsheet
    if mask is None:
        return result
    masked = field_masks.apply(result, mask)
    return metadata.trim_masked(masked) if found.endpoint == "spreadsheets.get" else masked


def _dispatch(
    found: Route,
    spreadsheet: Spreadsheet,
    query: Query,
    body: JsonObject,
    mask: field_masks.MaskTree | None,
) -> JsonObject:
    text = found.range or ""
    params = {key: values[0] for key, values in query.items()}
    match found.endpoint:
        case "spreadsheets.get":
            if mask is not None:
                grid = field_masks.selects(mask, ("sheets", "data"))
            else:
                grid = params.get("includeGridData", "false").lower() in ("true", "1")
            return metadata.spreadsheet_json(
                spreadsheet, include_grid_data=grid, ranges=query.get("ranges", [])
            )
        case "spreadsheets.batchUpdate":
            return batch_update.apply(spreadsheet, body)
        case "values.get":
            return values_api.get(spreadsheet, text, params)
        case "values.batchGet":
            return values_api.batch_get(spreadsheet, query.get("ranges", []), params)
        case "values.update":
            return values_api.update(spreadsheet, text, body, params)
        case "values.batchUpdate":
            return values_api.batch_update(spreadsheet, body)
        case "values.append":
            return values_api.append(spreadsheet, text, body, params)
        case "values.clear":
            return values_api.clear(spreadsheet, text)
        case _:
            return values_api.batch_clear(spreadsheet, body)
