"""Which Sheets method a URL calls: ``POST .../{id}/values/{range}:append`` -> ``values.append``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final
from urllib.parse import unquote, urlsplit

BASE_URL: Final = "https://sheets.googleapis.com/v4/spreadsheets"
URL_PATTERN: Final = re.compile(r"^https://sheets\.googleapis\.com/v4/spreadsheets(?:[/:?].*)?$")
"""Every URL of the Sheets v4 spreadsheets API (one ``responses`` registration per verb)."""

METHOD_IDS: Final = {
    "spreadsheets.get": "spreadsheets.get",
    "spreadsheets.batchUpdate": "spreadsheets.batchUpdate",
    "values.get": "spreadsheets.values.get",
    "values.batchGet": "spreadsheets.values.batchGet",
    "values.update": "spreadsheets.values.update",
    "values.batchUpdate": "spreadsheets.values.batchUpdate",
    "values.append": "spreadsheets.values.append",
    "values.clear": "spreadsheets.values.clear",
    "values.batchClear": "spreadsheets.values.batchClear",
}
"""Endpoint names the fake counts requests under -> the discovery document's method ids."""

ENDPOINTS: Final = tuple(METHOD_IDS)
READ_ENDPOINTS: Final = frozenset({"spreadsheets.get", "values.get", "values.batchGet"})

_COLLECTION_CALLS: Final = {
    ("GET", "values:batchGet"): "values.batchGet",
    ("POST", "values:batchUpdate"): "values.batchUpdate",
    ("POST", "values:batchClear"): "values.batchClear",
}
_RANGE_CALLS: Final = {"GET": "values.get", "PUT": "values.update"}
_RANGE_SUFFIXES: Final = {":append": "values.append", ":clear": "values.clear"}


@dataclass(frozen=True)
class Route:
    endpoint: str
    spreadsheet_id: str
    range: str | None = None
    """The A1 range of the path, percent-decoded (``values.get`` and friends)."""

    @property
    def method_id(self) -> str:
        return METHOD_IDS[self.endpoint]


def route(http_method: str, url: str) -> Route | None:
    """The endpoint ``url`` calls, or ``None`` for a path the fake does not serve."""
    path = urlsplit(url).path
    prefix = "/v4/spreadsheets/"
    if not path.startswith(prefix):
        return None
    rest = path[len(prefix) :]
    head, _, tail = rest.partition("/")
    if not tail:
        if http_method == "POST" and head.endswith(":batchUpdate"):
            return Route("spreadsheets.batchUpdate", unquote(head[: -len(":batchUpdate")]))
        if http_method == "GET" and ":" not in head and head:
            return Route("spreadsheets.get", unquote(head))
        return None
    spreadsheet_id = unquote(head)
    collection = _COLLECTION_CALLS.get((http_method, tail))
    if collection is not None:
        return Route(collection, spreadsheet_id)
    if not tail.startswith("values/"):
        return None
    encoded = tail[len("values/") :]
    if http_method == "POST":
        for suffix, endpoint in _RANGE_SUFFIXES.items():
            if encoded.endswith(suffix):
                return Route(endpoint, spreadsheet_id, unquote(encoded[: -len(suffix)]))
        return None
    call = _RANGE_CALLS.get(http_method)
    return None if call is None else Route(call, spreadsheet_id, unquote(encoded))
