"""One item through the rules and the guardrails: its move, and the order line it needs, if any.

Guardrails, in order:
1. discontinued or paused items get no draft;
2. an item whose supplier is unknown, inactive or has no valid email gets a problem, no draft;
3. a capped quantity, or one over ``anomaly factor`` × the usual order, is drafted but flagged;
4. (in ``drafts``) an item already in a pending draft is refreshed there, never drafted twice.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sheets_bot.domain.models import Item, ItemStatus, Move, ShopSettings, Supplier, supplier_key
from sheets_bot.domain.policy import Assessment, assess, order_quantity
from sheets_bot.domain.purchase_units import PurchaseUnit
from sheets_bot.domain.sheet_numbers import plain


@dataclass(frozen=True)
class PlannedLine:
    """An order line the check wants in a draft."""

    sku: str
    item: str
    supplier: str
    send_to: str
    move: Move
    on_hand: float
    on_order: float
    reorder_point: float
    quantity: int
    unit_cost: Decimal | None
    why: str
    flag: str | None
    """Why the owner should look twice, or ``None``."""
    unit: PurchaseUnit | None = None
    """The supplier's purchase unit, when it is not the stock unit (``quantity`` stays in
    stock units)."""
    hold: str = ""
    """Why the draft cannot simply go out yet (the supplier's next ordering day, below its
    minimum order value); shown in the line's Status."""

    @property
    def line_total(self) -> Decimal | None:
        return None if self.unit_cost is None else self.unit_cost * self.quantity


@dataclass(frozen=True)
class Verdict:
    item: Item
    assessment: Assessment | None
    label: str
    """What the Move column shows: a move, or the item's paused/discontinued status."""
    problem: str | None
    line: PlannedLine | None


def usual_order(history: Sequence[int], assessment: Assessment) -> tuple[float, str]:
    """The item's usual order: the median past order, or one lead time of sales without one."""
    if history:
        median = float(statistics.median(history))
        return median, f"median past order {plain(median)}"
    demand = assessment.lead_time_demand
    return demand, f"one lead time of sales {plain(demand)}"


def _supplier_problem(item: Item, supplier: Supplier | None) -> str | None:
    where = f"Stock row {item.row}, column 'Supplier': '{item.supplier}'"
    if supplier is None:
        return f"{where} is not on the Suppliers tab; no order is drafted"
    if supplier.problem is not None:
        return (
            f"{where} cannot be read on the Suppliers tab ({supplier.problem}); no order is drafted"
        )
    if not supplier.active:
        state = "paused" if supplier.paused else "inactive"
        return f"{where} is {state} (Suppliers row {supplier.row}); no order is drafted"
    if supplier.email is None:
        return f"{where} has no valid email ({supplier.email_problem}); no order is drafted"
    return None


def evaluate(
    item: Item,
    *,
    suppliers: Mapping[str, Supplier],
    on_order: float,
    settings: ShopSettings,
    history: Sequence[int],
    basis: str = "",
) -> Verdict:
    """``basis`` says where the item's numbers came from when they are not all the owner's
    (learned sales, lead time, safety stock); it leads the order line's ``Why``."""
    supplier = suppliers.get(supplier_key(item.supplier))
    lead_time = item.lead_time_days
    if lead_time is None and supplier is not None:
        lead_time = supplier.lead_time_days
    if lead_time is None:
        return Verdict(
            item,
            None,
            "",
            f"Stock row {item.row}, column 'Lead time (days)': blank, and supplier"
            f" '{item.supplier}' has no lead time on the Suppliers tab; no order is drafted",
            None,
        )
    assessment = assess(
        on_hand=item.on_hand,
        on_order=on_order,
        daily_sales=item.daily_sales,
        lead_time_days=lead_time,
        safety_buffer=item.safety_buffer,
        watch_days=settings.watch_days,
    )
    if item.status is not ItemStatus.ACTIVE:
        return Verdict(item, assessment, item.status.value, None, None)
    problem = _supplier_problem(item, supplier)
    if problem is not None or supplier is None or supplier.email is None:
        return Verdict(item, assessment, assessment.move.value, problem, None)
    if assessment.move not in (Move.URGENT, Move.REORDER):
        return Verdict(item, assessment, assessment.move.value, None, None)
    if item.max_order is not None and item.max_order < item.pack_size:
        return Verdict(
            item,
            assessment,
            assessment.move.value,
            f"Stock row {item.row}, column 'Max order': {item.max_order} is smaller than one"
            f" pack of {item.pack_size}; no order is drafted",
            None,
        )

    quantity = order_quantity(
        assessment,
        pack_size=item.pack_size,
        min_order=item.min_order,
        max_order=item.max_order,
        max_cover_days=settings.max_cover_days,
    )
    if quantity.quantity <= 0:
        return Verdict(item, assessment, assessment.move.value, None, None)

    flags = []
    if quantity.capped_by:
        flags.append(f"capped at {quantity.capped_by}")
    usual, usual_text = usual_order(history, assessment)
    # The flag is about the decision, not the pack: the need before min order and pack
    # rounding (3.2 rounded up to a pack of 6 is not an unusual order).
    need = max(quantity.target - assessment.position, 0.0)
    if usual > 0 and need > settings.anomaly_factor * usual:
        flags.append(
            f"needs {plain(round(need, 1))}, {plain(need / usual)}× the usual order"
            f" ({usual_text}); over the {plain(settings.anomaly_factor)}× check"
        )
    line = PlannedLine(
        sku=item.sku,
        item=item.name,
        supplier=supplier.name,
        send_to=supplier.email,
        move=assessment.move,
        on_hand=item.on_hand,
        on_order=on_order,
        reorder_point=assessment.reorder_point,
        quantity=quantity.quantity,
        unit_cost=item.unit_cost,
        why=f"{basis + '. ' if basis else ''}{assessment.why}. Order: {quantity.steps}",
        flag="; ".join(flags) if flags else None,
    )
    return Verdict(item, assessment, assessment.move.value, None, line)
