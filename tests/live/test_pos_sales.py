"""The poller applies the buffered POS events to Stock ``On hand``: once each, in one write,
newest count wins, unknown SKUs listed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sheets_bot.domain.history import SaleEvent
from sheets_bot.services import pos_sales
from sheets_bot.services.pos_sales import settle
from sheets_bot.services.shop import Run
from tests.live.live_shop import LiveShop

ESP = "COF-ESP-1K"
MILK = "DAI-MLK-4L"
T = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def shop() -> LiveShop:
    return LiveShop.checked()


def sale(n: int, sku: str = ESP, quantity: float = 1, minutes: int = 0) -> SaleEvent:
    return SaleEvent(f"s{n}", "shopify", sku, quantity, T + timedelta(minutes=minutes))


def level(n: int, quantity: float, minutes: int, sku: str = ESP) -> SaleEvent:
    return SaleEvent(f"l{n}", "square", sku, quantity, T + timedelta(minutes=minutes), "level")


def refund(n: int, quantity: float, minutes: int = 0, sku: str = ESP) -> SaleEvent:
    return SaleEvent(f"r{n}", "shopify", sku, -quantity, T + timedelta(minutes=minutes), "refund")


def test_sales_and_refunds_change_on_hand_in_one_write(shop: LiveShop) -> None:
    assert (shop.stock(ESP)["On hand"], shop.stock(MILK)["On hand"]) == (6, 5)
    shop.sales.add([sale(1, quantity=2), sale(2, MILK, 3), refund(3, 1), sale(4)])
    applies = shop.sheet.applies

    report = shop.poll()

    assert shop.sheet.applies - applies == 1
    assert (shop.stock(ESP)["On hand"], shop.stock(MILK)["On hand"]) == (4, 2)
    assert (report.live.pos_events, report.live.pos_items) == (4, 2)
    assert shop.sales.unapplied() == []
    entry = next(e for e in shop.store.audit.entries() if e.subject == ESP)
    assert (entry.action, entry.before) == ("pos applied", {"On hand": 6})
    assert entry.after is not None
    assert (entry.after["On hand"], entry.after["sale qty"], entry.after["refund qty"]) == (4, 3, 1)


def test_each_event_is_applied_once(shop: LiveShop) -> None:
    shop.sales.add([sale(1)])
    shop.poll()
    shop.sales.add([sale(1)])  # the POS retried

    shop.poll()
    shop.poll()

    assert shop.stock(ESP)["On hand"] == 5


def test_a_poll_with_an_empty_buffer_writes_nothing(shop: LiveShop) -> None:
    shop.sales.add([sale(1)])
    shop.poll()
    applies = shop.sheet.applies

    shop.poll()

    assert shop.sheet.applies == applies


def test_an_unknown_sku_is_listed_audited_and_kept(shop: LiveShop) -> None:
    shop.sales.add([sale(1, "GIFT-CARD", 1), sale(2, "GIFT-CARD", 2), sale(3)])

    report = shop.poll()

    assert report.live.unknown_skus == [
        "'GIFT-CARD' is not a SKU or POS id on the Stock tab: 2 POS event(s) from shopify kept,"
        " not applied"
    ]
    assert shop.stock(ESP)["On hand"] == 5
    assert [e.sku for e in shop.sales.since(T)].count("GIFT-CARD") == 2
    entry = next(e for e in shop.store.audit.entries() if e.action == "pos unknown sku")
    assert entry.subject == "GIFT-CARD"


def test_the_pos_id_column_maps_a_pos_item_to_a_sku(shop: LiveShop) -> None:
    row = shop.stock_row(ESP)
    shop.sheet.set_cell("Stock", row, "POS id", "271878346596884015")
    shop.sales.add([level(1, 40, 0, sku="271878346596884015")])

    shop.poll()

    assert shop.stock(ESP)["On hand"] == 40


def test_the_newest_count_wins_and_older_events_are_in_it(shop: LiveShop) -> None:
    shop.sales.add([level(2, 30, 10), sale(1, minutes=5), level(1, 50, 0), sale(3, minutes=15)])

    shop.poll()

    assert shop.stock(ESP)["On hand"] == 29


def test_a_count_older_than_one_applied_is_ignored(shop: LiveShop) -> None:
    shop.sales.add([level(2, 30, 10)])
    shop.poll()
    shop.sales.add([level(1, 50, 0), sale(1, minutes=5)])

    shop.poll()

    assert shop.stock(ESP)["On hand"] == 30


def test_a_late_count_takes_off_the_sales_after_it_again(shop: LiveShop) -> None:
    shop.sales.add([sale(1, minutes=20), sale(2, minutes=25)])
    shop.poll()
    assert shop.stock(ESP)["On hand"] == 4
    shop.sales.add([level(1, 12, 10)])

    shop.poll()

    assert shop.stock(ESP)["On hand"] == 10


def test_on_hand_never_goes_below_zero(shop: LiveShop) -> None:
    shop.sales.add([sale(1, quantity=10)])

    shop.poll()

    assert shop.stock(ESP)["On hand"] == 0
    entry = next(e for e in shop.store.audit.entries() if e.subject == ESP)
    assert entry.after is not None
    assert entry.after["note"] == "would be -4; set to 0 (the count looks off)"


def test_events_for_an_unreadable_on_hand_wait_for_the_owner(shop: LiveShop) -> None:
    row = shop.stock_row(ESP)
    shop.sheet.set_cell("Stock", row, "On hand", "ask Sam")
    shop.sales.add([sale(1)])

    report = shop.poll()

    assert report.live.problems[-1] == (
        "Stock row 2, column 'On hand': 'ask Sam' is not a number: 1 POS event(s) wait until"
        " it is a number"
    )
    assert len(shop.sales.unapplied()) == 1
    shop.sheet.set_cell("Stock", row, "On hand", 8)
    shop.poll()
    assert shop.stock(ESP)["On hand"] == 7


def test_a_failed_write_puts_the_events_back(shop: LiveShop) -> None:
    shop.sales.add([sale(1), sale(2)])
    original = shop.sheet.apply

    def failing(batch: object) -> None:
        raise TimeoutError("Google did not answer")

    shop.sheet.apply = failing  # type: ignore[method-assign]
    with pytest.raises(TimeoutError):
        shop.poll()
    shop.sheet.apply = original  # type: ignore[method-assign]
    assert len(shop.sales.unapplied()) == 2

    shop.poll()

    assert shop.stock(ESP)["On hand"] == 4


def test_settle_by_hand() -> None:
    assert settle(10, [sale(1), refund(2, 3)], []) == (12, 2)
    assert settle(10, [sale(1, minutes=5)], [level(1, 20, 10)]) == (10, 0)
    assert settle(10, [level(1, 20, 0)], [sale(2, minutes=5)]) == (19, 1)


def test_events_of_a_poll_that_stopped_mid_write_are_reported_once_never_applied_twice(
    shop: LiveShop, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop.sales.add([sale(1, quantity=2), sale(2, MILK)])
    with monkeypatch.context() as killed:
        # A process that is killed runs no handler: nothing is put back in the buffer.
        killed.setattr(Run, "rollback", lambda self: None)
        killed.setattr(shop.sheet, "apply", _timed_out)
        with pytest.raises(TimeoutError):
            shop.poll()

    shop.clock.advance(minutes=5)
    assert shop.poll().live.attention == []
    shop.clock.advance(minutes=15)
    report = shop.poll()
    shop.clock.advance(minutes=5)
    again = shop.poll()

    assert report.live.attention == [
        f"2 POS event(s) for {ESP}, {MILK} were taken by a poll that stopped before it wrote"
        " the sheet: On hand may be missing them; check those items"
    ]
    assert again.live.attention == []
    assert (shop.stock(ESP)["On hand"], shop.stock(MILK)["On hand"]) == (6, 5)
    assert [e.action for e in shop.store.audit.entries()].count("pos outcome unknown") == 1


def _timed_out(batch: object) -> None:
    raise TimeoutError("the Lambda ran out of time")


def test_a_backlog_bigger_than_a_poll_takes_is_drained_over_polls(
    shop: LiveShop, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pos_sales, "MAX_EVENTS_PER_POLL", 2)
    shop.sales.add([sale(n, minutes=n) for n in range(5)])

    counts = [shop.poll().live.pos_events for _ in range(4)]

    assert counts == [2, 2, 1, 0]
    assert shop.stock(ESP)["On hand"] == 1


def test_a_pos_id_cell_may_hold_several_ids(shop: LiveShop) -> None:
    row = shop.stock_row(ESP)
    shop.sheet.set_cell("Stock", row, "POS id", "642667041472713922, 271878346596884015")
    shop.sales.add([level(1, 40, 0, sku="271878346596884015"), sale(2, "642667041472713922")])
    shop.sales.add([SaleEvent("s3", "shopify", "642667041472713922", 1, T + timedelta(minutes=5))])

    shop.poll()

    assert shop.stock(ESP)["On hand"] == 39
