"""A1 notation parsing and formatting, the part of the fake every range goes through."""

from __future__ import annotations

import pytest

from sheets_bot.testing.fake_sheets.a1 import (
    A1SyntaxError,
    Bounds,
    column_index,
    column_letters,
    format_range,
    parse,
    quote_title,
)


@pytest.mark.parametrize(
    ("text", "title", "bounds", "single"),
    [
        ("Stock!A1:Q41", "Stock", Bounds(0, 41, 0, 17), False),
        ("Stock!A:Q", "Stock", Bounds(None, None, 0, 17), False),
        ("Stock!A2:Q", "Stock", Bounds(1, None, 0, 17), False),
        ("Stock!A3:3", "Stock", Bounds(2, 3, 0, None), False),
        ("Stock!2:5", "Stock", Bounds(1, 5, None, None), False),
        ("Stock!B2", "Stock", Bounds(1, 2, 1, 2), True),
        ("Stock!$B$2:$C$3", "Stock", Bounds(1, 3, 1, 3), False),
        ("Stock!C3:A1", "Stock", Bounds(0, 3, 0, 3), False),
        ("'Drafts 2'!A1:C", "Drafts 2", Bounds(0, None, 0, 3), False),
        ("'It''s'!A:A", "It's", Bounds(None, None, 0, 1), False),
        ("A1:B2", None, Bounds(0, 2, 0, 2), False),
    ],
)
def test_ranges_parse(text: str, title: str | None, bounds: Bounds, single: bool) -> None:
    parsed = parse(text)
    assert (parsed.title, parsed.bounds, parsed.single_cell) == (title, bounds, single)


@pytest.mark.parametrize("text", ["Stock", "'Stock'", "'Drafts 2'"])
def test_a_bare_title_is_the_whole_tab(text: str) -> None:
    assert parse(text).bounds is None


@pytest.mark.parametrize(
    "text", ["Stock!A0", "Stock!A", "Stock!A1:B2:C3", "'Open!A1", "", "Stock!"]
)
def test_malformed_ranges_are_refused(text: str) -> None:
    with pytest.raises(A1SyntaxError):
        parse(text)


@pytest.mark.parametrize(("index", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ")])
def test_columns_round_trip(index: int, letters: str) -> None:
    assert column_letters(index) == letters
    assert column_index(letters) == index


@pytest.mark.parametrize(
    ("title", "written"),
    [
        ("Stock", "Stock"),
        ("Sheet1", "Sheet1"),
        ("Drafts 2", "'Drafts 2'"),
        ("It's", "'It''s'"),
        ("A1", "'A1'"),
        ("2024", "'2024'"),
    ],
)
def test_titles_are_quoted_only_when_needed(title: str, written: str) -> None:
    assert quote_title(title) == written


def test_single_cells_are_echoed_without_a_colon() -> None:
    assert format_range("Stock", Bounds(1, 2, 1, 2)) == "Stock!B2"
    assert format_range("Drafts 2", Bounds(0, 41, 0, 17)) == "'Drafts 2'!A1:Q41"
