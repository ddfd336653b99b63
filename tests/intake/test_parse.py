from __future__ import annotations

from decimal import Decimal

import pytest

from sheets_bot.intake.columns import Field, SheetKind
from sheets_bot.intake.limits import AttachmentRejected, Limits
from sheets_bot.intake.parse import parse_attachment
from tests.intake.samples import ods_bytes, ods_cell, xlsx_bytes, zip_with

ON_HAND = Field.ON_HAND


def test_hand_typed_csv_with_thousands_and_units() -> None:
    sheet = parse_attachment("count.csv", b'SKU,Count\nA-1,"1,234"\nB-2,12 ea\n')
    assert sheet.kind is SheetKind.COUNT
    assert [(row.row, row.sku, row.values) for row in sheet.rows] == [
        (2, "A-1", {ON_HAND: Decimal(1234)}),
        (3, "B-2", {ON_HAND: Decimal(12)}),
    ]
    assert sheet.problems == ()


def test_text_count_is_a_located_problem_and_other_rows_parse() -> None:
    sheet = parse_attachment("count.csv", b"Item;Qty\nMilk;4\nEggs;a dozen\nFlour;-2\nSugar;7\n")
    assert [(row.name, row.values[ON_HAND]) for row in sheet.rows] == [
        ("Milk", Decimal(4)),
        ("Sugar", Decimal(7)),
    ]
    first, second = sheet.problems
    assert (first.tab, first.row, first.column, first.value) == ("count.csv", 3, "Qty", "a dozen")
    assert first.column_index == 2
    assert str(first) == "count.csv row 3, column B 'Qty': 'a dozen' is not a number"
    assert (second.row, second.message) == (4, "is negative")


def test_xlsx_with_title_row_above_headers() -> None:
    data = xlsx_bytes(
        [
            ["Weekly stock count — Main St"],
            ["Counted by Sam"],
            [],
            ["SKU", "Item Name", "Stock On Hand"],
            ["A-1", "Oat milk 1L", 12],
            ["B-2", "Coffee beans 1kg", "3"],
        ]
    )
    sheet = parse_attachment("zoho.xlsx", data)
    assert sheet.columns.header_row == 4
    assert sheet.sheet == "Count"
    assert [(row.row, row.sku, row.name, row.values[ON_HAND]) for row in sheet.rows] == [
        (5, "A-1", "Oat milk 1L", Decimal(12)),
        (6, "B-2", "Coffee beans 1kg", Decimal(3)),
    ]


def test_xlsm_is_read_as_data() -> None:
    data = xlsx_bytes([["SKU", "Qty"], ["A", 1]])
    assert parse_attachment("macro.xlsm", data).rows[0].values == {ON_HAND: Decimal(1)}


def test_ods_count() -> None:
    data = ods_bytes(
        [
            ods_cell("Shop count"),
            ods_cell("Name") + ods_cell("Quantity") + ods_cell(None, 1020),
            ods_cell("Oat milk") + ods_cell(12),
            ods_cell("Honey") + ods_cell("12 ea"),
        ]
    )
    sheet = parse_attachment("sortly.ods", data)
    assert [(row.row, row.name, row.values[ON_HAND]) for row in sheet.rows] == [
        (3, "Oat milk", Decimal(12)),
        (4, "Honey", Decimal(12)),
    ]


SQUARE_TWO_LOCATIONS = (
    "Token,Item Name,Variation Name,SKU,Description,Category,Price,"
    "Current Quantity Main Street,New Quantity Main Street,"
    "Current Quantity Airport,New Quantity Airport\n"
    "TK1,Oat milk,Regular,A-1,,Dairy,$4.50,10,,5,\n"
    "TK2,Honey,Regular,B-2,,Pantry,$9.00,3,4,,\n"
    "TK3,Jam,Regular,C-3,,Pantry,$5.00,2,,lots,\n"
)


def test_square_locations_are_never_summed_without_a_choice() -> None:
    sheet = parse_attachment("square.csv", SQUARE_TWO_LOCATIONS.encode())
    assert sheet.columns.family.name == "Square item library"
    assert set(sheet.columns.locations) == {"Main Street", "Airport"}
    assert all(ON_HAND not in row.values for row in sheet.rows)
    assert "'Main Street', 'Airport'" in sheet.needs_choice
    assert "Count location" in sheet.needs_choice
    assert Field.UNIT_COST not in sheet.columns.fields, "Square's Price is the selling price"


def test_square_reads_the_chosen_location_and_its_new_quantity() -> None:
    sheet = parse_attachment(
        "square.csv", SQUARE_TWO_LOCATIONS.encode(), count_location="main street"
    )
    oat, honey, jam = sheet.rows
    assert oat.values == {ON_HAND: Decimal(10)}
    assert "Settings 'Count location'" in oat.reasons[ON_HAND][-1]
    assert honey.values == {ON_HAND: Decimal(4)}, "a filled-in New Quantity is the count"
    assert "new count" in honey.reasons[ON_HAND][0]
    assert jam.values == {ON_HAND: Decimal(2)}
    (problem,) = sheet.problems
    assert (problem.row, problem.column, problem.value) == (4, "Current Quantity Airport", "lots")
    assert sheet.needs_choice == ""


@pytest.mark.parametrize(
    ("header", "sku", "name", "count"),
    [
        ("Handle,Title,Option1 Name,Option1 Value,SKU,Location,Available,On hand", 4, 1, 7),
        ("System ID,UPC,EAN,Custom SKU,Manufact. SKU,Item,Qty.,Price", 3, 5, 6),
        ("Clover ID,Name,Alternate Name,Price,Cost,Product Code,SKU,Quantity", 6, 1, 7),
        ("Item Name,SKU,Stock On Hand,Rate", 1, 0, 2),
        ("Entry Name,Unit,Min Level,Price,Quantity", None, 0, 4),
        ("Item,Qty", None, 0, 1),
    ],
    ids=["shopify", "lightspeed", "clover", "zoho", "sortly", "typed"],
)
def test_vendor_headers(header: str, sku: int | None, name: int, count: int) -> None:
    width = header.count(",") + 1
    data = f"{header}\n{','.join(['5'] * width)}\n".encode()
    columns = parse_attachment("export.csv", data).columns
    assert (columns.sku, columns.name, columns.fields[ON_HAND]) == (sku, name, count)


def test_loyverse_in_stock_per_store() -> None:
    csv = (
        "Handle,SKU,Name,Cost,In stock [Main],Low stock [Main],In stock [Depot]\n"
        "h,A,Jam,1.20,4,1,6\n"
    )
    sheet = parse_attachment("loyverse.csv", csv.encode(), count_location="Depot")
    (row,) = sheet.rows
    assert row.values == {ON_HAND: Decimal(6), Field.UNIT_COST: Decimal("1.20")}
    assert row.locations == {"Main": Decimal(4), "Depot": Decimal(6)}


def test_supplier_price_list() -> None:
    csv = (
        "Acme wholesale price list 2026\n"
        "Supplier SKU;Description;Wholesale;Case qty;Lead time\n"
        "A-1;Oat milk 1L;$3.42;12;5 days\n"
        "B-2;Honey;2,5;6;\n"
    )
    sheet = parse_attachment("prices.csv", csv.encode("latin-1"))
    assert sheet.kind is SheetKind.PRICE_LIST
    assert sheet.rows[0].values == {
        Field.UNIT_COST: Decimal("3.42"),
        Field.PACK_SIZE: Decimal(12),
        Field.LEAD_TIME: Decimal(5),
    }
    honey = sheet.rows[1]
    assert honey.values == {Field.UNIT_COST: Decimal("2.5"), Field.PACK_SIZE: Decimal(6)}
    assert honey.confidence[Field.UNIT_COST] < 0.8, "a file writing decimals both ways"
    assert "both ways" in honey.reasons[Field.UNIT_COST][-1]


def test_csv_that_is_a_zip_is_refused() -> None:
    with pytest.raises(AttachmentRejected, match="zip") as caught:
        parse_attachment("count.csv", zip_with({"a.txt": b"SKU,Qty"}))
    assert caught.value.filename == "count.csv"


def test_zip_bomb_xlsx_is_refused() -> None:
    bomb = zip_with({"xl/workbook.xml": b"\0" * (5 * 1024 * 1024)})
    with pytest.raises(AttachmentRejected, match="zip bomb"):
        parse_attachment("count.xlsx", bomb)


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "save it as .xlsx or .csv"),
        ("count.pdf", b"%PDF-1.7 ...", "PDF"),
        ("fake.xlsx", b"SKU,Qty\nA,1\n", "not one"),
        ("notes.csv", b"hello there\nno table here\n", "no header row"),
        ("big.csv", b"SKU,Qty\n" + b"A,1\n" * 100, "over the limit"),
    ],
)
def test_refusals(filename: str, data: bytes, message: str) -> None:
    with pytest.raises(AttachmentRejected, match=message):
        parse_attachment(filename, data, Limits(max_attachment_bytes=300))


def test_formula_text_stays_a_value_and_a_problem() -> None:
    sheet = parse_attachment("count.csv", b'SKU,Qty\n=HYPERLINK("x"),=1+1\nB,2\n')
    assert [row.sku for row in sheet.rows] == ["B"]
    assert sheet.problems[0].value == "=1+1"


def test_broken_xlsx_is_refused() -> None:
    broken = zip_with({"[Content_Types].xml": b"<nope", "xl/workbook.xml": b"<nope"})
    with pytest.raises(AttachmentRejected, match="not a readable Excel workbook"):
        parse_attachment("count.xlsx", broken)


def test_ods_with_entity_expansion_is_refused() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><t>&b;</t>'
    )
    data = zip_with(
        {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": laughs}
    )
    with pytest.raises(AttachmentRejected, match="not safe"):
        parse_attachment("count.ods", data)
