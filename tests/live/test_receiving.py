"""Receiving against the Orders tab, through the poll, on the memory sheet."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from sheets_bot.services.poll import run_poll
from sheets_bot.services.receiving import written_day
from sheets_bot.testing.memory_sheet import MemorySheet
from tests.live.live_shop import LiveShop

PO = "PO-0001"
ESP = "COF-ESP-1K"
DEC = "COF-DEC-1K"


@pytest.fixture
def shop() -> LiveShop:
    return LiveShop.with_sent_po()


def _settings_row(shop: LiveShop, key: str) -> int:
    return next(n for n, row in shop.numbered("Settings") if row["Setting"] == key)


def test_a_full_delivery_adds_to_on_hand_records_the_lead_time_and_leaves_on_order(
    shop: LiveShop,
) -> None:
    assert shop.stock(ESP)["On hand"] == 6
    assert shop.stock(ESP)["On order"] == 24
    shop.clock.advance(days=9)
    shop.set_order(PO, ESP, status="received")

    report = shop.poll()

    assert shop.stock(ESP)["On hand"] == 30
    assert shop.stock(ESP)["On order"] == 0
    assert shop.stock(DEC)["On order"] == 2
    note = shop.order(PO, ESP)["Note"]
    assert note == "received 24 of 24 on 2026-12-02; On hand 6 -> 30"
    [receipt] = shop.receipts.receipts()
    assert (receipt.po, receipt.sku, receipt.supplier) == (PO, ESP, "Bean Brothers Roasters")
    assert (receipt.ordered, receipt.received) == (24, 24)
    assert receipt.lead_days == pytest.approx(9)
    assert report.live.received == [f"{PO} {ESP}: {note}"]
    assert not [line for line in report.live.attention if ESP in line]
    entry = next(e for e in shop.store.audit.entries() if e.action == "received")
    assert entry.subject == f"{PO} {ESP}"
    assert entry.before == {"on order": 24, "On hand": 6}
    assert entry.after is not None
    assert entry.after["On hand"] == 30
    assert entry.after["lead days"] == 9.0


def test_a_line_is_received_once_whatever_polls_follow(shop: LiveShop) -> None:
    shop.set_order(PO, ESP, status="received")
    shop.poll()
    writes = shop.sheet.applies

    for _ in range(3):
        shop.poll()

    assert shop.stock(ESP)["On hand"] == 30
    assert shop.sheet.applies == writes
    assert [e.action for e in shop.store.audit.entries()].count("received") == 1


def test_a_cleared_note_does_not_make_a_delivery_count_twice(shop: LiveShop) -> None:
    shop.set_order(PO, ESP, status="received")
    shop.poll()
    shop.set_order(PO, ESP, note="")

    report = shop.poll()

    assert shop.stock(ESP)["On hand"] == 30
    assert str(shop.order(PO, ESP)["Note"]).startswith("received earlier on 2026-11-23")
    assert "was not added to On hand again" in report.live.attention[0]


def test_short_and_over_deliveries_are_flagged(shop: LiveShop) -> None:
    shop.clock.advance(days=3)
    shop.set_order(PO, ESP, status="received", received_qty=20, received_on="2026-11-25")
    shop.set_order(PO, DEC, status="received", received_qty="3")

    report = shop.poll()

    assert shop.order(PO, ESP)["Note"] == (
        "received 20 of 24 on 2026-11-25; SHORT by 4; On hand 6 -> 26;"
        " 4 kept on order as backorder 1 (a new line below)"
    )
    assert shop.order(PO, DEC)["Note"] == "received 3 of 2 on 2026-11-26; OVER by 1; On hand 3 -> 6"
    assert shop.stock(ESP)["On hand"] == 26
    actions = {e.action for e in shop.store.audit.entries()}
    assert {"received short", "received over"} <= actions
    assert len(report.live.attention) == 2
    lead = {r.sku: r.lead_days for r in shop.receipts.receipts()}
    assert lead[ESP] == pytest.approx(2 + 2 / 24)  # sent 10:00 on the 23rd, noon on the 25th
    assert lead[DEC] == pytest.approx(3.0)


def test_with_receiving_updates_on_hand_off_only_the_receipt_is_kept(shop: LiveShop) -> None:
    shop.sheet.set_cell("Settings", _settings_row(shop, "Receiving updates on hand"), "Value", "no")
    shop.set_order(PO, ESP, status="received")

    shop.poll()

    assert shop.stock(ESP)["On hand"] == 6
    assert shop.stock(ESP)["On order"] == 0
    assert "On hand not changed" in str(shop.order(PO, ESP)["Note"])
    assert len(shop.receipts.receipts()) == 1


def test_cancelled_leaves_on_order_and_is_audited(shop: LiveShop) -> None:
    shop.set_order(PO, ESP, status="cancelled")

    report = shop.poll()

    assert shop.stock(ESP)["On order"] == 0
    assert shop.stock(ESP)["On hand"] == 6
    assert shop.order(PO, ESP)["Note"] == "cancelled; no longer on order"
    assert report.live.cancelled == [f"{PO} {ESP}"]
    assert [e.action for e in shop.store.audit.entries()].count("po line cancelled") == 1
    shop.poll()
    assert [e.action for e in shop.store.audit.entries()].count("po line cancelled") == 1


@pytest.mark.parametrize(
    ("column", "value", "says"),
    [
        ("received_qty", "twenty", "column 'Received qty': 'twenty' is not a number"),
        ("received_qty", -2, "column 'Received qty': '-2' is negative"),
        ("received_on", "last Tuesday", "'last Tuesday' is not a date like 2026-12-01"),
        ("received_on", "2026-12-25", "'2026-12-25' is in the future"),
        ("received_on", "2026-11-01", "'Received on' is before 'Sent at' 2026-11-23 10:00"),
    ],
)
def test_a_bad_cell_is_a_located_problem_and_nothing_changes(
    shop: LiveShop, column: str, value: str | int, says: str
) -> None:
    shop.set_order(PO, ESP, status="received", **{column: value})

    report = shop.poll()

    [problem] = report.live.problems
    assert problem.startswith(f"Orders row 2 ({PO} {ESP})")
    assert says in problem
    assert shop.stock(ESP)["On hand"] == 6
    assert shop.claims.claimed_at(f"received:{PO}:{ESP}") is None
    shop.set_order(PO, ESP, **{column: None})
    shop.poll()
    assert shop.stock(ESP)["On hand"] == 30


def test_a_failed_sheet_write_releases_the_line_for_the_next_poll(shop: LiveShop) -> None:
    shop.set_order(PO, ESP, status="received")
    original = shop.sheet.apply

    def failing(batch: object) -> None:
        raise ConnectionError("Google is down")

    shop.sheet.apply = failing  # type: ignore[method-assign]
    with pytest.raises(ConnectionError):
        shop.poll()
    shop.sheet.apply = original  # type: ignore[method-assign]

    assert shop.stock(ESP)["On hand"] == 6
    shop.poll()
    assert shop.stock(ESP)["On hand"] == 30


def test_two_pollers_at_once_add_a_delivery_once(shop: LiveShop) -> None:
    shop.set_order(PO, ESP, status="received")
    barrier = threading.Barrier(2)
    original_read = shop.sheet.read

    def read_together(*args: object, **kwargs: object) -> object:
        grids = original_read(*args, **kwargs)  # type: ignore[arg-type]
        barrier.wait(timeout=10)
        return grids

    shop.sheet.read = read_together  # type: ignore[assignment,method-assign]
    threads = [threading.Thread(target=run_poll, args=(shop.poll_ports,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert shop.stock(ESP)["On hand"] == 30
    assert [e.action for e in shop.store.audit.entries()].count("received") == 1


def test_a_poll_with_nothing_to_do_reads_once_and_writes_nothing(shop: LiveShop) -> None:
    shop.set_order(PO, ESP, status="received")
    shop.poll()
    sheet: MemorySheet = shop.sheet
    reads, applies = sheet.reads, sheet.applies

    shop.poll()

    assert (sheet.reads - reads, sheet.applies - applies) == (1, 0)


def test_received_on_as_a_sheet_serial_date(shop: LiveShop) -> None:
    serial = (datetime(2026, 11, 25, tzinfo=UTC).date() - datetime(1899, 12, 30).date()).days
    shop.clock.advance(days=5)
    shop.set_order(PO, ESP, status="received", received_on=serial)

    shop.poll()

    [receipt] = shop.receipts.receipts()
    assert receipt.received_at.date().isoformat() == "2026-11-25"
    assert receipt.lead_days == pytest.approx(2 + 2 / 24)  # 10:00 on the 23rd to noon


def test_a_receipt_is_not_written_for_a_row_whose_sku_is_not_in_stock(shop: LiveShop) -> None:
    row = shop.order_row(PO, ESP)
    shop.set_order(PO, ESP, status="received")
    shop.sheet.set_cell("Orders", row, "SKU", "GONE-1")

    report = shop.poll()

    assert "'GONE-1' is not a SKU or POS id on the Stock tab" in report.live.problems[0]
    assert shop.receipts.receipts() == []
    assert shop.stock(ESP)["On hand"] == 6


@pytest.mark.parametrize(
    ("text", "zone", "day"),
    [
        ("30/11/2026", "Europe/London", "2026-11-30"),
        ("11/30/2026", "Europe/London", "2026-11-30"),
        ("03/04/2026", "Europe/London", "2026-04-03"),
        ("03/04/2026", "America/New_York", "2026-03-04"),
        ("30.11.2026", "Europe/Berlin", "2026-11-30"),
        ("30 Nov 2026", "Europe/London", "2026-11-30"),
        ("November 30, 2026", "America/Chicago", "2026-11-30"),
    ],
)
def test_dates_as_a_spreadsheet_shows_them(text: str, zone: str, day: str) -> None:
    found = written_day(text, ZoneInfo(zone))

    assert found is not None
    assert found.isoformat() == day


@pytest.mark.parametrize("text", ["31/02/2026", "1/2/26", "soon", "12/2026"])
def test_text_that_is_not_a_date(text: str) -> None:
    assert written_day(text, ZoneInfo("Europe/London")) is None


def test_an_orders_tab_without_its_note_column_waits_for_init(shop: LiveShop) -> None:
    grid = shop.sheet.grid("Orders")
    note = grid[0].index("Note")
    shop.sheet.set_grid("Orders", [row[:note] + row[note + 1 :] for row in grid])
    shop.set_order(PO, ESP, status="received")

    report = shop.poll()

    assert report.live.problems == [
        "tab 'Orders' has no column 'Note', where the bot notes each line it received: run"
        " `sheets-bot init` to add it; the 1 line(s) marked received or cancelled wait until then"
    ]
    assert shop.stock(ESP)["On hand"] == 6
    assert shop.claims.claimed_at(f"received:{PO}:{ESP}") is None
