"""Each export family is recognised by its header signature and read by its own columns."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sheets_bot.intake.columns import Field
from sheets_bot.intake.parse import parse_attachment
from tests.intake import corpus
from tests.intake.samples import xlsx_bytes

ON_HAND = Field.ON_HAND


@pytest.mark.parametrize(
    ("case", "family"),
    [
        (corpus.SQUARE_CASES[0], "Square item library"),
        (corpus.SQUARE_CASES[3], "Square item library"),
        (corpus.SHOPIFY_CASES[0], "Shopify inventory"),
        (corpus.SHOPIFY_CASES[3], "Shopify inventory"),
        (corpus.SHOPIFY_CASES[6], "Shopify products"),
        (corpus.LIGHTSPEED_CASES[0], "Lightspeed Retail"),
        (corpus.LIGHTSPEED_CASES[1], "Lightspeed X-Series (Vend)"),
        (corpus.LIGHTSPEED_CASES[3], "Lightspeed eCom"),
        (corpus.LOYVERSE_CASES[0], "Loyverse"),
        (corpus.CLOVER_CASES[0], "Clover"),
        (corpus.ZOHO_CASES[0], "Zoho Inventory"),
        (corpus.HAND_MADE_CASES[0], "hand-made"),
    ],
    ids=lambda value: value if isinstance(value, str) else value.name,
)
def test_family_by_header_signature(case: corpus.Case, family: str) -> None:
    ((name, data),) = case.files
    assert parse_attachment(name, data).columns.family.name == family


def test_square_bom_and_untracked_items() -> None:
    ((name, data),) = corpus.SQUARE_CASES[0].files
    sheet = parse_attachment(name, data)
    counts = {row.sku: row.values.get(ON_HAND) for row in sheet.rows}
    assert counts["COF-ESP-1K"] == Decimal(14)
    assert "DAI-ALM-1L" not in counts, "a blank Current Quantity is not counted, never 0"


def test_shopify_wide_not_stocked_and_one_location() -> None:
    ((name, data),) = corpus.SHOPIFY_CASES[0].files
    sheet = parse_attachment(name, data)
    assert [(row.sku, row.values[ON_HAND]) for row in sheet.rows] == [
        ("RET-ESP-250", Decimal(19)),
        ("RET-MUG-1", Decimal(21)),
    ]
    assert "the only one in the file" in sheet.rows[0].reasons[ON_HAND][-1]


def test_shopify_long_reads_only_the_chosen_location() -> None:
    ((name, data),) = corpus.SHOPIFY_CASES[3].files
    sheet = parse_attachment(name, data, count_location="corner cafe")
    assert [(row.sku, row.values[ON_HAND]) for row in sheet.rows] == [
        ("RET-ESP-250", Decimal(20)),
        ("RET-MUG-1", Decimal(26)),
    ]
    unchosen = parse_attachment(name, data)
    assert unchosen.rows == ()
    assert "'Online Warehouse', 'Corner Cafe'" in unchosen.needs_choice


def test_a_count_location_the_file_lacks_proposes_nothing() -> None:
    ((name, data),) = corpus.SHOPIFY_CASES[3].files
    sheet = parse_attachment(name, data, count_location="Airport")
    assert sheet.rows == ()
    assert "none of them Settings 'Count location' ('Airport')" in sheet.needs_choice


def test_x_series_outlet_columns_match_the_setting_with_spaces() -> None:
    ((name, data),) = corpus.LIGHTSPEED_CASES[2].files
    sheet = parse_attachment(name, data, count_location="Harbour Kiosk")
    assert {row.sku: row.values[ON_HAND] for row in sheet.rows} == {
        "TEA-EB-500": Decimal(500),
        "TEA-HOC-2K": Decimal(9),
    }
    assert Field.UNIT_COST in sheet.columns.fields, "supply_price is the cost"


def test_merged_header_sub_columns_are_added_up_and_marked_uncertain() -> None:
    ((name, data),) = corpus.HAND_MADE_CASES[1].files
    sheet = parse_attachment(name, data)
    butter = sheet.rows[0]
    assert butter.values[ON_HAND] == Decimal(36)
    assert butter.confidence[ON_HAND] < 0.8
    assert "'Front' + 'Back room'" in butter.reasons[ON_HAND][0]


def test_merged_header_of_a_two_column_sheet_adds_its_areas() -> None:
    data = xlsx_bytes([["SKU", "Count", None], [None, "Front", "Back"], ["A-1", 2, 3]])
    assert parse_attachment("c.xlsx", data).rows[0].values[ON_HAND] == Decimal(5)


def test_total_row_is_left_out() -> None:
    ((name, data),) = corpus.HAND_MADE_CASES[0].files
    sheet = parse_attachment(name, data)
    assert [row.sku for row in sheet.rows] == ["DAI-MLK-4L", "DAI-SEMI-4L", "DAI-OAT-1L"]
    assert "1 total row(s) left out" in sheet.notes


def test_european_file_reads_thousands_by_its_money() -> None:
    ((name, data),) = corpus.ZOHO_CASES[0].files
    sheet = parse_attachment(name, data)
    cups = sheet.rows[0]
    assert cups.values == {ON_HAND: Decimal(2400), Field.UNIT_COST: Decimal("0.07")}
    assert "'€0,10' shows the file's decimal comma" in cups.reasons[ON_HAND][-1]


def test_a_column_the_lane_does_not_use_raises_no_problem() -> None:
    ((name, data),) = corpus.HAND_MADE_CASES[8].files
    sheet = parse_attachment(name, data)
    assert len(sheet.problems) == 1, "the cost cell is a problem of the cost field only"
    assert sheet.problems_for((ON_HAND,)) == ()
    assert sheet.problems_for((Field.UNIT_COST,)) == sheet.problems


def test_fuzzy_header_is_read_with_low_confidence() -> None:
    ((name, data),) = corpus.HAND_MADE_CASES[9].files
    row = parse_attachment(name, data).rows[0]
    assert row.values[ON_HAND] == Decimal(9)
    assert row.confidence[ON_HAND] < 0.8
    assert "only looks like a count" in row.reasons[ON_HAND][0]


def test_a_shelf_location_column_in_a_hand_made_sheet_is_not_a_store() -> None:
    data = b"SKU,Location,Count\nA-1,Aisle 3,4\nB-2,Back shelf,5\n"
    sheet = parse_attachment("count.csv", data)
    assert [row.values[ON_HAND] for row in sheet.rows] == [Decimal(4), Decimal(5)]
    assert sheet.needs_choice == ""


def test_a_merged_header_sub_column_named_in_settings_is_read_alone() -> None:
    data = xlsx_bytes([["SKU", "On hand", None], [None, "Main St", "Airport"], ["A-1", 2, 3]])
    row = parse_attachment("c.xlsx", data, count_location="Main St").rows[0]
    assert row.values[ON_HAND] == Decimal(2)
    assert row.confidence[ON_HAND] == 1.0


def test_a_bare_total_column_is_read_as_an_uncertain_count() -> None:
    data = b"Item,Front,Back room,Total\nButter 250g,10,26,36\n"
    row = parse_attachment("c.csv", data).rows[0]
    assert row.values[ON_HAND] == Decimal(36)
    assert row.confidence[ON_HAND] < 0.8


def test_count_location_ignores_case_accents_and_underscores() -> None:
    data = b"handle,sku,name,inventory_Corner_Caf\xc3\xa9,inventory_Kiosk\nh,A-1,Jam,4,9\n"
    row = parse_attachment("x.csv", data, count_location="corner cafe").rows[0]
    assert row.values[ON_HAND] == Decimal(4)


def test_count_location_setting_none_is_no_choice() -> None:
    from sheets_bot.sheet.settings import _FIELDS

    parse = _FIELDS["count location"][1]
    assert (parse("none"), parse(" Corner Cafe ")) == ("", "Corner Cafe")


def test_shopify_available_only_export_is_uncertain() -> None:
    data = (
        corpus.SHOPIFY_IDS + ",Location,Available\n"
        "mug,Retail ceramic mug,Title,Default Title,,,,,RET-MUG-1,,,Corner Cafe,25\n"
    ).encode()
    row = parse_attachment("inventory.csv", data).rows[0]
    assert row.values[ON_HAND] == Decimal(25)
    assert row.confidence[ON_HAND] < 0.8
    assert "committed to orders" in row.doubts[ON_HAND][0]
