"""One draft per supplier, as the supplier will take it: on its ordering days, and at least its
minimum order value.

- **Ordering days**: a draft made on a day the supplier takes no orders waits for the next
  one; every line's Status says so, and the approved PO goes out that day
  (``send_not_before``). The policy covers the wait (``domain.ordering_days``).
- **Minimum order value**: below it, the draft is topped up with the supplier's other items
  that are closest to their reorder point in days of cover ((on hand + on order − reorder
  point) ÷ daily sales), each ordered up to its target (one purchase unit at least), until the
  minimum is reached; each added line says why. Still short, every line says
  ``below minimum (X of Y)``: the owner decides, nothing goes out silently short.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from sheets_bot.domain.calendar_names import WEEKDAYS, short_date
from sheets_bot.domain.evaluation import PlannedLine, Verdict
from sheets_bot.domain.models import ItemStatus, ShopSettings, Supplier, supplier_key
from sheets_bot.domain.policy import order_quantity
from sheets_bot.domain.sheet_numbers import plain

__all__ = ["draft_total", "ordering_day_hold", "send_not_before", "shape_supplier_drafts"]


def draft_total(lines: Sequence[PlannedLine]) -> Decimal:
    """The priced lines' total (a line without a unit cost adds nothing)."""
    return sum((line.line_total or Decimal(0) for line in lines), Decimal(0))


def ordering_day_hold(supplier: Supplier, today: date) -> str:
    """``waits for Thu 10 Dec, the supplier's next ordering day (Mon, Thu)``; blank when the
    supplier takes orders today."""
    if supplier.ordering_days.wait_days(today) == 0:
        return ""
    day = supplier.ordering_days.next_on_or_after(today)
    return (
        f"waits for {WEEKDAYS[day.weekday()][:3]} {short_date(day)}, the supplier's next"
        f" ordering day ({supplier.ordering_days})"
    )


def send_not_before(supplier: Supplier | None, now: datetime, zone: ZoneInfo) -> datetime | None:
    """The start of the supplier's next ordering day (shop time) when it is not today."""
    if supplier is None:
        return None
    today = now.astimezone(zone).date()
    day = supplier.ordering_days.next_on_or_after(today)
    if day == today:
        return None
    return datetime.combine(day, time(0, 0), tzinfo=zone)


@dataclass(frozen=True)
class _Candidate:
    verdict: Verdict
    cover: float
    """Days of cover above the reorder point."""


def _candidates(
    supplier: Supplier, verdicts: Sequence[Verdict], planned_skus: set[str]
) -> list[_Candidate]:
    found = []
    for verdict in verdicts:
        item, assessment = verdict.item, verdict.assessment
        if (
            assessment is None
            or verdict.problem is not None
            or item.status is not ItemStatus.ACTIVE
            or supplier_key(item.supplier) != supplier_key(supplier.name)
            or item.sku.casefold() in planned_skus
            or assessment.daily_sales <= 0
        ):
            continue
        cover = (assessment.position - assessment.reorder_point) / assessment.daily_sales
        found.append(_Candidate(verdict, cover))
    found.sort(key=lambda c: (c.cover, c.verdict.item.row))
    return found


def _top_up_line(
    candidate: _Candidate, supplier: Supplier, settings: ShopSettings, minimum: Decimal
) -> PlannedLine | None:
    item, assessment = candidate.verdict.item, candidate.verdict.assessment
    assert assessment is not None  # noqa: S101 - _candidates keeps assessed items only
    pack = max(item.pack_size, 1)
    quantity = order_quantity(
        assessment,
        pack_size=pack,
        min_order=item.min_order,
        max_order=item.max_order,
        max_cover_days=settings.max_cover_days,
    )
    amount = quantity.quantity
    steps = quantity.steps
    if amount <= 0:
        amount = max(pack, -(-(item.min_order or 0) // pack) * pack)
        steps = f"at its target already: one order step of {amount}"
    if item.max_order is not None and amount > item.max_order:
        return None
    return PlannedLine(
        sku=item.sku,
        item=item.name,
        supplier=supplier.name,
        send_to=supplier.email or "",
        move=assessment.move,
        on_hand=item.on_hand,
        on_order=assessment.on_order,
        reorder_point=assessment.reorder_point,
        quantity=amount,
        unit_cost=item.unit_cost,
        why=(
            f"top-up to reach {supplier.name}'s minimum order {plain(minimum)}:"
            f" {plain(candidate.cover)} day{'' if candidate.cover == 1 else 's'} of cover above"
            " its reorder point"
            f" {plain(assessment.reorder_point)}, the closest of its items not yet on the draft."
            f" Order: {steps}"
        ),
        flag=None,
    )


def shape_supplier_drafts(
    planned: Sequence[PlannedLine],
    verdicts: Sequence[Verdict],
    suppliers: Mapping[str, Supplier],
    settings: ShopSettings,
    today: date,
) -> list[PlannedLine]:
    """``planned`` with each supplier's top-up lines added and every line's ``hold`` set."""
    by_supplier: dict[str, list[PlannedLine]] = {}
    for line in planned:
        by_supplier.setdefault(supplier_key(line.supplier), []).append(line)
    planned_skus = {line.sku.casefold() for line in planned}
    shaped: list[PlannedLine] = []
    for key, lines in by_supplier.items():
        supplier = suppliers.get(key)
        if supplier is None:
            shaped.extend(lines)
            continue
        holds = [ordering_day_hold(supplier, today)]
        minimum = supplier.min_order_value
        if minimum is not None and draft_total(lines) < minimum:
            for candidate in _candidates(supplier, verdicts, planned_skus):
                if draft_total(lines) >= minimum:
                    break
                added = _top_up_line(candidate, supplier, settings, minimum)
                if added is not None:
                    lines.append(added)
            total = draft_total(lines)
            if total < minimum:
                unpriced = sum(1 for line in lines if line.unit_cost is None)
                extra = f"; {unpriced} line(s) without a unit cost" if unpriced else ""
                holds.append(f"below minimum ({plain(total)} of {plain(minimum)}{extra})")
        hold = "; ".join(text for text in holds if text)
        shaped.extend(replace(line, hold=hold) if hold else line for line in lines)
    return shaped
