"""Find the header row of a forwarded sheet and say which column holds what, and how sure.

Each vendor family is recognised by its header signature (``families.py``) and read by its
documented columns; anything else is read as a hand-made sheet by the common synonyms. A
count comes from one column, from the column of the chosen location (per-location exports:
never summed), or from the sub-columns of a merged header (``Count`` over ``Front`` and
``Back room``). Each choice carries its reason and a confidence the Proposed tab shows.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

from sheets_bot.domain.number_ranges import COUNT, LEAD_TIME_DAYS, PACK_SIZE, UNIT_COST, NumberRange
from sheets_bot.intake.families import HAND_MADE, Family, family_of

HEADER_SEARCH_ROWS = 10
EXACT_HEADER = 1.0
FUZZY_HEADER = 0.6
"""A header that only looks like a count column ("Qty counted 12/11"): shown as uncertain."""
AVAILABLE_ONLY = 0.6
"""Shopify's "Only Available quantities" export: not the physical count, shown as uncertain."""
SUB_COLUMNS = 0.6
"""Areas under one merged count header, added up: shown as uncertain."""


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


def place_key(text: str) -> str:
    """A location's name compared loosely: ``Main_Outlet`` is ``main outlet``, ``Café`` is
    ``cafe``."""
    decomposed = unicodedata.normalize("NFKD", text.replace("_", " "))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.casefold().split())


# Synonyms in order of preference: the first one present wins.
SKU_HEADERS = (
    "sku",
    "variantsku",
    "customsku",
    "itemsku",
    "productsku",
    "skucode",
    "itemcode",
    "productcode",
    "articlecode",
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
    "article",
)
COUNT_HEADERS = (
    "count",
    "counted",
    "countedquantity",
    "countedqty",
    "stockcount",
    "physicalcount",
    "qty",
    "quantity",
    "onhand",
    "onhandcurrent",
    "qtyonhand",
    "quantityonhand",
    "qoh",
    "stockonhand",
    "soh",
    "currentquantity",
    "currentstock",
    "variantinventoryqty",
    "inventoryquantity",
    "instock",
    "stock",
    "stocklevel",
    "inventory",
    "inventorylevel",
    "available",
    "availablenoteditable",
    "totalqty",
    "totalquantity",
    "totalstock",
    "totalcount",
    "totalonhand",
)
NEW_COUNT_HEADERS = ("onhandnew", "newquantity", "newcount", "newqty")
"""Columns an export leaves for a new count: filled in, they win over the current one."""
COST_HEADERS = (
    "unitcost",
    "cost",
    "costprice",
    "purchaseprice",
    "purchaserate",
    "pricecost",
    "supplyprice",
    "defaultcost",
    "defaultunitcost",
    "costperitem",
    "wholesale",
    "wholesaleprice",
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
TOTAL_KEYS = frozenset({"total", "totals", "grandtotal", "subtotal", "sum", "gesamt", "totaal"})

_COUNT_WORDS = ("count", "qty", "quantity", "onhand", "instock", "stock")
_NOT_COUNT_WORDS = (
    "alert",
    "low",
    "min",
    "max",
    "reorder",
    "restock",
    "par",
    "committed",
    "incoming",
    "unavailable",
    "sold",
    "sale",
    "price",
    "cost",
    "value",
    "variance",
    "difference",
    "diff",
    "expected",
    "order",
    "enabled",
    "track",
    "unit",
    "date",
    "new",
    "opening",
    "case",
    "pack",
    "lead",
    "moq",
    "minimum",
    "per",
)


@dataclass(frozen=True)
class Source:
    """Where one field's value comes from, and how sure the reading is."""

    columns: tuple[int, ...]
    """0-based; several: the sub-columns of one merged header, added up."""
    reason: str
    confidence: float = EXACT_HEADER
    override: int | None = None
    """A "new count" column that, filled in, wins over ``columns``."""


@dataclass(frozen=True)
class ColumnMap:
    header_row: int
    """1-based row number of the (last) header row."""
    headers: tuple[str, ...]
    kind: SheetKind
    sku: int | None
    name: int | None
    fields: dict[Field, int]
    """0-based column index per field (the count's first column when it has several)."""
    sources: dict[Field, Source] = field(default_factory=dict)
    locations: dict[str, Source] = field(default_factory=dict)
    """Per-location count columns (wide exports): one is chosen, never summed."""
    location_column: int | None = None
    """Long exports (one row per item and location): the column naming the location."""
    family: Family = HAND_MADE
    notes: tuple[str, ...] = ()

    def header(self, index: int) -> str:
        return self.headers[index] if index < len(self.headers) else ""


def _pick(keys: list[str], synonyms: tuple[str, ...], taken: set[int]) -> int | None:
    for synonym in synonyms:
        for index, key in enumerate(keys):
            if key == synonym and index not in taken:
                return index
    return None


def _fuzzy_count(keys: list[str], taken: set[int]) -> int | None:
    """A header that only looks like a count; a bare ``Total`` (areas added up by hand) last."""
    found = _fuzzy_word(keys, taken)
    if found is not None:
        return found
    return next((i for i, key in enumerate(keys) if key == "total" and i not in taken), None)


def _fuzzy_word(keys: list[str], taken: set[int]) -> int | None:
    for index, key in enumerate(keys):
        if index in taken or not key:
            continue
        if any(word in key for word in _COUNT_WORDS) and not any(
            word in key for word in _NOT_COUNT_WORDS
        ):
            return index
    return None


def map_columns(
    headers: list[str], header_row: int, groups: dict[int, str] | None = None
) -> ColumnMap | None:
    """The column map if ``headers`` names an item column and something to propose.

    ``groups``: for a two-row header, the merged label above each sub-column.
    """
    groups = groups or {}
    keys = [header_key(header) for header in headers]
    family = family_of(keys, headers)
    taken: set[int] = set()
    sku = _pick(keys, family.sku_headers + SKU_HEADERS, taken)
    if sku is not None:
        taken.add(sku)
    name = _pick(keys, family.name_headers + NAME_HEADERS, taken)
    if name is None:
        name = next((i for i, key in enumerate(keys) if family.name_pattern.fullmatch(key)), None)
    if name is not None:
        taken.add(name)
    if sku is None and name is None:
        return None
    fields: dict[Field, int] = {}
    sources: dict[Field, Source] = {}
    notes: list[str] = []
    locations = {
        place: source
        for place, source in family.location_columns(headers, taken).items()
        if not set(source.columns) & taken
    }
    for source in locations.values():
        taken.update(source.columns)
        if source.override is not None:
            taken.add(source.override)
    count = _group_count(headers, keys, groups, taken)
    if count is None and not locations:
        count = _single_count(headers, keys, family, taken)
    if count is not None:
        fields[Field.ON_HAND] = count.columns[0]
        sources[Field.ON_HAND] = count
        taken.update(count.columns)
        if count.override is not None:
            taken.add(count.override)
    location_column = None
    if family.long_location_headers and not locations:
        location_column = _pick(keys, family.long_location_headers, taken)
    kind = SheetKind.COUNT if Field.ON_HAND in fields or locations else SheetKind.PRICE_LIST
    cost_synonyms = family.cost_headers + COST_HEADERS
    if kind is SheetKind.COUNT:
        cost_synonyms = tuple(
            s for s in cost_synonyms if s not in SELLING_PRICE_HEADERS | family.selling_headers
        )
    for field_name, synonyms in (
        (Field.UNIT_COST, cost_synonyms),
        (Field.PACK_SIZE, PACK_HEADERS),
        (Field.LEAD_TIME, LEAD_HEADERS),
    ):
        column = _pick(keys, synonyms, taken)
        if column is not None:
            fields[field_name] = column
            sources[field_name] = Source((column,), f"column '{headers[column]}'")
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
        sources=sources,
        locations=locations,
        location_column=location_column,
        family=family,
        notes=tuple(notes),
    )


def _single_count(
    headers: list[str], keys: list[str], family: Family, taken: set[int]
) -> Source | None:
    column = _pick(keys, family.count_headers + COUNT_HEADERS, taken)
    override = _pick(keys, NEW_COUNT_HEADERS, taken | ({column} if column is not None else set()))
    if column is not None:
        reason = f"column '{headers[column]}'"
        if family is not HAND_MADE:
            reason += f" of a {family.name} export"
        if keys[column].startswith("available"):
            return Source(
                (column,),
                f"{reason}: Available leaves out units committed to orders (On hand is the"
                " count; export all quantity types to get it)",
                AVAILABLE_ONLY,
                override,
            )
        return Source((column,), reason, EXACT_HEADER, override)
    if override is not None:
        return Source((override,), f"column '{headers[override]}'", EXACT_HEADER)
    fuzzy = _fuzzy_count(keys, taken)
    if fuzzy is not None:
        return Source(
            (fuzzy,),
            f"column '{headers[fuzzy]}' only looks like a count (not a header the bot knows)",
            FUZZY_HEADER,
        )
    return None


def _group_count(
    headers: list[str], keys: list[str], groups: dict[int, str], taken: set[int]
) -> Source | None:
    """The count under a merged header: its ``Total`` sub-column, else its areas added up."""
    by_group: dict[str, list[int]] = {}
    for index, group in sorted(groups.items()):
        if index not in taken and header_key(group) in COUNT_HEADERS + NEW_COUNT_HEADERS:
            by_group.setdefault(group, []).append(index)
    for group, columns in by_group.items():
        if len(columns) < 2:
            continue
        total = next((i for i in columns if keys[i] in TOTAL_KEYS), None)
        if total is not None:
            return Source((total,), f"'{headers[total]}' under the merged header '{group}'")
        names = " + ".join(f"'{headers[i]}'" for i in columns)
        return Source(
            tuple(columns),
            f"the sum of {names}, the sub-columns of the merged header '{group}'",
            SUB_COLUMNS,
        )
    return None


def _numeric(cell: str) -> bool:
    return bool(re.fullmatch(r"\s*[-+(]?[$£€]?\s*\d[\d.,\s]*\)?\s*[a-zA-Z]{0,5}\s*", cell))


def _two_row_labels(upper: list[str], lower: list[str]) -> tuple[list[str], dict[int, str]]:
    """Labels for a header written on two rows, and the merged label above each sub-column.

    A label on the upper row spans the blank cells to its right while the lower row names
    them (a merged cell reads as its first cell and blanks).
    """
    width = max(len(upper), len(lower))
    labels: list[str] = []
    groups: dict[int, str] = {}
    carried = ""
    for index in range(width):
        top = upper[index].strip() if index < len(upper) else ""
        bottom = lower[index].strip() if index < len(lower) else ""
        if top:
            carried = top if bottom else ""
        elif not bottom:
            carried = ""
        parent = top or carried
        if parent and bottom:
            labels.append(bottom)
            groups[index] = parent
        else:
            labels.append(bottom or top)
    return labels, groups


def find_header(rows: list[list[str]]) -> ColumnMap | None:
    """The first of the first ten rows that names an item column and a count or price column
    (on one row, or on two when a merged label stands over sub-columns)."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        below = rows[index + 1] if index + 1 < len(rows) else []
        if below and not any(_numeric(cell) for cell in below if cell.strip()):
            labels, groups = _two_row_labels(row, below)
            counted = [i for i, g in groups.items() if header_key(g) in COUNT_HEADERS]
            if len(counted) >= 2:
                found = map_columns(labels, index + 2, groups)
                if found is not None and Field.ON_HAND in found.fields:
                    return found
        found = map_columns(row, index + 1)
        if found is not None:
            return found
    return None
