"""A stateful in-memory fake of the Google Sheets v4 REST API, for tests that run real gspread.

Plug it under ``requests`` with the ``responses`` library::

    with FakeSheetsApi.running() as fake:
        key = fake.create_spreadsheet("Shop", first_tab="Stock")
        fake.set_values(key, "Stock!A1", [["SKU", "On hand"], ["A-1", 4]])
        sheet = fake.client().open_by_key(key).worksheet("Stock")
        assert sheet.get_all_values() == [["SKU", "On hand"], ["A-1", "4"]]
        assert fake.counts["values.get"] == 1

What it serves: ``spreadsheets.get`` / ``batchUpdate`` and ``spreadsheets.values.get`` /
``batchGet`` / ``update`` / ``batchUpdate`` / ``append`` / ``clear`` / ``batchClear``. Every
request body and query parameter is checked against the official discovery document shipped
with google-api-python-client, so a misspelled field fails with Google's 400.

Faithful where a bot can trip: trimming of trailing empty cells and rows, the ``range`` echo,
RAW vs USER_ENTERED, value render options, grid limits, A1 quoting, error envelopes, 403/404,
batch atomicity, and rows/columns moving cell values, validation, formats, protected ranges
and conditional formats together.

Not modelled (see each module's docstring): formula evaluation beyond literals, HYPERLINK and
SUM of literals (other formulas read as :data:`UNEVALUATED`); enforcement of strict data
validation on writes; named ranges, merges, filters, charts and the other batchUpdate kinds
(they raise ``NotImplementedError``); the Drive API (``gspread.Client.open(title)``,
``create``, sharing); ``effectiveFormat``; number formats beyond a few common patterns.
"""

from sheets_bot.testing.fake_sheets.errors import SheetsApiError
from sheets_bot.testing.fake_sheets.formulas import UNEVALUATED
from sheets_bot.testing.fake_sheets.routing import BASE_URL, ENDPOINTS
from sheets_bot.testing.fake_sheets.server import FakeSheetsApi, RecordedRequest
from sheets_bot.testing.fake_sheets.validation_ranges import ValidationRange

__all__ = [
    "BASE_URL",
    "ENDPOINTS",
    "UNEVALUATED",
    "FakeSheetsApi",
    "RecordedRequest",
    "SheetsApiError",
    "ValidationRange",
]
