"""The reorder rules: reorder point, the four moves, and how much to order.

Plain arithmetic the owner can check by hand. The worked example that must hold:
18/day, 20 days, buffer 238, 412 on hand, nothing on order, pack 1 -> reorder point 598,
target 958, order 546; with pack 12 -> 552.

Two spans of days enter (both default to the seed's rule):

- the *cover*: the days the reorder point covers. The seed's typed rule covers the lead time;
  where the supplier takes orders only on some days it also covers the days until the next
  chance to order; the learned policy covers wait + lead time + review period;
- the *cycle*: the days of sales one order adds on top of the reorder point: the lead time, but
  at least the review period (1 day), so that an item with lead time 0 still orders.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

from sheets_bot.domain.models import Move
from sheets_bot.domain.sheet_numbers import plain
from sheets_bot.domain.words import plural

_EPSILON = 1e-9


@dataclass(frozen=True)
class _Grounds:
    """Which rule decided the move, and the notes ``Assessment.why`` is phrased with: the text
    is made only when read (a check reads it for the items it orders, not for every item)."""

    rule: str
    """``new``, ``no sales``, ``out``, ``urgent``, ``reorder``, ``watch`` or ``stocked``."""
    cover_note: str = ""
    buffer_note: str = ""
    wait_days: float = 0
    watch_days: float = 0


@dataclass(frozen=True)
class Assessment:
    """Where one item stands today."""

    on_hand: float
    on_order: float
    daily_sales: float
    lead_time_days: float
    safety_buffer: float
    reorder_point: float
    move: Move
    days_left: float | None
    grounds: _Grounds
    cover_days: float = -1.0
    """Days of sales the reorder point covers (the lead time unless said otherwise)."""
    cycle_days: float = -1.0
    """Days of sales one order adds on top of the reorder point."""
    new_stock: float = 0.0
    """What an item that has not sold yet keeps (``assess``); 0 for any other item."""

    def __post_init__(self) -> None:
        if self.cover_days < 0:
            object.__setattr__(self, "cover_days", self.lead_time_days)
        if self.cycle_days < 0:
            object.__setattr__(self, "cycle_days", max(self.lead_time_days, 1.0))

    @property
    def position(self) -> float:
        """Inventory position: what is here plus what is coming."""
        return self.on_hand + self.on_order

    @cached_property
    def why(self) -> str:
        """The move in one line, with the figures it was decided on."""
        grounds = self.grounds
        stock = f"{plain(self.on_hand)} on hand + {plain(self.on_order)} on order"
        if grounds.rule == "new":
            return f"no sale yet (a new item): {_new_stock_words(self.new_stock)}; {stock}"
        if grounds.rule == "no sales":
            return f"does not sell (0/day); {stock}"
        cover_note, buffer_note = grounds.cover_note, grounds.buffer_note
        formula = (
            f"reorder point {plain(self.reorder_point)} = {plain(self.daily_sales)}/day"
            f" × {plain(self.cover_days)} days"
            f"{f' ({cover_note})' if cover_note else ''} {_signed(self.safety_buffer)}"
            f"{f' ({buffer_note})' if buffer_note else ''}"
        )
        if grounds.rule == "out":
            return f"out of stock: {stock}; {formula}"
        if grounds.rule == "urgent":
            wait = grounds.wait_days
            lead_demand = self.daily_sales * (self.lead_time_days + wait)
            return (
                f"{stock} < {plain(lead_demand)} sold in the {plain(self.lead_time_days + wait)}"
                f"-day {'wait and ' if wait else ''}lead time:"
                f" runs out before a new order can arrive; {formula}"
            )
        if grounds.rule == "reorder":
            return f"{stock} ≤ {formula}"
        if grounds.rule == "watch":
            days = (self.position - self.reorder_point) / self.daily_sales
            return (
                f"{stock} reaches {formula} in {plain(days)} days"
                f" (watch window {plain(grounds.watch_days)})"
            )
        return f"{stock} > {formula}"

    @property
    def lead_time_demand(self) -> float:
        return self.daily_sales * self.lead_time_days

    @property
    def cycle_demand(self) -> float:
        """What one order adds on top of the reorder point."""
        return self.daily_sales * self.cycle_days


def _new_stock_words(units: float) -> str:
    """What a new item keeps, and why, for the ``Why``."""
    if units <= 1:
        return "keeps one pack so it can sell"
    return (
        f"keeps {plain(units)}, what one sale of this shop's items usually takes (at least"
        " one pack), so its first sale can be served"
    )


def reorder_point(daily_sales: float, lead_time_days: float, safety_buffer: float) -> float:
    return daily_sales * lead_time_days + safety_buffer


def above_reorder_point(position: float, point: float) -> bool:
    """Whether ``assess`` finds ``position`` above the reorder point ``point`` (not due)."""
    return position > point + _EPSILON


def _signed(value: float) -> str:
    return f"+ {plain(value)}" if value >= 0 else f"− {plain(-value)}"


def assess(
    *,
    on_hand: float,
    on_order: float,
    daily_sales: float,
    lead_time_days: float,
    safety_buffer: float,
    watch_days: float,
    cover_days: float | None = None,
    cover_note: str = "",
    buffer_note: str = "",
    cycle_days: float | None = None,
    wait_days: float = 0,
    new_stock: float = 0.0,
) -> Assessment:
    """``cover_days`` (default the lead time) and ``cycle_days`` (default the lead time, at
    least 1) as in the module's docstring; ``cover_note`` and ``buffer_note`` say in the
    ``Why`` what the days and the buffer are made of; ``wait_days`` until the supplier's next
    ordering day delay when an order can arrive; ``new_stock`` is what an item that has not
    sold yet (a new item) keeps, instead of calling it stocked at zero: one usual sale of the
    shop's items (``forecast.shop_sale_size``), at least one unit (rounded up to a pack)."""
    cover = lead_time_days if cover_days is None else cover_days
    rop = reorder_point(daily_sales, cover, safety_buffer)
    position = on_hand + on_order
    lead_demand = daily_sales * (lead_time_days + wait_days)
    days_left = on_hand / daily_sales if daily_sales > 0 else None

    if daily_sales <= 0 and new_stock > 0 and position < new_stock - _EPSILON:
        move, rule = Move.REORDER, "new"
    elif daily_sales <= 0:
        move, rule = Move.STOCKED, "no sales"
    elif on_hand <= 0:
        move, rule = Move.URGENT, "out"
    elif position < lead_demand - _EPSILON:
        move, rule = Move.URGENT, "urgent"
    elif not above_reorder_point(position, rop):
        move, rule = Move.REORDER, "reorder"
    elif position - daily_sales * watch_days <= rop + _EPSILON:
        move, rule = Move.WATCH, "watch"
    else:
        move, rule = Move.STOCKED, "stocked"
    return Assessment(
        on_hand=on_hand,
        on_order=on_order,
        daily_sales=daily_sales,
        lead_time_days=lead_time_days,
        safety_buffer=safety_buffer,
        reorder_point=rop,
        move=move,
        days_left=days_left,
        grounds=_Grounds(rule, cover_note, buffer_note, wait_days, watch_days),
        cover_days=cover,
        cycle_days=max(lead_time_days, 1.0) if cycle_days is None else cycle_days,
        new_stock=new_stock if daily_sales <= 0 else 0.0,
    )


@dataclass(frozen=True)
class OrderQuantity:
    quantity: int
    target: float
    capped_by: str | None
    """Why the quantity was cut, in words; ``None`` when it was not."""
    steps: str
    """How the quantity was reached, for the ``Why`` column."""


_NOISE = Fraction(1, 10**9)
"""How far (relative) a fractional quantity may sit from a whole number of packs by float
rounding alone (``24.000000000000004`` is 4 packs of 6): relative, so it means the same for any
pack size; a whole quantity is exact and never snapped."""


def _snapped(quantity: float, pack: int) -> Fraction | int:
    """``quantity`` in packs, exactly (a ``Fraction`` of its exact value, never a fixed epsilon
    that swamps ``26 / 10**11``); a whole number of packs when float noise alone separates it
    from one."""
    exact = Fraction(quantity)
    packs = exact / pack
    if exact.denominator != 1:
        nearest = round(packs)
        if abs(exact - nearest * pack) <= _NOISE * exact:
            return nearest
    return packs


def _round_up(quantity: float, pack: int) -> int:
    """The fewest whole packs holding ``quantity``, for any pack size."""
    return math.ceil(_snapped(quantity, pack)) * pack


def _round_down(quantity: float, pack: int) -> int:
    """The most whole packs within ``quantity``, for any pack size."""
    return math.floor(_snapped(quantity, pack)) * pack


def order_quantity(
    assessment: Assessment,
    *,
    pack_size: int,
    min_order: int | None,
    max_order: int | None,
    max_cover_days: float,
) -> OrderQuantity:
    """Order up to reorder point + one cycle of sales (the lead time, at least a day), then
    apply the owner's limits.

    Raised to ``min_order``, rounded up to whole packs, capped at ``max_order`` and at
    ``max_cover_days`` of sales (both rounded down to whole packs, never below one pack).
    """
    pack = max(pack_size, 1)
    target = assessment.reorder_point + assessment.cycle_demand
    raw = max(target - assessment.position, 0.0)
    steps = [
        f"target {plain(target)} = reorder point {plain(assessment.reorder_point)}"
        f" + {plain(assessment.cycle_demand)}; {plain(target)} − {plain(assessment.position)}"
        f" = {plain(raw)}"
    ]
    quantity = math.ceil(raw - _EPSILON)
    if quantity <= 0 and assessment.daily_sales <= 0 and assessment.move is Move.REORDER:
        keep = max(assessment.new_stock, 1.0)
        quantity = max(math.ceil(keep - assessment.position - _EPSILON), 1)
        steps.append(
            "one unit for a new item"
            if keep <= 1
            else f"{quantity} for a new item, to keep {plain(keep)} (one usual sale)"
        )
    if quantity <= 0:
        return OrderQuantity(0, target, None, steps[0])
    if min_order is not None and quantity < min_order:
        quantity = min_order
        steps.append(f"raised to min order {min_order}")
    packed = _round_up(quantity, pack)
    if packed != quantity:
        steps.append(f"rounded up to {plural(packed // pack, 'pack')} of {pack}")
    quantity = packed

    capped_by: list[str] = []
    if max_order is not None and quantity > max_order:
        quantity = max(_round_down(max_order, pack), pack)
        capped_by.append(f"max order {max_order}")
    cover = assessment.daily_sales * max_cover_days
    if assessment.daily_sales > 0 and quantity > cover + _EPSILON:
        quantity = max(_round_down(cover, pack), pack)
        capped_by.append(f"{plain(max_cover_days)} days of sales ({plain(cover)})")
    cap_text = " and ".join(capped_by) if capped_by else None
    if cap_text:
        steps.append(f"capped at {cap_text} → {quantity}")
    return OrderQuantity(quantity, target, cap_text, "; ".join(steps))
