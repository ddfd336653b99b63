from __future__ import annotations

from decimal import Decimal

import pytest

from sheets_bot.intake.number_locale import (
    Convention,
    NotANumber,
    infer_convention,
    read_number,
)

COMMA = infer_convention(["€0,07", "2.400", "12"])
POINT = infer_convention(["£9.00", "1,012"])
NONE = infer_convention(["2.400", "17"])


def test_the_decimal_mark_is_inferred_from_the_files_money_and_numbers() -> None:
    assert (COMMA.decimal, POINT.decimal, NONE.decimal) == (",", ".", None)
    assert "'€0,07'" in COMMA.evidence
    assert infer_convention(["1.234,5"]).decimal == ","
    assert infer_convention(["1,234.50"]).decimal == "."
    both = infer_convention(["£3.42", "2,5"])
    assert both.conflict and both.decimal is None


@pytest.mark.parametrize(
    ("text", "convention", "value"),
    [
        ("2.400", COMMA, Decimal(2400)),
        ("1,012", POINT, Decimal(1012)),
        ("1.234,5", NONE, Decimal("1234.5")),
        ("1 234", NONE, Decimal(1234)),
        ("1\u202f234", NONE, Decimal(1234)),
        ("100.00 ea", NONE, Decimal(100)),
        ("12 pcs", NONE, Decimal(12)),
        ("€0,07", NONE, Decimal("0.07")),
        ("EUR 12,50", NONE, Decimal("12.50")),
        ("(3)", NONE, Decimal(-3)),
    ],
)
def test_numbers_read_by_the_files_convention(
    text: str, convention: Convention, value: Decimal
) -> None:
    reading = read_number(text, convention)
    assert reading.value == value
    assert reading.ambiguous == ""


@pytest.mark.parametrize("text", ["", "-", "n/a", "N/A", "not stocked", "Not stocked", "—"])
def test_not_counted_is_never_zero(text: str) -> None:
    assert read_number(text, NONE).value is None


def test_a_value_the_file_cannot_settle_is_ambiguous_and_says_why() -> None:
    reading = read_number("2.400", NONE)
    assert reading.value == Decimal(2400), "a group of three digits reads as thousands"
    assert "could be 2400 or 2.400" in reading.ambiguous
    assert "no decimal mark" in reading.ambiguous


def test_conflicting_files_leave_every_separated_value_ambiguous() -> None:
    both = infer_convention(["£3.42", "2,5"])
    assert read_number("2,5", both).ambiguous
    assert read_number("7", both).ambiguous == ""


@pytest.mark.parametrize("text", ["abc", "12 dozen", "1,23.5", "2.5 kg"])
def test_not_a_number(text: str) -> None:
    with pytest.raises(NotANumber):
        read_number(text, NONE)
