"""Which supplier an item is bought from, before the policy runs.

Candidates are the item's rows on the Supplier items tab plus the Stock row's own supplier
(an item nobody listed there has that one candidate, and comes out exactly as it went in).
A candidate is skipped, with a note, when its supplier is paused, inactive, unknown, has no
valid email or no lead time. The owner's pin wins; otherwise the highest score, out of 100:

- **price** (default 40): the cheapest candidate's cost per stock unit ÷ this one's, at one
  lead time of sales (at least its minimum order), price breaks included; no price scores 0;
- **reliability** (30): the share of the supplier's receipts that came within the promised
  lead time plus a day, as (on time + 1) ÷ (timed receipts + 2), so that a supplier with no
  history scores ½ and one late delivery out of one is not damning;
- **quality** (20): the share of its receipts delivered exactly as ordered (not short, not
  over; damaged goods are typed as short), as (exact + 1) ÷ (receipts + 2);
- **MOQ flexibility** (10): one lead time of sales ÷ its minimum order in stock units, at
  most 1 (a minimum above what the item needs ties stock up).

Ties go to the Stock row's supplier, then to the earlier row. The result is the item as the
policy must see it: the chosen supplier, its lead time, its purchase unit as the pack size, its
minimum order, and its cost per stock unit (``domain.records.with_changes``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from sheets_bot.domain.history import Receipt
from sheets_bot.domain.models import Item, ScoreWeights, Supplier, supplier_key
from sheets_bot.domain.purchase_units import PurchaseUnit
from sheets_bot.domain.records import with_changes
from sheets_bot.domain.sheet_numbers import plain
from sheets_bot.domain.supplier_items import SupplierItem

__all__ = [
    "GRACE_DAYS",
    "DeliveryRecord",
    "Score",
    "SupplierChoice",
    "choose_supplier",
    "delivery_records",
    "skip_reason",
]

GRACE_DAYS = 1.0
"""A delivery up to a day after its promised lead time is on time (a date typed into
``Received on`` counts as local noon)."""


@dataclass(frozen=True)
class DeliveryRecord:
    """A supplier's receipts so far, as the score reads them."""

    receipts: int = 0
    timed: int = 0
    """Receipts with a promised lead time to compare against."""
    on_time: int = 0
    exact: int = 0

    @property
    def reliability(self) -> float:
        return (self.on_time + 1) / (self.timed + 2)

    @property
    def quality(self) -> float:
        return (self.exact + 1) / (self.receipts + 2)


_NO_RECORD = DeliveryRecord()
"""A supplier without receipts."""


def delivery_records(
    receipts: Iterable[Receipt], promised: Callable[[str, str], float | None]
) -> dict[str, DeliveryRecord]:
    """Per supplier (``supplier_key``): receipts, how many were on time against
    ``promised(sku, supplier)`` and how many exact. Receipts of nothing (``received`` 0) are
    left out: a line that never came is a cancellation, not a delivery."""
    counts: dict[str, list[int]] = {}
    for receipt in receipts:
        if receipt.received <= 0:
            continue
        tally = counts.setdefault(supplier_key(receipt.supplier), [0, 0, 0, 0])
        tally[0] += 1
        promise = promised(receipt.sku, receipt.supplier)
        if promise is not None:
            tally[1] += 1
            if receipt.lead_days <= promise + GRACE_DAYS + 1e-9:
                tally[2] += 1
        if receipt.received == receipt.ordered:
            tally[3] += 1
    return {key: DeliveryRecord(*tally) for key, tally in counts.items()}


def skip_reason(supplier: Supplier | None) -> str | None:
    """Why no order can go to ``supplier``, in a few words; ``None`` when one can."""
    if supplier is None:
        return "not on the Suppliers tab"
    if supplier.problem is not None:
        return "its Suppliers row cannot be read"
    if supplier.paused:
        return "paused"
    if not supplier.active:
        return "inactive"
    if supplier.email is None:
        return "no valid email"
    return None


@dataclass(frozen=True)
class Score:
    supplier: str
    total: float
    """0 to 100."""
    price: float
    reliability: float
    quality: float
    moq: float
    """The four parts in points (weighted): they add up to ``total``."""
    unit_cost: Decimal | None
    """Per stock unit at one lead time of sales."""
    lead_time_days: float

    def text(self) -> str:
        cost = f", {plain(self.unit_cost)} a unit" if self.unit_cost is not None else ", no price"
        return (
            f"{self.supplier} {self.total:.0f} (price {self.price:.0f}, reliability"
            f" {self.reliability:.0f}, quality {self.quality:.0f}, MOQ {self.moq:.0f}{cost},"
            f" {plain(self.lead_time_days)}-day lead)"
        )


@dataclass(frozen=True)
class SupplierChoice:
    item: Item
    """The item as the policy sees it, bought from the chosen supplier."""
    offer: SupplierItem
    """The chosen offer (the implicit one of the Stock row's supplier when it has no row)."""
    unit: PurchaseUnit | None
    """The chosen supplier's purchase unit, when it is not the stock unit."""
    why: str
    """One line for ``Why``; empty when there was nothing to choose (a simple shop)."""
    scores: tuple[Score, ...] = ()


@dataclass(frozen=True)
class _Candidate:
    offer: SupplierItem
    supplier: Supplier
    own: bool
    item: Item
    unit: PurchaseUnit | None
    lead: float


def _implicit_offer(item: Item) -> SupplierItem:
    return SupplierItem(sku=item.sku, supplier=item.supplier, row=0)


def effective_item(item: Item, offer: SupplierItem, supplier: Supplier | None) -> Item:
    """``item`` as bought through ``offer``: blanks fall back to the Stock row for its own
    supplier and to "one stock unit, no price, no minimum" for another."""
    own = supplier_key(offer.supplier) == supplier_key(item.supplier)
    unit = offer.purchase_unit(item.unit)
    pack = unit.step_stock if unit is not None else (item.pack_size if own else 1)
    per = offer.per if offer.per is not None else Decimal(1)
    minimums = [m for m in (item.min_order if own else None,) if m is not None]
    if offer.moq is not None:
        minimums.append(math.ceil(offer.moq * per - Decimal("1e-9")))
    unit_cost = offer.stock_unit_cost(pack) if offer.price is not None else None
    if unit_cost is None and own:
        unit_cost = item.unit_cost
    lead = offer.lead_time_days
    if lead is None and own:
        lead = item.lead_time_days
    return with_changes(
        item,
        supplier=supplier.name if supplier is not None else offer.supplier,
        lead_time_days=lead,
        pack_size=pack,
        unit_cost=unit_cost,
        min_order=max(minimums) if minimums else None,
    )


def _lead(candidate_item: Item, supplier: Supplier) -> float | None:
    if candidate_item.lead_time_days is not None:
        return candidate_item.lead_time_days
    return supplier.lead_time_days


def _min_stock(candidate: _Candidate) -> float:
    return float(max(candidate.item.min_order or 0, candidate.item.pack_size, 1))


def _stock_cost(candidate: _Candidate, quantity: float) -> Decimal | None:
    if candidate.offer.price is not None:
        return candidate.offer.stock_unit_cost(quantity)
    return candidate.item.unit_cost if candidate.own else None


def _weights(weights: ScoreWeights) -> ScoreWeights:
    return weights if weights.total > 0 else ScoreWeights()


@lru_cache(maxsize=32)
def _shares(weights: ScoreWeights) -> tuple[float, float, float, float]:
    """Points out of 100 for price, reliability, quality and MOQ flexibility (worked out once
    per Settings, not once per item)."""
    weights = _weights(weights)
    total = weights.total
    return (
        100 * weights.price / total,
        100 * weights.reliability / total,
        100 * weights.quality / total,
        100 * weights.moq / total,
    )


def _score(
    candidates: Sequence[_Candidate],
    daily_sales: float,
    records: Mapping[str, DeliveryRecord],
    weights: ScoreWeights,
) -> list[Score]:
    shares = _shares(weights)
    needs = [daily_sales * c.lead for c in candidates]
    lows = [_min_stock(c) for c in candidates]
    costs = [
        _stock_cost(c, max(need, low)) for c, need, low in zip(candidates, needs, lows, strict=True)
    ]
    known = [cost for cost in costs if cost is not None and cost > 0]
    cheapest = min(known) if known else None
    scores = []
    for candidate, need, low, cost in zip(candidates, needs, lows, costs, strict=True):
        if cost is None:
            price = 0.0
        elif cost <= 0 or cheapest is None:
            price = 1.0
        else:
            price = float(cheapest / cost)
        record = records.get(supplier_key(candidate.supplier.name), _NO_RECORD)
        moq = 1.0 if need <= 0 else min(1.0, need / low)
        scores.append(
            _scored(candidate.supplier.name, shares, (price, moq), record, cost, candidate.lead)
        )
    return scores


def _scored(
    name: str,
    shares: tuple[float, float, float, float],
    price_and_moq: tuple[float, float],
    record: DeliveryRecord,
    cost: Decimal | None,
    lead: float,
) -> Score:
    """The four parts in points (each share × its 0-to-1 measure) and their total."""
    price_share, reliability_share, quality_share, moq_share = shares
    price, moq = price_and_moq
    parts = (
        price_share * price,
        reliability_share * record.reliability,
        quality_share * record.quality,
        moq_share * moq,
    )
    return Score(name, sum(parts), *parts, cost, lead)


def choose_supplier(
    item: Item,
    offers: Sequence[SupplierItem],
    suppliers: Mapping[str, Supplier],
    records: Mapping[str, DeliveryRecord],
    weights: ScoreWeights,
) -> SupplierChoice:
    """The item bought from its best usable supplier (see the module's docstring)."""
    if not offers:
        return _own_supplier_only(item, suppliers, records, weights)
    listed = list(offers)
    own_key = supplier_key(item.supplier)
    if not any(supplier_key(o.supplier) == own_key for o in listed):
        listed.insert(0, _implicit_offer(item))
    usable: list[_Candidate] = []
    skipped: list[str] = []
    for offer in listed:
        key = supplier_key(offer.supplier)
        supplier = suppliers.get(key)
        reason = skip_reason(supplier)
        own = key == own_key
        candidate_item = effective_item(item, offer, supplier)
        lead = _lead(candidate_item, supplier) if supplier is not None else None
        if reason is None and lead is None:
            reason = "no lead time"
        if reason is not None or supplier is None or lead is None:
            pin = "pinned " if offer.pinned else ""
            skipped.append(f"{pin}{offer.supplier} skipped ({reason})")
            continue
        unit = offer.purchase_unit(item.unit)
        usable.append(_Candidate(offer, supplier, own, candidate_item, unit, lead))

    if not usable:
        # Nothing to choose: the Stock row's supplier stays, and the check says what is wrong
        # with it (``evaluate``'s supplier problem), with the skipped notes in front.
        own_offer = next(o for o in listed if supplier_key(o.supplier) == own_key)
        why = "; ".join(skipped) if len(listed) > 1 else ""
        return SupplierChoice(item, own_offer, None, why)

    scores = _score(usable, item.daily_sales, records, weights)
    ranked = (
        sorted(
            zip(usable, scores, strict=True),
            key=lambda pair: (-round(pair[1].total, 6), not pair[0].own, pair[0].offer.row),
        )
        if len(usable) > 1
        else [(usable[0], scores[0])]
    )
    pinned = [pair for pair in ranked if pair[0].offer.pinned]
    chosen, chosen_score = pinned[0] if pinned else ranked[0]
    others = [pair for pair in ranked if pair[0] is not chosen]
    notes: list[str] = []
    if len(usable) > 1:
        how = "pinned" if pinned else "chosen"
        notes.append(f"supplier {how}: {chosen_score.text()}")
        runner = others[0][1]
        notes.append(f"runner-up {runner.text()}")
    notes.extend(skipped)
    return SupplierChoice(
        chosen.item,
        chosen.offer,
        chosen.unit,
        "; ".join(notes),
        tuple(score for _, score in ranked),
    )


def _own_supplier_only(
    item: Item,
    suppliers: Mapping[str, Supplier],
    records: Mapping[str, DeliveryRecord],
    weights: ScoreWeights,
) -> SupplierChoice:
    """``choose_supplier`` for an item with no Supplier items rows, most items of most shops:
    its one candidate is the Stock row's supplier through the implicit offer, which changes
    nothing but the supplier's name as the Suppliers tab spells it (``effective_item``), and
    there is nothing to rank or explain."""
    offer = _implicit_offer(item)
    supplier = suppliers.get(supplier_key(item.supplier))
    if supplier is None or skip_reason(supplier) is not None:
        return SupplierChoice(item, offer, None, "")
    bought = with_changes(item, supplier=supplier.name)
    lead = _lead(bought, supplier)
    if lead is None:
        return SupplierChoice(item, offer, None, "")
    return SupplierChoice(
        bought, offer, None, "", (_sole_score(bought, supplier, lead, records, weights),)
    )


def _sole_score(
    item: Item,
    supplier: Supplier,
    lead: float,
    records: Mapping[str, DeliveryRecord],
    weights: ScoreWeights,
) -> Score:
    """``_score`` of the Stock row's own supplier as the only candidate, through the implicit
    offer (no price of its own: the item's unit cost, which is then the cheapest)."""
    need = item.daily_sales * lead
    low = float(max(item.min_order or 0, item.pack_size, 1))
    cost = item.unit_cost
    price = 0.0 if cost is None else 1.0
    record = records.get(supplier_key(supplier.name), _NO_RECORD)
    moq = 1.0 if need <= 0 else min(1.0, need / low)
    return _scored(supplier.name, _shares(weights), (price, moq), record, cost, lead)
