"""The fill-rate reorder point, the review period and lead time 0, with hand-computed values."""

from __future__ import annotations

import math
from datetime import date

import pytest

from sheets_bot.domain.demand_class import Shape
from sheets_bot.domain.evaluation import evaluate
from sheets_bot.domain.fill_rate import (
    GAMMA,
    NORMAL,
    ProtectionDemand,
    gamma_q,
    protection_demand,
    reorder_point_for_fill,
)
from sheets_bot.domain.forecast import Forecast
from sheets_bot.domain.learning import DemandPlan
from sheets_bot.domain.models import Move, ShopSettings
from sheets_bot.domain.ordering_days import parse_ordering_days
from sheets_bot.domain.safety_stock import cycle_order
from tests.unit.tables import item, supplier

MONDAY = date(2026, 12, 7)
TUESDAY = date(2026, 12, 8)
SETTINGS = ShopSettings()


def test_textbook_normal_fill_rate() -> None:
    """Silver, Pyke & Thomas's (s, Q) fill rate: G(k) = Q (1 − P2) / σ. With σ 100 over the
    lead time, Q 500 and P2 98%: G(k) = 500 × 0.02 / 100 = 0.100, and the unit normal loss
    table gives k = 0.90 (G(0.90) = 0.1004): s = 1000 + 0.90 × 100 = 1090."""
    demand = ProtectionDemand(mean=1000, variance=100**2, days=10, distribution=NORMAL)

    point = reorder_point_for_fill(demand, 0.98, 500)

    assert (point - 1000) / 100 == pytest.approx(0.90, abs=0.005)
    assert demand.expected_shortage(1090) == pytest.approx(100 * 0.1004, abs=0.05)
    assert demand.fill_rate(point, 500) == pytest.approx(0.98, abs=1e-4)


def test_gamma_fill_rate_against_the_exponential_in_closed_form() -> None:
    """A gamma of shape 1 is an exponential: E[(D − s)⁺] = θ e^(−s/θ). Mean 10 (θ 10), orders
    of 10, fill 90%: 10 e^(−s/10) (1 − e^(−1)) = 1, so s = 10 ln(10 (1 − e^(−1))) = 18.439."""
    demand = ProtectionDemand(mean=10, variance=100, days=1, distribution=GAMMA)

    assert demand.expected_shortage(5) == pytest.approx(10 * math.exp(-0.5))
    assert reorder_point_for_fill(demand, 0.90, 10) == pytest.approx(
        10 * math.log(10 * (1 - math.exp(-1))), abs=1e-3
    )


def test_incomplete_gamma_matches_the_erlang_sum() -> None:
    for x in (0.5, 2.0, 4.0, 9.0):
        assert gamma_q(3, x) == pytest.approx(math.exp(-x) * (1 + x + x * x / 2), rel=1e-9)


def test_a_bigger_order_needs_less_safety_stock_for_the_same_fill() -> None:
    demand = protection_demand(rate=2, daily_variance=4, days=6, lead_stdev=0, skewed=True)

    small, large = (reorder_point_for_fill(demand, 0.95, q) for q in (6, 60))

    assert demand.distribution == GAMMA
    assert large < small
    assert demand.fill_rate(small, 6) >= 0.95


def test_protection_demand_adds_forecast_error_and_lead_time_spread() -> None:
    # 6 days × 4 × (1 + 6 × 0.1/1.9) + (2 × 1.5)² = 24 × 1.315789 + 9 = 40.579
    demand = protection_demand(rate=2, daily_variance=4, days=6, lead_stdev=1.5, skewed=False)
    assert (demand.mean, demand.distribution) == (12, NORMAL)
    assert demand.variance == pytest.approx(24 * (1 + 6 * 0.1 / 1.9) + 9)


def test_the_order_placed_is_a_cycle_raised_to_the_minimum_in_whole_packs() -> None:
    assert cycle_order(2, 5, 1, None) == 10
    assert cycle_order(2, 5, 12, None) == 12
    assert cycle_order(2, 5, 6, 20) == 24
    assert cycle_order(0.01, 1, 1, None) == 1


def _forecast(rate: float, variance: float, adi: float = 1.0, cv2: float = 0.1) -> Forecast:
    shape = Shape(days=60, selling_days=round(60 / adi), adi=adi, cv2=cv2)
    return Forecast(rate, variance, "SES", shape, 60, 0, 0, None)


def test_the_learned_policy_covers_lead_time_and_review_for_its_fill_target() -> None:
    plan = DemandPlan(_forecast(2.0, 4.0), 0.95, "B")
    thing = item(daily_sales=2.0, lead_time_days=5.0, safety_buffer=0.0, on_hand=10)

    verdict = evaluate(
        thing,
        suppliers={"bean bros": supplier()},
        on_order=0,
        settings=SETTINGS,
        history=[],
        today=MONDAY,
        plan=plan,
    )

    assessment, safety = verdict.assessment, verdict.safety
    assert assessment is not None and safety is not None
    # cover 0 wait + 5 lead + 1 review = 6 days: mean 12; orders of 2 × 5 = 10
    assert assessment.cover_days == 6
    assert safety.order == 10
    demand = protection_demand(rate=2, daily_variance=4, days=6, lead_stdev=0, skewed=False)
    assert demand.fill_rate(assessment.reorder_point, 10) == pytest.approx(0.95, abs=1e-4)
    assert assessment.reorder_point == pytest.approx(12 + safety.units)
    assert assessment.move is Move.REORDER
    assert "= 2/day × 6 days (5 days lead time + 1 day review) + " in assessment.why
    assert "for 95% fill with orders of 10 (normal" in assessment.why
    assert verdict.line is not None


def test_typed_numbers_keep_the_seed_arithmetic_with_a_daily_supplier() -> None:
    verdict = evaluate(
        item(),
        suppliers={"bean bros": supplier()},
        on_order=0,
        settings=SETTINGS,
        history=[],
        today=MONDAY,
    )
    assert verdict.assessment is not None and verdict.line is not None
    assert verdict.assessment.reorder_point == 598
    assert verdict.line.quantity == 546
    assert "reorder point 598 = 18/day × 20 days + 238" in verdict.line.why


def test_typed_numbers_with_ordering_days_add_the_days_until_the_next_chance() -> None:
    mon_thu = {"bean bros": supplier(ordering_days=parse_ordering_days("Mon, Thu"))}

    monday = evaluate(
        item(), suppliers=mon_thu, on_order=0, settings=SETTINGS, history=[], today=MONDAY
    )
    tuesday = evaluate(
        item(), suppliers=mon_thu, on_order=0, settings=SETTINGS, history=[], today=TUESDAY
    )

    # Monday: ordered today, next chance Thursday (review 3): 2 more days than a daily supplier
    assert monday.assessment is not None and monday.assessment.reorder_point == 18 * 22 + 238
    assert "20 days lead time + 2 days until an order after the next one can go" in (
        monday.assessment.why
    )
    # Tuesday: waits 2 days for Thursday, then 4 to Monday: 2 + 4 − 1 = 5 more days
    assert tuesday.assessment is not None and tuesday.assessment.reorder_point == 18 * 25 + 238


def test_lead_time_zero_still_orders() -> None:
    zero = item(lead_time_days=0.0, safety_buffer=0.0, on_hand=0, daily_sales=5.0)

    typed = evaluate(
        zero, suppliers={"bean bros": supplier()}, on_order=0, settings=SETTINGS, history=[]
    )
    learned = evaluate(
        zero,
        suppliers={"bean bros": supplier()},
        on_order=0,
        settings=SETTINGS,
        history=[],
        today=MONDAY,
        plan=DemandPlan(_forecast(5.0, 9.0), 0.98, "A"),
    )

    # typed: reorder point 0, order one day of sales (the review period): 5
    assert typed.assessment is not None and typed.assessment.move is Move.URGENT
    assert typed.line is not None and typed.line.quantity == 5
    # learned: covers 0 lead + 1 review day, so the reorder point is above a day's sales
    assert learned.assessment is not None and learned.assessment.cover_days == 1
    assert learned.assessment.reorder_point > 5
    assert learned.line is not None and learned.line.quantity >= 5


def test_a_new_item_keeps_one_pack() -> None:
    new = item(daily_sales=0.0, on_hand=0, pack_size=6, safety_buffer=0.0)

    kept = evaluate(
        new,
        suppliers={"bean bros": supplier()},
        on_order=0,
        settings=SETTINGS,
        history=[],
        keep_minimum=True,
    )
    typed_zero = evaluate(
        new, suppliers={"bean bros": supplier()}, on_order=0, settings=SETTINGS, history=[]
    )

    assert kept.line is not None and kept.line.quantity == 6
    assert "no sale yet (a new item)" in kept.line.why
    assert typed_zero.line is None
