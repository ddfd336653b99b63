"""Numbers at the float limits: every formatter answers, every range refuses (issue 18)."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from sheets_bot.adapters.local.exact_numbers import exact_string
from sheets_bot.domain.number_ranges import (
    COUNT,
    PACK_SIZE,
    SETTING_DAYS,
    NumberRange,
    OutOfRange,
)
from sheets_bot.domain.problems import Problem
from sheets_bot.domain.sheet_numbers import number_cell, plain
from sheets_bot.services.on_hand import as_cell
from sheets_bot.sheet.table import cell_text

EDGES: list[float | int] = [
    1e308,
    1.7976931348623157e308,
    -1.7976931348623157e308,
    math.inf,
    -math.inf,
    math.nan,
    10**400,
    -(10**400),
    -0.0,
    5e-324,
    10**11,
]


@pytest.mark.parametrize("value", EDGES)
def test_formatters_answer_for_any_number(value: float) -> None:
    assert isinstance(plain(value), str)
    assert isinstance(cell_text(value), str)
    assert as_cell(value) is not None
    assert number_cell(value, 2) is not None


def test_what_is_not_a_finite_number_is_written_as_text() -> None:
    assert number_cell(math.inf) == "inf"
    assert as_cell(float("nan")) == "nan"
    assert plain(10**400) == "inf"
    assert cell_text(math.inf) == "inf"
    assert cell_text(10**400) == "1" + "0" * 400
    assert cell_text(10**5000).startswith("a number of about 5000 digits")


def test_ordinary_numbers_are_formatted_as_before() -> None:
    assert number_cell(12.0) == 12
    assert number_cell(2.125, 2) == 2.12
    assert plain(Decimal("3.10")) == "3.1"
    assert cell_text(12.0) == "12"
    assert cell_text(0.1 + 0.2) == "0.3"


@pytest.mark.parametrize(
    ("limits", "inside", "outside"),
    [
        (COUNT, [0, Decimal("1e9"), Decimal("0.5")], [Decimal(-1), Decimal("1e9") + 1]),
        (PACK_SIZE, [1, 10**6], [0, 10**6 + 1, 10**11]),
        (SETTING_DAYS, [Decimal("0.5"), 3650], [0, 3651]),
    ],
)
def test_ranges(limits: NumberRange, inside: list[Decimal], outside: list[Decimal]) -> None:
    for number in inside:
        assert limits.check(Decimal(number)) == number
    for number in [*outside, Decimal("NaN"), Decimal("Infinity"), Decimal(10**400)]:
        with pytest.raises(OutOfRange, match="is out of range: it must be"):
            limits.check(Decimal(number))
    assert not limits.contains(math.inf)
    assert not limits.contains(math.nan)


@pytest.mark.parametrize(
    "value",
    [
        0.30000000000000004,
        1.7976931348623157e308,
        5e-324,
        2.5,
        12345678901234567.0,
        10**17 + 1,
        10**400,
        -(10**400),
    ],
)
def test_the_workbook_writer_keeps_every_digit(value: float) -> None:
    text = exact_string(value)
    read_back = float(text) if isinstance(value, float) else int(text)
    assert read_back == value


def test_the_workbook_writer_keeps_infinity_and_leaves_the_rest_to_openpyxl() -> None:
    assert float(exact_string(math.inf)) == math.inf
    assert float(exact_string(-math.inf)) == -math.inf
    assert exact_string(2.5) == "2.5"
    assert exact_string(100) == "100"
    assert exact_string(True) == "1"
    assert exact_string("text") == "text"


def test_a_problem_quotes_a_huge_integer_by_its_length() -> None:
    def shown(value: object) -> str:
        return str(Problem("Stock", 2, "On hand", "is out of range", value=value))

    assert shown(10**400) == (
        "Stock row 2, column 'On hand': 100000… (a number of 401 digits) is out of range"
    )
    assert shown(-(10**5000)).startswith("Stock row 2, column 'On hand': -a number of over")
    assert shown(12) == "Stock row 2, column 'On hand': 12 is out of range"
    assert shown(1e308) == "Stock row 2, column 'On hand': 1e+308 is out of range"
