"""One item through the rules and the guardrails: its move, and the order line it needs, if any.

Guardrails, in order:
1. discontinued or paused items get no draft;
2. an item whose supplier is unknown, inactive or has no valid email gets a problem, no draft;
3. a capped quantity, or one over ``anomaly factor`` × the usual order, is drafted but flagged;
4. (in ``drafts``) an item already in a pending draft is refreshed there, never drafted twice.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sheets_bot.domain.fill_rate import (
    ProtectionDemand,
    protection_demand,
    surely_above_reorder_point,
)
from sheets_bot.domain.learning import DemandPlan
from sheets_bot.domain.models import Item, ItemStatus, Move, ShopSettings, Supplier, supplier_key
from sheets_bot.domain.ordering_days import EVERY_DAY, OrderingDays
from sheets_bot.domain.policy import (
    Assessment,
    above_reorder_point,
    assess,
    order_quantity,
    reorder_point,
)
from sheets_bot.domain.purchase_units import PurchaseUnit
from sheets_bot.domain.safety_stock import SafetyStock, cycle_order, stock_for
from sheets_bot.domain.sheet_numbers import plain
from sheets_bot.domain.words import plural


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
    safety: SafetyStock | None = None
    """The fill-rate safety stock, when the learned policy set it."""


USUAL_MIN_DAYS = 7.0
"""Without past orders the usual order is never taken as less than a week of sales: a need of
a few days' sales is in proportion to any item that sells (an item with lead time 0 orders one
day of sales at a time, and refilling its safety buffer after a stock-out is no reason to look
twice)."""


def usual_order(
    history: Sequence[int],
    assessment: Assessment,
    *,
    pack_size: int = 1,
    lump: float = 0.0,
) -> tuple[float, str]:
    """The item's usual order, the baseline of the ``anomaly factor`` check, and its words.

    With past orders: their median. Without: what the rules order from an empty shelf
    before the safety stock, in days of the item's sales: the reorder point's cover (lead
    time, with the wait for the supplier's next ordering day) + one cycle on top (the order
    itself), + ``lump``, the demand between two chances to order that the learned policy
    allows for (one sale of an item that sells in lumps), and at least ``USUAL_MIN_DAYS``.
    The safety stock is left out: a need over twice this one takes a safety stock larger
    than all the sales the order covers (a typed buffer far above what the typed rate sells,
    say). The learned one, for the item's fill target, is about one sale of an item that
    sells in lumps, which ``lump`` counts. An item that has not sold yet has no sales to
    measure by: its usual order is what the rules keep of a new item (one pack, or one usual
    sale of the shop's items, in packs)."""
    if history:
        median = float(statistics.median(history))
        return median, f"median past order {plain(median)}"
    rate = assessment.daily_sales
    if rate <= 0:
        pack = max(pack_size, 1)
        packs = max(math.ceil(assessment.new_stock / pack - 1e-9), 1)
        if packs == 1:
            return float(pack), f"no past order; one pack of {pack}, as it has not sold yet"
        return float(packs * pack), (
            f"no past order; {plural(packs, 'pack')} of {pack} (one usual sale),"
            " as it has not sold yet"
        )
    span = assessment.cover_days + assessment.cycle_days + max(lump, 0.0) / rate
    days = max(span, USUAL_MIN_DAYS)
    usual = rate * days
    what = (
        "a week at least"
        if span < USUAL_MIN_DAYS
        else "an order from an empty shelf before the safety stock"
    )
    return usual, f"no past order; {plain(days)} days of sales {plain(usual)}, {what}"


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


@dataclass(frozen=True)
class _Spans:
    """What ``assess`` takes besides the item's own numbers."""

    cover_days: float
    cover_note: str
    cycle_days: float
    wait_days: float
    safety_buffer: float
    buffer_note: str = ""
    lump: float = 0.0
    """The demand between two chances to order the learned policy allows for (see
    ``_between_chances``); part of the usual order."""


def _days(value: float) -> str:
    return f"{plain(value)} day{'' if value == 1 else 's'}"


def _lead_time(item: Item, supplier: Supplier | None) -> float | None:
    """The item's lead time, else its supplier's."""
    if item.lead_time_days is None and supplier is not None:
        return supplier.lead_time_days
    return item.lead_time_days


def _chances(supplier: Supplier | None, today: date | None) -> tuple[OrderingDays, int, int]:
    """The supplier's ordering days, the days until the next one (wait) and the days from it
    to the one after (review); every day without ``today``."""
    days = supplier.ordering_days if supplier is not None else EVERY_DAY
    if today is None or days.every_day:
        return days, 0, 1
    return days, days.wait_days(today), days.review_days(today)


def _policy(
    item: Item,
    lead_time: float,
    supplier: Supplier | None,
    today: date | None,
    plan: DemandPlan | None,
) -> tuple[_Spans, SafetyStock | None]:
    """The days the reorder point covers and the safety stock, as ``assess`` takes them.

    Typed numbers keep the seed's rule (cover = lead time) and add the days an order waits
    beyond a daily supplier's: wait + review period − 1. The learned policy covers the wait
    and the lead time, plus what is sold between two chances to order (the review period:
    a day's sale, or the days to the next ordering day), which takes the stock below the
    reorder point before an order can go; it sets the safety stock for the plan's fill target,
    for the order actually placed (lead time + review period of demand, raised to Min order,
    in whole packs)."""
    days, wait, review = _chances(supplier, today)
    cycle = max(lead_time, float(review))
    if plan is None:
        extra = wait + review - 1
        note = ""
        if extra:
            note = (
                f"{_days(lead_time)} lead time + {_days(extra)} until an order after the next"
                f" one can go ({supplier.name if supplier else ''} takes orders {days})"
            )
        return _Spans(lead_time + extra, note, cycle, wait, item.safety_buffer), None
    learned = _learned_demand(item, lead_time, wait, review, plan)
    safety = stock_for(
        learned.demand,
        rate=item.daily_sales,
        target=plan.target,
        order=learned.order,
        review_days=review,
    )
    parts = [f"{_days(lead_time)} lead time"]
    if wait:
        parts.insert(0, f"{_days(wait)} to the next order day")
    note = " + ".join(parts) if wait else ""
    cover = learned.demand.days
    return (
        _Spans(cover, note, learned.cycle, wait, safety.units, safety.why, learned.lump),
        safety,
    )


@dataclass(frozen=True)
class _Learned:
    demand: ProtectionDemand
    """Over the protection interval: the wait + the lead time (+ the undershoot)."""
    cycle: float
    order: int
    """The order placed each cycle, which the fill rate is reached with."""
    lump: float
    """The demand between two chances to order (a day's sale, or the days between ordering
    days)."""


def _learned_demand(
    item: Item, lead_time: float, wait: int, review: int, plan: DemandPlan
) -> _Learned:
    cycle = lead_time + review
    size, size_cv2 = _between_chances(item.daily_sales, plan, review)
    demand = protection_demand(
        rate=item.daily_sales,
        daily_variance=plan.forecast.variance,
        days=wait + lead_time,
        lead_stdev=plan.lead_stdev,
        skewed=plan.skewed,
        sale_size=size,
        size_cv2=size_cv2,
        rate_variance=plan.forecast.rate_variance,
    )
    order = cycle_order(item.daily_sales, cycle, item.pack_size, item.min_order)
    return _Learned(demand, cycle, order, size)


def orders_nothing(
    item: Item,
    *,
    suppliers: Mapping[str, Supplier],
    on_order: float,
    today: date | None,
    plan: DemandPlan | None,
    on_hand: float | None = None,
) -> bool:
    """True when ``evaluate`` surely drafts no line today: the item sells, has stock, will
    not run out within the lead time, and its position is above the reorder point (for the
    learned policy, found with one evaluation of the fill rate instead of the reorder point's
    search). A replay asks this first, since on most days most items order nothing; the check
    always works the reorder point out, as the sheet shows it. False means only "not sure":
    ``evaluate`` decides. ``on_hand`` is today's shelf (default the item's)."""
    supplier = suppliers.get(supplier_key(item.supplier))
    lead_time = _lead_time(item, supplier)
    rate = item.daily_sales
    stock = item.on_hand if on_hand is None else on_hand
    if lead_time is None or rate <= 0 or stock <= 0:
        return False
    _, wait, review = _chances(supplier, today)
    position = stock + on_order
    if position < rate * (lead_time + wait):
        return False
    if plan is None:
        spans, _ = _policy(item, lead_time, supplier, today, None)
        point = reorder_point(rate, spans.cover_days, spans.safety_buffer)
        return above_reorder_point(position, point)
    learned = _learned_demand(item, lead_time, wait, review, plan)
    return surely_above_reorder_point(learned.demand, plan.target, learned.order, position)


def _between_chances(rate: float, plan: DemandPlan, review: int) -> tuple[float, float]:
    """The demand between two chances to order (mean, CV²): one day's sale when the supplier
    takes orders every day (sale size = rate × ADI), else ``review`` days of demand. The last
    of it takes the position below the reorder point before an order can go."""
    shape = plan.forecast.shape
    if shape is None:
        return 0.0, 0.0
    if review <= shape.adi:
        return rate * shape.adi, plan.forecast.size_cv2
    total = rate * review
    return total, plan.forecast.variance * review / (total * total) if total else 0.0


def evaluate(
    item: Item,
    *,
    suppliers: Mapping[str, Supplier],
    on_order: float,
    settings: ShopSettings,
    history: Sequence[int],
    basis: str | Callable[[], str] = "",
    today: date | None = None,
    plan: DemandPlan | None = None,
    new_stock: float = 0.0,
) -> Verdict:
    """``basis`` says which numbers were used and why (``choose_numbers``); it leads the order
    line's ``Why`` (a callable is asked only when there is a line). ``today`` places the
    supplier's ordering days (without it: every day); ``plan`` (the learned demand and its
    fill target) sets the safety stock in place of the typed buffer; ``new_stock`` is what an
    item that has not sold yet keeps (``assess``)."""
    supplier = suppliers.get(supplier_key(item.supplier))
    lead_time = _lead_time(item, supplier)
    if lead_time is None:
        return Verdict(
            item,
            None,
            "",
            f"Stock row {item.row}, column 'Lead time (days)': blank, and supplier"
            f" '{item.supplier}' has no lead time on the Suppliers tab; no order is drafted",
            None,
        )
    spans, safety = _policy(item, lead_time, supplier, today, plan)
    assessment = assess(
        on_hand=item.on_hand,
        on_order=on_order,
        daily_sales=item.daily_sales,
        lead_time_days=lead_time,
        safety_buffer=spans.safety_buffer,
        watch_days=settings.watch_days,
        cover_days=spans.cover_days,
        cover_note=spans.cover_note,
        buffer_note=spans.buffer_note,
        cycle_days=spans.cycle_days,
        wait_days=spans.wait_days,
        new_stock=new_stock,
    )
    if item.status is not ItemStatus.ACTIVE:
        return Verdict(item, assessment, item.status.value, None, None, safety)
    problem = _supplier_problem(item, supplier)
    if problem is not None or supplier is None or supplier.email is None:
        return Verdict(item, assessment, assessment.move.value, problem, None, safety)
    if assessment.move not in (Move.URGENT, Move.REORDER):
        return Verdict(item, assessment, assessment.move.value, None, None, safety)
    if item.max_order is not None and item.max_order < item.pack_size:
        return Verdict(
            item,
            assessment,
            assessment.move.value,
            f"Stock row {item.row}, column 'Max order': {item.max_order} is smaller than one"
            f" pack of {item.pack_size}; no order is drafted",
            None,
            safety,
        )

    quantity = order_quantity(
        assessment,
        pack_size=item.pack_size,
        min_order=item.min_order,
        max_order=item.max_order,
        max_cover_days=settings.max_cover_days,
    )
    if quantity.quantity <= 0:
        return Verdict(item, assessment, assessment.move.value, None, None, safety)

    flags = []
    if quantity.capped_by:
        flags.append(f"capped at {quantity.capped_by}")
    usual, usual_text = usual_order(history, assessment, pack_size=item.pack_size, lump=spans.lump)
    # The flag is about the decision, not the pack: the need before min order and pack
    # rounding (3.2 rounded up to a pack of 6 is not an unusual order).
    need = max(quantity.target - assessment.position, 0.0)
    if usual > 0 and need > settings.anomaly_factor * usual:
        flags.append(
            f"needs {plain(round(need, 1))}, {plain(need / usual)}× the usual order"
            f" ({usual_text}); over the {plain(settings.anomaly_factor)}× check"
        )
    opening = basis() if callable(basis) else basis
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
        why=f"{opening + '. ' if opening else ''}{assessment.why}. Order: {quantity.steps}",
        flag="; ".join(flags) if flags else None,
    )
    return Verdict(item, assessment, assessment.move.value, None, line, safety)
