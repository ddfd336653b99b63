from __future__ import annotations

from decimal import Decimal

import pytest

from sheets_bot.domain.sheet_numbers import NotANumber, parse_number, plain


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234", Decimal(1234)),
        ("1,234.50", Decimal("1234.50")),
        ("$3.42", Decimal("3.42")),
        ("£18.50", Decimal("18.50")),
        ("12 ea", Decimal(12)),
        ("12ea", Decimal(12)),
        (" 7 days ", Decimal(7)),
        ("2.5/day", Decimal("2.5")),
        ("-4", Decimal(-4)),
        ("(5)", Decimal(-5)),
        (".5", Decimal("0.5")),
        (42, Decimal(42)),
        (0.25, Decimal("0.25")),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_numbers_as_a_sheet_shows_them(text: object, expected: Decimal | None) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    "text", ["abc", "ask Sam", "12 dozen", "1,23", "1.2.3", "(5", True, float("nan"), "=A1"]
)
def test_text_that_is_not_a_number(text: object) -> None:
    with pytest.raises(NotANumber):
        parse_number(text)


@pytest.mark.parametrize(
    ("value", "text"), [(598.0, "598"), (2.5, "2.5"), (1 / 3, "0.33"), (Decimal("3.10"), "3.1")]
)
def test_plain(value: float | Decimal, text: str) -> None:
    assert plain(value) == text
