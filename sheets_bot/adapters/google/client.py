"""The gspread client the adapter talks through: authorised with the given credentials, with
timeouts, so a hung connection becomes a retried timeout instead of a hung run."""

from __future__ import annotations

from typing import Final

import gspread
from google.auth.credentials import Credentials
from gspread.http_client import HTTPClient

TIMEOUT: Final = (10.0, 60.0)
"""Seconds to connect, and to wait for a response (a 20,000-row read takes a few seconds)."""


def build_http_client(
    credentials: Credentials, timeout: tuple[float, float] = TIMEOUT
) -> HTTPClient:
    """gspread's HTTP client (``requests`` with google-auth's token handling) for the Sheets
    API. The adapter uses its low-level calls only: ``gspread.Spreadsheet`` would spend a
    metadata request on every open."""
    client = gspread.Client(auth=credentials)
    client.set_timeout(timeout)
    return client.http_client
