"""Changes to Stock ``On hand`` within one run, from deliveries and the point of sale.

``On hand`` is the owner's column: the bot changes it only for a delivery the owner marked
received or a sale the POS reported, each change audited with the value before and after.
Several changes to one item in one run (a delivery and three sales) add up to one cell write.
Items are found by SKU or by an id in the optional ``POS id`` column, case-insensitively.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sheets_bot.domain.number_ranges import SIGNED_COUNT
from sheets_bot.domain.sheet_numbers import NotANumber, number_cell, parse_number
from sheets_bot.ports import Cell, CellWrite
from sheets_bot.sheet.table import Row, Table


def as_cell(quantity: float) -> Cell:
    """A whole number as an int, so the sheet shows ``12``, not ``12.0``; never raises, even
    for a quantity that is not finite (see ``number_cell``)."""
    return number_cell(quantity)


def pos_ids(text: str) -> set[str]:
    """The ids in a ``POS id`` cell, case-folded: several may be given, separated by commas,
    semicolons or spaces (a Shopify variant id and its inventory item id, say)."""
    return {part.casefold() for part in re.split(r"[\s,;]+", text) if part}


@dataclass
class StockItem:
    row: Row
    sku: str
    on_hand: float | None
    """None when the cell is not a number: nothing is added to it."""
    problem: str = ""


@dataclass
class OnHandChanges:
    stock: Table
    by_key: dict[str, StockItem] = field(default_factory=dict)
    ambiguous: set[str] = field(default_factory=set)
    changed: dict[int, StockItem] = field(default_factory=dict)
    """Items whose value changed, by row number."""

    def __post_init__(self) -> None:
        for row in self.stock:
            sku = row.text("SKU")
            if not sku:
                continue
            item = StockItem(row, sku, *self._read(row))
            keys = {sku.casefold()}
            if self.stock.has("POS id"):
                keys.update(pos_ids(row.text("POS id")))
            for key in keys:
                if key in self.by_key and self.by_key[key].row.number != row.number:
                    self.ambiguous.add(key)
                self.by_key.setdefault(key, item)

    def _read(self, row: Row) -> tuple[float | None, str]:
        where = f"Stock row {row.number}, column 'On hand'"
        try:
            value = parse_number(row["On hand"])
        except NotANumber:
            return None, f"{where}: {row.text('On hand')!r} is not a number"
        if value is None:
            return None, f"{where} is blank"
        if not SIGNED_COUNT.contains(value):
            return None, f"{where}: {row.text('On hand')!r} is out of range"
        return float(value), ""

    def find(self, key: str) -> StockItem | None:
        """The item a SKU or POS id names; None if none or more than one row does."""
        folded = key.strip().casefold()
        if not folded or folded in self.ambiguous:
            return None
        return self.by_key.get(folded)

    def why_unknown(self, key: str) -> str:
        folded = key.strip().casefold()
        if not folded:
            return "the POS sent no SKU"
        if folded in self.ambiguous:
            return f"{key!r} is on more than one Stock row"
        return f"{key!r} is not a SKU or POS id on the Stock tab"

    def set(self, item: StockItem, quantity: float) -> None:
        item.on_hand = quantity
        self.changed[item.row.number] = item

    def writes(self) -> list[CellWrite]:
        """One write per changed item."""
        return [
            self.stock.write(item.row.number, "On hand", as_cell(item.on_hand))
            for item in self.changed.values()
            if item.on_hand is not None
        ]
