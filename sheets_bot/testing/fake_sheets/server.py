"""The fake's front door: :class:`FakeSheetsApi`, plugged under ``requests`` with ``responses``.

Each request is routed, counted and recorded, failed if a fault is queued for it, and
otherwise served by :func:`.service.serve`. The class also carries the owner's side: helpers
to set spreadsheets up and to inspect them without going through HTTP (and without being
counted).
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import threading
from collections import Counter, deque
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import parse_qs, urlsplit

import gspread
import responses
from google.auth.credentials import AnonymousCredentials
from gspread.http_client import HTTPClient, HTTPClientType
from requests import PreparedRequest, Timeout

from . import a1, values_api
from .errors import SheetsApiError
from .faults import FaultPlan
from .grid import DEFAULT_COLUMN_PIXELS, JsonObject, Sheet
from .ranges import resolve
from .routing import ENDPOINTS, READ_ENDPOINTS, URL_PATTERN, Route, route
from .service import serve
from .spreadsheet import Spreadsheet
from .validation_ranges import ValidationRange, validation_ranges

_JSON_HEADERS: Final = {"Content-Type": "application/json; charset=UTF-8"}
_VERBS: Final = ("GET", "POST", "PUT", "PATCH", "DELETE")

CallbackResult = tuple[int, Mapping[str, str], str | BaseException]


@dataclass(frozen=True)
class RecordedRequest:
    """One request the fake received (faulted ones included)."""

    endpoint: str
    method: str
    url: str
    spreadsheet_id: str
    range: str | None
    params: Mapping[str, list[str]]
    body: Any
    """The parsed JSON body (``None`` when there was none or it was not JSON)."""


class FakeSheetsApi:
    """A stateful in-memory Google Sheets v4 API for tests that drive real gspread code.

    ``counts`` counts requests per endpoint (``values.batchGet`` ...); ``recorded_requests``
    keeps the last ``history`` of them with their parsed bodies.
    """

    def __init__(self, *, history: int = 50) -> None:
        self._lock = threading.RLock()
        """Requests may come from several threads (concurrent pollers); one at a time here."""
        self._spreadsheets: dict[str, Spreadsheet] = {}
        self._faults = FaultPlan()
        self._created = 0
        self.counts: Counter[str] = Counter()
        self._recorded: deque[RecordedRequest] = deque(maxlen=history)

    # -- wiring ---------------------------------------------------------------------------

    def install(self, rsps: responses.RequestsMock) -> None:
        """Serve every ``https://sheets.googleapis.com/v4/spreadsheets...`` request of ``rsps``.

        One registration per HTTP verb: ``responses`` pops a registration when several match a
        request, so the routing happens here, not in URL patterns.
        """
        for verb in _VERBS:
            rsps.add_callback(verb, URL_PATTERN, callback=self._handle)

    @classmethod
    @contextmanager
    def running(cls, *, history: int = 50) -> Iterator[FakeSheetsApi]:
        """A fresh fake, installed in a new ``responses.RequestsMock`` for the ``with`` block.

        Requests to any other host fail with ``requests.ConnectionError``: no network.
        """
        fake = cls(history=history)
        with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
            fake.install(rsps)
            yield fake

    def client(self, http_client: HTTPClientType = HTTPClient) -> gspread.Client:
        """A real ``gspread.Client`` with anonymous credentials, so no token is ever fetched.

        ``http_client=gspread.http_client.BackOffHTTPClient`` gives gspread's retrying client.
        """
        credentials = AnonymousCredentials()  # type: ignore[no-untyped-call]
        return gspread.Client(auth=credentials, http_client=http_client)

    # -- instrumentation ------------------------------------------------------------------

    @property
    def total(self) -> int:
        """Requests received since the last :meth:`reset_counts`."""
        return sum(self.counts.values())

    @property
    def recorded_requests(self) -> list[RecordedRequest]:
        """The most recent requests, oldest first."""
        return list(self._recorded)

    def last_request(self, endpoint: str | None = None) -> RecordedRequest:
        """The most recent request (to ``endpoint``, if given)."""
        _check_endpoint(endpoint)
        for recorded in reversed(self._recorded):
            if endpoint is None or recorded.endpoint == endpoint:
                return recorded
        raise LookupError(
            f"no request to {endpoint} recorded" if endpoint else "no request recorded"
        )

    def reset_counts(self) -> None:
        """Forget counted and recorded requests (not the spreadsheets, not queued faults)."""
        self.counts.clear()
        self._recorded.clear()

    # -- faults ---------------------------------------------------------------------------

    def fail_next(
        self,
        status: int = 429,
        times: int = 1,
        endpoint: str | None = None,
        message: str | None = None,
    ) -> None:
        """Answer the next ``times`` requests (to ``endpoint``, or any) with ``status`` in
        Google's error envelope; gspread raises ``APIError`` with that code."""
        _check_endpoint(endpoint)
        self._faults.fail(status, times, endpoint, message)

    def timeout_next(
        self, times: int = 1, endpoint: str | None = None, *, connect: bool = False
    ) -> None:
        """Raise ``requests.exceptions.ReadTimeout`` (``ConnectTimeout`` if ``connect``) for the
        next ``times`` requests (to ``endpoint``, or any)."""
        _check_endpoint(endpoint)
        self._faults.time_out(times, endpoint, connect)

    def clear_faults(self) -> None:
        self._faults.clear()

    # -- the owner's side: setting up and inspecting spreadsheets --------------------------

    def create_spreadsheet(
        self,
        title: str = "Shop",
        spreadsheet_id: str | None = None,
        shared: bool = True,
        *,
        first_tab: str = "Sheet1",
    ) -> str:
        """A new spreadsheet with one 1000x26 tab (sheet id 0), as Google creates them."""
        if spreadsheet_id is None:
            self._created += 1
            digest = hashlib.sha256(f"fake-sheets:{self._created}:{title}".encode()).digest()
            spreadsheet_id = "1" + base64.urlsafe_b64encode(digest).decode()[:43]
        with self._lock:
            if spreadsheet_id in self._spreadsheets:
                raise ValueError(f"spreadsheet {spreadsheet_id!r} already exists")
            spreadsheet = Spreadsheet(spreadsheet_id, title, shared=shared)
            spreadsheet.add_sheet(first_tab, 1000, 26, sheet_id=0)
            self._spreadsheets[spreadsheet_id] = spreadsheet
        return spreadsheet_id

    def set_shared(self, spreadsheet_id: str, shared: bool) -> None:
        """Share the spreadsheet with the caller, or take access away (every request 403s)."""
        with self._lock:
            self._spreadsheet(spreadsheet_id).shared = shared

    def add_tab(self, spreadsheet_id: str, title: str, rows: int = 1000, cols: int = 26) -> int:
        """Add a tab at the end; returns its sheet id."""
        with self._lock:
            spreadsheet = self._spreadsheet(spreadsheet_id)
            if spreadsheet.sheet_by_title(title) is not None:
                raise ValueError(f"tab {title!r} already exists")
            return spreadsheet.add_sheet(title, rows, cols).sheet_id

    def tab_titles(self, spreadsheet_id: str) -> list[str]:
        return [sheet.title for sheet in self._spreadsheet(spreadsheet_id).sheets]

    def sheet_id(self, spreadsheet_id: str, tab: str) -> int:
        return self._sheet(spreadsheet_id, tab).sheet_id

    def grid_size(self, spreadsheet_id: str, tab: str) -> tuple[int, int]:
        """(rowCount, columnCount) of a tab."""
        sheet = self._sheet(spreadsheet_id, tab)
        return sheet.row_count, sheet.column_count

    def set_values(
        self,
        spreadsheet_id: str,
        a1_range: str,
        grid: Sequence[Sequence[object]],
        *,
        value_input: str = "USER_ENTERED",
    ) -> None:
        """Type values in as the owner would (``USER_ENTERED`` by default), without counting a
        request. A single-cell range is the top-left anchor."""
        body = {"values": [list(row) for row in grid]}
        with self._lock:
            spreadsheet = self._spreadsheet(spreadsheet_id)
            values_api.update(spreadsheet, a1_range, body, {"valueInputOption": value_input})

    def get_values(self, spreadsheet_id: str, tab: str) -> list[list[object]]:
        """A tab's values as ``UNFORMATTED_VALUE`` shows them (numbers, booleans, strings;
        formula results, not formulas), trailing empty cells and rows trimmed."""
        area = resolve(self._spreadsheet(spreadsheet_id), a1.quote_title(tab))
        rows: list[list[object]] = values_api.read(
            area, "ROWS", "UNFORMATTED_VALUE", "SERIAL_NUMBER"
        ).get("values", [])
        return rows

    def get_cell(
        self, spreadsheet_id: str, a1_cell: str, value_render: str = "UNFORMATTED_VALUE"
    ) -> object | None:
        """One cell (``Drafts!O2``) rendered like ``values.get`` would; ``None`` if empty.
        ``value_render="FORMULA"`` shows a formula's text."""
        area = resolve(self._spreadsheet(spreadsheet_id), a1_cell)
        cell = area.sheet.cell(area.rows.start, area.cols.start)
        if cell.value is None:
            return None
        rendered: object = values_api.render_cell(cell, value_render, "SERIAL_NUMBER")
        return rendered

    def cell_format(self, spreadsheet_id: str, a1_cell: str) -> JsonObject | None:
        """The ``userEnteredFormat`` stored on one cell (``repeatCell``), if any."""
        area = resolve(self._spreadsheet(spreadsheet_id), a1_cell)
        found = area.sheet.cell(area.rows.start, area.cols.start).format
        return copy.deepcopy(found) if found else None

    def data_validations(self, spreadsheet_id: str, tab: str) -> list[ValidationRange]:
        """The tab's validation rules, each with the rectangle of cells it covers."""
        return validation_ranges(self._sheet(spreadsheet_id, tab))

    def protected_ranges(self, spreadsheet_id: str, tab: str) -> list[JsonObject]:
        """``ProtectedRange`` objects, as ``spreadsheets.get`` returns them."""
        return copy.deepcopy(self._sheet(spreadsheet_id, tab).protected_ranges)

    def conditional_formats(self, spreadsheet_id: str, tab: str) -> list[JsonObject]:
        """``ConditionalFormatRule`` objects, as ``spreadsheets.get`` returns them."""
        return copy.deepcopy(self._sheet(spreadsheet_id, tab).conditional_formats)

    def column_pixels(self, spreadsheet_id: str, tab: str, column: int) -> int:
        """A column's width (1-based column), as ``columnMetadata.pixelSize`` gives it."""
        properties = self._sheet(spreadsheet_id, tab).column_properties.get(column - 1) or {}
        return int(properties.get("pixelSize") or DEFAULT_COLUMN_PIXELS)

    def frozen_rows(self, spreadsheet_id: str, tab: str) -> int:
        return self._sheet(spreadsheet_id, tab).frozen_row_count

    def _spreadsheet(self, spreadsheet_id: str) -> Spreadsheet:
        try:
            return self._spreadsheets[spreadsheet_id]
        except KeyError:
            raise KeyError(f"no spreadsheet {spreadsheet_id!r} in the fake") from None

    def _sheet(self, spreadsheet_id: str, tab: str) -> Sheet:
        sheet = self._spreadsheet(spreadsheet_id).sheet_by_title(tab)
        if sheet is None:
            raise KeyError(f"no tab {tab!r} in spreadsheet {spreadsheet_id!r}")
        return sheet

    # -- HTTP -----------------------------------------------------------------------------

    def _handle(self, request: PreparedRequest) -> CallbackResult:
        with self._lock:
            return self._handle_locked(request)

    def _handle_locked(self, request: PreparedRequest) -> CallbackResult:
        method, url = request.method or "GET", request.url or ""
        found = route(method, url)
        if found is None:
            raise NotImplementedError(f"FakeSheetsApi does not serve {method} {url}")
        query = parse_qs(urlsplit(url).query, keep_blank_values=True)
        self._record(found, method, url, query, request.body)
        fault = self._faults.next_for(found.endpoint, write=found.endpoint not in READ_ENDPOINTS)
        if isinstance(fault, Timeout):
            return 408, _JSON_HEADERS, fault
        try:
            if fault is not None:
                raise fault
            return (
                200,
                _JSON_HEADERS,
                json.dumps(serve(self._spreadsheets, found, query, request.body)),
            )
        except SheetsApiError as error:
            return error.code, _JSON_HEADERS, json.dumps(error.body())

    def _record(
        self,
        found: Route,
        method: str,
        url: str,
        query: Mapping[str, list[str]],
        raw: Any,
    ) -> None:
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        self.counts[found.endpoint] += 1
        self._recorded.append(
            RecordedRequest(
                found.endpoint, method, url, found.spreadsheet_id, found.range, query, body
            )
        )


def _check_endpoint(endpoint: str | None) -> None:
    if endpoint is not None and endpoint not in ENDPOINTS:
        raise ValueError(f"unknown endpoint {endpoint!r}; known: {', '.join(ENDPOINTS)}")
