"""The daily check as a use case, on the sample café, through in-memory adapters."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from sheets_bot.domain.models import PoFormat
from sheets_bot.domain.purchase_order import ApprovedOrder, OrderLine
from sheets_bot.errors import SheetLayoutError
from tests.services.harness import MONDAY_10AM, Shop


@pytest.fixture
def shop() -> Shop:
    return Shop.sample()


def test_check_classifies_every_item_and_drafts_one_po_per_supplier(shop: Shop) -> None:
    report = shop.check()
    assert len(report.items) == 40
    # Leaf & Co takes orders Mon and Thu: its items' reorder points cover the 3 days to the
    # next chance to order (2 more than a supplier of every day), so the gift tin is due too.
    assert (report.count("urgent"), report.count("reorder"), report.count("watch")) == (8, 6, 9)
    assert report.count("stocked") == 14
    assert report.lines_added == 15  # with the PackRight top-up to its minimum order value
    drafts = {str(row["Draft"]): row["Supplier"] for row in shop.rows("Drafts")}
    assert sorted(drafts) == ["D-0001", "D-0002", "D-0003", "D-0004", "D-0005"]
    assert len(set(drafts.values())) == 5
    espresso = shop.stock("COF-ESP-1K")
    assert espresso["Move"] == "urgent"
    assert espresso["Reorder point"] == 16.5
    assert espresso["Days left"] == 2.4
    assert espresso["On order"] == 0
    line = next(row for row in shop.rows("Drafts") if row["SKU"] == "COF-ESP-1K")
    assert line["Suggested qty"] == line["Order qty"] == 24  # 23 rounded up to packs of 6
    assert line["Line total"] == 444
    assert line["Send to"] == "orders@beanbrothers.example"
    assert line["Decision"] is None
    assert "runs out before a new order can arrive" in str(line["Why"])


def test_bad_rows_get_a_located_problem_and_no_draft(shop: Shop) -> None:
    report = shop.check()
    cutlery = shop.stock("PAK-CUT-1")
    assert cutlery["Problem"] == "Stock row 29, column I 'Daily sales': 'ask Sam' is not a number"
    assert cutlery["Move"] == "problem"  # coloured in the sheet, so the row is seen
    honey = shop.stock("RET-HON-340")
    assert "'Local Honey Farm' is not on the Suppliers tab" in str(honey["Problem"])
    drafted = {row["SKU"] for row in shop.rows("Drafts")}
    assert {"PAK-CUT-1", "RET-HON-340", "COF-CB-1L", "BAK-SDL-1"}.isdisjoint(drafted)
    assert len(report.problems) == 2
    assert shop.stock("COF-CB-1L")["Move"] == "discontinued"


def test_a_second_check_changes_nothing(shop: Shop) -> None:
    shop.check()
    before = {tab: shop.sheet.grid(tab) for tab in ("Stock", "Drafts", "Audit")}
    applies = shop.sheet.applies
    report = shop.check()
    assert report.lines_added == report.lines_refreshed == report.lines_removed == 0
    assert shop.sheet.applies == applies  # nothing to write: no write at all
    assert {tab: shop.sheet.grid(tab) for tab in before} == before


def test_every_change_is_audited_and_mirrored_to_the_audit_tab(shop: Shop) -> None:
    shop.check()
    entries = shop.store.audit.entries()
    assert [entry.action for entry in entries] == ["draft created"] * 5
    audit_rows = shop.rows("Audit")
    assert len(audit_rows) == 5
    assert audit_rows[0]["Who"] == "sheets-bot"
    assert audit_rows[0]["Subject"] == "D-0001 Bean Brothers Roasters"
    assert audit_rows[0]["After"] == "lines COF-ESP-1K: 24\nlines COF-DEC-1K: 2"
    assert shop.store.audit.unmirrored() == []


def test_the_audit_tab_reads_one_change_per_line(shop: Shop) -> None:
    shop.check()
    shop.sheet.set_cell("Stock", shop.stock_row("COF-ETH-1K"), "On hand", 1)
    shop.check()
    [moved] = [row for row in shop.rows("Audit") if row["Action"] == "move changed"]
    assert moved["Before"] == "move: watch"
    assert moved["After"] == "move: watch → urgent"
    assert "{" not in "".join(str(row["After"]) + str(row["Before"]) for row in shop.rows("Audit"))


def test_a_pending_line_is_refreshed_in_place_keeping_the_owners_quantity(shop: Shop) -> None:
    shop.check()
    draft = shop.draft_of("Bean Brothers Roasters")
    shop.set_line(draft, "COF-ESP-1K", "Order qty", 60)
    shop.set_line(draft, "COF-DEC-1K", "Note", "ring the bell")
    shop.sheet.set_cell("Stock", shop.stock_row("COF-ESP-1K"), "On hand", 1)
    shop.sheet.set_cell("Stock", shop.stock_row("COF-DEC-1K"), "On hand", 0)
    report = shop.check()
    assert report.lines_added == 0
    assert report.drafts_created == {}
    lines = {row["SKU"]: row for row in shop.draft_lines(draft)}
    assert lines["COF-ESP-1K"]["Suggested qty"] == 30
    assert lines["COF-ESP-1K"]["Order qty"] == 60
    assert lines["COF-ESP-1K"]["Line total"] == 1110
    assert lines["COF-ESP-1K"]["On hand"] == 1
    assert lines["COF-DEC-1K"]["Order qty"] == 5  # the bot's own quantity follows the stock
    assert lines["COF-DEC-1K"]["Note"] == "ring the bell"
    assert len(shop.rows("Drafts")) == 15


def test_a_draft_with_a_decision_is_left_alone(shop: Shop) -> None:
    shop.check()
    draft = shop.draft_of("Bean Brothers Roasters")
    shop.decide(draft, "edit", "")
    before = shop.draft_lines(draft)
    shop.sheet.set_cell("Stock", shop.stock_row("COF-ESP-1K"), "On hand", 0)
    shop.sheet.set_cell("Stock", shop.stock_row("COF-ETH-1K"), "On hand", 0)
    report = shop.check()
    assert shop.draft_lines(draft) == before
    new_lines = [row for row in shop.rows("Drafts") if row["Draft"] not in (draft,)]
    assert "COF-ESP-1K" not in {row["SKU"] for row in new_lines}
    assert list(report.drafts_created.values()) == ["Bean Brothers Roasters"]
    ethiopia = [row for row in shop.rows("Drafts") if row["SKU"] == "COF-ETH-1K"]
    assert len(ethiopia) == 1
    assert ethiopia[0]["Draft"] != draft


def test_a_pending_line_no_longer_due_is_removed(shop: Shop) -> None:
    shop.check()
    shop.sheet.set_cell("Stock", shop.stock_row("COF-DEC-1K"), "On hand", 50)
    report = shop.check()
    assert report.lines_removed == 1
    assert "COF-DEC-1K" not in {row["SKU"] for row in shop.rows("Drafts")}
    assert shop.store.audit.entries()[-1].action in ("draft line removed", "move changed")
    assert any(entry.action == "draft line removed" for entry in shop.store.audit.entries())


def test_a_value_the_owner_typed_in_a_bot_column_is_kept(shop: Shop) -> None:
    shop.check()
    row = shop.stock_row("COF-ETH-1K")
    shop.sheet.set_cell("Stock", row, "Move", "ask Marco")
    report = shop.check()
    assert shop.stock("COF-ETH-1K")["Move"] == "ask Marco"
    assert report.kept_owner_values == [
        f"Stock row {row}, column 'Move': kept your 'ask Marco' (clear the cell to let the bot"
        " fill it again)"
    ]
    shop.sheet.set_cell("Stock", row, "Move", None)
    shop.check()
    assert shop.stock("COF-ETH-1K")["Move"] == "watch"


def test_rows_are_found_by_sku_after_the_owner_sorts(shop: Shop) -> None:
    shop.check()
    grid = shop.sheet.grid("Stock")
    shop.sheet.set_grid("Stock", [grid[0], *reversed(grid[1:])])
    shop.sheet.set_cell("Stock", shop.stock_row("COF-ESP-1K"), "On hand", 100)
    shop.check()
    assert shop.stock("COF-ESP-1K")["Move"] == "stocked"
    assert shop.stock("DAI-MLK-4L")["Move"] == "urgent"


def test_on_order_from_open_orders_is_netted_out(shop: Shop) -> None:
    shop.sheet.set_grid(
        "Orders",
        [
            shop.sheet.grid("Orders")[0],
            [
                "PO-0100",
                "Dairy Fresh Co",
                "DAI-MLK-4L",
                "Whole milk 4L",
                30,
                3.1,
                "2026-11-22",
                "sent",
            ],
            [
                "PO-0099",
                "Dairy Fresh Co",
                "DAI-OAT-1L",
                "Oat milk 1L",
                30,
                1.65,
                "2026-11-01",
                "received",
            ],
        ],
    )
    shop.check()
    assert shop.stock("DAI-MLK-4L")["On order"] == 30
    assert shop.stock("DAI-MLK-4L")["Move"] == "watch"  # 35 − 7 days × 6 ≤ 16
    assert shop.stock("DAI-OAT-1L")["On order"] == 0


def _sent_order(shop: Shop, sku: str, quantity: int) -> None:
    """A PO with one line of ``sku`` the poll sent (the ledger's order history)."""
    order = ApprovedOrder(
        draft_id="D-0900",
        po_number="PO-0900",
        supplier="Dairy Fresh Co",
        send_to="orders@dairyfresh.example",
        po_format=PoFormat.CSV,
        lines=(OrderLine(sku, "Oat milk barista 1L", quantity, Decimal("1.95")),),
    )
    ledger = shop.store.ledger
    ledger.record_approval(order, MONDAY_10AM - timedelta(days=7))
    assert ledger.claim("D-0900", MONDAY_10AM - timedelta(days=7))
    ledger.finish("D-0900", "sent", "<po-0900@mail.example>", MONDAY_10AM - timedelta(days=7))


def test_a_past_order_is_the_usual_order_of_its_sku_typed_in_another_case(shop: Shop) -> None:
    # The oat milk barista with a Safety buffer of 70 needs 90 (test_partly_decided.py); its
    # one past order, 30, went out under the SKU in capitals, and the owner has since retyped
    # the SKU in lower case: the order is still its usual order, as on order ignores case.
    row = shop.stock_row("DAI-OATB-1L")
    shop.sheet.set_cell("Stock", row, "Safety buffer", 70)
    shop.sheet.set_cell("Stock", row, "SKU", "dai-oatb-1l")
    _sent_order(shop, "DAI-OATB-1L", 30)
    shop.check()
    [line] = [line for line in shop.rows("Drafts") if line["SKU"] == "dai-oatb-1l"]
    assert line["Status"] == (
        "CHECK QTY: needs 90, 3× the usual order (median past order 30); over the 2× check"
    )


@pytest.mark.parametrize(("tab", "header"), [("Stock", "On hand"), ("Drafts", "Decision")])
def test_a_renamed_header_stops_the_run_naming_tab_and_header(
    shop: Shop, tab: str, header: str
) -> None:
    grid = shop.sheet.grid(tab)
    grid[0] = ["Count" if cell == header else cell for cell in grid[0]]
    shop.sheet.set_grid(tab, grid)
    with pytest.raises(SheetLayoutError, match=f"tab '{tab}' has no column '{header}'"):
        shop.check()
    assert shop.sheet.applies == 0
