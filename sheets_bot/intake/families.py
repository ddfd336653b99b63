"""The export families the intake reads, each recognised by its header signature.

Each family says which of its columns are the SKU, the name, the count and the cost, and how
it writes one count per location. The headers come from the vendors' own help pages and
example files (cited per family), not from memory:

- Square item library (CSV and XLSX): ``Token, Item Name, Variation Name, SKU, …, Price,
  Current Quantity <Location>, New Quantity <Location>, Stock Alert Enabled <Location>,
  Stock Alert Count <Location>`` ("Your export file includes all of your items, unit costs
  and inventory across all locations", squareup.com/help/gb/en/article/5966-item-library-
  and-unit-cost-management; per-location ``Enabled <Location>`` columns as in the public
  example TheScottyB/square-inventory-project, inventory-upload-requirements.md).
- Shopify inventory CSV (help.shopify.com/en/manual/products/inventory/inventory-csv):
  ``Handle, Title, Option1 Name, Option1 Value, …, SKU, HS Code, COO`` then either one
  column per location (the older wide export) or ``Location`` with ``Incoming, Unavailable,
  Committed, Available, On hand`` (newer: ``… (not editable)``, ``On hand (current)``,
  ``On hand (new)``); ``Not stocked`` marks an item never stocked at a location. Shopify's
  product CSV has ``Variant SKU`` and ``Variant Inventory Qty`` (single location only).
- Lightspeed Retail (R-Series) item export: ``System ID, UPC, EAN, Custom SKU, Manufact. SKU,
  Item/Description, Qty., Price, …, Default Cost``; multi-shop accounts have ``<Shop name> -
  Quantity on Hand`` and ``<Shop name> - Unit Cost`` (retail-support.lightspeedhq.com,
  "Formatting item import files").
- Lightspeed X-Series (formerly Vend) product CSV: ``id, handle, sku, name, …,
  supply_price, retail_price, …, inventory_<Outlet>, reorder_point_<Outlet>,
  restock_level_<Outlet>`` (support.vendhq.com, "Formatting Retail POS (R-Series) product
  data for import into Retail POS (X-Series)"; Vend's "Creating a Product Sheet").
- Lightspeed eCom (C-Series) product export: ``Internal_ID, Internal_Variant_ID, …,
  XX_Title_Short, Price, Price_Cost, Stock_Track, Stock_Level, Stock_Min, Stock_Alert,
  Article_Code, EAN, SKU`` (ecom-support.lightspeedhq.com/hc/en-us/articles/360016064814).
- Loyverse item export: ``Handle, SKU, Name, …, Cost, …, Track stock, Available for sale
  [Store], Price [Store], In stock [Store], Low stock [Store]`` (help.loyverse.com/help/
  importing-and-exporting: one set of store columns per store).
- Clover inventory (Excel, sheet Items): ``Clover ID, Name, Alternate Name, Price, Price Type,
  Price Unit, Tax Rates, Cost, Product Code, SKU, Modifier Groups, Quantity, …``.
- Zoho Inventory items export: ``Item Name, SKU, Unit, …, Rate, Purchase Rate, Stock On
  Hand, Opening Stock, Reorder Level`` and ``Warehouse Name`` when stock is per warehouse
  (zoho.com/inventory help, "Items"; Opening Stock is a past figure, never the count).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sheets_bot.intake.columns import Source

LocationColumns = Callable[[list[str], set[int]], "dict[str, Source]"]


def _none(headers: list[str], taken: set[int]) -> dict[str, Source]:
    return {}


@dataclass(frozen=True)
class Family:
    name: str
    signature: Callable[[list[str], list[str]], bool]
    """(header keys, headers) -> whether a header row is this family's."""
    sku_headers: tuple[str, ...] = ()
    name_headers: tuple[str, ...] = ()
    name_pattern: re.Pattern[str] = re.compile(r"(?!)")
    count_headers: tuple[str, ...] = ()
    cost_headers: tuple[str, ...] = ()
    selling_headers: frozenset[str] = frozenset()
    long_location_headers: tuple[str, ...] = ()
    location_columns: LocationColumns = field(default=_none)


def _per_location(
    current: re.Pattern[str], new: re.Pattern[str] | None, what: str
) -> LocationColumns:
    """Columns named by a pattern with the location in it (and its "new count" twin)."""

    def found(headers: list[str], taken: set[int]) -> dict[str, Source]:
        from sheets_bot.intake.columns import Source, place_key

        news: dict[str, int] = {}
        if new is not None:
            for index, header in enumerate(headers):
                match = new.match(header.strip())
                if match and index not in taken:
                    news[place_key(match["place"].strip().strip("[]()"))] = index
        places: dict[str, Source] = {}
        for index, header in enumerate(headers):
            match = current.match(header.strip())
            if not match or index in taken:
                continue
            place = match["place"].replace("_", " ").strip().strip("[]()").strip()
            if not place or place_key(place) in ("new", "current"):
                continue
            places[place] = Source(
                (index,), f"column '{header.strip()}' ({what})", override=news.get(place_key(place))
            )
        return places

    return found


def _shopify_wide(headers: list[str], taken: set[int]) -> dict[str, Source]:
    """The older inventory export: every column after ``COO`` (or ``HS Code``) is a location."""
    from sheets_bot.intake.columns import COUNT_HEADERS, Source, header_key

    keys = [header_key(header) for header in headers]
    anchor = max((i for i, key in enumerate(keys) if key in ("coo", "hscode")), default=None)
    if anchor is None:
        return {}
    places: dict[str, Source] = {}
    for index in range(anchor + 1, len(headers)):
        key = keys[index]
        if not key or index in taken or key in COUNT_HEADERS or key == "location":
            continue
        if key.endswith("noteditable") or key in ("incoming", "unavailable", "committed"):
            continue
        if key.startswith("onhand"):
            continue
        places[headers[index].strip()] = Source(
            (index,), f"location column '{headers[index].strip()}' of a Shopify inventory export"
        )
    return places


_TYPED_LOCATION = re.compile(
    r"^(?:qty|quantity|on\s*hand|stock|count|counted|in\s*stock)\s*"
    r"(?:\[(?P<a>[^\]]+)\]|\((?P<b>[^)]+)\)|[-:@]\s*(?P<c>.+?))$",
    re.IGNORECASE,
)


def _typed_locations(headers: list[str], taken: set[int]) -> dict[str, Source]:
    """Hand-made ``Qty [Front]``, ``Stock (Depot)``, ``Count - Main St`` columns."""
    from sheets_bot.intake.columns import Source

    places: dict[str, Source] = {}
    for index, header in enumerate(headers):
        match = _TYPED_LOCATION.match(header.strip())
        if not match or index in taken:
            continue
        place = next(value for value in match.groupdict().values() if value).strip()
        if place.casefold() in ("ea", "each", "units", "pcs", "new", "current", "not editable"):
            continue
        places[place] = Source((index,), f"column '{header.strip()}'")
    return places


def _has(*wanted: str) -> Callable[[list[str], list[str]], bool]:
    return lambda keys, headers: all(key in keys for key in wanted)


def _prefix(prefix: str) -> Callable[[list[str], list[str]], bool]:
    return lambda keys, headers: any(h.strip().casefold().startswith(prefix) for h in headers)


SQUARE = Family(
    "Square item library",
    lambda keys, headers: (
        ("token" in keys and "itemname" in keys and "variationname" in keys)
        or _prefix("current quantity")(keys, headers)
    ),
    name_headers=("itemname",),
    cost_headers=("defaultunitcost", "unitcost"),
    selling_headers=frozenset({"price"}),
    location_columns=_per_location(
        re.compile(r"^current\s+quantity\s*[-:]?\s*(?P<place>.+)$", re.IGNORECASE),
        re.compile(r"^new\s+quantity\s*[-:]?\s*(?P<place>.+)$", re.IGNORECASE),
        "Square's per-location count",
    ),
)
SHOPIFY_INVENTORY = Family(
    "Shopify inventory",
    lambda keys, headers: (
        "handle" in keys
        and "title" in keys
        and "sku" in keys
        and ("coo" in keys or "hscode" in keys)
    ),
    name_headers=("title",),
    count_headers=("onhandcurrent", "onhand", "available", "availablenoteditable"),
    long_location_headers=("location",),
    location_columns=_shopify_wide,
)
SHOPIFY_PRODUCTS = Family(
    "Shopify products",
    _has("handle", "title", "variantsku"),
    sku_headers=("variantsku",),
    name_headers=("title",),
    count_headers=("variantinventoryqty", "inventoryquantity"),
    cost_headers=("costperitem",),
    selling_headers=frozenset({"variantprice"}),
)
XSERIES = Family(
    "Lightspeed X-Series (Vend)",
    lambda keys, headers: (
        _prefix("inventory_")(keys, headers) or ("handle" in keys and "supplyprice" in keys)
    ),
    name_headers=("name",),
    cost_headers=("supplyprice",),
    selling_headers=frozenset({"retailprice"}),
    location_columns=_per_location(
        re.compile(r"^inventory_(?P<place>.+)$", re.IGNORECASE), None, "X-Series outlet stock"
    ),
)
LIGHTSPEED_ECOM = Family(
    "Lightspeed eCom",
    _has("internalid", "internalvariantid"),
    name_pattern=re.compile(r"[a-z]{2}titleshort"),
    count_headers=("stocklevel",),
    cost_headers=("pricecost",),
    selling_headers=frozenset({"price", "priceold", "priceunit"}),
)
LIGHTSPEED_RETAIL = Family(
    "Lightspeed Retail",
    lambda keys, headers: "systemid" in keys and ("customsku" in keys or "manufactsku" in keys),
    sku_headers=("customsku", "manufactsku", "systemid"),
    name_headers=("item", "description"),
    count_headers=("qty", "quantityonhand"),
    cost_headers=("defaultcost", "unitcost"),
    selling_headers=frozenset({"price", "msrp", "onlineprice", "defaultprice"}),
    location_columns=_per_location(
        re.compile(r"^(?P<place>.+?)\s*-\s*(?:qty\.?|quantity on hand|qoh)$", re.IGNORECASE),
        None,
        "Lightspeed's per-shop quantity",
    ),
)
LOYVERSE = Family(
    "Loyverse",
    lambda keys, headers: "handle" in keys and _prefix("in stock [")(keys, headers),
    name_headers=("name",),
    cost_headers=("cost",),
    location_columns=_per_location(
        re.compile(r"^in\s+stock\s*\[(?P<place>[^\]]+)\]$", re.IGNORECASE),
        None,
        "Loyverse's per-store stock",
    ),
)
CLOVER = Family(
    "Clover",
    _has("cloverid"),
    name_headers=("name",),
    count_headers=("quantity",),
    cost_headers=("cost",),
    selling_headers=frozenset({"price"}),
)
ZOHO = Family(
    "Zoho Inventory",
    lambda keys, headers: "itemname" in keys and ("purchaserate" in keys or "stockonhand" in keys),
    name_headers=("itemname",),
    count_headers=("stockonhand", "availablestock"),
    cost_headers=("purchaserate",),
    selling_headers=frozenset({"rate", "sellingprice"}),
    long_location_headers=("warehousename", "warehouse"),
)
HAND_MADE = Family(
    "hand-made",
    lambda keys, headers: True,
    long_location_headers=("location", "store", "outlet", "warehouse", "shop"),
    location_columns=_typed_locations,
)

FAMILIES = (
    SQUARE,
    SHOPIFY_INVENTORY,
    SHOPIFY_PRODUCTS,
    XSERIES,
    LIGHTSPEED_ECOM,
    LIGHTSPEED_RETAIL,
    LOYVERSE,
    CLOVER,
    ZOHO,
    HAND_MADE,
)


def family_of(keys: list[str], headers: list[str]) -> Family:
    """The first family whose signature the header row carries (hand-made at the last)."""
    return next(family for family in FAMILIES if family.signature(keys, headers))
