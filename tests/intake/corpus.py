"""Forwarded messages for ``benchmarks/intake_accuracy.py``: the vendors' documented export
layouts and their quirks (BOM, UTF-16, per-location columns, long layouts, ``not stocked``,
European numbers, title and total rows, merged headers), plus the mail-level cases (a large
file beside a small one, ``winmail.dat``, a table in the body, a re-export of the same rows).

Headers follow the families' sources cited in ``sheets_bot/intake/families.py``. Each case
says what a correct reading proposes for the sample café (only values that differ from its
Stock) and, where nothing may be proposed, the words the owner must be told.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sheets_bot.intake.columns import Field
from tests.intake.samples import tnef_bytes, xlsx_bytes
from tests.intake.vendor_exports import ALL as VENDOR_FILES

Files = tuple[tuple[str, bytes], ...]


@dataclass(frozen=True)
class Case:
    name: str
    files: Files
    expected: dict[tuple[str, Field], Decimal]
    settings: tuple[tuple[str, str], ...] = ()
    body: str = "Here is this week's count."
    told: str = ""
    """Words the report must carry (a refusal, the locations found) when nothing is proposed."""
    earlier: tuple[Files, ...] = ()
    """Messages forwarded before this one (for the duplicate and replacement cases)."""
    refused_files: int = 0
    """Files a correct reading refuses (too large, not a spreadsheet)."""


def on_hand(**by_sku: int | str) -> dict[tuple[str, Field], Decimal]:
    return {
        (sku.replace("_", "-"), Field.ON_HAND): Decimal(str(value)) for sku, value in by_sku.items()
    }


def csv(*rows: str, newline: str = "\r\n", bom: bool = False, encoding: str = "utf-8") -> bytes:
    text = newline.join(rows) + newline
    return (("\ufeff" if bom else "") + text).encode(encoding)


def cells(row: str) -> list[object]:
    """A row of text cells (Square's XLSX export is formatted as text)."""
    return list(row.split(","))


LOCATION = (("Count location", "Corner Cafe"),)

SQ_HEAD = (
    "Token,Item Name,Variation Name,SKU,Description,Category,Price,"
    "Current Quantity Corner Cafe,New Quantity Corner Cafe,"
    "Stock Alert Enabled Corner Cafe,Stock Alert Count Corner Cafe"
)
SQ2_HEAD = (
    "Token,Item Name,Variation Name,SKU,Description,Category,Price,"
    "Current Quantity Corner Cafe,New Quantity Corner Cafe,"
    "Current Quantity Harbour Kiosk,New Quantity Harbour Kiosk"
)
SQ_NEW_HEAD = (
    "Token,Item Name,Customer-facing Name,Variation Name,SKU,Description,Categories,"
    "Reporting Category,GTIN,Item Type,Weight (kg),Social Media Link Title,"
    "Social Media Link Description,Price,Online Sale Price,Archived,Sellable,Stockable,"
    "Skip Detail Screen in POS,Option Name 1,Option Value 1,Default Unit Cost,"
    "Default Vendor Name,Default Vendor Code,Enabled Corner Cafe,Current Quantity Corner Cafe,"
    "New Quantity Corner Cafe,Stock Alert Enabled Corner Cafe,Stock Alert Count Corner Cafe,"
    "Price Corner Cafe"
)
SHOPIFY_IDS = (
    "Handle,Title,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Option3 Name,"
    "Option3 Value,SKU,HS Code,COO"
)
XS_HEAD = (
    "id,handle,sku,composite_handle,composite_sku,composite_quantity,name,description,"
    "product_category,variant_option_one_name,variant_option_one_value,tags,supply_price,"
    "retail_price,tax_name,tax_value,account_code,account_code_purchase,brand_name,"
    "supplier_name,supplier_code,active"
)

SQUARE_CASES = (
    Case(
        "Square CSV, one location, BOM",
        (
            (
                "square-library.csv",
                csv(
                    SQ_HEAD,
                    "AX1,House espresso blend 1kg,Regular,COF-ESP-1K,,Coffee,£32.00,14,,Y,4",
                    "AX2,Oat milk 1L,Regular,DAI-OAT-1L,,Dairy,£2.50,11,,N,",
                    "AX3,Almond milk 1L,Regular,DAI-ALM-1L,,Dairy,£2.60,,,N,",
                    "AX4,Gift card,Regular,GIFT-1,,Other,£10.00,0,,N,",
                    bom=True,
                ),
            ),
        ),
        on_hand(COF_ESP_1K=14, DAI_OAT_1L=11),
    ),
    Case(
        "Square XLSX, two locations, Count location set",
        (
            (
                "square-export.xlsx",
                xlsx_bytes(
                    [
                        cells(SQ2_HEAD),
                        cells("T1,Decaf blend 1kg,Regular,COF-DEC-1K,,,19.50,7,,2,"),
                        cells("T2,Butter 250g,Regular,DAI-BUT-250,,,2.50,33,,12,"),
                        cells("T3,Double cream 1L,Regular,DAI-CRM-1L,,,5.00,6,,1,"),
                    ],
                    title="Items",
                ),
            ),
        ),
        on_hand(COF_DEC_1K=7, DAI_BUT_250=33),
        settings=LOCATION,
    ),
    Case(
        "Square CSV, two locations, no choice",
        (
            (
                "square-two.csv",
                csv(
                    SQ2_HEAD,
                    "T1,Decaf blend 1kg,Regular,COF-DEC-1K,,,19.50,7,,2,",
                    "T2,Butter 250g,Regular,DAI-BUT-250,,,2.50,33,,12,",
                ),
            ),
        ),
        {},
        told="Count location",
    ),
    Case(
        "Square CSV, older generation, New Quantity filled",
        (
            (
                "items.csv",
                csv(
                    "Item Name,Variation Name,SKU,Description,Category,Price,"
                    "Current Quantity Corner Cafe,New Quantity Corner Cafe,"
                    "Stock Alert Enabled Corner Cafe,Stock Alert Count Corner Cafe",
                    "Caster sugar 5kg,Regular,BAK-SUG-5,,Baking,9.00,3,5,N,",
                    "Chocolate chips 2.5kg,Regular,BAK-CHC-2,,Baking,25.00,4,,N,",
                    newline="\n",
                ),
            ),
        ),
        on_hand(BAK_SUG_5=5, BAK_CHC_2=4),
    ),
    Case(
        "Square CSV, newest generation, untracked and unit suffixes",
        (
            (
                "MLXXA_catalog.csv",
                csv(
                    SQ_NEW_HEAD,
                    "Q1,Sourdough loaves,,Regular,BAK-SDL-1,,Bakery,Bakery,,Physical good,,,,"
                    "3.20,,N,Y,Y,N,,,2.60,,,Y,10.00 ea,,N,,3.20",
                    "Q2,Free-range eggs (tray 30),,Regular,BAK-EGG-30,,Bakery,Bakery,,Physical"
                    " good,,,,8.00,,N,Y,Y,N,,,7.50,,,Y,,,N,,8.00",
                    "Q3,Croissant dough (frozen 60),,Regular,BAK-CRS-60,,Bakery,Bakery,,Physical"
                    " good,,,,40.00,,N,Y,Y,N,,,32.00,,,Y,5.00 ea,,N,,40.00",
                    bom=True,
                ),
            ),
        ),
        on_hand(BAK_SDL_1=10, BAK_CRS_60=5),
    ),
)

SHOPIFY_CASES = (
    Case(
        "Shopify inventory, wide, one location, not stocked",
        (
            (
                "inventory_export_1.csv",
                csv(
                    SHOPIFY_IDS + ",Corner Cafe",
                    "retail-espresso,Retail espresso beans 250g,Title,Default Title,,,,,"
                    "RET-ESP-250,,,19",
                    "retail-filter,Retail filter beans 250g,Title,Default Title,,,,,"
                    "RET-FIL-250,,,not stocked",
                    "mug,Retail ceramic mug,Title,Default Title,,,,,RET-MUG-1,,,21",
                ),
            ),
        ),
        on_hand(RET_ESP_250=19, RET_MUG_1=21),
    ),
    Case(
        "Shopify inventory, wide, two locations, Count location set",
        (
            (
                "inventory_export_2.csv",
                csv(
                    SHOPIFY_IDS + ",Corner Cafe,Online Warehouse",
                    "retail-espresso,Retail espresso beans 250g,Title,Default Title,,,,,"
                    "RET-ESP-250,,,17,40",
                    "tea-tin,Retail tea tin gift set,Title,Default Title,,,,,RET-TEA-GIFT,,,"
                    "5,not stocked",
                    "honey,Retail honey jar 340g,Title,Default Title,,,,,RET-HON-340,,,"
                    "not stocked,9",
                ),
            ),
        ),
        on_hand(RET_ESP_250=17, RET_TEA_GIFT=5),
        settings=LOCATION,
    ),
    Case(
        "Shopify inventory, wide, two locations, no choice",
        (
            (
                "inventory_export_3.csv",
                csv(
                    SHOPIFY_IDS + ",Corner Cafe,Online Warehouse",
                    "retail-espresso,Retail espresso beans 250g,Title,Default Title,,,,,"
                    "RET-ESP-250,,,17,40",
                ),
            ),
        ),
        {},
        told="Online Warehouse",
    ),
    Case(
        "Shopify inventory, long, two locations, Count location set",
        (
            (
                "inventory_export_4.csv",
                csv(
                    SHOPIFY_IDS + ",Location,Incoming,Unavailable,Committed,Available,On hand",
                    "retail-espresso,Retail espresso beans 250g,Title,Default Title,,,,,"
                    "RET-ESP-250,,,Online Warehouse,0,0,0,40,40",
                    "retail-espresso,Retail espresso beans 250g,Title,Default Title,,,,,"
                    "RET-ESP-250,,,Corner Cafe,0,0,2,18,20",
                    "mug,Retail ceramic mug,Title,Default Title,,,,,RET-MUG-1,,,Corner Cafe,"
                    "0,0,1,25,26",
                    "mug,Retail ceramic mug,Title,Default Title,,,,,RET-MUG-1,,,"
                    "Online Warehouse,0,0,0,3,3",
                ),
            ),
        ),
        on_hand(RET_ESP_250=20, RET_MUG_1=26),
        settings=LOCATION,
    ),
    Case(
        "Shopify inventory, long, newest columns, On hand (new) filled",
        (
            (
                "inventory_export_5.csv",
                csv(
                    SHOPIFY_IDS + ",Location,Incoming (not editable),Unavailable (not editable),"
                    "Committed (not editable),Available (not editable),On hand (current),"
                    "On hand (new)",
                    "tea-tin,Retail tea tin gift set,Title,Default Title,,,,,RET-TEA-GIFT,,,"
                    "Corner Cafe,0,0,0,6,6,",
                    "honey,Retail honey jar 340g,Title,Default Title,,,,,RET-HON-340,,,"
                    "Corner Cafe,0,0,0,12,12,10",
                    "cup,Reusable cup 12oz,Title,Default Title,,,,,RET-CUP-12,,,Corner Cafe,"
                    "0,0,0,Not stocked,Not stocked,",
                ),
            ),
        ),
        on_hand(RET_TEA_GIFT=6, RET_HON_340=10),
    ),
    Case(
        "Shopify inventory, long, two locations, no choice",
        (
            (
                "inventory_export_6.csv",
                csv(
                    SHOPIFY_IDS + ",Location,Incoming,Unavailable,Committed,Available,On hand",
                    "mug,Retail ceramic mug,Title,Default Title,,,,,RET-MUG-1,,,Corner Cafe,"
                    "0,0,1,25,26",
                    "mug,Retail ceramic mug,Title,Default Title,,,,,RET-MUG-1,,,"
                    "Online Warehouse,0,0,0,3,3",
                ),
            ),
        ),
        {},
        told="Count location",
    ),
    Case(
        "Shopify product CSV (one location)",
        (
            (
                "products_export_1.csv",
                csv(
                    "Handle,Title,Body (HTML),Vendor,Product Category,Type,Tags,Published,"
                    "Option1 Name,Option1 Value,Variant SKU,Variant Grams,"
                    "Variant Inventory Tracker,Variant Inventory Qty,Variant Inventory Policy,"
                    "Variant Fulfillment Service,Variant Price,Variant Compare At Price,"
                    "Cost per item,Status",
                    "mug,Retail ceramic mug,<p>Mug</p>,Corner Cafe,,Mugs,,TRUE,Title,"
                    "Default Title,RET-MUG-1,350,shopify,22,deny,manual,12.00,,3.50,active",
                    "cup,Reusable cup 12oz,,KeepCup,,Cups,,TRUE,Title,Default Title,"
                    "RET-CUP-12,200,shopify,58,deny,manual,9.00,,4.20,active",
                ),
            ),
        ),
        on_hand(RET_MUG_1=22, RET_CUP_12=58),
    ),
)

LIGHTSPEED_CASES = (
    Case(
        "Lightspeed Retail, multi-shop quantities, Count location set",
        (
            (
                "Item Listings.csv",
                csv(
                    "System ID,UPC,EAN,Custom SKU,Manufact. SKU,Description,Vendor ID,"
                    "Corner Cafe - Qty,Harbour Kiosk - Qty,Default Cost,Price",
                    "210000000201,,,DAI-SEMI-4L,,Semi-skimmed milk 4L,,11,4,2.95,4.00",
                    "210000000202,,,DAI-MLK-4L,,Whole milk 4L,,8,2,3.10,4.20",
                ),
            ),
        ),
        on_hand(DAI_SEMI_4L=11, DAI_MLK_4L=8),
        settings=LOCATION,
    ),
    Case(
        "Lightspeed X-Series, one outlet",
        (
            (
                "product-export.csv",
                csv(
                    XS_HEAD + ",inventory_Corner_Cafe,reorder_point_Corner_Cafe,"
                    "restock_level_Corner_Cafe",
                    "0af7b240-1,peppermint,TEA-PEP-250,,,,Peppermint tea (250 bags),,Tea,,,,"
                    "12.50,18.00,VAT,0.2,,,,Leaf & Co,,1,175,50,250",
                    "0af7b240-2,rooibos,TEA-ROO-250,,,,Rooibos tea (250 bags),,Tea,,,,"
                    "12.50,18.00,VAT,0.2,,,,Leaf & Co,,1,,50,250",
                ),
            ),
        ),
        on_hand(TEA_PEP_250=175),
    ),
    Case(
        "Lightspeed X-Series (Vend), two outlets, Count location set",
        (
            (
                "vend-products.csv",
                csv(
                    XS_HEAD + ",inventory_Corner_Cafe,reorder_point_Corner_Cafe,"
                    "inventory_Harbour_Kiosk,reorder_point_Harbour_Kiosk",
                    "v1,breakfast,TEA-EB-500,,,,English breakfast tea (500 bags),,Tea,,,,"
                    "20.00,30.00,VAT,0.2,,,,Leaf & Co,,1,280,100,500,100",
                    "v2,hotchoc,TEA-HOC-2K,,,,Hot chocolate powder 2kg,,Tea,,,,"
                    "17.80,25.00,VAT,0.2,,,,Leaf & Co,,1,3,1,9,1",
                ),
            ),
        ),
        on_hand(TEA_EB_500=280, TEA_HOC_2K=3),
        settings=LOCATION,
    ),
    Case(
        "Lightspeed eCom product export",
        (
            (
                "export_products.csv",
                csv(
                    "Internal_ID,Internal_Variant_ID,Visible,Brand,Supplier,EN_Title_Short,"
                    "EN_Title_Long,EN_Variant,Price,Price_Old,Price_Cost,Stock_Track,"
                    "Stock_Level,Stock_Min,Stock_Alert,Article_Code,EAN,SKU",
                    "8812,19001,Y,Corner,Leaf & Co,Matcha powder 250g,,Default,25.00,,19.00,"
                    "Y,3,0,1,MAT250,,TEA-MAT-250",
                    "8813,19002,Y,Corner,Leaf & Co,Chai latte powder 1kg,,Default,22.00,,"
                    "15.50,Y,1,0,1,CHAI1K,,TEA-CHAI-1K",
                ),
            ),
        ),
        on_hand(TEA_MAT_250=3),
    ),
)

LOYVERSE_HEAD = (
    "Handle,SKU,Name,Category,Sold by weight,Option 1 name,Option 1 value,Cost,Barcode,"
    "Included in composite,Track stock"
)
LOYVERSE_CASES = (
    Case(
        "Loyverse, one store",
        (
            (
                "export_items.csv",
                csv(
                    LOYVERSE_HEAD + ",Available for sale [Corner Cafe],Price [Corner Cafe],"
                    "In stock [Corner Cafe],Low stock [Corner Cafe]",
                    "vanilla,BAK-VAN-1L,Vanilla syrup 1L,Syrups,N,,,6.90,,N,Y,Y,9.00,4,1",
                    "caramel,BAK-CAR-1L,Caramel syrup 1L,Syrups,N,,,6.90,,N,Y,Y,9.00,5,1",
                    "cookie,,Cookie,Bakery,N,,,0.40,,N,N,Y,2.00,,",
                ),
            ),
        ),
        on_hand(BAK_VAN_1L=4, BAK_CAR_1L=5),
    ),
    Case(
        "Loyverse, two stores, no choice",
        (
            (
                "export_items (1).csv",
                csv(
                    LOYVERSE_HEAD + ",Available for sale [Corner Cafe],Price [Corner Cafe],"
                    "In stock [Corner Cafe],Low stock [Corner Cafe],Available for sale [Harbour"
                    " Kiosk],Price [Harbour Kiosk],In stock [Harbour Kiosk],Low stock [Harbour"
                    " Kiosk]",
                    "vanilla,BAK-VAN-1L,Vanilla syrup 1L,Syrups,N,,,6.90,,N,Y,Y,9.00,4,1,Y,9.00,"
                    "2,1",
                ),
            ),
        ),
        {},
        told="Harbour Kiosk",
    ),
)

CLOVER_CASES = (
    Case(
        "Clover inventory CSV, untracked quantity blank",
        (
            (
                "inventory.csv",
                csv(
                    "Clover ID,Name,Alternate Name,Price,Price Type,Price Unit,Tax Rates,Cost,"
                    "Product Code,SKU,Modifier Groups,Quantity,Printer Labels,Hidden,"
                    "Non-revenue item",
                    "C1,Whole milk 4L,,4.20,Fixed,,DEFAULT,3.10,,DAI-MLK-4L,,7,,No,No",
                    "C2,Oat milk barista 1L,,2.60,Fixed,,DEFAULT,1.95,,DAI-OATB-1L,,,,No,No",
                    "C3,Almond milk 1L,,2.60,Fixed,,DEFAULT,1.80,,DAI-ALM-1L,,10,,No,No",
                ),
            ),
        ),
        on_hand(DAI_MLK_4L=7, DAI_ALM_1L=10),
    ),
)

ZOHO_CASES = (
    Case(
        "Zoho Inventory, European numbers (€0,07, 2.400)",
        (
            (
                "Item.csv",
                csv(
                    "Item Name;SKU;Unit;Rate;Purchase Rate;Stock On Hand;Opening Stock",
                    "Takeaway cups 8oz (1000);PAK-CUP-8;pcs;€0,10;€0,07;2.400;1.000",
                    "Takeaway cups 12oz (1000);PAK-CUP-12;pcs;€0,12;€0,08;3.150;1.000",
                    "Paper bags medium (500);PAK-BAG-M;pcs;€0,09;€0,05;750;500",
                ),
            ),
        ),
        on_hand(PAK_CUP_8=2400, PAK_CUP_12=3150, PAK_BAG_M=750),
    ),
    Case(
        "Zoho Inventory, per warehouse, Count location set",
        (
            (
                "Item (2).xlsx",
                xlsx_bytes(
                    [
                        ["Item Name", "SKU", "Warehouse Name", "Stock On Hand", "Purchase Rate"],
                        ["Earl grey loose 1kg", "TEA-EG-1K", "Corner Cafe", 4, 22],
                        ["Earl grey loose 1kg", "TEA-EG-1K", "Central Store", 10, 22],
                        ["Matcha powder 250g", "TEA-MAT-250", "Corner Cafe", 2, 19],
                        ["Matcha powder 250g", "TEA-MAT-250", "Central Store", 7, 19],
                    ],
                    title="Items",
                ),
            ),
        ),
        on_hand(TEA_EG_1K=4, TEA_MAT_250=2),
        settings=LOCATION,
    ),
)

HAND_MADE_CASES = (
    Case(
        "hand-made: title rows, notes and a Total row",
        (
            (
                "Stock count 23-11.xlsx",
                xlsx_bytes(
                    [
                        ["Corner Café — weekly stock count"],
                        ["Counted by Sam, Monday 23 November"],
                        [],
                        ["Item", "SKU", "Count", "Notes"],
                        ["Whole milk 4L", "DAI-MLK-4L", 6, ""],
                        ["Semi-skimmed milk 4L", "DAI-SEMI-4L", 12, "one open"],
                        ["Oat milk 1L", "DAI-OAT-1L", 20, ""],
                        ["Total", "", 38, ""],
                        ["Checked by Jo"],
                    ]
                ),
            ),
        ),
        on_hand(DAI_MLK_4L=6, DAI_SEMI_4L=12, DAI_OAT_1L=20),
    ),
    Case(
        "hand-made: merged two-row header, Count over Front and Back room",
        (
            (
                "count.xlsx",
                xlsx_bytes(
                    [
                        ["Item", "SKU", "Count", None, "Notes"],
                        [None, None, "Front", "Back room", None],
                        ["Butter 250g", "DAI-BUT-250", 10, 26, ""],
                        ["Double cream 1L", "DAI-CRM-1L", 2, 3, ""],
                    ]
                ),
            ),
        ),
        on_hand(DAI_BUT_250=36, DAI_CRM_1L=5),
    ),
    Case(
        "hand-made: group row above, Total sub-column",
        (
            (
                "count-areas.csv",
                csv(
                    ",,Stock count,,",
                    "Item,SKU,Shelf,Store room,Total",
                    "Caster sugar 5kg,BAK-SUG-5,1,3,4",
                    "Plain flour 16kg,BAK-FLR-16,1,2,3",
                ),
            ),
        ),
        on_hand(BAK_SUG_5=4, BAK_FLR_16=3),
    ),
    Case(
        "hand-made: European CSV, semicolons, decimal comma money",
        (
            (
                "inventaire.csv",
                csv(
                    "SKU;Item;Count;Unit cost",
                    "PAK-NAP-5;Napkins (5000);9.500;€0,01",
                    "PAK-STR-1;Wooden stirrers (1000);2.250;€0,02",
                    "PAK-SLV-1;Cup sleeves (1000);1.600;€0,03",
                    encoding="cp1252",
                ),
            ),
        ),
        on_hand(PAK_NAP_5=9500, PAK_STR_1=2250, PAK_SLV_1=1600),
    ),
    Case(
        "hand-made: English thousands and money",
        (
            (
                "packaging.csv",
                csv(
                    "SKU,Item,Qty,Unit cost",
                    'PAK-LID-1,Sip lids 8/12oz (1000),"4,200",£0.03',
                    'PAK-CUT-1,Compostable cutlery set,"1,250",£0.09',
                ),
            ),
        ),
        on_hand(PAK_LID_1=4200, PAK_CUT_1=1250),
    ),
    Case(
        "hand-made: space thousands",
        (("lids.csv", csv("SKU;Count", "PAK-LID-1;4 700", "PAK-SLV-1;1 950")),),
        on_hand(PAK_LID_1=4700, PAK_SLV_1=1950),
    ),
    Case(
        "hand-made: a value no other number settles (9.500)",
        (("napkins.csv", csv("SKU,Count", "PAK-NAP-5,9.500")),),
        on_hand(PAK_NAP_5=9500),
    ),
    Case(
        "hand-made: not counted written -, n/a, blank",
        (
            (
                "partial.csv",
                csv(
                    "SKU,Item,Count",
                    "COF-ETH-1K,Single origin Ethiopia 1kg,-",
                    "COF-CB-1L,Cold brew concentrate 1L,n/a",
                    "DAI-OATB-1L,Oat milk barista 1L,",
                    "COF-DEC-1K,Decaf blend 1kg,4",
                ),
            ),
        ),
        on_hand(COF_DEC_1K=4),
    ),
    Case(
        "hand-made: count sheet with a messy Cost price column",
        (
            (
                "count-with-costs.csv",
                csv(
                    "SKU,Item,Counted,Cost price",
                    "TEA-EG-1K,Earl grey loose 1kg,3,ask supplier",
                    "TEA-CHAI-1K,Chai latte powder 1kg,2,£15.50",
                ),
            ),
        ),
        on_hand(TEA_EG_1K=3, TEA_CHAI_1K=2),
    ),
    Case(
        "hand-made: a header the bot does not know (Qty counted 23/11)",
        (("mon.csv", csv("Item,Qty counted 23/11", "Whole milk 4L,9", "Oat milk 1L,14")),),
        on_hand(DAI_MLK_4L=9, DAI_OAT_1L=14),
    ),
    Case(
        "hand-made: names only, tabs",
        (
            (
                "count.tsv",
                csv("Item\tCount", "Vanilla syrup 1L\t6", "Caramel syrup 1L\t3", newline="\n"),
            ),
        ),
        on_hand(BAK_VAN_1L=6, BAK_CAR_1L=3),
    ),
    Case(
        "hand-made: two stores in typed columns, no choice",
        (("stores.csv", csv("Item,Qty [Front],Qty [Depot]", "Free-range eggs (tray 30),2,5")),),
        {},
        told="Count location",
    ),
)

_COUNT = csv("SKU,Count", "COF-ESP-1K,11", "DAI-OAT-1L,15", "BAK-EGG-30,4")
_REEXPORT = csv("SKU , Count ", "BAK-EGG-30, 4", "DAI-OAT-1L,15 ", "COF-ESP-1K,11", newline="\n")

MAIL_CASES = (
    Case(
        "mail: a 12 MB export beside the small count",
        (
            ("full-history.csv", b"SKU,Count\n" + b"X-0,1\n" * (12 * 1024 * 1024 // 6)),
            ("count.csv", csv("SKU,Count", "RET-FIL-250,26")),
        ),
        on_hand(RET_FIL_250=26),
        refused_files=1,
        told="full-history.csv",
    ),
    Case(
        "mail: Outlook winmail.dat holding the count",
        (
            (
                "winmail.dat",
                tnef_bytes({"count.csv": csv("SKU,Count", "TEA-ROO-250,240")}),
            ),
        ),
        on_hand(TEA_ROO_250=240),
    ),
    Case(
        "mail: a table pasted in the body",
        (),
        on_hand(COF_ETH_1K=7, COF_CB_1L=2),
        body="Count from this morning:\n\nSKU\tCount\nCOF-ETH-1K\t7\nCOF-CB-1L\t2\n\nSam",
    ),
    Case(
        "mail: no file, no table",
        (),
        {},
        body="Can you check the milk order for Friday? Thanks, Sam",
        told="no count found in this message",
    ),
    Case(
        "mail: the same rows re-exported (order, spacing, line endings)",
        (("count (1).csv", _REEXPORT),),
        {},
        earlier=((("count.csv", _COUNT),),),
    ),
    Case(
        "mail: a PDF beside the count",
        (
            ("delivery-note.pdf", b"%PDF-1.4\n% not a spreadsheet\n"),
            ("count.csv", csv("SKU,Count", "RET-HON-340,9")),
        ),
        on_hand(RET_HON_340=9),
        refused_files=1,
    ),
)

VENDOR_CASES = tuple(
    Case(
        f"vendor sample: {sample.vendor}",
        ((sample.filename, sample.data),),
        sample.expected,
        settings=sample.settings,
        body=sample.body or "Here is this week's count.",
        told="" if sample.expected else "Count location",
    )
    for sample in VENDOR_FILES
)

CASES = (
    *SQUARE_CASES,
    *SHOPIFY_CASES,
    *LIGHTSPEED_CASES,
    *LOYVERSE_CASES,
    *CLOVER_CASES,
    *ZOHO_CASES,
    *HAND_MADE_CASES,
    *MAIL_CASES,
    *VENDOR_CASES,
)
