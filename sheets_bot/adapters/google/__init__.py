"""The owner's Google Sheet through gspread: ``GoogleSheet`` implements the ``Sheet`` port.

``open_google_sheet`` builds one from a spreadsheet id and credentials (see
:mod:`.credentials`); the modules each do one job: A1 ranges, cell values, tab metadata,
writes, ``prepare`` and formats, retries, and errors a user can act on.
"""

from __future__ import annotations

from gspread.http_client import HTTPClient

from sheets_bot.adapters.google.api import SheetsApi
from sheets_bot.adapters.google.client import build_http_client
from sheets_bot.adapters.google.credentials import GoogleIdentity, load_identity
from sheets_bot.adapters.google.retry import RetryPolicy
from sheets_bot.adapters.google.sheet import GoogleSheet
from sheets_bot.adapters.google.spreadsheet_id import parse_spreadsheet_id, sheet_url

__all__ = [
    "GoogleIdentity",
    "GoogleSheet",
    "RetryPolicy",
    "SheetsApi",
    "load_identity",
    "open_google_sheet",
    "parse_spreadsheet_id",
    "sheet_url",
]


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
