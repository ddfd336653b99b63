"""The owner's decisions on a draft and what follows from them."""

from __future__ import annotations

from decimal import Decimal

from sheets_bot.domain.decisions import DraftLine, Outcome, decide
from sheets_bot.domain.models import PoFormat, ShopSettings
from sheets_bot.domain.purchase_order import po_number_text
from tests.unit.tables import supplier

SUPPLIERS = {"bean bros": supplier(po_format=PoFormat.BOTH)}
COLUMNS = {"Decision": 15, "Order qty": 10, "Send to": 13}


def line(
    row: int,
    sku: str,
    decision: str,
    qty: object = 10,
    send_to: str = "orders@beanbros.example",
    note: str = "",
) -> DraftLine:
    return DraftLine(
        row=row,
        draft="D-0003",
        supplier="Bean Bros",
        sku=sku,
        item=f"Item {sku}",
        decision=decision,
        order_qty=qty,
        suggested_qty=10,
        unit_cost=2.5,
        send_to=send_to,
        note=note,
    )


def run(*lines: DraftLine):  # type: ignore[no-untyped-def]
    return decide(
        "D-0003",
        lines,
        suppliers=SUPPLIERS,
        settings=ShopSettings(po_prefix="PO-"),
        columns=COLUMNS,
    )


def test_approve_and_skip_send_the_approved_lines_with_the_owners_edits() -> None:
    decision = run(
        line(2, "A", "approve", qty="12", note="back door"),
        line(3, "B", "skip"),
        line(4, "C", "approve", send_to="Orders@BeanBros.example"),
    )
    assert decision.outcome is Outcome.APPROVED
    order = decision.order
    assert order is not None
    assert order.po_number == ""  # numbered when it is sent, not when approved
    assert [(ln.sku, ln.quantity) for ln in order.lines] == [("A", 12), ("C", 10)]
    assert order.lines[0].unit_cost == Decimal("2.5")
    assert order.lines[0].drafted_quantity == 10
    assert order.note == "back door"
    assert order.po_format is PoFormat.BOTH
    assert order.send_to == "orders@beanbros.example"


def test_a_blank_line_waits() -> None:
    assert run(line(2, "A", "approve"), line(3, "B", "")).outcome is Outcome.WAITING


def test_an_edit_line_holds_the_whole_draft() -> None:
    assert run(line(2, "A", "approve"), line(3, "B", "edit")).outcome is Outcome.HELD


def test_all_skip_sends_nothing() -> None:
    decision = run(line(2, "A", "skip"), line(3, "B", "skip"))
    assert decision.outcome is Outcome.SKIPPED
    assert decision.order is None


def test_a_typo_in_decision_is_located() -> None:
    decision = run(line(2, "A", "yes"))
    assert decision.outcome is Outcome.INVALID
    assert (
        "Drafts row 2, column O 'Decision': 'yes' is not approve, edit or skip" in decision.status
    )


def test_a_bad_quantity_or_address_blocks_the_send_with_a_located_reason() -> None:
    for qty in ("ten", 0, -1, 2.5, None):
        decision = run(line(2, "A", "approve", qty=qty))
        assert decision.outcome is Outcome.INVALID, qty
        assert "Drafts row 2, column J 'Order qty'" in decision.status
    decision = run(line(2, "A", "approve", send_to="bob@"))
    assert decision.outcome is Outcome.INVALID
    assert "column M 'Send to'" in decision.status


def test_different_addresses_on_one_draft_are_refused() -> None:
    decision = run(
        line(2, "A", "approve"), line(3, "B", "approve", send_to="other@beanbros.example")
    )
    assert decision.outcome is Outcome.INVALID
    assert "differs between the approved lines" in decision.status


def test_the_fingerprint_changes_with_what_was_approved() -> None:
    first = run(line(2, "A", "approve")).order
    same = run(line(2, "A", "approve")).order
    more = run(line(2, "A", "approve", qty=11)).order
    elsewhere = run(line(2, "A", "approve", send_to="x@beanbros.example")).order
    assert first is not None and same is not None and more is not None and elsewhere is not None
    assert first.fingerprint == same.fingerprint
    assert len({first.fingerprint, more.fingerprint, elsewhere.fingerprint}) == 3


def test_po_number_text_has_the_prefix_and_four_digits() -> None:
    assert po_number_text("ACME-", 42) == "ACME-0042"
    assert po_number_text("PO-", 12345) == "PO-12345"
