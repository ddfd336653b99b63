"""Purchasing in the domain, with hand-computed expectations: purchase units, the supplier
score, the ordering-day wait and the minimum-order top-up."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest

from sheets_bot.domain.evaluation import Verdict, evaluate
from sheets_bot.domain.history import Receipt
from sheets_bot.domain.models import Item, ScoreWeights, ShopSettings, Supplier
from sheets_bot.domain.ordering_days import parse_ordering_days
from sheets_bot.domain.purchase_units import PurchaseUnit, UnitMismatch, plural
from sheets_bot.domain.supplier_choice import (
    DeliveryRecord,
    choose_supplier,
    delivery_records,
)
from sheets_bot.domain.supplier_drafts import (
    ordering_day_hold,
    send_not_before,
    shape_supplier_drafts,
)
from sheets_bot.domain.supplier_items import (
    PriceBreak,
    PriceBreakError,
    SupplierItem,
    parse_price_breaks,
)
from tests.unit.tables import item, supplier

# --- purchase units --------------------------------------------------------------------------


def test_a_case_of_12_bottles_reads_both_ways() -> None:
    case = PurchaseUnit.of("case", 12, "bottle")
    assert (case.step_stock, case.step_purchase) == (12, 1)
    assert case.purchase_quantity(36) == 3
    assert case.describe(36) == "3 cases (36 bottles)"
    assert case.describe(12) == "1 case (12 bottles)"


def test_a_quantity_that_is_not_whole_cases_says_which_quantities_are() -> None:
    case = PurchaseUnit.of("case", 12, "bottle")
    with pytest.raises(UnitMismatch, match=r"30 bottles is 2.5 cases.*make it 24 or 36"):
        case.purchase_quantity(30)
    assert case.describe(30) == "30 bottles"


def test_a_pack_that_is_not_a_whole_number_of_purchase_units() -> None:
    # 2.5 boxes to a crate: the smallest quantity whole in both is 5 boxes = 2 crates.
    crate = PurchaseUnit.of("crate", Decimal("2.5"), "box")
    assert crate.per == Fraction(5, 2)
    assert (crate.step_stock, crate.step_purchase) == (5, 2)
    assert crate.describe(10) == "4 crates (10 boxes)"
    with pytest.raises(UnitMismatch):
        crate.purchase_quantity(6)
    # A stock unit of 3 sold singly (1/3 of a stock unit to a purchase unit).
    single = PurchaseUnit.of("bottle", Fraction(1, 3), "3-pack")
    assert (single.step_stock, single.step_purchase) == (1, 3)
    assert single.describe(2) == "6 bottles (2 3-packs)"


def test_the_policy_rounds_to_the_common_step() -> None:
    # 7 boxes needed, crates of 2.5 boxes: rounded up to 10 boxes = 4 crates.
    offer = SupplierItem("COF-1", "Bean Bros", 2, unit_name="crate", per=Decimal("2.5"))
    choice = choose_supplier(
        item(on_hand=0, daily_sales=1, lead_time_days=3, safety_buffer=1, unit="box"),
        [offer],
        {"bean bros": supplier()},
        {},
        ScoreWeights(),
    )
    assert choice.item.pack_size == 5
    verdict = evaluate(
        choice.item,
        suppliers={"bean bros": supplier()},
        on_order=0,
        settings=ShopSettings(),
        history=[],
    )
    # target = (1 × 3 + 1) + 1 × 3 = 7; 7 − 0 = 7 -> rounded up to 2 packs of 5 = 10
    assert verdict.line is not None and verdict.line.quantity == 10
    assert choice.unit is not None and choice.unit.describe(10) == "4 crates (10 boxes)"


def test_plural() -> None:
    assert [plural(w, 2) for w in ("case", "box", "bag of flour", "pouch", "berry", "day")] == [
        "cases",
        "boxes",
        "bags of flour",
        "pouches",
        "berries",
        "days",
    ]
    assert plural("case", 1) == "case"


# --- price breaks ----------------------------------------------------------------------------


def test_price_breaks_parse_and_apply_per_purchase_unit() -> None:
    breaks = parse_price_breaks("50: 8.00; 10: £8.50")
    assert breaks == (PriceBreak(10, Decimal("8.50")), PriceBreak(50, Decimal("8.00")))
    offer = SupplierItem("T", "S", 2, per=Decimal(12), price=Decimal(9), breaks=breaks)
    assert offer.price_for(9) == Decimal(9)
    assert offer.price_for(10) == Decimal("8.50")
    assert offer.price_for(60) == Decimal("8.00")
    # 130 stock units = 11 cases (rounded up) at 8.50 = 0.7083 a unit
    assert offer.stock_unit_cost(130) == Decimal("8.50") / 12
    with pytest.raises(PriceBreakError, match="'ten: 8' is not a price break"):
        parse_price_breaks("ten: 8")


# --- the supplier score ----------------------------------------------------------------------

CHEAP_SLOW = "Cheap Slow Ltd"
SUPPLIERS = {
    "bean bros": supplier("Bean Bros", lead_time_days=2.0),
    "cheap slow ltd": supplier(CHEAP_SLOW, email="sales@cheap.example", lead_time_days=5.0, row=3),
}
OWN = SupplierItem("COF-1", "Bean Bros", 2, unit_name="case", per=Decimal(12), price=Decimal(24))
CHEAP = SupplierItem(
    "COF-1", CHEAP_SLOW, 3, unit_name="case", per=Decimal(12), price=Decimal(20), moq=10
)
SELLING = item(daily_sales=6.0, lead_time_days=None, unit="bottle")


def test_the_score_by_hand_without_receipts() -> None:
    # Bean Bros: need 6 × 2 = 12, minimum 12 -> cost 24/12 = 2.00 a bottle, MOQ part 1.
    # Cheap Slow: need 6 × 5 = 30, minimum 10 cases = 120 -> 20/12 = 1.67, MOQ part 30/120.
    # price: 40 × 1.6667/2 = 33.33 and 40; reliability 30 × ½; quality 20 × ½;
    # MOQ: 10 × 1 and 10 × 0.25. Totals 68.33 and 67.5.
    choice = choose_supplier(SELLING, [OWN, CHEAP], SUPPLIERS, {}, ScoreWeights())
    totals = {score.supplier: round(score.total, 2) for score in choice.scores}
    assert totals == {"Bean Bros": 68.33, CHEAP_SLOW: 67.5}
    assert choice.item.supplier == "Bean Bros"
    assert choice.item.pack_size == 12
    assert choice.item.unit_cost == Decimal(2)
    assert "supplier chosen: Bean Bros 68" in choice.why
    assert f"runner-up {CHEAP_SLOW} 68 (price 40, reliability 15, quality 10, MOQ 2" in choice.why


def test_late_deliveries_tip_the_score_to_the_cheaper_supplier() -> None:
    sent = datetime(2026, 11, 2, 9, tzinfo=UTC)
    late = [
        Receipt(f"PO-{n}", "Bean Bros", "COF-1", 12, 12, sent, sent + timedelta(days=5))
        for n in range(2)
    ]
    records = delivery_records(late, lambda sku, name: SUPPLIERS[name.casefold()].lead_time_days)
    assert records["bean bros"] == DeliveryRecord(receipts=2, timed=2, on_time=0, exact=2)
    # reliability (0 + 1)/(2 + 2) = 0.25 -> 7.5; quality (2 + 1)/(2 + 2) = 0.75 -> 15:
    # Bean Bros 33.33 + 7.5 + 15 + 10 = 65.83 < 67.5.
    choice = choose_supplier(SELLING, [OWN, CHEAP], SUPPLIERS, records, ScoreWeights())
    assert {s.supplier: round(s.total, 2) for s in choice.scores}["Bean Bros"] == 65.83
    assert choice.item.supplier == CHEAP_SLOW
    assert choice.item.lead_time_days is None  # evaluate takes the supplier's 5 days
    assert choice.item.min_order == 120
    assert choice.item.unit_cost == Decimal(20) / 12
    assert choice.why.startswith(f"supplier chosen: {CHEAP_SLOW} 68")


def test_weights_from_settings_change_the_choice() -> None:
    price_only = ScoreWeights(price=100, reliability=0, quality=0, moq=0)
    choice = choose_supplier(SELLING, [OWN, CHEAP], SUPPLIERS, {}, price_only)
    assert choice.item.supplier == CHEAP_SLOW


def test_a_pin_wins_over_the_score() -> None:
    pinned = SupplierItem(**{**CHEAP.__dict__, "pinned": True})
    choice = choose_supplier(SELLING, [OWN, pinned], SUPPLIERS, {}, ScoreWeights())
    assert choice.item.supplier == CHEAP_SLOW
    assert choice.why.startswith(f"supplier pinned: {CHEAP_SLOW} 68")
    assert "runner-up Bean Bros 68" in choice.why


def test_a_paused_supplier_is_skipped_with_a_note() -> None:
    paused = {**SUPPLIERS, "bean bros": supplier("Bean Bros", active=False, paused=True)}
    choice = choose_supplier(SELLING, [OWN, CHEAP], paused, {}, ScoreWeights())
    assert choice.item.supplier == CHEAP_SLOW
    assert choice.why == "Bean Bros skipped (paused)"


def test_a_simple_shop_item_comes_out_as_it_went_in() -> None:
    simple = item()
    for offers in ([], [SupplierItem("COF-1", "bean bros", 5)]):
        choice = choose_supplier(simple, offers, {"bean bros": supplier()}, {}, ScoreWeights())
        assert choice.item == simple
        assert choice.why == ""
        assert choice.unit is None


def test_blank_figures_of_a_second_supplier_do_not_borrow_the_first_ones() -> None:
    other = SupplierItem("COF-1", CHEAP_SLOW, 3)
    choice = choose_supplier(item(), [other], SUPPLIERS, {}, ScoreWeights())
    cheap = next(s for s in choice.scores if s.supplier == CHEAP_SLOW)
    assert cheap.unit_cost is None and cheap.price == 0
    assert "no price" in choice.why


@pytest.mark.parametrize(
    "known",
    [
        {},
        {"bean bros": supplier("Bean  BROS")},
        {"bean bros": supplier(paused=True, active=False)},
        {"bean bros": supplier(active=False)},
        {"bean bros": supplier(email=None)},
        {"bean bros": supplier(problem="Suppliers row 2 cannot be read")},
        {"bean bros": supplier(lead_time_days=None)},
    ],
)
@pytest.mark.parametrize(
    "stock_row",
    [
        item(),
        item(lead_time_days=None, unit_cost=None, min_order=12, pack_size=6, daily_sales=0),
        item(supplier="bean bros", lead_time_days=None, unit_cost=Decimal(0)),
    ],
)
def test_an_item_without_supplier_items_rows_is_chosen_as_through_its_implicit_offer(
    known: dict[str, Supplier], stock_row: Item
) -> None:
    # The cheap path for an item nobody listed on Supplier items gives exactly what the
    # general path gives for the Stock row's own supplier as its only offer.
    records = {"bean bros": DeliveryRecord(receipts=3, timed=2, on_time=1, exact=2)}
    own = SupplierItem(sku=stock_row.sku, supplier=stock_row.supplier, row=0)
    for weights in (ScoreWeights(), ScoreWeights(price=0, reliability=0, quality=0, moq=0)):
        for delivery in ({}, records):
            cheap = choose_supplier(stock_row, [], known, delivery, weights)
            general = choose_supplier(stock_row, [own], known, delivery, weights)
            assert cheap == general
            assert cheap.item.supplier == (
                known["bean bros"].name if cheap.scores else stock_row.supplier
            )


# --- ordering days ---------------------------------------------------------------------------

MON_THU = supplier(ordering_days=parse_ordering_days("Mon, Thu"))
LONDON = ZoneInfo("Europe/London")


def test_a_draft_made_on_tuesday_waits_for_thursday() -> None:
    tuesday = date(2026, 12, 8)
    assert ordering_day_hold(MON_THU, tuesday) == (
        "waits for Thu 10 Dec, the supplier's next ordering day (Mon, Thu)"
    )
    assert ordering_day_hold(MON_THU, date(2026, 12, 10)) == ""
    now = datetime(2026, 12, 8, 15, tzinfo=UTC)
    assert send_not_before(MON_THU, now, LONDON) == datetime(2026, 12, 10, tzinfo=LONDON)
    assert send_not_before(MON_THU, now.replace(day=7), LONDON) is None
    assert send_not_before(supplier(), now, LONDON) is None


# --- minimum order value ---------------------------------------------------------------------


def _verdicts(min_value: int) -> tuple[list[Verdict], dict[str, Supplier]]:
    dairy = supplier("Dairy", lead_time_days=2.0, min_order_value=Decimal(min_value))
    suppliers = {"dairy": dairy}
    items = [
        # due: ROP 5 × 2 + 5 = 15 ≥ 10 on hand; target 25 -> 15 × 2.00 = 30
        item("D", supplier="Dairy", daily_sales=5, lead_time_days=None, safety_buffer=5,
             on_hand=10, unit_cost=Decimal(2), row=2),
        # cover (10 − 6)/2 = 2 days; at target 10 already -> one pack of 6 × 5.00 = 30
        item("X", supplier="Dairy", daily_sales=2, lead_time_days=None, safety_buffer=2,
             on_hand=10, pack_size=6, unit_cost=Decimal(5), row=3),
        # cover (50 − 3)/1 = 47 days -> 1 × 1.00
        item("Z", supplier="Dairy", daily_sales=1, lead_time_days=None, safety_buffer=1,
             on_hand=50, unit_cost=Decimal(1), row=4),
        # cover (13 − 3)/1 = 10 days -> one pack of 4 × 10.00 = 40
        item("Y", supplier="Dairy", daily_sales=1, lead_time_days=None, safety_buffer=1,
             on_hand=13, pack_size=4, unit_cost=Decimal(10), row=5),
        # does not sell: never a top-up
        item("N", supplier="Dairy", daily_sales=0, on_hand=0, unit_cost=Decimal(1), row=6),
    ]  # fmt: skip
    verdicts = [
        evaluate(i, suppliers=suppliers, on_order=0, settings=ShopSettings(), history=[])
        for i in items
    ]
    return verdicts, suppliers


def test_the_top_up_takes_the_items_closest_to_their_reorder_point() -> None:
    verdicts, suppliers = _verdicts(100)
    planned = [v.line for v in verdicts if v.line is not None]
    assert [(line.sku, line.quantity) for line in planned] == [("D", 15)]
    shaped = shape_supplier_drafts(planned, verdicts, suppliers, ShopSettings(), date(2026, 12, 7))
    assert [(line.sku, line.quantity) for line in shaped] == [("D", 15), ("X", 6), ("Y", 4)]
    assert all(line.hold == "" for line in shaped)
    assert shaped[1].why.startswith(
        "top-up to reach Dairy's minimum order 100: 2 days of cover above its reorder point 6"
    )
    assert "10 days of cover" in shaped[2].why


def test_still_short_after_the_top_up_says_below_minimum() -> None:
    verdicts, suppliers = _verdicts(150)
    planned = [v.line for v in verdicts if v.line is not None]
    shaped = shape_supplier_drafts(planned, verdicts, suppliers, ShopSettings(), date(2026, 12, 7))
    assert [line.sku for line in shaped] == ["D", "X", "Y", "Z"]
    assert {line.hold for line in shaped} == {"below minimum (101 of 150)"}


def test_no_minimum_and_every_day_leaves_the_lines_alone() -> None:
    verdicts, _ = _verdicts(100)
    planned = [v.line for v in verdicts if v.line is not None]
    plain_supplier = {"dairy": supplier("Dairy", lead_time_days=2.0)}
    shaped = shape_supplier_drafts(
        planned, verdicts, plain_supplier, ShopSettings(), date(2026, 12, 8)
    )
    assert shaped == planned
