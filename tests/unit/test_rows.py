"""Bad input gets a located problem and never stops the other rows."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sheets_bot.domain.models import ItemStatus, PoFormat
from sheets_bot.ports import Cell
from sheets_bot.sheet.layout import load_layout
from sheets_bot.sheet.rows import (
    STOCK_COLUMNS,
    StockRow,
    _item,
    _plain_item,
    read_stock,
    read_suppliers,
    validate_row,
)
from sheets_bot.sheet.settings import read_settings
from sheets_bot.sheet.table import Table
from tests.unit.tables import table

GOOD: dict[str, Cell] = {
    "Item": "Espresso 1kg",
    "SKU": "COF-1",
    "Supplier": "Bean Bros",
    "On hand": "1,234",
    "Daily sales": "12 ea",
    "Lead time (days)": 5,
    "Safety buffer": "",
    "Pack size": None,
    "Unit cost": "$3.42",
}


def test_numbers_as_shown_and_defaults() -> None:
    items, problems = read_stock(table("Stock", [GOOD]))
    assert problems == {}
    [item] = items
    assert item.on_hand == 1234
    assert item.daily_sales == 12
    assert item.unit_cost == Decimal("3.42")
    assert item.safety_buffer == 0
    assert item.pack_size == 1
    assert item.status is ItemStatus.ACTIVE
    assert item.row == 2


def test_each_bad_cell_is_named_by_tab_row_column_and_value() -> None:
    rows = [
        GOOD,
        {**GOOD, "SKU": "B-1", "Daily sales": "ask Sam"},
        {**GOOD, "SKU": "B-2", "On hand": "-3"},
        {**GOOD, "SKU": "B-3", "On hand": ""},
        {**GOOD, "SKU": "B-4", "Pack size": "2.5"},
        {**GOOD, "SKU": "B-5", "Status": "gone"},
    ]
    items, problems = read_stock(table("Stock", rows))
    assert [item.sku for item in items] == ["COF-1"]
    assert str(problems[3][0]) == "Stock row 3, column I 'Daily sales': 'ask Sam' is not a number"
    assert str(problems[4][0]) == "Stock row 4, column H 'On hand': '-3' is negative"
    assert "Stock row 5, column H 'On hand'" in str(problems[5][0])
    assert "is blank" in str(problems[5][0])
    assert "not a whole number" in str(problems[6][0])
    assert "not one of active, discontinued, paused" in str(problems[7][0])


def test_a_duplicate_sku_is_a_problem_on_both_rows() -> None:
    items, problems = read_stock(
        table("Stock", [GOOD, {**GOOD, "SKU": " cof-1 ".upper()}, {**GOOD, "SKU": "X"}])
    )
    assert [item.sku for item in items] == ["X"]
    assert "duplicate SKU (also on row 3)" in str(problems[2][0])
    assert "duplicate SKU (also on row 2)" in str(problems[3][0])


def test_columns_found_by_header_whatever_the_order_and_spelling() -> None:
    spec = load_layout().tab("Stock")
    headers: list[Cell] = list(reversed(spec.headers))
    record: dict[str, Cell] = {**GOOD, "On hand": 7}
    values = [record.get(str(header)) for header in headers]
    headers[headers.index("On hand")] = "  on   HAND "
    items, _ = read_stock(Table.from_grid(spec, [headers, values]))
    assert items[0].on_hand == 7


def test_suppliers() -> None:
    suppliers, problems = read_suppliers(
        table(
            "Suppliers",
            [
                {
                    "Supplier": "Bean Bros",
                    "Email": "orders@beanbros.example",
                    "PO format": "PDF",
                    "Active": "yes",
                },
                {"Supplier": "No Mail", "Email": "not-an-address", "Active": ""},
                {"Supplier": "Gone", "Email": "x@gone.example", "Active": "no"},
                {"Supplier": "bean  bros", "Email": "dup@b.example"},
                {"Supplier": "Odd", "Email": "o@odd.example", "PO format": "fax"},
            ],
        )
    )
    assert set(suppliers) == {"bean bros", "no mail", "gone", "odd"}
    assert suppliers["odd"].problem is not None
    assert "'fax' is not one of csv, pdf, both" in suppliers["odd"].problem
    assert suppliers["bean bros"].po_format is PoFormat.PDF
    assert suppliers["no mail"].email is None
    assert "Suppliers row 3, column B 'Email'" in str(suppliers["no mail"].email_problem)
    assert suppliers["gone"].active is False
    messages = [str(problem) for problem in problems]
    assert any("row 5" in m and "listed twice" in m for m in messages)
    assert any("row 6" in m and "not one of csv, pdf, both" in m for m in messages)


def test_an_address_with_a_header_break_is_refused() -> None:
    suppliers, _ = read_suppliers(
        table("Suppliers", [{"Supplier": "Evil", "Email": "a@b.example\r\nBcc: x@y.example"}])
    )
    assert suppliers["evil"].email is None


def test_settings_bad_values_keep_defaults_and_say_where() -> None:
    settings, problems = read_settings(
        table(
            "Settings",
            [
                {"Setting": "Business name", "Value": "Corner Café"},
                {"Setting": "Timezone", "Value": "Mars/Olympus"},
                {"Setting": "Quiet hours", "Value": "22:00-06:00"},
                {"Setting": "watch  DAYS", "Value": "10"},
                {"Setting": "Anomaly factor", "Value": "lots"},
                {"Setting": "Owner email", "Value": "owner@cafe.example"},
            ],
        )
    )
    assert settings.business_name == "Corner Café"
    assert settings.timezone == "UTC"
    assert str(settings.quiet_hours) == "22:00-06:00"
    assert settings.watch_days == 10
    assert settings.anomaly_factor == 2
    assert settings.owner_email == "owner@cafe.example"
    assert [p.row for p in problems] == [3, 6]
    assert "Settings row 3, column B 'Value': 'Mars/Olympus' is not a timezone name" in str(
        problems[0]
    )


@pytest.mark.parametrize(
    ("value", "expected"), [("yes", True), ("YES ", True), ("no", False), ("", False)]
)
def test_ai_summary_setting(value: str, expected: bool) -> None:
    settings, problems = read_settings(
        table("Settings", [{"Setting": "AI summary", "Value": value}])
    )
    assert (settings.ai_summary, problems) == (expected, [])


def test_an_unreadable_ai_summary_is_off_and_located() -> None:
    settings, [problem] = read_settings(
        table("Settings", [{"Setting": "AI summary", "Value": "maybe"}])
    )
    assert settings.ai_summary is False
    assert "Settings row 2, column B 'Value': 'maybe' must be yes or no" in str(problem)


def test_each_bad_setting_is_one_message_saying_what_happens_meanwhile() -> None:
    settings, problems = read_settings(
        table(
            "Settings",
            [
                {"Setting": "Owner email", "Value": "bob"},
                {"Setting": "Currency", "Value": "pounds"},
                {"Setting": "Timezone", "Value": "London"},
                {"Setting": "Watch days", "Value": "soon"},
            ],
        )
    )
    assert (settings.owner_email, settings.currency, settings.timezone) == (None, "USD", "UTC")
    texts = [str(problem) for problem in problems]
    assert len(texts) == 4
    assert texts[0].startswith("Settings row 2, column B 'Value': 'bob' is not")
    assert texts[0].endswith(
        "(setting 'Owner email'); no digest or summary is sent until it is an address like"
        " owner@example.com"
    )
    assert "default" not in texts[0]
    assert texts[1] == (
        "Settings row 3, column B 'Value': 'pounds' is not a 3-letter ISO 4217 currency code"
        " like GBP, EUR or USD (GBP for 'pounds'?) (setting 'Currency'); USD is used until it"
        " is fixed"
    )
    assert texts[2].endswith("(setting 'Timezone'); UTC is used until it is fixed")
    assert texts[3].endswith("(setting 'Watch days'); 7 is used until it is fixed")


@pytest.mark.parametrize(("typed", "code"), [("GBP", "GBP"), (" eur ", "EUR"), ("usd", "USD")])
def test_a_currency_code_is_read_in_any_case(typed: str, code: str) -> None:
    settings, problems = read_settings(table("Settings", [{"Setting": "Currency", "Value": typed}]))
    assert (settings.currency, problems) == (code, [])


PLAIN: dict[str, Cell] = {
    "Item": "Espresso 1kg",
    "SKU": "COF-1",
    "Supplier": "Bean Bros",
    "On hand": 12,
    "Daily sales": 2.5,
    "Lead time (days)": None,
    "Safety buffer": 3,
    "Pack size": 6,
    "Unit cost": 4.2,
}

EDGES: dict[str, list[Cell]] = {
    "Item": [None, "", "  ", 7, 2.5, True, " Tea "],
    "SKU": [None, " ", 123, 1e20, "ab-1"],
    "Supplier": [None, "", "bean  bros"],
    "On hand": [
        0,
        -0.0,
        0.0,
        -1,
        10**9,
        10**9 + 1,
        1e9,
        999999999.9999999,
        1e9 + 0.1,
        float("nan"),
        float("inf"),
        True,
        False,
        "7",
        " 7 ",
        None,
        2**70,
        0.1 + 0.2,
    ],
    "Daily sales": [0, 0.0, -0.5, 10**7, 1e7, 1e7 - 1e-9, 3.3333333333, "2,5", None],
    "Lead time (days)": [0, 0.5, 1000, 1000.0, 1001, 999.9999999999999, -1, "5", ""],
    "Safety buffer": [0, -0.0, 0.0, 1.5, None, "", -2, 10**9, 1e9],
    "Pack size": [0, 1, 1.0, 0.5, 6.0, 2.5, -0.0, 10**6, 10**6 + 1, 1e6, 1e6 + 1, "6", True],
    "Unit cost": [0, 0.0, 0.1, 12.5, 1e7, 1e7 - 0.01, 1e-7, -0.01, "12.50", None],
    "Min order": [None, 0, 1, 3.0, 3.5, 10**9, 10**9 + 1, -1],
    "Max order": [None, 1, 1e9, 2.0, ""],
    "Status": [None, "", "active", " Paused ", "DISCONTINUED", "gone", 3],
    "Use learned": [None, "", "no", "Lead  Time", "both", "maybe", 0],
    "Unit": [None, "", " bottle ", 12],
}


@pytest.mark.parametrize(
    ("column", "value"), [(column, value) for column, values in EDGES.items() for value in values]
)
def test_a_row_read_quickly_is_the_row_the_full_validation_reads(column: str, value: Cell) -> None:
    # Plain rows skip pydantic; any row, plain or not, must come out as pydantic reads it.
    stock = table("Stock", [{**PLAIN, column: value}])
    [row] = list(stock)
    full = validate_row(StockRow, stock, row, STOCK_COLUMNS)
    quick = _plain_item(row.values, row.number)
    if isinstance(full, list):
        assert quick is None
    elif quick is not None:
        expected = _item(full, row.number)
        assert quick == expected
        assert [type(v) for v in vars(quick).values()] == [type(v) for v in vars(expected).values()]
        assert repr(quick) == repr(expected)  # -0.0, Decimal exponents


def test_a_plain_row_is_read_without_the_full_validation() -> None:
    [row] = list(table("Stock", [PLAIN]))
    quick = _plain_item(row.values, row.number)
    assert quick is not None
    assert (quick.on_hand, quick.daily_sales, quick.unit_cost) == (12.0, 2.5, Decimal("4.2"))
