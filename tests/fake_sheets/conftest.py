"""The fake Sheets API, installed under ``requests`` for one test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sheets_bot.testing.fake_sheets_api import FakeSheetsApi


@pytest.fixture
def fake() -> Iterator[FakeSheetsApi]:
    with FakeSheetsApi.running() as running:
        yield running
