"""A1 ranges the adapter sends, and the spreadsheet id in what a user pastes."""

from __future__ import annotations

import pytest

from sheets_bot.adapters.google.ranges import (
    block,
    column_letters,
    first_column,
    header_row,
    quote_title,
    whole_tab,
)
from sheets_bot.adapters.google.spreadsheet_id import parse_spreadsheet_id, sheet_url
from sheets_bot.errors import BotError
from sheets_bot.testing.fake_sheets import a1

ID = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"


@pytest.mark.parametrize(
    ("title", "quoted"),
    [
        ("Stock", "'Stock'"),
        ("Drafts 2", "'Drafts 2'"),
        ("Owner's list", "'Owner''s list'"),
        ("A1", "'A1'"),
        ("R1C1", "'R1C1'"),
        ("2024", "'2024'"),
        ("Café ☕", "'Café ☕'"),
        ("'", "''''"),
    ],
)
def test_titles_are_always_quoted_and_read_back_as_they_were(title: str, quoted: str) -> None:
    assert quote_title(title) == quoted
    assert a1.parse(f"{quoted}!B2").title == title


def test_an_empty_title_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        quote_title("")


@pytest.mark.parametrize(
    ("column", "letters"), [(1, "A"), (26, "Z"), (27, "AA"), (52, "AZ"), (702, "ZZ"), (703, "AAA")]
)
def test_column_letters(column: int, letters: str) -> None:
    assert column_letters(column) == letters


def test_column_zero_is_refused() -> None:
    with pytest.raises(ValueError, match="start at 1"):
        column_letters(0)


def test_ranges() -> None:
    assert whole_tab("Drafts 2") == "'Drafts 2'"
    assert header_row("Audit") == "'Audit'!1:1"
    assert first_column("Audit") == "'Audit'!A:A"
    assert block("Stock", 2, 13) == "'Stock'!M2"
    assert block("Stock", 2, 13, height=3, width=5) == "'Stock'!M2:Q4"
    with pytest.raises(ValueError, match="not a block"):
        block("Stock", 0, 1)


@pytest.mark.parametrize(
    "text",
    [
        ID,
        f"  {ID}\n",
        f"https://docs.google.com/spreadsheets/d/{ID}/edit#gid=0",
        f"https://docs.google.com/spreadsheets/d/{ID}/edit?usp=sharing",
        f"https://docs.google.com/spreadsheets/d/{ID}",
        f"https://docs.google.com/spreadsheets/u/1/d/{ID}/edit",
        f"docs.google.com/spreadsheets/d/{ID}/",
    ],
)
def test_the_id_is_found_in_an_id_or_a_url(text: str) -> None:
    assert parse_spreadsheet_id(text) == ID


@pytest.mark.parametrize(
    "text", ["", "shop.xlsx", "1234", "https://example.com/sheet", "has spaces in it but long"]
)
def test_anything_else_is_a_clear_error(text: str) -> None:
    with pytest.raises(BotError, match=r"is not a Google Sheet: pass its URL"):
        parse_spreadsheet_id(text)


def test_sheet_url() -> None:
    assert sheet_url(ID) == f"https://docs.google.com/spreadsheets/d/{ID}/edit"
