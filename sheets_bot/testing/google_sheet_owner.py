"""The Google adapter on the fake Sheets API, for tests and benchmarks: a ``GoogleSheet``
talking to :class:`FakeSheetsApi` through real gspread, and the owner's view of the same
spreadsheet (typing into cells without going through HTTP, so without being counted)."""

from __future__ import annotations

from typing import Final

from sheets_bot.adapters.google.api import SheetsApi
from sheets_bot.adapters.google.cells import read_value
from sheets_bot.adapters.google.ranges import block, quote_title
from sheets_bot.adapters.google.retry import RetryPolicy
from sheets_bot.adapters.google.sheet import GoogleSheet
from sheets_bot.errors import SheetLayoutError
from sheets_bot.ports import Cell, Grid
from sheets_bot.sheet.grids import trim_grid
from sheets_bot.testing.fake_sheets_api import FakeSheetsApi
from sheets_bot.testing.sheet_helpers import column_of, records_of, value_at

FAKE_ACCOUNT: Final = "sheets-bot@shop-project.iam.gserviceaccount.com"
NO_WAIT: Final = RetryPolicy(sleep=lambda _: None, random=lambda: 0.5)
"""Retries as in production, without the pauses."""


def fake_google_sheet(
    fake: FakeSheetsApi, spreadsheet_id: str, *, retry: RetryPolicy = NO_WAIT
) -> GoogleSheet:
    """A ``GoogleSheet`` (one bot run) on a spreadsheet of the running fake."""
    http = fake.client().http_client
    return GoogleSheet(SheetsApi(http, spreadsheet_id, account=FAKE_ACCOUNT, retry=retry))


class FakeSheetOwner:
    """``SheetOwner`` for a spreadsheet of the fake: values go in as given (``RAW``)."""

    def __init__(self, fake: FakeSheetsApi, spreadsheet_id: str) -> None:
        self.fake = fake
        self.spreadsheet_id = spreadsheet_id

    def grid(self, tab: str) -> Grid:
        if tab not in self.fake.tab_titles(self.spreadsheet_id):
            raise SheetLayoutError(tab, None)
        rows = self.fake.get_values(self.spreadsheet_id, tab)
        return trim_grid([[read_value(value) for value in row] for row in rows])

    def set_grid(self, tab: str, grid: Grid) -> None:
        """Replace the tab's values with ``grid`` (formats and dropdowns stay)."""
        old = self.grid(tab)
        height = max(len(old), len(grid))
        width = max((len(row) for row in [*old, *grid]), default=0)
        typed = [
            [_raw(grid[r][c] if r < len(grid) and c < len(grid[r]) else None) for c in range(width)]
            for r in range(height)
        ]
        if typed and width:
            self.fake.set_values(
                self.spreadsheet_id, f"{quote_title(tab)}!A1", typed, value_input="RAW"
            )

    def set_cell(self, tab: str, row: int, header: str, value: Cell) -> None:
        column = column_of(self.grid(tab), header)
        self.type_in(tab, row, column, value, value_input="RAW")

    def type_in(
        self, tab: str, row: int, column: int, value: Cell, *, value_input: str = "USER_ENTERED"
    ) -> None:
        """Type one value as the owner would (``USER_ENTERED`` unless told otherwise)."""
        self.fake.set_values(
            self.spreadsheet_id, block(tab, row, column), [[_raw(value)]], value_input=value_input
        )

    def get_cell(self, tab: str, row: int, header: str) -> Cell:
        grid = self.grid(tab)
        return value_at(grid, row, column_of(grid, header))

    def records(self, tab: str) -> list[dict[str, Cell]]:
        return records_of(self.grid(tab))


def _raw(value: Cell) -> str | int | float | bool:
    return "" if value is None else value
