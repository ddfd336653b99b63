"""Trends from numbers only, and the Dashboard's formula templates checked against the layout."""

from __future__ import annotations

import math

import pytest

from sheets_bot.domain.trend import sparkline_formula, text_sparkline
from sheets_bot.sheet.dashboard import column_range, expand
from sheets_bot.sheet.layout import load_layout
from sheets_bot.testing.fake_sheets.formulas import UNEVALUATED, evaluate


def test_text_sparkline_scales_between_low_and_high() -> None:
    assert text_sparkline([0, 5, 10]) == "▁▅█"
    assert text_sparkline([3, 3, 3]) == "▄▄▄"
    assert text_sparkline([]) == ""
    assert text_sparkline([1, math.nan, math.inf, 2]) == "▁█"


def test_sparkline_formula_is_numbers_only() -> None:
    assert sparkline_formula([12, 10.0, 8.25, -1]) == "=SPARKLINE({12,10,8.25,-1})"
    assert sparkline_formula([1, math.nan]) == "=SPARKLINE({1})"


def test_the_fake_sheets_api_gives_a_sparkline_no_value_as_google_does() -> None:
    assert evaluate("=SPARKLINE({12,10,8.5})") == ""
    assert evaluate("=SPARKLINE(A1:A3)") == UNEVALUATED


def test_placeholders_expand_to_header_lookups() -> None:
    layout = load_layout()
    assert expand('COUNTIF({Stock.Move},"urgent")', layout) == (
        f'=COUNTIF({column_range("Stock", "Move")},"urgent")'
    )
    assert column_range("Stock", "Move") == (
        'OFFSET(Stock!$A$2,0,MATCH("Move",Stock!$1:$1,0)-1,ROWS(Stock!$A:$A)-1,1)'
    )
    assert "Line total" in expand("SUM({Drafts.line  TOTAL})", layout)


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("SUM({Nowhere.Qty})", "no tab 'Nowhere'"),
        ("SUM({Stock.Price})", "Stock has no column 'Price'"),
        ("SUM({Stock.Move)", "malformed placeholder"),
    ],
)
def test_a_template_naming_what_the_layout_lacks_is_refused(template: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        expand(template, load_layout())
