"""The four guardrails before a draft lands (the fourth, no duplicates, is in test_drafts)."""

from __future__ import annotations

from sheets_bot.domain.evaluation import evaluate
from sheets_bot.domain.models import ItemStatus, Move, ShopSettings
from tests.unit.tables import item, supplier

SUPPLIERS = {"bean bros": supplier()}
SETTINGS = ShopSettings()


def test_a_due_item_gets_a_line_with_the_worked_quantity() -> None:
    verdict = evaluate(item(), suppliers=SUPPLIERS, on_order=0, settings=SETTINGS, history=[])
    assert verdict.line is not None
    assert verdict.line.quantity == 546
    assert verdict.line.send_to == "orders@beanbros.example"
    assert verdict.line.flag is None
    assert verdict.line.why.startswith("412 on hand + 0 on order ≤ reorder point 598")
    assert "target 958" in verdict.line.why


def test_on_order_is_netted_out() -> None:
    verdict = evaluate(item(), suppliers=SUPPLIERS, on_order=100, settings=SETTINGS, history=[])
    assert verdict.line is not None
    assert verdict.line.quantity == 446


def test_supplier_lead_time_is_used_when_the_item_has_none() -> None:
    verdict = evaluate(
        item(lead_time_days=None, on_hand=100),
        suppliers=SUPPLIERS,
        on_order=0,
        settings=SETTINGS,
        history=[],
    )
    assert verdict.assessment is not None
    assert verdict.assessment.lead_time_days == 5


def test_no_lead_time_anywhere_is_a_problem() -> None:
    verdict = evaluate(
        item(lead_time_days=None),
        suppliers={"bean bros": supplier(lead_time_days=None)},
        on_order=0,
        settings=SETTINGS,
        history=[],
    )
    assert verdict.line is None
    assert verdict.problem is not None and "Lead time (days)" in verdict.problem


def test_1_discontinued_and_paused_items_get_no_draft() -> None:
    for status in (ItemStatus.DISCONTINUED, ItemStatus.PAUSED):
        verdict = evaluate(
            item(status=status, on_hand=0),
            suppliers=SUPPLIERS,
            on_order=0,
            settings=SETTINGS,
            history=[],
        )
        assert verdict.line is None
        assert verdict.label == status.value
        assert verdict.problem is None


def test_2_unknown_inactive_or_unreachable_supplier_is_a_problem_not_a_draft() -> None:
    cases = {
        "not on the Suppliers tab": {},
        "inactive": {"bean bros": supplier(active=False)},
        "no valid email": {"bean bros": supplier(email=None, email_problem="Suppliers row 2: bad")},
        "cannot be read on the Suppliers tab": {
            "bean bros": supplier(problem="Suppliers row 2: 'fax' is not one of csv, pdf, both")
        },
    }
    for words, suppliers in cases.items():
        verdict = evaluate(
            item(on_hand=0), suppliers=suppliers, on_order=0, settings=SETTINGS, history=[]
        )
        assert verdict.line is None
        assert verdict.problem is not None and words in verdict.problem
        assert verdict.label == Move.URGENT.value  # the owner still sees how pressing it is


def test_3_capped_quantity_is_drafted_but_flagged() -> None:
    verdict = evaluate(
        item(max_order=300), suppliers=SUPPLIERS, on_order=0, settings=SETTINGS, history=[]
    )
    assert verdict.line is not None
    assert verdict.line.quantity == 300
    assert verdict.line.flag == "capped at max order 300"


def test_3_over_the_anomaly_factor_of_the_median_past_order_is_flagged() -> None:
    verdict = evaluate(
        item(), suppliers=SUPPLIERS, on_order=0, settings=SETTINGS, history=[100, 250, 200]
    )
    assert verdict.line is not None
    assert verdict.line.quantity == 546
    assert verdict.line.flag is not None
    assert "2.73× the usual order (median past order 200)" in verdict.line.flag


def test_watch_and_stocked_items_get_no_line() -> None:
    for on_hand in (650, 5000):
        verdict = evaluate(
            item(on_hand=on_hand), suppliers=SUPPLIERS, on_order=0, settings=SETTINGS, history=[]
        )
        assert verdict.line is None
        assert verdict.problem is None


def test_max_order_below_one_pack_is_a_problem() -> None:
    verdict = evaluate(
        item(max_order=5, pack_size=12),
        suppliers=SUPPLIERS,
        on_order=0,
        settings=SETTINGS,
        history=[],
    )
    assert verdict.line is None
    assert verdict.problem is not None and "smaller than one pack" in verdict.problem


def test_3_the_check_is_about_the_need_not_the_pack_rounding() -> None:
    # Need 546 is 1.8× the usual 300; packs of 500 make it 1000 (3.3×): not a reason to look.
    packed = evaluate(
        item(pack_size=500), suppliers=SUPPLIERS, on_order=0, settings=SETTINGS, history=[300]
    )
    assert packed.line is not None
    assert packed.line.quantity == 1000
    assert packed.line.flag is None
    # A need over twice the usual order is flagged, with the need in the words.
    large = evaluate(item(), suppliers=SUPPLIERS, on_order=0, settings=SETTINGS, history=[250])
    assert large.line is not None
    assert large.line.flag == (
        "needs 546, 2.18× the usual order (median past order 250); over the 2× check"
    )


def test_one_pack_is_one_pack_in_why() -> None:
    verdict = evaluate(
        item(pack_size=600), suppliers=SUPPLIERS, on_order=0, settings=SETTINGS, history=[]
    )
    assert verdict.line is not None
    assert verdict.line.quantity == 600
    assert "rounded up to 1 pack of 600" in verdict.line.why
