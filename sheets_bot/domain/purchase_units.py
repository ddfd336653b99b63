"""Purchase units: what a supplier sells (a case of 12, a box of 500 bags) against what the
shop counts (a bottle, a bag).

The check computes in stock units (the Stock tab's counts). A supplier takes whole purchase
units, so every order quantity must be a whole number of both: with 12 bottles to a case the
step is 12 bottles (1 case); with 2.5 kg to a bag counted in kg the step is 5 kg (2 bags);
with a stock unit of 3 that the supplier sells singly (1/3 to a purchase unit) the step is
1 stock unit (3 purchase units). ``PurchaseUnit.step`` is that smallest common quantity, and
it becomes the item's pack size for the policy's rounding.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from sheets_bot.domain.errors import InputError
from sheets_bot.domain.sheet_numbers import plain

__all__ = ["PurchaseUnit", "UnitMismatch", "plural"]

_ES_ENDINGS = ("s", "x", "z", "ch", "sh")


def plural(word: str, count: float | Fraction) -> str:
    """``case`` -> ``cases``, ``box`` -> ``boxes``, ``bottle`` (1) -> ``bottle``.

    English only, and only for the last word (``bag of flour`` is left alone when it has a
    preposition: ``bags of flour``)."""
    if not word or count == 1:
        return word
    words = word.split(" ")
    head = 0 if len(words) > 2 and words[1] in ("of", "per") else len(words) - 1
    noun = words[head]
    lower = noun.lower()
    if lower.endswith(_ES_ENDINGS):
        noun += "es"
    elif lower.endswith("y") and len(lower) > 1 and lower[-2] not in "aeiou":
        noun = noun[:-1] + "ies"
    else:
        noun += "s"
    words[head] = noun
    return " ".join(words)


class UnitMismatch(InputError):
    """A quantity in stock units that is not a whole number of purchase units."""


@dataclass(frozen=True)
class PurchaseUnit:
    """How a supplier sells an item: ``name`` (``case``) holding ``per`` stock units (12)."""

    name: str
    per: Fraction
    """Stock units in one purchase unit (positive; 12, or 5/2, or 1/3)."""
    stock_unit: str = ""
    """The Stock tab's unit for this item (``bottle``); blank says "units"."""

    @classmethod
    def of(cls, name: str, per: Decimal | Fraction | int, stock_unit: str = "") -> PurchaseUnit:
        fraction = Fraction(per)
        if fraction <= 0:
            raise ValueError("stock units per purchase unit must be above 0")
        return cls(name, fraction, stock_unit)

    @property
    def step_stock(self) -> int:
        """The smallest quantity (stock units) that is whole in both units: per's numerator."""
        return self.per.numerator

    @property
    def step_purchase(self) -> int:
        """That quantity in purchase units: per's denominator."""
        return self.per.denominator

    def purchase_quantity(self, stock_quantity: float | int) -> int:
        """``stock_quantity`` in whole purchase units; ``UnitMismatch`` when it is not whole."""
        purchase = Fraction(stock_quantity).limit_denominator(10**6) / self.per
        if purchase.denominator != 1:
            lower = int(purchase) * self.per
            upper = (int(purchase) + 1) * self.per
            choices = [plain(float(q)) for q in (lower, upper) if q > 0]
            raise UnitMismatch(
                f"{plain(float(stock_quantity))} {self.stock_units_word(2)} is"
                f" {plain(float(purchase))} {plural(self.name, 2)}; the supplier takes whole"
                f" {plural(self.name, 2)}: make it {' or '.join(choices)}"
            )
        return purchase.numerator

    def stock_units_word(self, count: float | Fraction) -> str:
        return plural(self.stock_unit, count) if self.stock_unit else plural("unit", count)

    def describe(self, stock_quantity: float | int) -> str:
        """``3 cases (36 bottles)``; stock units alone when the quantity is not whole."""
        try:
            purchase = self.purchase_quantity(stock_quantity)
        except UnitMismatch:
            return f"{plain(float(stock_quantity))} {self.stock_units_word(stock_quantity)}"
        return (
            f"{purchase} {plural(self.name, purchase)}"
            f" ({plain(float(stock_quantity))} {self.stock_units_word(stock_quantity)})"
        )

    def per_text(self) -> str:
        """``case of 12 bottles``."""
        return f"{self.name} of {plain(float(self.per))} {self.stock_units_word(self.per)}"
