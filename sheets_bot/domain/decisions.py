"""Read the owner's decisions on one draft and say what follows.

A draft goes out when every line is ``approve`` or ``skip`` and at least one is ``approve``.
Any blank line waits; any ``edit`` holds the whole draft; all ``skip`` closes it unsent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from sheets_bot.domain.addresses import AddressProblem, validate_address
from sheets_bot.domain.drafts import DECISIONS, rows_text
from sheets_bot.domain.models import PoFormat, ShopSettings, Supplier, supplier_key
from sheets_bot.domain.number_ranges import COUNT
from sheets_bot.domain.problems import Problem
from sheets_bot.domain.purchase_order import ApprovedOrder, OrderLine
from sheets_bot.domain.sheet_numbers import NotANumber, parse_number

DRAFTS_TAB = "Drafts"


class Outcome(StrEnum):
    WAITING = "waiting"
    HELD = "held"
    SKIPPED = "skipped"
    APPROVED = "approved"
    INVALID = "invalid"


@dataclass(frozen=True)
class DraftLine:
    """A Drafts row as the poll reads it."""

    row: int
    draft: str
    supplier: str
    sku: str
    item: str
    decision: str
    order_qty: object
    suggested_qty: object
    unit_cost: object
    send_to: str
    note: str


@dataclass(frozen=True)
class DraftDecision:
    draft: str
    outcome: Outcome
    lines: tuple[DraftLine, ...]
    status: str
    order: ApprovedOrder | None = None
    problems: tuple[Problem, ...] = field(default=())
    waiting_rows: tuple[int, ...] = ()
    """The rows still without a decision (``Outcome.WAITING``)."""


def po_number(draft_id: str, prefix: str) -> str:
    """``D-0007`` -> ``PO-0007``: one PO number per draft, so racing pollers agree on it."""
    return prefix + draft_id.removeprefix("D-")


def _problem(
    line: DraftLine, column: str, value: object, message: str, columns: Mapping[str, int]
) -> Problem:
    return Problem(
        DRAFTS_TAB, line.row, column, message, value=value, column_index=columns.get(column)
    )


def _quantity(line: DraftLine, columns: Mapping[str, int]) -> int | Problem:
    try:
        number = parse_number(line.order_qty)
    except NotANumber:
        return _problem(line, "Order qty", line.order_qty, "is not a number", columns)
    if number is None:
        return _problem(line, "Order qty", None, "is blank; approve needs a quantity", columns)
    if number <= 0 or number != number.to_integral_value():
        return _problem(line, "Order qty", line.order_qty, "is not a whole number above 0", columns)
    if not COUNT.contains(number):
        message = f"is out of range: it must be {COUNT.describe()}"
        return _problem(line, "Order qty", line.order_qty, message, columns)
    return int(number)


def _whole_or_none(value: object) -> int | None:
    try:
        number = parse_number(value)
    except NotANumber:
        return None
    return int(number) if number is not None else None


def _cost(value: object) -> Decimal | None:
    try:
        return parse_number(value)
    except NotANumber:
        return None


def decide(
    draft: str,
    lines: Sequence[DraftLine],
    *,
    suppliers: Mapping[str, Supplier],
    settings: ShopSettings,
    columns: Mapping[str, int],
) -> DraftDecision:
    decisions = [line.decision for line in lines]
    unknown = [line for line in lines if line.decision and line.decision not in DECISIONS]
    if unknown:
        problems = tuple(
            _problem(line, "Decision", line.decision, "is not approve, edit or skip", columns)
            for line in unknown
        )
        return DraftDecision(
            draft,
            Outcome.INVALID,
            tuple(lines),
            "; ".join(str(p) for p in problems),
            None,
            problems,
        )
    waiting_rows = tuple(sorted(line.row for line in lines if not line.decision))
    if waiting_rows:
        return DraftDecision(
            draft,
            Outcome.WAITING,
            tuple(lines),
            f"waiting for your decision on {rows_text(waiting_rows)}",
            waiting_rows=waiting_rows,
        )
    if "edit" in decisions:
        return DraftDecision(
            draft,
            Outcome.HELD,
            tuple(lines),
            "held for your edit: set each line to approve or skip when done",
        )
    approved = [line for line in lines if line.decision == "approve"]
    if not approved:
        return DraftDecision(draft, Outcome.SKIPPED, tuple(lines), "skipped: nothing ordered")

    problems_list: list[Problem] = []
    order_lines: list[OrderLine] = []
    for line in approved:
        quantity = _quantity(line, columns)
        if isinstance(quantity, Problem):
            problems_list.append(quantity)
            continue
        order_lines.append(
            OrderLine(
                sku=line.sku,
                item=line.item,
                quantity=quantity,
                unit_cost=_cost(line.unit_cost),
                drafted_quantity=_whole_or_none(line.suggested_qty),
            )
        )
    addresses = {line.send_to.strip().lower() for line in approved}
    send_to = ""
    if len(addresses) > 1:
        problems_list.append(
            _problem(
                approved[0],
                "Send to",
                None,
                "differs between the approved lines of this draft; make them the same",
                columns,
            )
        )
    else:
        try:
            send_to = validate_address(approved[0].send_to)
        except AddressProblem as error:
            problems_list.append(
                _problem(approved[0], "Send to", approved[0].send_to, str(error), columns)
            )
    if problems_list:
        problems = tuple(problems_list)
        return DraftDecision(
            draft,
            Outcome.INVALID,
            tuple(lines),
            "not sent: " + "; ".join(str(p) for p in problems),
            None,
            problems,
        )
    supplier = suppliers.get(supplier_key(lines[0].supplier))
    notes = list(dict.fromkeys(line.note.strip() for line in approved if line.note.strip()))
    order = ApprovedOrder(
        draft_id=draft,
        po_number=po_number(draft, settings.po_prefix),
        supplier=lines[0].supplier,
        send_to=send_to,
        po_format=supplier.po_format if supplier is not None else PoFormat.CSV,
        lines=tuple(order_lines),
        note="; ".join(notes),
    )
    return DraftDecision(draft, Outcome.APPROVED, tuple(lines), "approved", order)
