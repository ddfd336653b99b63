"""Reconciling planned lines with the Drafts already in the sheet."""

from __future__ import annotations

import itertools
from decimal import Decimal

from sheets_bot.domain.drafts import ExistingLine, line_key, plan_drafts
from sheets_bot.domain.evaluation import PlannedLine
from sheets_bot.domain.models import Move


def planned(sku: str, supplier: str = "Bean Bros", quantity: int = 10) -> PlannedLine:
    return PlannedLine(
        sku=sku,
        item=f"Item {sku}",
        supplier=supplier,
        send_to="orders@beanbros.example",
        move=Move.REORDER,
        on_hand=1,
        on_order=0,
        reorder_point=5,
        quantity=quantity,
        unit_cost=Decimal(1),
        why="why",
        flag=None,
    )


def existing(
    row: int, draft: str, sku: str, decision: str = "", qty: str = "10", **more: str
) -> ExistingLine:
    return ExistingLine(
        row=row,
        draft=draft,
        supplier=more.get("supplier", "Bean Bros"),
        sku=sku,
        decision=decision,
        order_qty=qty,
        suggested_qty=more.get("suggested", "10"),
        send_to=more.get("send_to", "orders@beanbros.example"),
        note=more.get("note", ""),
    )


def ids() -> itertools.count[int]:
    return itertools.count(7)


def _new_id(counter: itertools.count[int]):  # type: ignore[no-untyped-def]
    return lambda: f"D-{next(counter):04d}"


def test_one_draft_per_supplier() -> None:
    plan = plan_drafts(
        [planned("A"), planned("B"), planned("C", supplier="Dairy")], [], {}, _new_id(ids())
    )
    assert plan.new_drafts == {"D-0007": "Bean Bros", "D-0008": "Dairy"}
    assert [(draft, line.sku) for draft, line in plan.add] == [
        ("D-0007", "A"),
        ("D-0007", "B"),
        ("D-0008", "C"),
    ]


def test_an_item_already_pending_is_refreshed_in_place_not_drafted_again() -> None:
    memory = {
        (line_key("D-0001", "A"), "Order qty"): "10",
        (line_key("D-0001", "A"), "Send to"): "orders@beanbros.example",
    }
    plan = plan_drafts(
        [planned("A", quantity=12)], [existing(2, "D-0001", "A")], memory, _new_id(ids())
    )
    assert plan.add == []
    assert plan.new_drafts == {}
    [refresh] = plan.refresh
    assert refresh.existing.row == 2
    assert refresh.write_order_qty and refresh.write_send_to


def test_a_new_item_joins_the_suppliers_open_draft() -> None:
    plan = plan_drafts(
        [planned("A"), planned("B")], [existing(2, "D-0001", "A")], {}, _new_id(ids())
    )
    assert plan.add[0][0] == "D-0001"
    assert plan.new_drafts == {}


def test_the_owners_order_qty_is_never_overwritten() -> None:
    memory = {(line_key("D-0001", "A"), "Order qty"): "10"}
    plan = plan_drafts(
        [planned("A", quantity=12)], [existing(2, "D-0001", "A", qty="30")], memory, _new_id(ids())
    )
    assert plan.refresh[0].write_order_qty is False


def test_without_memory_a_qty_equal_to_the_suggestion_is_the_bots() -> None:
    plan = plan_drafts(
        [planned("A", quantity=12)], [existing(2, "D-0001", "A", qty="10")], {}, _new_id(ids())
    )
    assert plan.refresh[0].write_order_qty is True
    plan = plan_drafts(
        [planned("A", quantity=12)], [existing(2, "D-0001", "A", qty="11")], {}, _new_id(ids())
    )
    assert plan.refresh[0].write_order_qty is False


def test_a_draft_with_any_decision_is_left_alone_and_its_items_not_drafted_again() -> None:
    lines = [existing(2, "D-0001", "A", decision="edit"), existing(3, "D-0001", "B")]
    plan = plan_drafts([planned("A"), planned("B"), planned("C")], lines, {}, _new_id(ids()))
    assert plan.refresh == []
    assert plan.remove == []
    assert [line.sku for _, line in plan.add] == ["C"]
    assert plan.new_drafts == {"D-0007": "Bean Bros"}


def test_pending_lines_no_longer_due_are_removed_unless_the_owner_changed_them() -> None:
    memory = {(line_key("D-0001", sku), "Order qty"): "10" for sku in "ABC"}
    lines = [
        existing(2, "D-0001", "A"),
        existing(3, "D-0001", "B", qty="40"),
        existing(4, "D-0001", "C", note="call first"),
    ]
    plan = plan_drafts([], lines, memory, _new_id(ids()))
    assert [line.row for line in plan.remove] == [2]
    assert [line.row for line in plan.no_longer_due] == [3, 4]


def test_an_item_moved_to_another_supplier_leaves_the_old_draft() -> None:
    plan = plan_drafts(
        [planned("A", supplier="Dairy")], [existing(2, "D-0001", "A")], {}, _new_id(ids())
    )
    assert [line.row for line in plan.remove] == [2]
    assert plan.new_drafts == {"D-0007": "Dairy"}
