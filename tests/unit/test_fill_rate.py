"""The fill-rate reorder point, the review period and lead time 0, with hand-computed values."""

from __future__ import annotations

import math
from datetime import date

import pytest

from sheets_bot.domain.demand_class import Shape
from sheets_bot.domain.evaluation import Verdict, evaluate, orders_nothing
from sheets_bot.domain.fill_rate import (
    GAMMA,
    NORMAL,
    ProtectionDemand,
    gamma_q,
    protection_demand,
    reorder_point_for_fill,
    undershoot,
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


def test_protection_demand_adds_lead_time_spread_and_the_undershoot() -> None:
    # 6 days × 4 + (2 × 1.5)² = 33
    demand = protection_demand(rate=2, daily_variance=4, days=6, lead_stdev=1.5, skewed=False)
    assert (demand.mean, demand.variance, demand.distribution) == (12, 33, NORMAL)
    # sales of 10 every time: the position is 5 below the reorder point on average, uniform
    # over 0..10 (variance 100/12 = 8.33)
    assert undershoot(10, 0) == pytest.approx((5, 100 / 12))
    # exponential-like sizes (CV² 1) of mean 4: E[X²]/2E[X] = 32/8 = 4, E[X³]/3E[X] = 384/12 = 32
    assert undershoot(4, 1) == pytest.approx((4, 32 - 16))
    with_sales = protection_demand(
        rate=2, daily_variance=4, days=6, lead_stdev=0, skewed=False, sale_size=10, size_cv2=0
    )
    assert (with_sales.mean, with_sales.variance) == pytest.approx((17, 24 + 100 / 12))
    # the rate's own error (variance 0.1) weighs on the 6 days alike: (36 − 6) × 0.1 more
    # than the one-day errors hold
    unsure = protection_demand(
        rate=2, daily_variance=4, days=6, lead_stdev=0, skewed=False, rate_variance=0.1
    )
    assert unsure.variance == pytest.approx(24 + 3)


def test_the_order_placed_is_a_cycle_raised_to_the_minimum_in_whole_packs() -> None:
    assert cycle_order(2, 5, 1, None) == 10
    assert cycle_order(2, 5, 12, None) == 12
    assert cycle_order(2, 5, 6, 20) == 24
    assert cycle_order(0.01, 1, 1, None) == 1


def _forecast(rate: float, variance: float, adi: float = 1.0, cv2: float = 0.1) -> Forecast:
    shape = Shape(days=60, selling_days=round(60 / adi), adi=adi, cv2=cv2)
    return Forecast(rate, variance, "SES", shape, 60, 0, 0, None, size_cv2=cv2)


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
    # covers the 5-day lead time (mean 10), and a day's sale (2 × ADI 1, CV² 0.1) taking the
    # stock below the reorder point before the next order; orders of 2 × (5 + 1 review) = 12
    assert (assessment.cover_days, assessment.cycle_days) == (5, 6)
    assert safety.order == 12
    demand = protection_demand(
        rate=2, daily_variance=4, days=5, lead_stdev=0, skewed=False, sale_size=2, size_cv2=0.1
    )
    assert demand.fill_rate(assessment.reorder_point, 12) == pytest.approx(0.95, abs=1e-4)
    assert assessment.reorder_point == pytest.approx(10 + safety.units)
    assert assessment.move is Move.REORDER
    assert "= 2/day × 5 days + " in assessment.why
    assert (
        "for 95% fill with orders of 12, allowing for a day's sale before the next order can go"
        " (normal" in assessment.why
    )
    assert verdict.line is not None


def test_the_learned_policy_waits_for_the_ordering_day_and_allows_for_the_days_between() -> None:
    mon_thu = {"bean bros": supplier(ordering_days=parse_ordering_days("Mon, Thu"))}
    thing = item(daily_sales=2.0, lead_time_days=5.0, safety_buffer=0.0, on_hand=10)

    verdict = evaluate(
        thing,
        suppliers=mon_thu,
        on_order=0,
        settings=SETTINGS,
        history=[],
        today=TUESDAY,
        plan=DemandPlan(_forecast(2.0, 4.0), 0.95, "B"),
    )

    # Tuesday: 2 days to Thursday, then 5 lead; Thursday to Monday is 4 days of sales (8,
    # variance 16: CV² 0.25) between chances; orders of 2 × (5 + 4) = 18
    assessment, safety = verdict.assessment, verdict.safety
    assert assessment is not None and safety is not None
    assert (assessment.cover_days, safety.order) == (7, 18)
    assert "× 7 days (2 days to the next order day + 5 days lead time)" in assessment.why
    assert "allowing for 4 days of sales before the next order can go" in assessment.why
    demand = protection_demand(
        rate=2, daily_variance=4, days=7, lead_stdev=0, skewed=False, sale_size=8, size_cv2=0.25
    )
    assert demand.fill_rate(assessment.reorder_point, 18) == pytest.approx(0.95, abs=1e-4)


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
    # learned: nothing to cover but the day's sale before the next order (5 on average, half
    # of it below the reorder point), so the reorder point is above 0 and it orders a day
    assert learned.assessment is not None and learned.assessment.cover_days == 0
    assert learned.assessment.reorder_point > 2.5
    assert learned.line is not None and learned.line.quantity >= 5


def _new_item(on_hand: int, pack: int, new_stock: float, on_order: float = 0) -> Verdict:
    """An item typed 0 a day with no safety buffer, as the check decides it when it is new."""
    new = item(daily_sales=0.0, on_hand=on_hand, pack_size=pack, safety_buffer=0.0)
    return evaluate(
        new,
        suppliers={"bean bros": supplier()},
        on_order=on_order,
        settings=SETTINGS,
        history=[],
        new_stock=new_stock,
    )


def test_a_new_item_keeps_one_pack() -> None:
    kept = _new_item(0, 6, new_stock=1.0)
    typed_zero = _new_item(0, 6, new_stock=0.0)

    assert kept.line is not None and kept.line.quantity == 6
    assert "no sale yet (a new item)" in kept.line.why
    assert typed_zero.line is None


@pytest.mark.parametrize(
    ("on_hand", "on_order", "pack", "ordered"),
    [
        (0, 0, 1, 3),
        (1, 0, 1, 2),
        (2, 0, 1, 1),
        (3, 0, 1, None),
        (5, 0, 1, None),
        (1, 2, 1, None),  # what is on order counts
        (0, 0, 2, 4),
        (1, 0, 6, 6),
    ],
)
def test_a_new_item_keeps_one_usual_sale(
    on_hand: int, on_order: int, pack: int, ordered: int | None
) -> None:
    """Where a sale of the shop's items usually takes 3, a new item is topped up to 3 (in
    whole packs, counting what is on order); at 3 or more it is stocked, as an item that does
    not sell."""
    verdict = _new_item(on_hand, pack, new_stock=3.0, on_order=on_order)

    assert verdict.assessment is not None
    if ordered is None:
        assert verdict.line is None and verdict.assessment.move is Move.STOCKED
        return
    assert verdict.line is not None and verdict.line.quantity == ordered
    assert "keeps 3, what one sale of this shop's items usually takes" in verdict.line.why


@pytest.mark.parametrize("skewed", [False, True])
def test_the_reorder_point_is_the_smallest_that_reaches_the_target(skewed: bool) -> None:
    """Across demands, targets and orders: the answer reaches the target, and a reorder point
    two tolerances lower does not (Newton's early stop returns a point just above the root)."""
    for rate, variance, days, size in ((0.2, 0.9, 3, 2.0), (1.5, 4.0, 6, 1.0), (40, 300, 2, 3)):
        demand = protection_demand(
            rate=rate,
            daily_variance=variance,
            days=days,
            lead_stdev=0,
            skewed=skewed,
            sale_size=size,
            size_cv2=0.5,
        )
        for target in (0.8, 0.9, 0.95, 0.98, 0.995):
            for order in (1, 6, 48):
                point = reorder_point_for_fill(demand, target, order)
                assert demand.fill_rate(point, order) >= target - 1e-9
                if point > 0:
                    assert demand.fill_rate(point - 2e-3, order) < target


@pytest.mark.parametrize("days", ["", "Mon, Thu"])
def test_orders_nothing_only_where_evaluate_drafts_no_line(days: str) -> None:
    """Over positions around the reorder point, smooth and lumpy, daily and twice-weekly
    suppliers: ``orders_nothing`` never says so where ``evaluate`` drafts a line, and says so
    once the position is a little above the reorder point."""
    chosen = supplier(ordering_days=parse_ordering_days(days)) if days else supplier()
    suppliers = {"bean bros": chosen}
    for rate, variance, adi, cv2, lead in ((2.0, 4.0, 1.0, 0.1, 5.0), (0.3, 2.5, 6.0, 0.8, 2.0)):
        plan = DemandPlan(_forecast(rate, variance, adi, cv2), 0.95, "B")
        for on_hand in [n / 4 for n in range(1, 160)]:
            thing = item(daily_sales=rate, lead_time_days=lead, safety_buffer=0, on_hand=on_hand)
            verdict = evaluate(
                thing,
                suppliers=suppliers,
                on_order=0,
                settings=SETTINGS,
                history=[],
                today=TUESDAY,
                plan=plan,
            )
            quick = orders_nothing(thing, suppliers=suppliers, on_order=0, today=TUESDAY, plan=plan)
            assert verdict.assessment is not None
            if quick:
                assert verdict.line is None
            if on_hand > verdict.assessment.reorder_point + 0.01:
                assert quick, (rate, on_hand, verdict.assessment.reorder_point)


@pytest.mark.parametrize("days", ["", "Mon, Thu"])
def test_orders_nothing_on_typed_numbers_only_above_their_reorder_point(days: str) -> None:
    """The typed rule: 2/day, lead 5, buffer 3 (reorder point 13 with a daily supplier; on a
    Tuesday with Mon/Thu ordering, 2 × (5 + 2 + 4 − 1) + 3 = 23)."""
    chosen = supplier(ordering_days=parse_ordering_days(days)) if days else supplier()
    suppliers = {"bean bros": chosen}
    point = 23 if days else 13
    for on_hand in [n / 2 for n in range(1, 80)]:
        thing = item(daily_sales=2.0, lead_time_days=5.0, safety_buffer=3.0, on_hand=on_hand)
        verdict = evaluate(
            thing, suppliers=suppliers, on_order=0, settings=SETTINGS, history=[], today=TUESDAY
        )
        quick = orders_nothing(thing, suppliers=suppliers, on_order=0, today=TUESDAY, plan=None)
        assert verdict.assessment is not None
        assert verdict.assessment.reorder_point == point
        assert quick is (on_hand > point)
        if quick:
            assert verdict.line is None
