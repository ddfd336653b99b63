"""The usual order, the baseline of the CHECK QTY flag (Settings ``Anomaly factor``, 2).

With past orders it is their median; without, what the rules order from an empty shelf
before the safety stock (cover + cycle days of sales, at least a week), so that an item
refilled from empty is not flagged for it, while a need out of proportion to the item's own
sales still is. Every figure below is worked by hand."""

from __future__ import annotations

from datetime import date

from sheets_bot.domain.demand_class import Shape
from sheets_bot.domain.evaluation import Verdict, evaluate, usual_order
from sheets_bot.domain.forecast import Forecast
from sheets_bot.domain.learning import DemandPlan
from sheets_bot.domain.models import Item, ShopSettings, Supplier
from sheets_bot.domain.ordering_days import parse_ordering_days
from sheets_bot.domain.policy import assess
from tests.unit.tables import item, supplier

SUPPLIERS = {"bean bros": supplier()}
SETTINGS = ShopSettings()
TUESDAY = date(2026, 11, 24)


def _check(
    stock: Item,
    *,
    history: list[int] | None = None,
    suppliers: dict[str, Supplier] | None = None,
    today: date | None = None,
    plan: DemandPlan | None = None,
    new_stock: float = 0.0,
) -> Verdict:
    return evaluate(
        stock,
        suppliers=suppliers or SUPPLIERS,
        on_order=0,
        settings=SETTINGS,
        history=history or [],
        today=today,
        plan=plan,
        new_stock=new_stock,
    )


def _flag(verdict: Verdict) -> str | None:
    assert verdict.line is not None
    return verdict.line.flag


def test_an_empty_shelf_refilled_by_the_rules_is_not_flagged() -> None:
    # 18/day, lead 20, buffer 500, none on hand: reorder point 18 × 20 + 500 = 860, target
    # 860 + 18 × 20 = 1220, need 1220. Usual: 18 × (20 + 20) = 720; 1220 / 720 = 1.69 < 2.
    # (One lead time of sales, 360, made it 3.4× and flagged every item out of stock.)
    verdict = _check(item(on_hand=0, safety_buffer=500))
    assert verdict.line is not None and verdict.line.quantity == 1220
    assert verdict.line.flag is None


def test_a_typed_buffer_out_of_proportion_to_the_typed_rate_is_flagged() -> None:
    # Buffer 900 at 18/day: target 18 × 20 + 900 + 360 = 1620, need 1620; 1620 / 720 = 2.25
    # (and within 90 days of sales, 1620: not capped).
    assert _flag(_check(item(on_hand=0, safety_buffer=900))) == (
        "needs 1620, 2.25× the usual order (no past order; 40 days of sales 720, an order"
        " from an empty shelf before the safety stock); over the 2× check"
    )


def test_past_orders_stay_the_baseline_where_there_are_some() -> None:
    # The need 1220 from empty is 6.1× the median past order 200: flagged by the history.
    flag = _flag(_check(item(on_hand=0, safety_buffer=500), history=[150, 200, 900]))
    assert flag == ("needs 1220, 6.1× the usual order (median past order 200); over the 2× check")


def test_ordering_days_are_in_the_usual_order() -> None:
    # Mondays only, on a Tuesday: wait 6 days, review 7. Typed: cover 3 + 6 + 7 − 1 = 15 days,
    # cycle max(3, 7) = 7. 2/day, buffer 4, none on hand: reorder point 2 × 15 + 4 = 34,
    # target 34 + 14 = 48, need 48. Usual 2 × (15 + 7) = 44 (one lead time, 6, made it 8×).
    mondays = {"bean bros": supplier(ordering_days=parse_ordering_days("Mon"))}
    stock = item(on_hand=0, daily_sales=2.0, lead_time_days=3.0, safety_buffer=4.0)
    verdict = _check(stock, suppliers=mondays, today=TUESDAY)
    assert verdict.line is not None and verdict.line.quantity == 48
    assert verdict.line.flag is None
    # A buffer of 100 at 2/day: target 2 × 15 + 100 + 14 = 144; 144 / 44 = 3.27.
    stock = item(on_hand=0, daily_sales=2.0, lead_time_days=3.0, safety_buffer=100.0)
    assert _flag(_check(stock, suppliers=mondays, today=TUESDAY)) == (
        "needs 144, 3.27× the usual order (no past order; 22 days of sales 44, an order"
        " from an empty shelf before the safety stock); over the 2× check"
    )


def test_lead_time_0_measures_by_a_week_of_sales() -> None:
    # 10/day, lead 0: cover 0, cycle 1 day: reorder point = buffer 20, target 30, need 30;
    # one day of sales (10) would make it 3×; a week (70) makes it 0.43×.
    stock = item(on_hand=0, daily_sales=10.0, lead_time_days=0.0, safety_buffer=20.0)
    verdict = _check(stock)
    assert verdict.line is not None and verdict.line.quantity == 30
    assert verdict.line.flag is None
    # A buffer of 200 (20 days of sales): need 210 = 3× a week of sales.
    stock = item(on_hand=0, daily_sales=10.0, lead_time_days=0.0, safety_buffer=200.0)
    assert _flag(_check(stock)) == (
        "needs 210, 3× the usual order (no past order; 7 days of sales 70, a week at least);"
        " over the 2× check"
    )


def test_a_new_item_is_measured_by_one_pack() -> None:
    # No sale yet, typed 0/day: the rules keep one pack. Buffer 0: the order is one pack of 6,
    # need 0: no flag. Buffer 24: target 24, need 24 = 4 × one pack of 6.
    new = item(on_hand=0, daily_sales=0.0, safety_buffer=0.0, pack_size=6)
    verdict = _check(new, new_stock=1.0)
    assert verdict.line is not None and verdict.line.quantity == 6
    assert verdict.line.flag is None
    new = item(on_hand=0, daily_sales=0.0, safety_buffer=24.0, pack_size=6)
    assert _flag(_check(new, new_stock=1.0)) == (
        "needs 24, 4× the usual order (no past order; one pack of 6, as it has not sold yet);"
        " over the 2× check"
    )


def test_min_order_is_not_the_need_but_beyond_max_cover_it_is_capped_and_flagged() -> None:
    # Need 546 (the worked example) raised to min order 1000: 1000 ≤ 90 days (1620): a
    # supplier's minimum is no reason to look twice (the Why says "raised to min order").
    verdict = _check(item(min_order=1000))
    assert verdict.line is not None and verdict.line.quantity == 1000
    assert verdict.line.flag is None
    # Min order 2000 is over 90 days of sales: capped at 1620 and flagged.
    assert _flag(_check(item(min_order=2000))) == "capped at 90 days of sales (1620)"
    assert _flag(_check(item(max_order=300))) == "capped at max order 300"


def test_a_huge_jump_over_past_orders_is_flagged() -> None:
    # Past orders of 50 (median 50), the worked example needs 546: 10.92×.
    assert _flag(_check(item(), history=[40, 50, 60])) == (
        "needs 546, 10.92× the usual order (median past order 50); over the 2× check"
    )


def _lumpy(variance: float) -> DemandPlan:
    """Sells 20 at a time every 20 days: 1/day, ADI 20."""
    shape = Shape(days=120, selling_days=6, adi=20.0, cv2=0.1)
    return DemandPlan(Forecast(1.0, variance, "SBA", shape, 120, 0, 0, None), 0.9, "C")


def test_a_learned_lumpy_item_counts_one_sale_in_its_usual_order() -> None:
    # Learned, every day, lead 2: cover 2, cycle 2 + 1 = 3, one sale 1 × 20 = 20 between two
    # chances to order: usual 1 × (2 + 3) + 20 = 25 days of sales.
    stock = item(on_hand=0, daily_sales=1.0, lead_time_days=2.0, safety_buffer=0.0)
    verdict = _check(stock, plan=_lumpy(19.0))
    assert verdict.assessment is not None and verdict.line is not None
    need = verdict.assessment.reorder_point + verdict.assessment.cycle_demand
    assert need > 2 * 5  # flagged against 5 days of sales, though one sale is 20
    assert need <= 2 * 25
    assert verdict.line.flag is None
    assert verdict.line.why.startswith("out of stock")


def test_learned_numbers_with_ordering_days_count_the_days_between_two_orders() -> None:
    # Learned, Mondays only, on a Tuesday: wait 6, review 7, lead 3: cover 6 + 3 = 9, cycle
    # 3 + 7 = 10, and the 7 days of sales between two ordering days (the policy allows for
    # them below the reorder point): usual 2 × (9 + 10 + 7) = 52. A factor of 0.5 shows it.
    mondays = {"bean bros": supplier(ordering_days=parse_ordering_days("Mon"))}
    smooth = DemandPlan(
        Forecast(
            2.0, 2.0, "SES", Shape(days=60, selling_days=60, adi=1.0, cv2=0.1), 60, 0, 0, None
        ),
        0.95,
        "B",
    )
    stock = item(on_hand=0, daily_sales=2.0, lead_time_days=3.0)
    verdict = evaluate(
        stock,
        suppliers=mondays,
        on_order=0,
        settings=ShopSettings(anomaly_factor=0.5),
        history=[],
        today=TUESDAY,
        plan=smooth,
    )
    assert verdict.assessment is not None and verdict.line is not None
    assert verdict.assessment.cover_days == 9 and verdict.assessment.cycle_days == 10
    assert verdict.line.flag is not None
    assert "(no past order; 26 days of sales 52, an order from an empty shelf" in verdict.line.flag
    need = verdict.assessment.reorder_point + verdict.assessment.cycle_demand
    assert need <= 2 * 52  # not flagged at the usual factor of 2
    assert _flag(_check(stock, suppliers=mondays, today=TUESDAY, plan=smooth)) is None


def test_usual_order_by_hand() -> None:
    assessment = assess(
        on_hand=5,
        on_order=0,
        daily_sales=9,
        lead_time_days=4,
        safety_buffer=10,
        watch_days=7,
        cover_days=5,
        cycle_days=4,
    )
    assert usual_order([], assessment) == (
        81.0,
        "no past order; 9 days of sales 81, an order from an empty shelf before the safety stock",
    )
    assert usual_order([30, 10, 20, 40], assessment) == (25.0, "median past order 25")
    assert usual_order([], assessment, lump=9.0)[0] == 90.0
