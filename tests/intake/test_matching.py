from __future__ import annotations

from decimal import Decimal

from sheets_bot.domain.models import Item, ItemStatus
from sheets_bot.intake.columns import Field
from sheets_bot.intake.matching import MatchedBy, match_rows, normalise_name
from sheets_bot.intake.parse import ParsedRow, parse_attachment


def item(row: int, sku: str, name: str) -> Item:
    return Item(
        sku=sku,
        name=name,
        supplier="Acme",
        on_hand=1,
        daily_sales=1,
        lead_time_days=None,
        safety_buffer=0,
        pack_size=1,
        unit_cost=None,
        min_order=None,
        max_order=None,
        status=ItemStatus.ACTIVE,
        row=row,
    )


def parsed(number: int, sku: str = "", name: str = "") -> ParsedRow:
    return ParsedRow(number, sku, name, {Field.ON_HAND: Decimal(1)})


STOCK = [
    item(2, "OAT-1", "Oat milk 1L"),
    item(3, "BEAN-1", "Coffee beans 1kg"),
    item(4, "BEAN-5", "Coffee beans 5kg"),
    item(5, "CRM-1", "Crème fraîche"),
    item(6, "JAM-1", "Jam"),
    item(7, "JAM-2", "jam"),
]


def test_normalise_name() -> None:
    assert normalise_name("  Café   Crème 1kg ") == "cafe creme 1kg"
    assert normalise_name("Beans, 1kg") != normalise_name("Beans 1kg"), "punctuation is kept"


def test_sku_first_then_name() -> None:
    data = b"SKU,Item,Qty\n oat-1 ,Something else,4\n,  coffee BEANS 1kg ,3\n,Coffee beans 2kg,9\n"
    sheet = parse_attachment("count.csv", data)
    result = match_rows(sheet.rows, STOCK)
    by_sku, by_name = result.matches
    assert (by_sku.item, by_sku.by, by_sku.confidence, by_sku.uncertain) == (
        STOCK[0],
        MatchedBy.SKU,
        1.0,
        False,
    )
    assert (by_name.item, by_name.by, by_name.confidence, by_name.uncertain) == (
        STOCK[1],
        MatchedBy.NAME,
        0.8,
        False,
    )
    (unmatched,) = result.unmatched
    assert unmatched.row.row == 4
    assert unmatched.reason == "no SKU, and the name 'Coffee beans 2kg' is not in Stock"


def test_ambiguous_name_is_uncertain_and_not_assigned() -> None:
    result = match_rows([parsed(2, name="JAM")], STOCK)
    (match,) = result.matches
    assert match.item is None
    assert match.candidates == (STOCK[4], STOCK[5])
    assert match.uncertain
    assert match.confidence < 0.8
    assert match.reason == "the name 'JAM' matches 2 Stock items: row 6 'Jam', row 7 'jam'"


def test_name_only_after_accents_is_uncertain() -> None:
    (match,) = match_rows([parsed(2, name="Creme fraiche")], STOCK).matches
    assert match.item == STOCK[3]
    assert match.uncertain
    assert match.confidence == 0.6
    assert match.reason == "the name matches only once accents are ignored"


def test_unknown_sku_with_known_name_is_uncertain() -> None:
    (match,) = match_rows([parsed(2, sku="X-9", name="Oat milk 1L")], STOCK).matches
    assert match.item == STOCK[0]
    assert match.uncertain
    assert match.confidence == 0.5
    assert match.reason is not None
    assert "'X-9' is not in Stock" in match.reason


def test_duplicate_sku_in_stock_is_not_guessed() -> None:
    stock = [item(2, "A", "Apple"), item(3, "a ", "Apricot")]
    (match,) = match_rows([parsed(2, sku="A")], stock).matches
    assert match.item is None
    assert match.uncertain
    assert match.reason == "SKU 'A' is on 2 Stock rows: row 2 'Apple', row 3 'Apricot'"


def test_two_rows_on_one_item_are_both_flagged() -> None:
    first, second = match_rows(
        [parsed(2, sku="OAT-1"), parsed(5, name="oat milk 1l")], STOCK
    ).matches
    assert first.item == second.item == STOCK[0]
    assert first.uncertain and second.uncertain
    assert first.reason == "the same item is also on row(s) 5"
    assert second.confidence == 0.5


def test_unmatched_reasons() -> None:
    result = match_rows([parsed(2, sku="Z"), parsed(3, sku="Z", name="Zest")], STOCK)
    assert result.matches == ()
    assert [u.reason for u in result.unmatched] == [
        "SKU 'Z' is not in Stock (and the row has no item name)",
        "neither SKU 'Z' nor name 'Zest' is in Stock",
    ]
