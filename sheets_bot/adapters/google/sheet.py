"""The owner's Google Sheet, implementing ``Sheet`` through gspread: one object per bot run.

Requests per run: one ``spreadsheets.get`` for the tabs' ids and grid sizes (kept for the
run), one ``values.batchGet`` for every tab the run reads, and at most one write (see
:mod:`.writes`). None of them grows with the number of rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from gspread.http_client import HTTPClient

from sheets_bot.adapters.google.api import SheetsApi
from sheets_bot.adapters.google.cells import read_value
from sheets_bot.adapters.google.client import build_http_client
from sheets_bot.adapters.google.credentials import GoogleIdentity
from sheets_bot.adapters.google.prepare import LOOK_FIELDS, TabLook, looks_from, plan_prepare
from sheets_bot.adapters.google.ranges import first_column, header_row, whole_tab
from sheets_bot.adapters.google.retry import RetryPolicy
from sheets_bot.adapters.google.tabs import TABS_FIELDS, TabInfo, find_tab, parse_tabs
from sheets_bot.adapters.google.writes import WritePlan, plan_writes
from sheets_bot.errors import SheetLayoutError
from sheets_bot.ports import Cell, Grid, SeedRows, SheetBatch
from sheets_bot.sheet.grids import tabs_named_in, trim_grid
from sheets_bot.sheet.layout import Layout, load_layout

JsonObject = dict[str, object]
READ_OPTIONS: Final = {
    "majorDimension": "ROWS",
    "valueRenderOption": "UNFORMATTED_VALUE",
    "dateTimeRenderOption": "FORMATTED_STRING",
}
"""Numbers as numbers, dates as the owner sees them, formulas as their results."""


def open_google_sheet(
    spreadsheet_id: str,
    identity: GoogleIdentity,
    *,
    http: HTTPClient | None = None,
    retry: RetryPolicy | None = None,
) -> GoogleSheet:
    """A ``GoogleSheet`` for one run; nothing is requested until it is read or prepared."""
    client = http if http is not None else build_http_client(identity.credentials)
    return GoogleSheet(SheetsApi(client, spreadsheet_id, account=identity.email, retry=retry))


class GoogleSheet:
    """``Sheet`` on one Google spreadsheet, for one run (tab ids and grid sizes are fetched
    once). ``layout`` says which tints and dropdowns the rows get that an append adds to a
    tab's grid."""

    def __init__(self, api: SheetsApi, *, layout: Layout | None = None) -> None:
        self.api = api
        self.layout = layout or load_layout()
        self._tabs: dict[str, TabInfo] | None = None
        self._seen_rows: dict[str, int] = {}
        self._headers: dict[str, list[Cell]] = {}

    @property
    def location(self) -> str:
        return self.api.url

    @property
    def account(self) -> str:
        """The address the sheet must be shared with."""
        return self.api.account

    # --- the port -----------------------------------------------------------------------

    def read(self, tabs: Sequence[str], *, append_only: Sequence[str] = ()) -> dict[str, Grid]:
        """One ``values.batchGet`` for every tab that exists. An append-only tab costs two
        small ranges, its header row and column A, and comes back as just those."""
        present = {name: found for name in tabs if (found := find_tab(self.tabs(), name))}
        ranges: list[str] = []
        for name, info in present.items():
            if name in append_only:
                ranges += [header_row(info.title), first_column(info.title)]
            else:
                ranges.append(whole_tab(info.title))
        if not ranges:
            return {}
        answers = iter(self.api.batch_get(ranges, READ_OPTIONS))
        grids: dict[str, Grid] = {}
        for name in present:
            if name in append_only:
                header = _rows(next(answers))[:1]
                column = _rows(next(answers))
                grid = header + [row[:1] for row in column[1:]]
            else:
                grid = _rows(next(answers))
            grids[name] = trim_grid(grid)
            self._seen_rows[name] = len(grids[name])
            self._headers[name] = list(grids[name][0]) if grids[name] else []
        return grids

    def apply(self, batch: SheetBatch) -> None:
        """The whole batch as one request (see :mod:`.writes`); a tab the batch names that
        does not exist stops it before anything is sent."""
        if not batch:
            return
        tabs: dict[str, TabInfo] = {}
        for name in tabs_named_in(batch):
            found = find_tab(self.tabs(), name)
            if found is None:
                raise SheetLayoutError(name, None)
            tabs[name] = found
        unread = list(dict.fromkeys(a.tab for a in batch.appends if a.tab not in self._seen_rows))
        if unread:
            self.read(unread)
        plan = plan_writes(batch, tabs, self._seen_rows, self._headers, self.layout)
        if plan.values is not None:
            if plan.values["data"]:
                self.api.values_batch_update(plan.values)
        elif plan.requests:
            self.api.batch_update(plan.requests, applied=lambda: self._went_through(plan))
            if self._tabs is not None:
                self._tabs.update(plan.after)
        self._seen_rows.clear()
        self._headers.clear()

    def prepare(self, layout: Layout, rows: Mapping[str, SeedRows]) -> None:
        """Reads what is there (two or three requests), then at most one batchUpdate."""
        unknown = set(rows) - {spec.name for spec in layout.tabs}
        if unknown:
            raise KeyError(f"rows given for tabs the layout does not have: {sorted(unknown)}")
        planned = self._plan_prepare(layout, rows)
        if not planned:
            return

        def went_through() -> bool | None:
            """Planning again says: nothing left to do (it went through), the same requests
            (it did not), or something else (the owner changed the sheet meanwhile)."""
            again = self._plan_prepare(layout, rows, fresh=True)
            if not again:
                return True
            return False if again == planned else None

        self.api.batch_update(planned, applied=went_through)
        self._forget()

    # --- helpers ------------------------------------------------------------------------

    def tabs(self, *, fresh: bool = False) -> dict[str, TabInfo]:
        """The spreadsheet's tabs, fetched once per run."""
        if self._tabs is None or fresh:
            self._tabs = parse_tabs(self.api.get(fields=TABS_FIELDS))
        return self._tabs

    def _forget(self) -> None:
        self._tabs = None
        self._seen_rows.clear()
        self._headers.clear()

    def _went_through(self, plan: WritePlan) -> bool | None:
        """After an ambiguous failure: the grid sizes say whether the batch was applied. A
        batch that only sets cells (formulas) changes no size, and sending it again sets the
        same cells: it counts as not applied, to be sent again."""
        if not plan.after:
            return False
        now = self.tabs(fresh=True)
        sizes = {title: now[title].size if title in now else None for title in plan.after}
        if all(sizes[title] == info.size for title, info in plan.after.items()):
            return True
        if all(sizes[title] == info.size for title, info in plan.before.items()):
            return False
        return None

    def _plan_prepare(
        self, layout: Layout, rows: Mapping[str, SeedRows], *, fresh: bool = False
    ) -> list[dict[str, object]]:
        tabs = self.tabs(fresh=fresh)
        found = {spec.name: find_tab(tabs, spec.name) for spec in layout.tabs}
        existing = {name: info for name, info in found.items() if info is not None}
        looks: dict[str, TabLook | None] = dict.fromkeys(found)
        if existing:
            answer = self.api.get(
                fields=LOOK_FIELDS,
                ranges=[f"{whole_tab(i.title)}!1:{min(2, i.rows)}" for i in existing.values()],
            )
            by_title = looks_from(answer, {info.title: info for info in existing.values()})
            for name, info in existing.items():
                looks[name] = by_title.get(info.title, TabLook(info))
            filled = [name for name in existing if rows.get(name)]
            if filled:
                answers = self.api.batch_get(
                    [whole_tab(existing[name].title) for name in filled], READ_OPTIONS
                )
                for name, answer in zip(filled, answers, strict=True):
                    look = looks[name]
                    if look is not None:
                        look.has_data = len(trim_grid(_rows(answer))) > 1
        return plan_prepare(layout, looks, rows, [info.sheet_id for info in tabs.values()])


def _rows(value_range: Mapping[str, object]) -> Grid:
    raw = value_range.get("values")
    if not isinstance(raw, list):
        return []
    return [[read_value(value) for value in row] for row in raw if isinstance(row, list)]
