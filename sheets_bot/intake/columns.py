"""Find the header row of a forwarded sheet and say which column holds what.

Headers match case-, space- and punctuation-insensitively against the names common systems
export (Square, Shopify, Lightspeed, Clover, Loyverse, Zoho Inventory, Sortly) and the ones
people type by hand. Per-location count columns (one per store) are read one by one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from sheets_bot.domain.number_ranges import COUNT, LEAD_TIME_DAYS, PACK_SIZE, UNIT_COST, NumberRange

HEADER_SEARCH_ROWS = 10


class Field(StrEnum):
    """A value a forwarded sheet can propose for a Stock item (named as on the Proposed tab)."""

    ON_HAND = "on hand"
    UNIT_COST = "unit cost"
    PACK_SIZE = "pack size"
    LEAD_TIME = "lead time"


FIELD_RANGES: dict[Field, NumberRange] = {
    Field.ON_HAND: COUNT,
    Field.UNIT_COST: UNIT_COST,
    Field.PACK_SIZE: PACK_SIZE,
    Field.LEAD_TIME: LEAD_TIME_DAYS,
}
"""Each field's Stock column range: a value outside it is a problem, never proposed."""

STOCK_COLUMN = {
    Field.ON_HAND: "On hand",
    Field.UNIT_COST: "Unit cost",
    Field.PACK_SIZE: "Pack size",
    Field.LEAD_TIME: "Lead time (days)",
}
"""The Stock column each proposed field changes."""


class SheetKind(StrEnum):
    COUNT = "count"
    PRICE_LIST = "price list"


def header_key(text: str) -> str:
    """``"Qty."``, ``"QTY"`` and ``" q t y "`` are all ``"qty"``."""
    return re.sub(r"[\W_]+", "", text.casefold())


# Synonyms in order of preference: the first one present wins.
SKU_HEADERS = (
    "sku",
    "customsku",
    "itemsku",
    "productsku",
    "variantsku",
    "skucode",
    "itemcode",
    "productcode",
    "code",
    "partnumber",
    "partno",
    "itemnumber",
    "itemno",
    "supplierssku",
    "suppliersku",
    "vendorsku",
    "manufactsku",
    "systemid",
)
NAME_HEADERS = (
    "itemname",
    "name",
    "productname",
    "item",
    "title",
    "product",
    "entryname",
    "description",
    "itemdescription",
    "productdescription",
)
COUNT_HEADERS = (
    "count",
    "counted",
    "countedquantity",
    "qty",
    "quantity",
    "onhand",
    "onhandcurrent",
    "qtyonhand",
    "quantityonhand",
    "stockonhand",
    "currentquantity",
    "currentstock",
    "instock",
    "stock",
    "stocklevel",
    "available",
    "inventory",
)
COST_HEADERS = (
    "unitcost",
    "cost",
    "costprice",
    "purchaseprice",
    "wholesale",
    "wholesaleprice",
    "defaultunitcost",
    "netprice",
    "unitprice",
    "price",
)
SELLING_PRICE_HEADERS = frozenset({"price", "unitprice"})
"""In a count export (Clover, Square) "Price" is the selling price, not what we pay."""
PACK_HEADERS = (
    "packsize",
    "casepack",
    "caseqty",
    "casequantity",
    "casesize",
    "unitspercase",
    "unitsperpack",
    "packqty",
    "pack",
    "innerpack",
)
LEAD_HEADERS = ("leadtime", "leadtimedays", "leaddays", "deliverydays", "daystodeliver")

# One count column per store: "Current Quantity Main St" (Square), "In stock [Main]" (Loyverse),
# "Qty [Main]" / "On hand (Main)" / "Stock - Main" (typed).
_LOCATION_PATTERNS = (
    re.compile(r"^\s*current\s+quantity\s*[-:]?\s*(?P<place>.+?)\s*$", re.IGNORECASE),
    re.compile(r"^\s*in\s+stock\s*\[(?P<place>[^\]]+)\]\s*$", re.IGNORECASE),
    re.compile(
        r"^\s*(?:qty|quantity|on\s+hand|stock|count)\s*(?:\[(?P<a>[^\]]+)\]|\((?P<b>[^)]+)\)|[-:]\s*(?P<c>.+?))\s*$",
        re.IGNORECASE,
    ),
)
_NOT_PLACES = frozenset({"current", "new", "noteditable", "ea", "each", "units", "pcs"})


def location_of(header: str) -> str | None:
    """The store a per-location count column is for, or None."""
    for pattern in _LOCATION_PATTERNS:
        match = pattern.match(header)
        if match is None:
            continue
        place = next(value for value in match.groupdict().values() if value)
        if header_key(place) in _NOT_PLACES or not header_key(place):
            return None
        return place.strip()
    return None


@dataclass(frozen=True)
class ColumnMap:
    header_row: int
    """1-based row number of the header row."""
    headers: tuple[str, ...]
    kind: SheetKind
    sku: int | None
    name: int | None
    fields: dict[Field, int]
    """0-based column index per field."""
    locations: dict[str, int] = field(default_factory=dict)
    """Per-store count columns, summed into on hand when no single count column exists."""
    notes: tuple[str, ...] = ()

    def header(self, index: int) -> str:
        return self.headers[index] if index < len(self.headers) else ""


def _pick(keys: list[str], synonyms: tuple[str, ...], taken: set[int]) -> int | None:
    for synonym in synonyms:
        wanted = header_key(synonym)
        for index, key in enumerate(keys):
            if key == wanted and index not in taken:
                return index
    return None


def map_columns(headers: list[str], header_row: int) -> ColumnMap | None:
    """The column map if ``headers`` names an item column and something to propose."""
    keys = [header_key(header) for header in headers]
    taken: set[int] = set()
    sku = _pick(keys, SKU_HEADERS, taken)
    if sku is not None:
        taken.add(sku)
    name = _pick(keys, NAME_HEADERS, taken)
    if name is not None:
        taken.add(name)
    if sku is None and name is None:
        return None
    fields: dict[Field, int] = {}
    notes: list[str] = []
    count = _pick(keys, COUNT_HEADERS, taken)
    locations: dict[str, int] = {}
    if count is None:
        for index, header in enumerate(headers):
            place = location_of(header)
            if place is not None and index not in taken:
                locations[place] = index
    if count is not None:
        fields[Field.ON_HAND] = count
        taken.add(count)
    elif locations:
        taken.update(locations.values())
        places = ", ".join(f"'{headers[index]}'" for index in locations.values())
        notes.append(
            f"on hand is the sum of {len(locations)} location column(s): {places}"
            if len(locations) > 1
            else f"on hand is read from {places}"
        )
    kind = SheetKind.COUNT if Field.ON_HAND in fields or locations else SheetKind.PRICE_LIST
    cost_synonyms: tuple[str, ...] = COST_HEADERS
    if kind is SheetKind.COUNT:
        cost_synonyms = tuple(s for s in COST_HEADERS if s not in SELLING_PRICE_HEADERS)
    for field_name, synonyms in (
        (Field.UNIT_COST, cost_synonyms),
        (Field.PACK_SIZE, PACK_HEADERS),
        (Field.LEAD_TIME, LEAD_HEADERS),
    ):
        column = _pick(keys, synonyms, taken)
        if column is not None:
            fields[field_name] = column
            taken.add(column)
    if not fields and not locations:
        return None
    return ColumnMap(
        header_row=header_row,
        headers=tuple(headers),
        kind=kind,
        sku=sku,
        name=name,
        fields=fields,
        locations=locations,
        notes=tuple(notes),
    )


def find_header(rows: list[list[str]]) -> ColumnMap | None:
    """The first row of the first ten that names an item column and a count or price column."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found = map_columns(row, index + 1)
        if found is not None:
            return found
    return None
