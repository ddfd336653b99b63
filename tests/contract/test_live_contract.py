"""The SalesLog (with its buffer), ReceiptLog and Claims contracts, run against every
implementation: the in-memory fakes, SQLite and DynamoDB (moto)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sheets_bot.adapters.aws.dynamodb_live import DynamoClaims, DynamoReceiptLog, DynamoSalesLog
from sheets_bot.adapters.local.sqlite_live import SqliteClaims, SqliteReceiptLog, SqliteSalesLog
from sheets_bot.adapters.local.sqlite_store import SqliteStore
from sheets_bot.domain.history import Receipt, SaleEvent
from sheets_bot.ports import Claims, ReceiptLog, SalesLog
from sheets_bot.testing.memory_live import MemoryClaims, MemoryReceiptLog, MemorySalesLog
from tests.aws.moto_support import TABLES, aws_session, dynamodb_tables, one_request_at_a_time

from .store_fixtures import STORE_KINDS, T0, at, database_path


def _satisfies_the_ports(store: SqliteStore) -> None:
    """Never called: mypy checks that every implementation is structurally its port."""
    client = aws_session().client("dynamodb")
    _sales: list[SalesLog] = [
        MemorySalesLog(),
        SqliteSalesLog(store),
        DynamoSalesLog(client, TABLES.live),
    ]
    _receipts: list[ReceiptLog] = [
        MemoryReceiptLog(),
        SqliteReceiptLog(store),
        DynamoReceiptLog(client, TABLES.live),
    ]
    _claims: list[Claims] = [MemoryClaims(), SqliteClaims(store), DynamoClaims(client, TABLES.live)]


@dataclass(frozen=True)
class Live:
    sales: SalesLog
    receipts: ReceiptLog
    claims: Claims


@pytest.fixture(params=STORE_KINDS)
def live(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Live]:
    kind = request.param
    if kind == "memory":
        yield Live(MemorySalesLog(), MemoryReceiptLog(), MemoryClaims())
    elif kind == "sqlite":
        with SqliteStore(database_path(tmp_path)) as store:
            yield Live(SqliteSalesLog(store), SqliteReceiptLog(store), SqliteClaims(store))
    else:
        with dynamodb_tables() as client:
            yield Live(
                DynamoSalesLog(client, TABLES.live),
                DynamoReceiptLog(client, TABLES.live),
                DynamoClaims(client, TABLES.live),
            )


def sale(event_id: str, minutes: int, sku: str = "BEAN-1KG", quantity: float = 2) -> SaleEvent:
    return SaleEvent(event_id, "shopify", sku, quantity, at(minutes))


# --- SalesLog -------------------------------------------------------------------------------


def test_new_events_are_stored_and_returned(live: Live) -> None:
    events = [sale("a", 1), sale("b", 2, quantity=1.5)]

    assert live.sales.add(events) == events
    assert live.sales.since(T0) == events


def test_a_replayed_event_is_ignored(live: Live) -> None:
    live.sales.add([sale("a", 1)])

    assert live.sales.add([sale("a", 1), sale("b", 3)]) == [sale("b", 3)]
    assert [e.event_id for e in live.sales.since(T0)] == ["a", "b"]


def test_events_come_back_oldest_first_with_their_zone_and_kind(live: Live) -> None:
    refund = SaleEvent("r", "square", "MUG-CER", -1, at(5), "refund")
    level = SaleEvent("l", "square", "MUG-CER", 40, at(-5).astimezone(ZoneInfo("UTC")), "level")
    live.sales.add([refund, sale("s", 0), level])

    assert live.sales.since(at(-60)) == [level, sale("s", 0), refund]
    assert live.sales.since(at(0)) == [sale("s", 0), refund]
    assert live.sales.since(at(0))[1].at.utcoffset() == refund.at.utcoffset()


def test_unapplied_is_the_buffer_until_marked(live: Live) -> None:
    live.sales.add([sale("b", 2), sale("a", 1), sale("c", 3)])

    assert [e.event_id for e in live.sales.unapplied()] == ["a", "b", "c"]
    marked = live.sales.mark_applied([sale("a", 1), sale("b", 2)], at(10))

    assert [e.event_id for e in marked] == ["a", "b"]
    assert [e.event_id for e in live.sales.unapplied()] == ["c"]
    assert len(live.sales.since(T0)) == 3


def test_an_event_is_marked_applied_only_once(live: Live) -> None:
    live.sales.add([sale("a", 1)])
    assert live.sales.mark_applied([sale("a", 1)], at(10)) == [sale("a", 1)]

    assert live.sales.mark_applied([sale("a", 1)], at(11)) == []


def test_unmarked_events_return_to_the_buffer(live: Live) -> None:
    live.sales.add([sale("a", 1), sale("b", 2)])
    live.sales.mark_applied([sale("a", 1), sale("b", 2)], at(10))

    live.sales.unmark_applied([sale("b", 2)])

    assert live.sales.unapplied() == [sale("b", 2)]


def test_a_replay_of_an_applied_event_is_still_ignored(live: Live) -> None:
    live.sales.add([sale("a", 1)])
    live.sales.mark_applied([sale("a", 1)], at(10))

    assert live.sales.add([sale("a", 1)]) == []
    assert live.sales.unapplied() == []


def test_racing_pollers_mark_each_event_once(live: Live) -> None:
    events = [sale(f"e{n}", n) for n in range(20)]
    live.sales.add(events)
    won: list[list[SaleEvent]] = []
    barrier = threading.Barrier(4)

    def poller() -> None:
        barrier.wait(timeout=30)
        won.append(live.sales.mark_applied(events, at(30)))

    with one_request_at_a_time():
        threads = [threading.Thread(target=poller) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    assert sorted(e.event_id for batch in won for e in batch) == sorted(e.event_id for e in events)


def test_naive_times_are_refused(live: Live) -> None:
    naive = SaleEvent("n", "shopify", "X", 1, T0.replace(tzinfo=None))
    with pytest.raises(ValueError, match="timezone-aware"):
        live.sales.add([naive])


# --- ReceiptLog -----------------------------------------------------------------------------


def receipt(po: str, sku: str, received: float, days: int) -> Receipt:
    return Receipt(po, "Torrefação Lusa", sku, 24, received, T0, T0 + timedelta(days=days))


def test_receipts_come_back_oldest_first_with_lead_times(live: Live) -> None:
    late = receipt("PO-0001", "BEAN-1KG", 24, 9)
    early = receipt("PO-0002", "MUG-CER", 20, 4)
    live.receipts.record(late)
    live.receipts.record(early)

    assert live.receipts.receipts() == [early, late]
    assert live.receipts.receipts()[0].lead_days == 4


def test_the_same_po_and_sku_again_replaces_the_receipt(live: Live) -> None:
    live.receipts.record(receipt("PO-0001", "BEAN-1KG", 24, 9))
    live.receipts.record(receipt("PO-0001", "BEAN-1KG", 22, 10))

    assert live.receipts.receipts() == [receipt("PO-0001", "BEAN-1KG", 22, 10)]


def test_no_receipts_at_first(live: Live) -> None:
    assert live.receipts.receipts() == []


# --- Claims ----------------------------------------------------------------------------------


def test_a_mark_is_claimed_once_and_remembers_when(live: Live) -> None:
    assert live.claims.claimed_at("received:PO-0001:BEAN-1KG") is None
    assert live.claims.claim("received:PO-0001:BEAN-1KG", at(1)) is True

    assert live.claims.claim("received:PO-0001:BEAN-1KG", at(2)) is False
    assert live.claims.claimed_at("received:PO-0001:BEAN-1KG") == at(1)


def test_a_released_mark_can_be_claimed_again(live: Live) -> None:
    live.claims.claim("followup:PO-0001", at(1))
    live.claims.release("followup:PO-0001")

    assert live.claims.claimed_at("followup:PO-0001") is None
    assert live.claims.claim("followup:PO-0001", at(3)) is True


def test_exactly_one_of_racing_claims_wins(live: Live) -> None:
    results: list[bool] = []
    barrier = threading.Barrier(6)

    def claimer() -> None:
        barrier.wait(timeout=30)
        results.append(live.claims.claim("confirmed:PO-0009", at(5)))

    with one_request_at_a_time():
        threads = [threading.Thread(target=claimer) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    assert sorted(results) == [False] * 5 + [True]


def test_taken_events_are_unsettled_until_their_write_is_settled(live: Live) -> None:
    live.sales.add([sale("a", 1), sale("b", 2), sale("c", 3)])
    live.sales.mark_applied([sale("a", 1), sale("b", 2)], at(10))

    assert live.sales.unsettled(at(11)) == [sale("a", 1), sale("b", 2)]
    assert live.sales.unsettled(at(10)) == []

    live.sales.settle_applied([sale("a", 1)])

    assert live.sales.unsettled(at(11)) == [sale("b", 2)]
    assert live.sales.unapplied() == [sale("c", 3)]


def test_put_back_events_are_not_unsettled_and_settled_ones_stay_applied(live: Live) -> None:
    live.sales.add([sale("a", 1), sale("b", 2)])
    live.sales.mark_applied([sale("a", 1), sale("b", 2)], at(10))
    live.sales.settle_applied([sale("a", 1)])

    live.sales.unmark_applied([sale("a", 1), sale("b", 2)])

    assert live.sales.unsettled(at(60)) == []
    assert live.sales.unapplied() == [sale("b", 2)]


def test_hundreds_of_events_are_taken_and_settled_in_chunks(live: Live) -> None:
    events = [sale(f"e{n:04d}", n % 50) for n in range(250)]
    live.sales.add(events)
    live.sales.mark_applied(events[:10], at(60))

    taken = live.sales.mark_applied(events, at(61))

    assert len(taken) == 240
    live.sales.settle_applied(events)
    assert live.sales.unsettled(at(120)) == []
    assert live.sales.unapplied() == []


def test_racing_deliveries_of_one_webhook_store_it_once(live: Live) -> None:
    added: list[list[SaleEvent]] = []
    barrier = threading.Barrier(5)

    def webhook() -> None:
        barrier.wait(timeout=30)
        added.append(live.sales.add([sale("same", 1), sale("same-2", 1)]))

    with one_request_at_a_time():
        threads = [threading.Thread(target=webhook) for _ in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    assert sorted(e.event_id for batch in added for e in batch) == ["same", "same-2"]
