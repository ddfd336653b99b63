"""Demand days from the history, lead times from receipts and ABC classes, with hand-computed
expectations (the forecasts are in test_forecast.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sheets_bot.domain.abc_classes import classify
from sheets_bot.domain.demand import DemandDay, days_from_events, days_from_stock
from sheets_bot.domain.history import Receipt, SaleEvent, StockDay
from sheets_bot.domain.lead_time import estimate_lead_time, percentile


def test_days_from_stock_count_drops_never_rises() -> None:
    days = [
        StockDay(date(2026, 11, 1), "BEAN", 20, 31, 0, 9, 20),
        StockDay(date(2026, 11, 2), "bean", 31, 25, 25, 6, 0),
    ]

    got = days_from_stock(days)

    assert got == {
        "bean": [
            DemandDay(date(2026, 11, 1), 9, censored=True),
            DemandDay(date(2026, 11, 2), 6, censored=False),
        ]
    }


def test_days_without_a_snapshot_are_quiet_days_at_the_last_closing() -> None:
    days = [
        StockDay(date(2026, 11, 1), "BEAN", 20, 14, 14, 6, 0),
        StockDay(date(2026, 11, 3), "BEAN", 14, 0, 0, 14, 0),
    ]

    got = days_from_stock(days, last=date(2026, 11, 5))

    assert got["bean"] == [
        DemandDay(date(2026, 11, 1), 6),
        DemandDay(date(2026, 11, 2), 0),  # nothing moved: no snapshot that day
        DemandDay(date(2026, 11, 3), 14, censored=True),
        DemandDay(date(2026, 11, 4), 0, censored=True),  # still at zero
        DemandDay(date(2026, 11, 5), 0, censored=True),
    ]


def test_days_from_events_net_refunds_fill_quiet_days_and_skip_restocks() -> None:
    zone = ZoneInfo("Europe/London")
    at = datetime(2026, 11, 27, 10, tzinfo=UTC)
    events = [
        SaleEvent("1", "shopify", "BEAN", 3, at),
        SaleEvent("2", "shopify", "BEAN", -1, at, "refund"),
        SaleEvent("3", "shopify", "BEAN", -50, at + timedelta(days=1), "restock"),
        SaleEvent("4", "shopify", "BEAN", 4, at + timedelta(days=2)),
    ]

    got = days_from_events(events, zone, date(2026, 11, 29), {"bean": {date(2026, 11, 28)}})

    assert got["bean"] == [
        DemandDay(date(2026, 11, 27), 2),
        DemandDay(date(2026, 11, 28), 0, censored=True),
        DemandDay(date(2026, 11, 29), 4),
    ]


def receipt(days: float, sku: str = "BEAN", supplier: str = "Roasters") -> Receipt:
    sent = datetime(2026, 10, 1, 9, tzinfo=UTC)
    return Receipt("PO-1", supplier, sku, 10, 10, sent, sent + timedelta(days=days))


def test_lead_time_is_the_85th_percentile_from_eight_receipts() -> None:
    receipts = [receipt(d) for d in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)]
    # position 0.85 x 9 = 7.65 between 8 and 9: 8.65
    assert percentile([r.lead_days for r in receipts], 0.85) == pytest.approx(8.65)

    lead = estimate_lead_time(receipts, sku="BEAN", supplier="Roasters", sheet_days=3)

    assert lead.learned
    assert lead.days == pytest.approx(8.65)
    assert lead.mean == pytest.approx(5.5)
    assert lead.why == "8.65 days lead time learned (85th percentile of 10 item receipts)"


def test_lead_time_falls_back_to_the_supplier_then_the_sheet() -> None:
    others = [receipt(d, sku="CUPS") for d in (2, 2, 2, 2, 3, 3, 3, 4)]

    supplier = estimate_lead_time(others, sku="BEAN", supplier="roasters ", sheet_days=7)
    sheet = estimate_lead_time(others[:7], sku="BEAN", supplier="Roasters", sheet_days=7)

    # 8 supplier receipts sorted 2,2,2,2,3,3,3,4: position 5.95 -> 3 + 0.95 x 0 = 3
    assert supplier.learned
    assert supplier.days == pytest.approx(3.0)
    assert "supplier" in supplier.method
    assert not sheet.learned
    assert sheet.days == 7
    assert sheet.why == "7 days lead time (sheet; 7 of 8 receipts so far)"


def test_abc_by_units_times_cost() -> None:
    value = {"a": 50, "b": 30, "c": 10, "d": 5, "e": 3, "f": 2, "g": 0}

    assert classify(value) == {
        "a": "A",
        "b": "A",  # 50% before it
        "c": "B",  # 80% before it
        "d": "B",  # 90%
        "e": "C",  # 95%
        "f": "C",
        "g": "C",
    }
