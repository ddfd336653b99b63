"""A short delivery keeps the rest on order as a backorder line (or cancels it, when the owner
says so); the lead time is learned from the first delivery, not the backorder's."""

from __future__ import annotations

import pytest

from sheets_bot.ports import Cell
from tests.live.live_shop import LiveShop

PO = "PO-0001"
ESP = "COF-ESP-1K"


@pytest.fixture
def shop() -> LiveShop:
    shop = LiveShop.with_sent_po()
    shop.clock.advance(days=3)
    shop.set_order(PO, ESP, status="received", received_qty=20, received_on="2026-11-25")
    return shop


def _lines(shop: LiveShop) -> list[tuple[int, dict[str, Cell]]]:
    return [(n, row) for n, row in shop.numbered("Orders") if row["SKU"] == ESP]


def test_the_missing_quantity_stays_on_order_as_a_backorder_line(shop: LiveShop) -> None:
    shop.poll()
    [(_, first), (_, backorder)] = _lines(shop)
    assert first["Status"] == "received"
    assert (backorder["PO"], backorder["Qty"], backorder["Status"]) == (PO, 4, "sent")
    assert backorder["Sent at"] == first["Sent at"]
    assert str(backorder["Note"]).startswith("backorder 1: 4 still to come (Orders row ")
    assert shop.stock(ESP)["On hand"] == 26
    assert shop.stock(ESP)["On order"] == 4  # 24 ordered − 20 received, still coming
    [receipt] = shop.receipts.receipts()
    assert (receipt.ordered, receipt.received) == (24, 20)


def test_receiving_the_backorder_adds_it_and_keeps_the_first_lead_time(shop: LiveShop) -> None:
    shop.poll()
    [_, (number, _)] = _lines(shop)
    shop.clock.advance(days=4)
    shop.sheet.set_cell("Orders", number, "Status", "received")

    report = shop.poll()

    assert shop.stock(ESP)["On hand"] == 30
    assert shop.stock(ESP)["On order"] == 0
    note = str(shop.rows("Orders")[number - 2]["Note"])
    assert note.startswith("received 4 of 4 on ")
    assert "a backorder: its delivery date does not count as a lead time" in note
    # Still the one receipt of the first delivery: the lead time learning reads that date.
    [receipt] = shop.receipts.receipts()
    assert receipt.lead_days == pytest.approx(2 + 2 / 24)
    assert any(line.startswith(f"{PO} {ESP}: received 4 of 4") for line in report.live.received)
    # Polled again: received once.
    shop.poll()
    assert shop.stock(ESP)["On hand"] == 30


def test_the_owner_cancels_the_backorder(shop: LiveShop) -> None:
    shop.poll()
    [_, (number, _)] = _lines(shop)
    shop.sheet.set_cell("Orders", number, "Status", "cancelled")
    shop.poll()
    assert shop.stock(ESP)["On order"] == 0
    assert shop.stock(ESP)["On hand"] == 26


def test_short_deliveries_cancel_in_settings_closes_the_rest(shop: LiveShop) -> None:
    grid = shop.sheet.grid("Settings")
    shop.sheet.set_grid("Settings", [*grid, ["Short deliveries", "cancel"]])
    shop.poll()
    assert len(_lines(shop)) == 1
    assert str(shop.order(PO, ESP)["Note"]).endswith(
        "the rest is cancelled (Settings: Short deliveries = cancel)"
    )
    assert shop.stock(ESP)["On order"] == 0
