"""The monthly figures of the scripted November (tests/unit/monthly_script.py), by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from sheets_bot.domain.history import StockDay
from sheets_bot.domain.monthly import (
    DeadItem,
    ItemDays,
    LateDelivery,
    Month,
    MonthlyFigures,
    SupplierSpend,
    late_deliveries,
    monthly_figures,
)
from tests.unit.monthly_script import (
    ITEMS,
    LINES,
    NOVEMBER,
    SUPPLIER_LEAD_DAYS,
    november_history,
)

_HISTORY: list[StockDay] = november_history()


def figures(history: list[StockDay] | None = _HISTORY) -> MonthlyFigures:
    return monthly_figures(
        NOVEMBER, LINES, ITEMS, supplier_lead_days=SUPPLIER_LEAD_DAYS, history=history
    )


def test_months() -> None:
    assert Month.before(date(2026, 12, 1)) == NOVEMBER
    assert Month.before(date(2027, 1, 1)) == Month(2026, 12)
    assert Month.parse("2026-02").end == date(2026, 2, 28)
    assert Month.parse("2028-02").days == 29
    assert NOVEMBER.title == "November 2026"
    assert str(NOVEMBER) == "2026-11"
    with pytest.raises(ValueError, match="YYYY-MM"):
        Month.parse("2026-13")
    with pytest.raises(ValueError, match="YYYY-MM"):
        Month.parse("November")


def test_spend_per_supplier_counts_lines_sent_in_the_month() -> None:
    result = figures()
    # Bean Bros: PO-0001 24 x 3.50 (PO-0000 is October's, PO-0004 cancelled, PO-0005 December's)
    # Dairy Co: PO-0002 30 x 1.20 + 6 x 2.00 = 48.00; PO-0003 is sent but has no unit cost.
    assert result.spend == (
        SupplierSpend("Bean Bros", 1, Decimal("84.00"), 0),
        SupplierSpend("Dairy Co", 2, Decimal("48.00"), 1),
    )
    assert result.pos_sent == 3
    assert result.total_spend == Decimal("132.00")


def test_late_deliveries_arrived_late_or_still_open() -> None:
    result = figures()
    assert result.late == (
        # sent 2 Nov + 5 days = 7 Nov, received 13 Nov
        LateDelivery("PO-0001", "Bean Bros", date(2026, 11, 7), date(2026, 11, 13), 6),
        # sent 25 Nov + 2 days (the item's own lead time) = 27 Nov, open on 30 Nov
        LateDelivery("PO-0003", "Dairy Co", date(2026, 11, 27), None, 3),
        # sent 28 Oct + 5 = 2 Nov, received 4 Nov
        LateDelivery("PO-0000", "Bean Bros", date(2026, 11, 2), date(2026, 11, 4), 2),
    )
    assert result.late_suppliers == ("Bean Bros", "Dairy Co")


def test_receipts_fill_in_a_missing_received_on() -> None:
    lead = {"cof-1": 5.0, "mlk-4": 2.0, "jam-1": None}
    suppliers = {"bean bros": 5.0, "dairy co": 3.0}
    on_time = late_deliveries(
        LINES,
        NOVEMBER,
        item_lead_days=lead,
        supplier_lead_days=suppliers,
        received={("PO-0003", "mlk-4"): date(2026, 11, 27)},
    )
    assert "PO-0003" not in [late.po for late in on_time]
    after_the_month = late_deliveries(
        LINES,
        NOVEMBER,
        item_lead_days=lead,
        supplier_lead_days=suppliers,
        received={("PO-0003", "mlk-4"): date(2026, 12, 2)},
    )
    assert [(late.po, late.received, late.days_late) for late in after_the_month][1] == (
        "PO-0003",
        None,
        3,
    )


def test_a_line_without_any_lead_time_is_never_late() -> None:
    assert late_deliveries(LINES, NOVEMBER, item_lead_days={}, supplier_lead_days={}) == ()


def test_stock_figures() -> None:
    stock = figures().stock
    assert stock is not None
    assert stock.item_days == 90  # 3 items x 30 days; October's and December's days ignored
    assert stock.stockout_days == 4  # coffee, days 10-12 and 13 until the delivery
    assert stock.in_stock_rate == pytest.approx(86 / 90)
    # coffee: closings 18+16+...+2 = 90, three 0s, eighteen 30s = 630, / 30 days = 21 on hand,
    # / 2 a day = 10.5 days; milk 50 / 5 = 10 days; jam does not sell.
    assert stock.average_days_of_supply == pytest.approx(10.25)
    assert stock.stockouts == (ItemDays("COF-1", "Coffee beans 1kg", 4),)
    assert stock.dead == (DeadItem("JAM-1", "Strawberry jam", 12),)
    assert [(mover.sku, mover.sold) for mover in stock.movers] == [("MLK-4", 150), ("COF-1", 20)]
    coffee = stock.movers[1]
    assert coffee.reorder_point == 10
    assert coffee.days[0] == date(2026, 11, 1) and len(coffee.days) == 30
    assert coffee.closing[:3] == (18, 16, 14)


def test_no_history_means_no_stock_figures() -> None:
    assert figures(history=None).stock is None


def test_an_empty_history_has_no_rates() -> None:
    stock = figures(history=[]).stock
    assert stock is not None
    assert stock.in_stock_rate is None
    assert stock.average_days_of_supply is None
    assert stock.movers == ()


def _so_far(today: date) -> MonthlyFigures:
    return monthly_figures(
        NOVEMBER, LINES, ITEMS, supplier_lead_days=SUPPLIER_LEAD_DAYS, history=_HISTORY, today=today
    )


def test_a_month_in_progress_counts_lateness_only_up_to_today() -> None:
    result = _so_far(date(2026, 11, 10))
    assert not result.complete
    assert result.period == "November 2026 so far (10 days)"
    # PO-0001 (due 7 Nov) is 3 days overdue on the 10th, not 23 days at a month end to come;
    # PO-0003 (sent on the 25th) is not even sent yet.
    assert result.late == (
        LateDelivery("PO-0001", "Bean Bros", date(2026, 11, 7), None, 3),
        LateDelivery("PO-0000", "Bean Bros", date(2026, 11, 2), date(2026, 11, 4), 2),
    )
    stock = result.stock
    assert stock is not None
    assert stock.item_days == 30  # 3 items x 10 days, none after today
    assert stock.dead == ()  # ten quiet days are not a month without a sale
    assert _so_far(date(2026, 11, 30)).complete
    assert _so_far(date(2026, 12, 7)).period == "November 2026"
    with pytest.raises(ValueError, match="has not started"):
        _so_far(date(2026, 10, 31))


def test_dead_stock_needs_every_day_of_the_month() -> None:
    partial = [day for day in _HISTORY if day.day >= date(2026, 11, 20)]
    stock = figures(history=partial).stock
    assert stock is not None
    assert stock.dead == ()


def test_the_chart_shows_the_items_that_sold_the_most_by_value() -> None:
    from dataclasses import replace

    # Milk sells 150 units at 1.20 (180.00), coffee 20 at 12.00 (240.00): coffee leads.
    priced = [
        replace(ITEMS[0], unit_cost=Decimal("12.00")),
        replace(ITEMS[1], unit_cost=Decimal("1.20")),
        ITEMS[2],
    ]
    stock = monthly_figures(
        NOVEMBER, LINES, priced, supplier_lead_days=SUPPLIER_LEAD_DAYS, history=_HISTORY
    ).stock
    assert stock is not None
    assert [(m.sku, m.sold_value) for m in stock.movers] == [
        ("COF-1", Decimal("240.00")),
        ("MLK-4", Decimal("180.00")),
    ]
    # Without a cost an item comes after the priced ones, however many units it sold.
    half = [replace(ITEMS[0], unit_cost=Decimal("0.50")), ITEMS[1], ITEMS[2]]
    stock = monthly_figures(
        NOVEMBER, LINES, half, supplier_lead_days=SUPPLIER_LEAD_DAYS, history=_HISTORY
    ).stock
    assert stock is not None
    assert [m.sku for m in stock.movers] == ["COF-1", "MLK-4"]


def test_the_chart_labels_a_day_a_week_and_keeps_the_reorder_label_off_the_plot() -> None:
    from datetime import timedelta

    from sheets_bot.documents.stock_chart import _MARGIN_LEFT, day_ticks, reorder_label_box

    days = [date(2026, 11, 1) + timedelta(days=n) for n in range(30)]
    assert day_ticks(days) == [(0, "1 Nov"), (7, "8"), (14, "15"), (21, "22"), (28, "29")]
    assert day_ticks(days[:26]) == [(0, "1 Nov"), (7, "8"), (14, "15"), (21, "22"), (25, "26")]
    left, _, right, _ = reorder_label_box(60.0)
    assert 0 <= left < right <= _MARGIN_LEFT  # in the margin: never over the stock line
