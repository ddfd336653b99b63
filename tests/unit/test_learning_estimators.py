"""The estimators with hand-computed expectations (weights 0.92^age, age 0 = yesterday)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sheets_bot.domain.abc_classes import classify
from sheets_bot.domain.demand import (
    DemandDay,
    RateEstimate,
    days_from_events,
    days_from_stock,
    estimate_rate,
)
from sheets_bot.domain.history import Receipt, SaleEvent, StockDay
from sheets_bot.domain.lead_time import LeadEstimate, estimate_lead_time, percentile
from sheets_bot.domain.models import SafetyMethod
from sheets_bot.domain.safety_stock import safety_stock

TODAY = date(2026, 11, 30)
SUM_30 = (1 - 0.92**30) / 0.08
"""Sum of the 30 weights 0.92^0 .. 0.92^29 = 11.4754."""


def series(values: list[float], censored: frozenset[int] = frozenset()) -> list[DemandDay]:
    """``values`` oldest first, the last one yesterday."""
    start = TODAY - timedelta(days=len(values))
    return [
        DemandDay(start + timedelta(days=i), value, i in censored) for i, value in enumerate(values)
    ]


def test_a_steady_seller_is_its_rate() -> None:
    estimate = estimate_rate(series([10.0] * 30), TODAY)

    assert estimate is not None
    assert estimate.rate == pytest.approx(10.0)
    assert estimate.method == "EWMA"
    assert estimate.days == 30


def test_the_last_week_weighs_about_three_times_the_rest() -> None:
    estimate = estimate_rate(series([10.0] * 23 + [20.0] * 7), TODAY)
    # 10 + 10 x (sum of weights of ages 0..6 = (1 - 0.92^7) / 0.08 = 5.5269) / 11.4754
    assert estimate is not None
    assert estimate.rate == pytest.approx(10 + 10 * ((1 - 0.92**7) / 0.08) / SUM_30)
    assert estimate.rate == pytest.approx(14.816, abs=0.001)
    # each recent day weighs ~3x an older one on average
    recent = sum(0.92**age for age in range(7)) / 7
    older = sum(0.92**age for age in range(7, 30)) / 23
    assert recent / older == pytest.approx(3.0, abs=0.1)


def test_one_bulk_order_is_capped_and_barely_moves_the_rate() -> None:
    values = [10.0] * 30
    values[-4] = 200.0  # a bulk order 3 days before yesterday (age 3)

    estimate = estimate_rate(series(values), TODAY)
    # capped at 3 x median 10 = 30: 10 + (30 - 10) x 0.92^3 / 11.4754 = 11.357
    assert estimate is not None
    assert estimate.rate == pytest.approx(10 + 20 * 0.92**3 / SUM_30)
    assert estimate.rate == pytest.approx(11.357, abs=0.001)
    assert estimate.clipped == 1
    assert "1 spike capped" in estimate.why
    # unclipped it would have been 22.9/day
    assert pytest.approx(22.89, abs=0.01) == 10 + 190 * 0.92**3 / SUM_30


def test_stock_out_days_are_left_out_not_counted_as_zero_demand() -> None:
    values = [10.0] * 30
    values[-2] = 0.0
    values[-1] = 0.0

    estimate = estimate_rate(series(values, frozenset({28, 29})), TODAY)

    assert estimate is not None
    assert estimate.rate == pytest.approx(10.0)
    assert estimate.censored == 2
    assert estimate.why == (
        "10/day learned (EWMA, 28 days, 2 stock-out days left out, from stock snapshots)"
    )


def test_an_intermittent_mover_gets_croston_sba() -> None:
    values = [0.0] * 30
    for day in (4, 14, 24):  # 2 units on observed days 5, 15 and 25
        values[day] = 2.0
    estimate = estimate_rate(series(values), TODAY)
    # size 2 throughout; interval 5, then 5 + 0.1 x (10 - 5) = 5.5, then 5.5 + 0.1 x 4.5 = 5.95
    # forecast (1 - 0.1/2) x 2 / 5.95 = 0.3193
    assert estimate is not None
    assert estimate.method == "Croston-SBA"
    assert estimate.rate == pytest.approx(0.95 * 2 / 5.95)
    assert estimate.rate == pytest.approx(0.3193, abs=0.0001)


def test_not_enough_history_leaves_the_owner_number() -> None:
    assert estimate_rate(series([10.0] * 6), TODAY) is None
    # seven days, but two of them out of stock: five observed
    assert estimate_rate(series([10.0] * 7, frozenset({0, 1})), TODAY) is None
    assert estimate_rate(series([10.0] * 7), TODAY) is not None


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


def test_abc_by_revenue_share() -> None:
    revenue = {"a": 50, "b": 30, "c": 10, "d": 5, "e": 3, "f": 2, "g": 0}

    assert classify(revenue) == {
        "a": "A",
        "b": "A",  # 50% before it
        "c": "B",  # 80% before it
        "d": "B",  # 90%
        "e": "C",  # 95%
        "f": "C",
        "g": "C",
    }


def test_safety_stock_methods() -> None:
    rate = RateEstimate(10, "EWMA", "POS sales", 30, 0, 0, mean=10, stdev=3, peak=16)
    lead = LeadEstimate(4, "85th percentile of 8 supplier receipts", True, 4, 1, 8)

    buffer = safety_stock(SafetyMethod.BUFFER, buffer=25, rate=rate, lead=lead, abc="A")
    peak = safety_stock(SafetyMethod.PEAK, buffer=25, rate=rate, lead=lead, abc="A")
    service = safety_stock(SafetyMethod.SERVICE_LEVEL, buffer=25, rate=rate, lead=lead, abc="A")
    service_c = safety_stock(SafetyMethod.SERVICE_LEVEL, buffer=25, rate=rate, lead=lead, abc="C")
    no_history = safety_stock(SafetyMethod.PEAK, buffer=25, rate=None, lead=lead, abc="A")

    assert buffer.units == 25
    assert peak.units == pytest.approx((16 - 10) * 4)
    # z(99%) 2.3263 x sqrt(4 x 3^2 + 10^2 x 1^2) = 2.3263 x 11.662 = 27.13
    assert service.units == pytest.approx(2.326348 * 136**0.5, abs=1e-4)
    assert service.method == "service level 99% for class A"
    # z(90%) 1.2816 x 11.662 = 14.95
    assert service_c.units == pytest.approx(1.281552 * 136**0.5, abs=1e-4)
    assert no_history.units == 25
    assert "too little history" in no_history.method
