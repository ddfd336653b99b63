"""The check with history: learned numbers appear in the Stock tab's bot columns and drive the
check only when the owner chooses them (Settings or per item), with the method in the Why.

History comes from in-memory stand-ins of the SalesLog, ReceiptLog and StockHistory ports
(``sheets_bot.testing.learning_fakes``); the sheet is still read once and written once."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from sheets_bot.domain.history import Receipt, SaleEvent, StockDay
from sheets_bot.domain.sheet_numbers import parse_number
from sheets_bot.services.check import CheckReport, run_check
from sheets_bot.testing.learning_fakes import (
    MemoryReceiptLog,
    MemorySalesLog,
    MemoryStockHistory,
)
from tests.services.harness import MONDAY_10AM, Shop

ESPRESSO = "COF-ESP-1K"  # typed 2.5/day, supplier lead time 5 days, buffer 4, 6 on hand
TODAY = MONDAY_10AM.date()
SUPPLIER = "Bean Brothers Roasters"


def sales(per_day: float, days: int, sku: str = ESPRESSO) -> MemorySalesLog:
    """``per_day`` sold on each of the ``days`` days before today, at 11:00 UTC."""
    start = MONDAY_10AM.replace(hour=11) - timedelta(days=days)
    return MemorySalesLog(
        [
            SaleEvent(f"e{n}", "shopify", sku, per_day, start + timedelta(days=n))
            for n in range(days)
        ]
    )


def receipts(lead_days: list[float]) -> MemoryReceiptLog:
    sent = MONDAY_10AM - timedelta(days=60)
    return MemoryReceiptLog(
        [
            Receipt(
                f"PO-{n}",
                "Bean Brothers Roasters",
                ESPRESSO,
                12,
                12,
                sent,
                sent + timedelta(days=d),
            )
            for n, d in enumerate(lead_days)
        ]
    )


def set_setting(shop: Shop, key: str, value: str) -> None:
    number = next(n for n, row in shop.numbered("Settings") if row["Setting"] == key)
    shop.sheet.set_cell("Settings", number, "Value", value)


def check(shop: Shop, **history: object) -> CheckReport:
    return run_check(replace(shop.adapters, **history))  # type: ignore[arg-type]


def why(shop: Shop, sku: str = ESPRESSO) -> str:
    return str(next(row for row in shop.rows("Drafts") if row["SKU"] == sku)["Why"])


@pytest.fixture
def shop() -> Shop:
    return Shop.sample()


def test_learned_sales_are_shown_but_not_used_by_default(shop: Shop) -> None:
    check(shop, sales=sales(10, 30))

    espresso = shop.stock(ESPRESSO)
    assert espresso["Learned sales"] == 10
    assert espresso["Reorder point"] == 16.5  # 2.5/day x 5 days + 4, the typed numbers
    assert espresso["Safety stock"] == 4
    assert espresso["ABC"] in ("A", "B", "C")
    assert "learned" not in why(shop)


def test_chosen_in_settings_the_learned_rate_drives_the_check(shop: Shop) -> None:
    set_setting(shop, "Use learned", "sales")
    shop.sheet.reads = shop.sheet.applies = 0

    check(shop, sales=sales(10, 30))

    espresso = shop.stock(ESPRESSO)
    assert espresso["Reorder point"] == 54  # 10/day x 5 days + 4
    assert espresso["Days left"] == 0.6
    assert why(shop).startswith("10/day learned (EWMA, 30 days, from POS sales). ")
    assert (shop.sheet.reads, shop.sheet.applies) == (1, 1)


def test_an_item_may_choose_for_itself(shop: Shop) -> None:
    shop.sheet.set_cell("Stock", shop.stock_row(ESPRESSO), "Use learned", "both")

    check(shop, sales=sales(10, 30), receipts=receipts([6, 7, 7, 7, 8, 8, 8, 9, 9, 10]))

    espresso = shop.stock(ESPRESSO)
    # 85th percentile of 6,7,7,7,8,8,8,9,9,10: position 7.65 -> 9 + 0.65 x 0 = 9 days
    assert espresso["Learned lead time"] == 9
    assert espresso["Reorder point"] == 94  # 10/day x 9 days + 4
    assert "9 days lead time learned (85th percentile of 10 item receipts)" in why(shop)
    latte = shop.stock("DAI-MLK-4L")
    assert latte["Reorder point"] == 16  # Settings say no: still the typed numbers


def test_with_too_little_history_the_owners_number_stays_and_the_why_says_so(shop: Shop) -> None:
    set_setting(shop, "Use learned", "both")

    check(shop, sales=sales(10, 5), receipts=receipts([6, 7, 7]))

    espresso = shop.stock(ESPRESSO)
    assert espresso["Learned sales"] is None
    assert espresso["Learned lead time"] is None
    assert espresso["Reorder point"] == 16.5
    assert why(shop).startswith(
        "2.5/day typed (not a week of sales history yet); 5 days lead time"
        " (sheet; 3 of 8 receipts so far). "
    )


def test_without_a_point_of_sale_the_stock_history_teaches_and_stock_outs_are_left_out(
    shop: Shop,
) -> None:
    set_setting(shop, "Use learned", "sales")
    days = [
        StockDay(TODAY - timedelta(days=n), ESPRESSO, 40, 36, 0 if n <= 2 else 36, 4, 0)
        for n in range(1, 21)
    ]

    check(shop, history=MemoryStockHistory(days))

    assert shop.stock(ESPRESSO)["Learned sales"] == 4
    assert why(shop).startswith(
        "4/day learned (EWMA, 18 days, 2 stock-out days left out, from stock snapshots). "
    )


def test_pos_events_come_before_the_stock_history(shop: Shop) -> None:
    days = [StockDay(TODAY - timedelta(days=n), ESPRESSO, 40, 36, 36, 4, 0) for n in range(1, 21)]

    check(shop, sales=sales(10, 30), history=MemoryStockHistory(days))

    assert shop.stock(ESPRESSO)["Learned sales"] == 10


def test_a_service_level_safety_stock_by_abc_class(shop: Shop) -> None:
    set_setting(shop, "Safety method", "service level")
    events = sales(10, 30)
    events.add([SaleEvent("extra", "shopify", ESPRESSO, 6, MONDAY_10AM - timedelta(days=2))])

    check(shop, sales=events)

    espresso = shop.stock(ESPRESSO)
    # 29 days of 10 and one of 16: variance 105.2 - 10.2^2 = 1.16; typed lead time 5, no
    # receipts so no lead-time spread: z x sqrt(5 x 1.16) = z x 2.408
    z = {"A": 2.3263, "B": 1.6449, "C": 1.2816}[str(espresso["ABC"])]
    assert espresso["Safety stock"] == pytest.approx(z * (5 * 1.16) ** 0.5, abs=0.05)
    assert espresso["Reorder point"] == pytest.approx(2.5 * 5 + z * (5 * 1.16) ** 0.5, abs=0.01)
    assert f"for class {espresso['ABC']}" in why(shop)


def test_a_bad_use_learned_value_is_a_located_problem(shop: Shop) -> None:
    shop.sheet.set_cell("Stock", shop.stock_row(ESPRESSO), "Use learned", "maybe")
    set_setting(shop, "Safety method", "guess")

    report = check(shop)

    assert any("'Use learned'" in p and "maybe" in p for p in report.problems)
    assert any("setting 'Safety method'" in p for p in report.problems)


def test_the_learned_columns_are_blank_without_history(shop: Shop) -> None:
    check(shop)

    espresso = shop.stock(ESPRESSO)
    assert espresso["Learned sales"] is None
    assert espresso["Learned lead time"] is None
    # ABC from the typed rates x unit costs: the most valuable sellers are A
    rows = [row for row in shop.rows("Stock") if row["ABC"]]
    assert {row["ABC"] for row in rows} == {"A", "B", "C"}
    revenue = {
        str(row["SKU"]): float(parse_number(row["Daily sales"]) or 0)
        * float(parse_number(row["Unit cost"]) or 0)
        for row in rows
    }
    top = max(revenue, key=lambda sku: revenue[sku])
    bottom = min(revenue, key=lambda sku: revenue[sku])
    assert (shop.stock(top)["ABC"], shop.stock(bottom)["ABC"]) == ("A", "C")


def test_an_unreadable_history_is_a_problem_and_the_check_goes_on(shop: Shop) -> None:
    from sheets_bot.services.stock_history import UnreadableHistory

    class Broken(MemoryStockHistory):
        def days(self, start: date, end: date) -> list[StockDay]:
            raise UnreadableHistory("the stock history history/x cannot be read (bad gzip)")

    report = check(shop, history=Broken())

    assert len(report.items) == 40
    assert (
        "the stock history history/x cannot be read (bad gzip); sales are learned without it"
        in (report.problems)
    )
