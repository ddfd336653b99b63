"""What each supplier offers for an item (the ``Supplier items`` tab): its own code, purchase
unit, price with optional price breaks, MOQ and lead time, and whether the owner pinned it.

A blank figure means "as today": for the item's own supplier (the Stock row's ``Supplier``) the
Stock row's pack size, unit cost, min order and lead time; for any other supplier, one stock
unit per purchase unit, no price, no MOQ and the Suppliers tab's lead time.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sheets_bot.domain.errors import InputError
from sheets_bot.domain.models import supplier_key
from sheets_bot.domain.purchase_units import PurchaseUnit
from sheets_bot.domain.sheet_numbers import NotANumber, parse_number, plain

__all__ = [
    "PriceBreak",
    "PriceBreakError",
    "SupplierItem",
    "offers_by_sku",
    "parse_price_breaks",
]

_BREAK = re.compile(r"^\s*(?P<qty>[\d,.]+)\s*(?:\+|or more)?\s*(?:[:=@]|at)\s*(?P<price>.+?)\s*$")


class PriceBreakError(InputError):
    """A ``Price breaks`` cell the bot cannot read; the message says what to type."""


@dataclass(frozen=True)
class PriceBreak:
    from_quantity: int
    """In purchase units: the price holds for orders of at least this many."""
    price: Decimal
    """Per purchase unit."""


def parse_price_breaks(text: str) -> tuple[PriceBreak, ...]:
    """``10: 8.50; 50: 8.00`` (also ``10+ @ 8.50``, ``10 = 8.5``, one per line) -> breaks in
    ascending quantity. Blank is no breaks."""
    pieces = [piece for piece in re.split(r"[;\n]|,\s+(?=\d)", text) if piece.strip()]
    breaks: dict[int, Decimal] = {}
    for piece in pieces:
        match = _BREAK.match(piece)
        quantity: Decimal | None = None
        price: Decimal | None = None
        if match is not None:
            try:
                quantity = parse_number(match["qty"])
                price = parse_number(match["price"])
            except NotANumber:
                quantity = price = None
        if (
            quantity is None
            or price is None
            or quantity <= 0
            or quantity != quantity.to_integral_value()
            or price < 0
        ):
            raise PriceBreakError(
                f"'{piece.strip()}' is not a price break; type quantity and price per purchase"
                " unit like '10: 8.50; 50: 8.00'"
            )
        breaks[int(quantity)] = price
    return tuple(PriceBreak(qty, breaks[qty]) for qty in sorted(breaks))


@dataclass(frozen=True)
class SupplierItem:
    """One row of the Supplier items tab."""

    sku: str
    supplier: str
    row: int
    """The Supplier items row (0 for the implicit offer of the Stock row's own supplier)."""
    code: str = ""
    unit_name: str = ""
    per: Decimal | None = None
    """Stock units per purchase unit; blank: one purchase unit is one stock unit."""
    price: Decimal | None = None
    """Per purchase unit."""
    breaks: tuple[PriceBreak, ...] = ()
    moq: int | None = None
    """In purchase units."""
    lead_time_days: float | None = None
    pinned: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return (self.sku.casefold(), supplier_key(self.supplier))

    def purchase_unit(self, stock_unit: str = "") -> PurchaseUnit | None:
        if self.per is None:
            return None
        return PurchaseUnit.of(self.unit_name or "pack", self.per, stock_unit)

    def price_for(self, purchase_quantity: int) -> Decimal | None:
        """Per purchase unit at an order of ``purchase_quantity``: the best break it reaches."""
        price = self.price
        for price_break in self.breaks:
            if purchase_quantity >= price_break.from_quantity:
                price = price_break.price
        return price

    def stock_unit_cost(self, stock_quantity: float) -> Decimal | None:
        """Cost of one stock unit at an order of ``stock_quantity`` stock units."""
        per = self.per if self.per is not None else Decimal(1)
        purchase = max(math.ceil(Decimal(str(stock_quantity)) / per - Decimal("1e-9")), 1)
        price = self.price_for(purchase)
        return None if price is None else price / per

    def price_text(self, currency: str = "") -> str:
        if self.price is None:
            return "no price"
        unit = self.unit_name or "unit"
        text = f"{plain(self.price)}{' ' + currency if currency else ''} a {unit}"
        if self.breaks:
            text += " (" + ", ".join(f"{b.from_quantity}+: {plain(b.price)}" for b in self.breaks)
            text += ")"
        return text


def offers_by_sku(offers: Iterable[SupplierItem]) -> dict[str, list[SupplierItem]]:
    """Offers grouped by case-folded SKU, in row order."""
    grouped: dict[str, list[SupplierItem]] = {}
    for offer in offers:
        grouped.setdefault(offer.sku.casefold(), []).append(offer)
    return grouped


def offer_for(
    offers: Mapping[str, Sequence[SupplierItem]], sku: str, supplier: str
) -> SupplierItem | None:
    """The row for ``sku`` at ``supplier``, if the tab has one."""
    wanted = supplier_key(supplier)
    for offer in offers.get(sku.casefold(), ()):
        if supplier_key(offer.supplier) == wanted:
            return offer
    return None
