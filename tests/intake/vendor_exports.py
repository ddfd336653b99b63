"""Forwarded files as the common systems export them, for the sample café's Stock.

Columns follow each vendor's documented export layout (Square's item library, Shopify's
inventory CSV, Lightspeed Retail's item export, Clover's inventory sheet, Loyverse's item
export, Zoho Inventory's items, Sortly's entries) and the ways people type counts by hand.
Each sample says what a correct reading proposes (``expected``: SKU -> value of ``field``)
and how many of its rows name nothing in Stock (``unknown``). The tests and
``benchmarks/intake_accuracy.py`` share them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sheets_bot.intake.columns import Field
from tests.intake.samples import ods_bytes, ods_cell, xlsx_bytes

D = Decimal


@dataclass(frozen=True)
class VendorFile:
    vendor: str
    filename: str
    data: bytes
    expected: dict[tuple[str, Field], Decimal]
    """(SKU, field) -> the value a correct reading proposes (only values that differ)."""
    unknown: int = 0
    """Rows that name no Stock item: proposed as unmatched, never as a change."""
    body: str = ""
    """The forwarding mail's text (a supplier's address in it names the price list's supplier)."""
    settings: tuple[tuple[str, str], ...] = ()
    """Settings rows the shop has (``Count location``)."""


def counts(**by_sku: int) -> dict[tuple[str, Field], Decimal]:
    return {(sku.replace("_", "-"), Field.ON_HAND): Decimal(value) for sku, value in by_sku.items()}


def _csv(rows: list[str]) -> str:
    return "\r\n".join(rows) + "\r\n"


SQUARE = VendorFile(
    "Square",
    "square-item-library.csv",
    (
        "\ufeff"
        + _csv(
            [
                "Token,Item Name,Variation Name,SKU,Description,Category,Price,"
                "Current Quantity Corner Cafe,New Quantity Corner Cafe,"
                "Stock Alert Enabled Corner Cafe,Stock Alert Count Corner Cafe",
                "7XK2,House espresso blend 1kg,Regular,COF-ESP-1K,,Coffee,£32.00,14,,Y,4",
                "8FJ3,Oat milk 1L,Regular,DAI-OAT-1L,,Dairy,£2.50,11,,N,",
                "9QW1,Gift card,Regular,GIFT-1,,Other,£10.00,0,,N,",
            ]
        )
    ).encode("utf-8"),
    counts(COF_ESP_1K=14, DAI_OAT_1L=11),
    unknown=1,
)

SHOPIFY = VendorFile(
    "Shopify",
    "inventory_export_1.csv",
    _csv(
        [
            "Handle,Title,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Option3 Name,"
            "Option3 Value,SKU,HS Code,COO,Location,Incoming,Unavailable,Committed,Available,"
            "On hand",
            "retail-espresso,Retail espresso beans 250g,Title,Default Title,,,,,RET-ESP-250,,,"
            "Corner Cafe,0,0,2,18,20",
            "retail-mug,Retail ceramic mug,Title,Default Title,,,,,RET-MUG-1,,,Corner Cafe,0,0,"
            "0,24,24",
            "tea-tin,Retail tea tin gift set,Title,Default Title,,,,,RET-TEA-GIFT,,,Corner Cafe,"
            "0,0,1,5,6",
        ]
    ).encode("utf-8"),
    counts(RET_ESP_250=20, RET_TEA_GIFT=6),
)

LIGHTSPEED = VendorFile(
    "Lightspeed",
    "lightspeed-items.csv",
    _csv(
        [
            "System ID,UPC,EAN,Custom SKU,Manufact. SKU,Item,Qty.,Price,Tax,Brand,"
            "Publish to eCom,Season,Department,MSRP,Default Cost,Vendor,Category",
            "210000000101,,,RET-CUP-12,KC12,Reusable cup 12oz,55,£9.00,Yes,KeepCup,No,,"
            "Retail,£9.00,£4.20,PackRight Packaging,Cups",
            '210000000102,,,RET-HON-340,,Retail honey jar 340g,"1,012",£7.50,Yes,,No,,'
            "Retail,£7.50,£4.10,Local Honey Farm,Pantry",
        ]
    ).encode("utf-16"),
    counts(RET_CUP_12=55, RET_HON_340=1012),
)

CLOVER = VendorFile(
    "Clover",
    "clover-inventory.xlsx",
    xlsx_bytes(
        [
            [
                "Clover ID",
                "Name",
                "Alternate Name",
                "Price",
                "Price Type",
                "Price Unit",
                "Tax Rates",
                "Cost",
                "Product Code",
                "SKU",
                "Modifier Groups",
                "Quantity",
                "Printer Labels",
                "Hidden",
                "Non-revenue item",
            ],
            [
                "XJ1",
                "Butter 250g",
                "",
                2.5,
                "Fixed",
                "",
                "DEFAULT",
                1.9,
                "",
                "DAI-BUT-250",
                "",
                36,
                "",
                "No",
                "No",
            ],
            [
                "XJ2",
                "Double cream 1L",
                "",
                5,
                "Fixed",
                "",
                "DEFAULT",
                3.8,
                "",
                "DAI-CRM-1L",
                "",
                "4 ea",
                "",
                "No",
                "No",
            ],
        ],
        title="Items",
    ),
    counts(DAI_BUT_250=36, DAI_CRM_1L=4),
)

LOYVERSE = VendorFile(
    "Loyverse",
    "export_items.csv",
    _csv(
        [
            "Handle,SKU,Name,Category,Sold by weight,Option 1 name,Option 1 value,Cost,Barcode,"
            "Included in composite,Track stock,Available for sale [Front],Price [Front],"
            "In stock [Front],Low stock [Front],Available for sale [Kitchen],Price [Kitchen],"
            "In stock [Kitchen],Low stock [Kitchen]",
            "vanilla,BAK-VAN-1L,Vanilla syrup 1L,Syrups,N,,,6.90,,N,Y,Y,0,2,1,Y,0,3,1",
            "caramel,BAK-CAR-1L,Caramel syrup 1L,Syrups,N,,,6.90,,N,Y,Y,0,1,1,Y,0,1,1",
        ]
    ).encode("utf-8"),
    counts(BAK_VAN_1L=3, BAK_CAR_1L=1),
    settings=(("Count location", "Kitchen"),),
)
"""Two stores: the one Settings 'Count location' names is read, never the sum."""

ZOHO = VendorFile(
    "Zoho Inventory",
    "Item.xlsx",
    xlsx_bytes(
        [
            ["Items - Corner Café & Pantry"],
            [],
            ["Item Name", "SKU", "Unit", "Stock On Hand", "Rate", "Purchase Rate", "Reorder Level"],
            ["Earl grey loose 1kg", "TEA-EG-1K", "pcs", 3, 38, 22, 1],
            ["Matcha powder 250g", "TEA-MAT-250", "pcs", 4, 30, 19, 1],
            ["Chai latte powder 1kg", "TEA-CHAI-1K", "pcs", 1, 25, 15.5, 1],
        ],
        title="Items",
    ),
    counts(TEA_EG_1K=3, TEA_MAT_250=4),
)

SORTLY = VendorFile(
    "Sortly",
    "sortly-export.ods",
    ods_bytes(
        [
            ods_cell("Entry Name")
            + ods_cell("Variant Details")
            + ods_cell("Sortly ID (SID)")
            + ods_cell("Unit")
            + ods_cell("Min Level")
            + ods_cell("Price")
            + ods_cell("Value")
            + ods_cell("Quantity")
            + ods_cell("Notes")
            + ods_cell("Tags"),
            ods_cell("Takeaway cups 8oz (1000)")
            + ods_cell("")
            + ods_cell("SLY001")
            + ods_cell("sleeves")
            + ods_cell(2)
            + ods_cell(0.04)
            + ods_cell(52)
            + ods_cell(1300)
            + ods_cell("back room")
            + ods_cell("packaging"),
            ods_cell("Napkins (5000)")
            + ods_cell("")
            + ods_cell("SLY002")
            + ods_cell("packs")
            + ods_cell(1)
            + ods_cell(0.01)
            + ods_cell(90)
            + ods_cell(8000)
            + ods_cell("")
            + ods_cell("packaging"),
        ],
        name="Entries",
    ),
    counts(PAK_CUP_8=1300, PAK_NAP_5=8000),
)

TYPED_SKU_COUNT = VendorFile(
    "typed: SKU, Count",
    "count.csv",
    b"SKU, Count\nDAI-MLK-4L, 9\nDAI-SEMI-4L , 12\nbak-flr-16, 3\n",
    counts(DAI_MLK_4L=9, DAI_SEMI_4L=12, BAK_FLR_16=3),
)

TYPED_ITEM_QTY = VendorFile(
    "typed: Item; Qty (Latin-1, semicolons)",
    "stock count.csv",
    (
        "Item;Qty\nSourdough loaves;12 ea\nCroissant dough (frozen 60);1\nCaf\xe9 cr\xe8me tins;4\n"
    ).encode("latin-1"),
    counts(BAK_SDL_1=12, BAK_CRS_60=1),
    unknown=1,
)

TYPED_TWO_STORES = VendorFile(
    "typed: one column per store (tabs, UTF-16)",
    "stores.txt",
    (
        "Item\tQty [Front]\tQty [Back]\nFree-range eggs (tray 30)\t2\t5\nPlain flour 16kg\t1\t1\n"
    ).encode("utf-16"),
    {},
)
"""Two stores and no 'Count location': nothing proposed, the locations named instead."""

TYPED_MESSY = VendorFile(
    "typed: loose names (never guessed)",
    "count (2).csv",
    b"Item,Qty\nOAT  MILK 1L,20\nOat milk 1 litre,3\nalmond milk,12\nSemi skimmed milk 4L,13\n",
    counts(DAI_OAT_1L=20),
    unknown=3,
)
"""Case and spacing are forgiven; a different word ("litre"), a missing size or a missing
hyphen is not: those rows are listed unmatched for the owner, not guessed."""

BEAN_BROTHERS_PRICES = VendorFile(
    "supplier price list (Bean Brothers, Latin-1)",
    "Bean Brothers price list 2027.csv",
    (
        "Bean Brothers Roasters - trade prices from January 2027\n"
        "Code;Description;Wholesale;Case qty\n"
        "COF-ESP-1K;House espresso blend 1kg;\xa319.20;6\n"
        "COF-ETH-1K;Single origin Ethiopia 1kg;\xa324.00;1\n"
        "BB-DEC;Decaf blend 1kg;\xa319.50;2\n"
        "BB-GUA;Guatemala 1kg;\xa326.00;1\n"
    ).encode("latin-1"),
    {
        ("COF-ESP-1K", Field.UNIT_COST): D("19.20"),
        ("COF-DEC-1K", Field.UNIT_COST): D("19.50"),
        ("COF-DEC-1K", Field.PACK_SIZE): D(2),
    },
    unknown=1,
    body=(
        "Prices for next year below.\n\n---------- Forwarded message ---------\n"
        "From: Bean Brothers Roasters <orders@beanbrothers.example>\n"
        "Subject: Trade prices 2027\n"
    ),
)

ALL = (
    SQUARE,
    SHOPIFY,
    LIGHTSPEED,
    CLOVER,
    LOYVERSE,
    ZOHO,
    SORTLY,
    TYPED_SKU_COUNT,
    TYPED_ITEM_QTY,
    TYPED_TWO_STORES,
    TYPED_MESSY,
    BEAN_BROTHERS_PRICES,
)
