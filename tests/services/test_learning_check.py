"""The check with history: learned numbers appear in the Stock tab's bot columns and drive the
check where the history is enough, unless the owner turns them off (Settings or per item); the
Why says which numbers were used and why.

History comes from in-memory stand-ins of the SalesLog, ReceiptLog and StockHistory ports
(``sheets_bot.testing.learning_fakes``); the sheet is still read once and written once."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from sheets_bot.domain.fill_rate import protection_demand
from sheets_bot.domain.history import Receipt, SaleEvent, StockDay
from sheets_bot.domain.sheet_numbers import parse_number
from sheets_bot.domain.targets import LEARNED_SPREAD, MAX_SHORTFALL
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
    return run_check(replace(shop.check_ports, **history))  # type: ignore[arg-type]


def why(shop: Shop, sku: str = ESPRESSO) -> str:
    return str(next(row for row in shop.rows("Drafts") if row["SKU"] == sku)["Why"])


@pytest.fixture
def shop() -> Shop:
    return Shop.sample()


def test_learned_numbers_are_the_default_where_history_is_enough(shop: Shop) -> None:
    check(shop, sales=sales(10, 30))

    espresso = shop.stock(ESPRESSO)
    average = {"A": 0.98, "B": 0.95, "C": 0.90}[str(espresso["ABC"])]
    # the item's own target: its class's, shifted by its unit cost × days between orders and
    # by how steady its demand is (here exactly steady: the highest target its class allows)
    target = float(str(espresso["Fill target"]).removesuffix("%")) / 100
    assert 1 - min(LEARNED_SPREAD * (1 - average), MAX_SHORTFALL) <= target
    assert target <= 1 - (1 - average) / LEARNED_SPREAD + 1e-9
    assert target != average
    assert espresso["Learned sales"] == 10
    assert espresso["Demand class"] == "smooth"
    # 10 a day every day: no forecast error, so the demand over the 5-day lead time is 50 for
    # sure; the day's sale of 10 before the next order takes the stock below the reorder
    # point by 5 on average (uniform, variance 100/12). Orders of 10 × (5 + 1) = 60 (packs of
    # 6) serve the target when the shortfall per order is (1 − target) × 60
    demand = protection_demand(
        rate=10, daily_variance=0, days=5, lead_stdev=0, skewed=False, sale_size=10, size_cv2=0
    )
    point = float(str(espresso["Reorder point"]))
    assert (demand.mean, demand.variance) == pytest.approx((55, 100 / 12))
    assert demand.fill_rate(point, 60) == pytest.approx(target, abs=0.002)
    assert espresso["Safety stock"] == pytest.approx(point - 50, abs=0.05)
    assert (
        espresso["Numbers used"] == "learned rate (unsure: little history (30 days, 30 with sales))"
    )
    assert why(shop).startswith(
        "10/day learned (SES, smooth: ADI 1.00, CV² 0.00; 30 days);"
        f" fill target {espresso['Fill target']} (class {espresso['ABC']}:"
        f" {average * 100:g}% on average; higher here: steady demand or cheap to hold, so fill"
        " costs little stock); unsure: little history"
    )
    assert "= 10/day × 5 days " in why(shop)
    assert "fill with orders of 60, allowing for a day's sale" in why(shop)


def test_the_shop_can_switch_learning_off(shop: Shop) -> None:
    set_setting(shop, "Use learned", "no")
    shop.sheet.reads = shop.sheet.applies = 0

    check(shop, sales=sales(10, 30))

    espresso = shop.stock(ESPRESSO)
    assert espresso["Learned sales"] == 10  # shown, not used
    assert espresso["Reorder point"] == 16.5  # 2.5/day x 5 days + 4, the typed numbers
    assert espresso["Safety stock"] == 4
    assert espresso["Numbers used"] == "typed"
    assert why(shop).startswith("Typed numbers (Settings 'Use learned': no). ")
    assert (shop.sheet.reads, shop.sheet.applies) == (1, 1)


def test_an_item_may_be_pinned_to_its_typed_numbers(shop: Shop) -> None:
    shop.sheet.set_cell("Stock", shop.stock_row(ESPRESSO), "Use learned", "no")

    check(shop, sales=sales(10, 30))

    assert shop.stock(ESPRESSO)["Reorder point"] == 16.5
    assert why(shop).startswith("Typed numbers (Stock 'Use learned': no). ")


def test_learned_lead_times_and_their_spread(shop: Shop) -> None:
    check(shop, sales=sales(10, 30), receipts=receipts([6, 7, 7, 7, 8, 8, 8, 9, 9, 10]))

    espresso = shop.stock(ESPRESSO)
    # 85th percentile of 6,7,7,7,8,8,8,9,9,10: position 7.65 -> 9 + 0.65 x 0 = 9 days
    assert espresso["Learned lead time"] == 9
    assert str(espresso["Numbers used"]).startswith("learned (unsure")
    assert "9 days lead time learned (85th percentile of 10 item receipts)" in why(shop)
    assert "= 10/day × 9 days " in why(shop)
    # the spread of those lead times (σ 1.2 days × 10/day) is the only uncertainty: a normal
    # safety stock, above zero (without it: −(1 − target) × 90, orders of 10 × 9)
    assert float(str(espresso["Safety stock"])) > 0


def test_with_too_little_history_the_owners_number_stays_and_the_why_says_so(shop: Shop) -> None:
    check(shop, sales=sales(10, 5), receipts=receipts([6, 7, 7]))

    espresso = shop.stock(ESPRESSO)
    assert espresso["Learned sales"] is None
    assert espresso["Learned lead time"] is None
    assert espresso["Reorder point"] == 16.5
    assert espresso["Numbers used"] == "typed rate (5 of 14 days of history)"
    assert why(shop).startswith(
        "Typed 2.5/day: 5 days of history with 5 sale days, learning needs 14 days and 1 day"
        " with a sale;"
        " 5 days lead time (sheet; 3 of 8 receipts so far). "
    )


def test_without_a_point_of_sale_the_stock_history_teaches_and_stock_outs_are_lower_bounds(
    shop: Shop,
) -> None:
    days = [
        StockDay(TODAY - timedelta(days=n), ESPRESSO, 40, 36, 0 if n <= 2 else 36, 4, 0)
        for n in range(1, 31)
    ]

    check(shop, history=MemoryStockHistory(days))

    assert shop.stock(ESPRESSO)["Learned sales"] == 4
    assert why(shop).startswith(
        "4/day learned (SES, smooth: ADI 1.00, CV² 0.00; 30 days;"
        " 2 stock-out days counted as at least what they sold)"
    )


def test_pos_events_come_before_the_stock_history(shop: Shop) -> None:
    days = [StockDay(TODAY - timedelta(days=n), ESPRESSO, 40, 36, 36, 4, 0) for n in range(1, 31)]

    check(shop, sales=sales(10, 30), history=MemoryStockHistory(days))

    assert shop.stock(ESPRESSO)["Learned sales"] == 10


def test_safety_method_buffer_keeps_the_typed_buffer_with_the_learned_rate(shop: Shop) -> None:
    set_setting(shop, "Safety method", "buffer")

    check(shop, sales=sales(10, 30))

    espresso = shop.stock(ESPRESSO)
    assert espresso["Reorder point"] == 54  # 10/day x 5 days + 4
    assert espresso["Fill target"] is None
    assert "your safety buffer 4" in why(shop)


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
    assert espresso["Demand class"] is None
    assert espresso["Numbers used"] == "typed rate (0 of 14 days of history)"
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
        "the stock history history/x cannot be read (bad gzip); this check went on from the"
        " demand learned before (and the sales feed, if any), and the days the history holds"
        " are learned once it can be read" in report.problems
    )


def test_an_item_pinned_to_its_typed_sales_leaves_its_class_targets_to_the_others(
    shop: Shop,
) -> None:
    """Two learned class-A items, the Ethiopian far more erratic: the espresso carries more of
    the class (a higher target). Pinned to its typed numbers, the Ethiopian keeps its typed
    buffer, so it no longer shifts the espresso's target: the espresso alone is the class's
    learned average, 98%."""
    ethiopian = "COF-ETH-1K"
    start = MONDAY_10AM.replace(hour=11) - timedelta(days=30)
    events = [
        SaleEvent(f"e{n}", "shopify", ESPRESSO, 5 if n % 2 else 15, start + timedelta(days=n))
        for n in range(30)
    ] + [
        SaleEvent(f"t{n}", "shopify", ethiopian, 40, start + timedelta(days=n))
        for n in range(0, 30, 2)
    ]

    check(shop, sales=MemorySalesLog(events))
    shared = shop.stock(ESPRESSO)
    assert (shared["ABC"], shop.stock(ethiopian)["ABC"]) == ("A", "A")
    assert float(str(shared["Fill target"]).removesuffix("%")) > 98

    pinned = Shop.sample()
    pinned.sheet.set_cell("Stock", pinned.stock_row(ethiopian), "Use learned", "no")
    check(pinned, sales=MemorySalesLog(events))
    assert pinned.stock(ESPRESSO)["Fill target"] == "98%"


def test_a_new_item_keeps_one_usual_sale_of_the_shop(shop: Shop) -> None:
    """The stock history shows three items selling 3 at a time (a sale every other day) and
    BAK-SDL-1 (typed 0 a day) not selling at all over 30 days: a new item. With nothing on
    hand it is drafted to one usual sale of the shop's items, 3, not one unit."""
    new = "BAK-SDL-1"  # paused in the sample shop
    shop.sheet.set_cell("Stock", shop.stock_row(new), "On hand", "0")
    shop.sheet.set_cell("Stock", shop.stock_row(new), "Status", "active")
    selling = ["BAK-FLR-16", "BAK-SUG-5", "BAK-CHC-2"]
    days = [
        StockDay(TODAY - timedelta(days=n), sku, 30, 27 if n % 2 else 30, 27, n % 2 * 3, 0)
        for n in range(1, 31)
        for sku in selling
    ]
    days += [StockDay(TODAY - timedelta(days=n), new, 0, 0, 0, 0, 0) for n in range(1, 31)]

    check(shop, history=MemoryStockHistory(days))

    line = next(row for row in shop.rows("Drafts") if row["SKU"] == new)
    assert line["Suggested qty"] == line["Order qty"] == 3
    assert "no sale yet (a new item): keeps 3, what one sale of this shop's items" in str(
        line["Why"]
    )
    assert "3 for a new item, to keep 3 (one usual sale)" in str(line["Why"])


def test_an_item_with_few_sales_keeps_its_class_target_and_why_says_so(shop: Shop) -> None:
    """Three sales of 12 in 30 days: sporadic, a spread that would set the espresso's target
    below its class's, beside a milk that sells 9 every day (class A too); with fewer than 8
    sales the class's target is the floor."""
    start = MONDAY_10AM.replace(hour=11) - timedelta(days=30)
    few = MemorySalesLog(
        [
            SaleEvent(f"e{n}", "shopify", ESPRESSO, 12, start + timedelta(days=day))
            for n, day in enumerate((0, 11, 23))
        ]
        + [
            SaleEvent(f"m{n}", "shopify", "DAI-MLK-4L", 9, start + timedelta(days=n))
            for n in range(30)
        ]
    )

    check(shop, sales=few)

    espresso = shop.stock(ESPRESSO)
    average = {"A": 0.98, "B": 0.95, "C": 0.90}[str(espresso["ABC"])]
    assert espresso["Demand class"] in {"intermittent", "lumpy"}
    assert espresso["Fill target"] == f"{average * 100:g}%"
    assert shop.stock("DAI-MLK-4L")["ABC"] == espresso["ABC"]
    assert "on average; never lower with fewer than 8 sales)" in why(shop)
