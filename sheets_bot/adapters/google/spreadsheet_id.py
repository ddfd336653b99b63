"""The spreadsheet id in what a user pastes: the id itself or the URL from the address bar."""

from __future__ import annotations

import re
from typing import Final

from sheets_bot.errors import BotError

_IN_URL: Final = re.compile(r"/spreadsheets/(?:u/\d+/)?d/([A-Za-z0-9_-]+)")
_BARE_ID: Final = re.compile(r"[A-Za-z0-9_-]{20,}")
"""Google's ids are 44 characters of letters, digits, ``-`` and ``_``; shorter is a typo."""


def parse_spreadsheet_id(text: str) -> str:
    """``https://docs.google.com/spreadsheets/d/<id>/edit#gid=0`` or ``<id>`` -> ``<id>``."""
    cleaned = text.strip()
    found = _IN_URL.search(cleaned)
    if found is not None:
        return found.group(1)
    if _BARE_ID.fullmatch(cleaned):
        return cleaned
    raise BotError(
        f"--sheet {text!r} is not a Google Sheet: pass its URL"
        " (https://docs.google.com/spreadsheets/d/<id>/edit) or the <id> part of it"
    )


def sheet_url(spreadsheet_id: str) -> str:
    """Where the owner opens the sheet."""
    return f"https://docs.google.com/spreadsheets/d/{spreadsheet_id}/edit"
