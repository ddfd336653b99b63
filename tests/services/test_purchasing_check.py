"""The check with purchasing: a second, cheaper and slower supplier chosen by score, bought by
the case; a supplier with ordering days and a minimum order value topped up. The sample café
(Monday 23 November 2026) with a few owner edits."""

from __future__ import annotations

import pytest

from sheets_bot.ports import Cell
from tests.services.harness import Shop


def _add_row(shop: Shop, tab: str, values: dict[str, Cell]) -> None:
    grid = shop.sheet.grid(tab)
    headers = [str(h) for h in grid[0]]
    shop.sheet.set_grid(tab, [*grid, [values.get(h) for h in headers]])


def _set(shop: Shop, tab: str, key_column: str, key: str, column: str, value: Cell) -> None:
    number = next(n for n, row in shop.numbered(tab) if row[key_column] == key)
    shop.sheet.set_cell(tab, number, column, value)


@pytest.fixture
def shop() -> Shop:
    """The sample café (which lists Milk Direct for oat milk, cheaper and slower, with a
    10-case MOQ that keeps it second) with Milk Direct's MOQ dropped, and Dairy Fresh taking
    orders on Tuesdays and Fridays with a minimum order of 250."""
    shop = Shop.sample()
    milk_direct = next(
        n
        for n, row in shop.numbered("Supplier items")
        if row["SKU"] == "DAI-OAT-1L" and row["Supplier"] == "Milk Direct"
    )
    shop.sheet.set_cell("Supplier items", milk_direct, "MOQ", None)
    _set(shop, "Suppliers", "Supplier", "Dairy Fresh Co", "Order days", "Tue, Fri")
    _set(shop, "Suppliers", "Supplier", "Dairy Fresh Co", "Min order value", 250)
    return shop


def _line(shop: Shop, sku: str) -> dict[str, Cell]:
    return next(row for row in shop.rows("Drafts") if row["SKU"] == sku)


def test_the_cheaper_slower_supplier_is_chosen_and_bought_by_the_case(shop: Shop) -> None:
    report = shop.check()
    assert report.problems == [p for p in report.problems if "Supplier items" not in p]
    oat = _line(shop, "DAI-OAT-1L")
    # Dairy Fresh: 1.65 a bottle; Milk Direct 16.80/12 = 1.40: price 40 × 1.40/1.65 = 33.94
    # against 40; both ½ reliability (15), ½ quality (10), MOQ 10: 68.94 and 75.
    assert oat["Supplier"] == "Milk Direct"
    why = str(oat["Why"])
    assert "supplier chosen: Milk Direct 75 (price 40, reliability 15, quality 10, MOQ 10" in why
    assert "runner-up Dairy Fresh Co 69 (price 34" in why
    # Lead 4: reorder point 9 × 4 + 8 = 44, target 44 + 36 = 80, 80 − 18 = 62 -> 6 cases of 12.
    assert oat["Suggested qty"] == oat["Order qty"] == 72
    assert oat["Purchase qty"] == "6 cases (72 bottles)"
    assert oat["Unit cost"] == 1.4
    assert oat["Line total"] == 100.8
    assert shop.stock("DAI-OAT-1L")["Reorder point"] == 44


def test_the_minimum_order_value_is_topped_up_and_the_draft_waits_for_tuesday(shop: Shop) -> None:
    shop.check()
    dairy = shop.draft_lines(shop.draft_of("Dairy Fresh Co"))
    # Monday: the order waits a day for Tuesday, and the next chance after it is Friday, so
    # the reorder points cover lead 2 + 3 days. Whole milk: 6 × 5 + 4 = 34, target 34 + 18,
    # 52 − 5 = 47 × 3.10 = 145.70; oat barista 5 × 5 + 6 = 31, 31 + 15 = 46 -> 8 packs of 6 = 48
    # × 1.95 = 93.60: 239.30 < 250. Top-up by days of cover above the reorder point:
    # semi-skimmed (14 − 12)/2 = 1 -> 18 − 14 = 4 × 2.95 = 11.80: 251.10 ≥ 250.
    assert [(row["SKU"], row["Order qty"]) for row in dairy] == [
        ("DAI-MLK-4L", 47),
        ("DAI-OATB-1L", 48),
        ("DAI-SEMI-4L", 4),
    ]
    assert str(dairy[2]["Why"]).startswith(
        "top-up to reach Dairy Fresh Co's minimum order 250: 1 day of cover above its"
        " reorder point 12"
    )
    for row in dairy:
        assert str(row["Status"]).endswith(
            "waits for Tue 24 Nov, the supplier's next ordering day (Tue, Fri)"
        )
        assert "below minimum" not in str(row["Status"])


def test_still_short_is_marked_below_minimum(shop: Shop) -> None:
    _set(shop, "Suppliers", "Supplier", "Dairy Fresh Co", "Min order value", 500)
    shop.check()
    lines = shop.draft_lines(shop.draft_of("Dairy Fresh Co"))
    assert len(lines) == 6  # every Dairy item that sells, and still short
    for row in lines:
        assert str(row["Status"]).endswith("; below minimum (284.7 of 500)")


def test_a_paused_supplier_hands_its_items_to_the_other_with_a_note(shop: Shop) -> None:
    _set(shop, "Suppliers", "Supplier", "Milk Direct", "Status", "paused")
    shop.check()
    oat = _line(shop, "DAI-OAT-1L")
    assert oat["Supplier"] == "Dairy Fresh Co"
    assert "Milk Direct skipped (paused)" in str(oat["Why"])
    # 9/day, lead 2 + 3 days to Dairy Fresh's next chance after Tuesday: reorder point 53,
    # target 53 + 27 = 80, 80 − 18 = 62 -> 11 packs of 6.
    assert oat["Order qty"] == 66


def test_the_samples_moq_keeps_the_cheaper_supplier_second() -> None:
    shop = Shop.sample()
    shop.check()
    oat = _line(shop, "DAI-OAT-1L")
    assert oat["Supplier"] == "Dairy Fresh Co"
    # Milk Direct's MOQ part: 9/day × 4 days = 36 of a 120-bottle minimum -> 10 × 0.3 = 3.
    assert "runner-up Milk Direct 68 (price 40, reliability 15, quality 10, MOQ 3" in str(
        oat["Why"]
    )
    assert oat["Purchase qty"] == "5 cases (30 bottles)"


def test_a_pin_keeps_the_item_with_its_supplier(shop: Shop) -> None:
    dairy = next(
        n
        for n, row in shop.numbered("Supplier items")
        if row["SKU"] == "DAI-OAT-1L" and row["Supplier"] == "Dairy Fresh Co"
    )
    shop.sheet.set_cell("Supplier items", dairy, "Pin", "yes")
    shop.check()
    oat = _line(shop, "DAI-OAT-1L")
    assert oat["Supplier"] == "Dairy Fresh Co"
    assert "supplier pinned: Dairy Fresh Co 69" in str(oat["Why"])
    assert "runner-up Milk Direct 75" in str(oat["Why"])


def test_a_bad_supplier_items_cell_is_a_located_problem(shop: Shop) -> None:
    _add_row(shop, "Supplier items", {"SKU": "TEA-EB-500", "Supplier": "Nobody Ltd", "MOQ": "lots"})
    report = shop.check()
    located = [p for p in report.problems if p.startswith("Supplier items row")]
    assert len(located) == 1 and "'MOQ': 'lots' is not a number" in located[0]
