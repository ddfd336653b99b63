"""The Ledger contract, run against every implementation: the in-memory fake, SQLite and
DynamoDB (moto).

The at-most-once invariant lives here: whatever the interleaving, one claim wins.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from sheets_bot.adapters.aws.dynamodb_ledger import DynamoLedger
from sheets_bot.adapters.local.sqlite_store import SCHEMA_VERSION, SqliteLedger, SqliteStore
from sheets_bot.domain.purchase_order import PoRecord, PoState
from sheets_bot.errors import BotError
from sheets_bot.ports import Ledger
from sheets_bot.testing.memory_store import MemoryLedger
from tests.aws.moto_support import TABLES, aws_session, dynamodb_tables, one_request_at_a_time

from .store_fixtures import (
    STORE_KINDS,
    at,
    database_path,
    make_order,
    open_stores,
    race_in_process,
)


def _satisfies_the_port(store: SqliteStore) -> None:
    """Never called: mypy checks that every implementation is structurally a Ledger."""
    _sqlite: Ledger = SqliteLedger(store)
    _memory: Ledger = MemoryLedger()
    _dynamodb: Ledger = DynamoLedger(aws_session().client("dynamodb"), TABLES.ledger)


@pytest.fixture(params=STORE_KINDS)
def ledger(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Ledger]:
    with open_stores(request.param, tmp_path) as stores:
        yield stores.ledger


def _sent(
    ledger: Ledger, draft_id: str, po_number: str, quantities: tuple[int, int, int], minute: int
) -> None:
    ledger.record_approval(make_order(draft_id, po_number, quantities=quantities), at(minute))
    assert ledger.claim(draft_id, at(minute + 1))
    ledger.finish(draft_id, "sent", f"<{po_number}@mail.example>", at(minute + 2))


def _unknown(ledger: Ledger) -> None:
    ledger.record_approval(make_order(), at(0))
    assert ledger.claim("D-0001", at(1))
    ledger.finish("D-0001", "unknown", "SMTP connection dropped after DATA", at(2))


def test_a_recorded_approval_can_be_read_back(ledger: Ledger) -> None:
    order = make_order(not_before=at(600))

    record = ledger.record_approval(order, at(0))

    assert record == PoRecord(order, PoState.APPROVED, approved_at=at(0), updated_at=at(0))
    assert ledger.get("D-0001") == record
    assert record.order.not_before == at(600)
    assert record.po_number == "PO-0001"


def test_get_of_an_unknown_draft_is_none(ledger: Ledger) -> None:
    assert ledger.get("D-9999") is None


def test_recording_the_same_content_twice_keeps_one_record(ledger: Ledger) -> None:
    first = ledger.record_approval(make_order(), at(0))

    again = ledger.record_approval(make_order(), at(5))

    assert again == first
    assert again.approved_at == at(0)
    assert ledger.unfinished() == [first]


def test_new_content_before_the_claim_replaces_the_approval(ledger: Ledger) -> None:
    ledger.record_approval(make_order(), at(0))
    changed = make_order(quantities=(30, 12, 6), note="", not_before=at(120))

    record = ledger.record_approval(changed, at(5))

    assert record.order == changed
    assert record.state is PoState.APPROVED
    assert record.approved_at == at(5)
    assert ledger.get("D-0001") == record
    assert ledger.unfinished() == [record]


def test_only_the_first_claim_wins(ledger: Ledger) -> None:
    ledger.record_approval(make_order(), at(0))

    assert ledger.claim("D-0001", at(1)) is True
    assert ledger.claim("D-0001", at(2)) is False
    record = ledger.get("D-0001")
    assert record is not None
    assert record.state is PoState.SENDING
    assert record.updated_at == at(1)


def test_a_draft_that_was_never_approved_can_not_be_claimed(ledger: Ledger) -> None:
    assert ledger.claim("D-0404", at(0)) is False
    assert ledger.get("D-0404") is None


def test_new_content_after_the_claim_changes_nothing(ledger: Ledger) -> None:
    ledger.record_approval(make_order(), at(0))
    ledger.claim("D-0001", at(1))

    record = ledger.record_approval(make_order(quantities=(1, 1, 1)), at(2))

    assert record.state is PoState.SENDING
    assert record.order == make_order()


def test_finish_sent_closes_the_record(ledger: Ledger) -> None:
    ledger.record_approval(make_order(), at(0))
    ledger.claim("D-0001", at(1))

    ledger.finish("D-0001", "sent", "<msg-1@mail.example>", at(2))

    record = ledger.get("D-0001")
    assert record is not None
    assert (record.state, record.detail, record.updated_at) == (
        PoState.SENT,
        "<msg-1@mail.example>",
        at(2),
    )
    assert record.approved_at == at(0)
    assert ledger.unfinished() == []


def test_finish_accepts_the_enum_as_well_as_its_text(ledger: Ledger) -> None:
    ledger.record_approval(make_order(), at(0))
    ledger.claim("D-0001", at(1))

    ledger.finish("D-0001", PoState.FAILED, "550 mailbox unavailable", at(2))

    record = ledger.get("D-0001")
    assert record is not None
    assert record.state is PoState.FAILED


def test_finish_of_an_approval_that_was_not_claimed_raises(ledger: Ledger) -> None:
    ledger.record_approval(make_order(), at(0))

    with pytest.raises(ValueError, match=r"PO-0001.*approved, not sending"):
        ledger.finish("D-0001", "sent", "<msg-1@mail.example>", at(1))

    record = ledger.get("D-0001")
    assert record is not None
    assert record.state is PoState.APPROVED


def test_finish_twice_raises(ledger: Ledger) -> None:
    ledger.record_approval(make_order(), at(0))
    ledger.claim("D-0001", at(1))
    ledger.finish("D-0001", "sent", "<msg-1@mail.example>", at(2))

    with pytest.raises(ValueError, match="sent, not sending"):
        ledger.finish("D-0001", "failed", "too late", at(3))


@pytest.mark.parametrize("state", ["approved", "sending", "resent"])
def test_finish_only_to_a_final_state(ledger: Ledger, state: str) -> None:
    ledger.record_approval(make_order(), at(0))
    ledger.claim("D-0001", at(1))

    with pytest.raises(ValueError, match="sent, failed or unknown"):
        ledger.finish("D-0001", state, "", at(2))


def test_finish_of_a_missing_draft_raises_key_error(ledger: Ledger) -> None:
    with pytest.raises(KeyError, match="D-0404"):
        ledger.finish("D-0404", "sent", "", at(0))


def test_new_content_after_sent_changes_nothing(ledger: Ledger) -> None:
    _sent(ledger, "D-0001", "PO-0001", (24, 12, 6), minute=0)

    record = ledger.record_approval(make_order(quantities=(48, 12, 6)), at(10))

    assert record.state is PoState.SENT
    assert record.order == make_order(quantities=(24, 12, 6))
    assert ledger.claim("D-0001", at(11)) is False


def test_a_failed_send_stays_failed_for_the_same_content(ledger: Ledger) -> None:
    ledger.record_approval(make_order(), at(0))
    ledger.claim("D-0001", at(1))
    ledger.finish("D-0001", "failed", "550 mailbox unavailable", at(2))

    record = ledger.record_approval(make_order(), at(3))

    assert record.state is PoState.FAILED
    assert record.detail == "550 mailbox unavailable"
    assert ledger.claim("D-0001", at(4)) is False


def test_new_content_re_opens_a_failed_send(ledger: Ledger) -> None:
    ledger.record_approval(make_order(), at(0))
    ledger.claim("D-0001", at(1))
    ledger.finish("D-0001", "failed", "550 mailbox unavailable", at(2))
    fixed = make_order(quantities=(24, 12, 12))

    record = ledger.record_approval(fixed, at(10))

    assert (record.state, record.order, record.detail) == (PoState.APPROVED, fixed, "")
    assert record.approved_at == at(10)
    assert ledger.claim("D-0001", at(11)) is True


def test_an_unknown_send_is_not_re_opened_by_new_content(ledger: Ledger) -> None:
    _unknown(ledger)

    record = ledger.record_approval(make_order(quantities=(1, 2, 3)), at(3))

    assert record.state is PoState.UNKNOWN
    assert record.order == make_order()
    assert ledger.claim("D-0001", at(4)) is False


def test_resolving_an_unknown_send_as_sent_closes_it(ledger: Ledger) -> None:
    _unknown(ledger)

    record = ledger.resolve("PO-0001", "sent", at(30))

    assert (record.state, record.updated_at) == (PoState.SENT, at(30))
    assert ledger.get("D-0001") == record
    assert ledger.unfinished() == []
    assert ledger.order_history() == {"BEAN-1KG": [24], "FILT-100": [12], "MUG-CER": [6]}


def test_resolving_an_unknown_send_as_approved_lets_it_be_claimed_again(ledger: Ledger) -> None:
    _unknown(ledger)

    record = ledger.resolve("PO-0001", "approved", at(30))

    assert record.state is PoState.APPROVED
    assert ledger.order_history() == {}
    assert ledger.claim("D-0001", at(31)) is True
    ledger.finish("D-0001", "sent", "<msg-2@mail.example>", at(32))
    again = ledger.get("D-0001")
    assert again is not None
    assert again.state is PoState.SENT


@pytest.mark.parametrize("reached", ["approved", "sending", "sent", "failed"])
def test_only_an_unknown_send_can_be_resolved(ledger: Ledger, reached: str) -> None:
    ledger.record_approval(make_order(), at(0))
    if reached != "approved":
        ledger.claim("D-0001", at(1))
    if reached in ("sent", "failed"):
        ledger.finish("D-0001", reached, "", at(2))

    with pytest.raises(ValueError, match=f"PO-0001 is {reached}, not unknown"):
        ledger.resolve("PO-0001", "sent", at(3))

    record = ledger.get("D-0001")
    assert record is not None
    assert record.state == reached


@pytest.mark.parametrize("state", ["failed", "unknown", "sending"])
def test_an_unknown_send_resolves_only_to_sent_or_approved(ledger: Ledger, state: str) -> None:
    _unknown(ledger)

    with pytest.raises(ValueError, match="PO-0001"):
        ledger.resolve("PO-0001", state, at(30))


def test_resolving_a_po_that_does_not_exist_raises_key_error(ledger: Ledger) -> None:
    with pytest.raises(KeyError, match="PO-0404"):
        ledger.resolve("PO-0404", "sent", at(0))


def test_unfinished_lists_what_is_not_sent_yet_in_approval_order(ledger: Ledger) -> None:
    ledger.record_approval(make_order("D-0001", "PO-0001"), at(0))
    ledger.record_approval(make_order("D-0002", "PO-0002"), at(1))
    ledger.claim("D-0002", at(2))
    ledger.record_approval(make_order("D-0003", "PO-0003"), at(3))
    ledger.claim("D-0003", at(4))
    ledger.finish("D-0003", "failed", "550 mailbox unavailable", at(5))
    ledger.record_approval(make_order("D-0004", "PO-0004"), at(6))
    ledger.claim("D-0004", at(7))
    ledger.finish("D-0004", "unknown", "timeout", at(8))
    _sent(ledger, "D-0005", "PO-0005", (1, 1, 1), minute=9)

    unfinished = ledger.unfinished()

    assert [(r.draft_id, r.state) for r in unfinished] == [
        ("D-0001", PoState.APPROVED),
        ("D-0002", PoState.SENDING),
        ("D-0003", PoState.FAILED),
        ("D-0004", PoState.UNKNOWN),
    ]


def test_order_history_counts_only_sent_orders_oldest_first(ledger: Ledger) -> None:
    _sent(ledger, "D-0001", "PO-0001", (24, 12, 6), minute=0)
    ledger.record_approval(make_order("D-0002", "PO-0002", quantities=(99, 99, 99)), at(10))
    ledger.record_approval(make_order("D-0003", "PO-0003", quantities=(98, 98, 98)), at(11))
    ledger.claim("D-0003", at(12))
    ledger.record_approval(make_order("D-0004", "PO-0004", quantities=(97, 97, 97)), at(13))
    ledger.claim("D-0004", at(14))
    ledger.finish("D-0004", "failed", "550", at(15))
    _sent(ledger, "D-0005", "PO-0005", (30, 10, 4), minute=20)
    _sent(ledger, "D-0006", "PO-0006", (36, 8, 2), minute=30)

    assert ledger.order_history() == {
        "BEAN-1KG": [24, 30, 36],
        "FILT-100": [12, 10, 8],
        "MUG-CER": [6, 4, 2],
    }


def test_order_history_is_empty_at_first(ledger: Ledger) -> None:
    assert ledger.order_history() == {}


def test_next_number_counts_from_one_per_series(ledger: Ledger) -> None:
    drafts = [ledger.next_number("draft") for _ in range(3)]
    pos = [ledger.next_number("po") for _ in range(2)]

    assert drafts == [1, 2, 3]
    assert pos == [1, 2]
    assert ledger.next_number("draft") == 4


def test_po_numbers_are_given_at_send_in_send_order_once_each(ledger: Ledger) -> None:
    for draft in ("D-0001", "D-0002", "D-0003"):
        ledger.record_approval(make_order(draft, ""), at(0))
    assert ledger.get("D-0002") is not None and ledger.get("D-0002").po_number == ""  # type: ignore[union-attr]
    # Sent in the order 3, 1; draft 2 is never sent and takes no number.
    for draft in ("D-0003", "D-0001"):
        assert ledger.claim(draft, at(1))
        record = ledger.assign_po_number(draft, "CAFE-")
        assert ledger.assign_po_number(draft, "CAFE-") == record  # asked again: the same
        ledger.finish(draft, "sent", "<id@mail.example>", at(2))
    numbers = {d: r.po_number for d in ("D-0001", "D-0002", "D-0003") if (r := ledger.get(d))}
    assert numbers == {"D-0001": "CAFE-0002", "D-0002": "", "D-0003": "CAFE-0001"}
    # The number is part of the stored order: an unknown send resolves by it.
    ledger.record_approval(make_order("D-0004", ""), at(3))
    assert ledger.claim("D-0004", at(4))
    assert ledger.assign_po_number("D-0004", "CAFE-").po_number == "CAFE-0003"
    ledger.finish("D-0004", "unknown", "dropped", at(5))
    assert ledger.resolve("CAFE-0003", "sent", at(6)).draft_id == "D-0004"
    with pytest.raises(KeyError):
        ledger.assign_po_number("D-0099", "CAFE-")


def test_naive_times_are_refused(ledger: Ledger) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        ledger.record_approval(make_order(), datetime(2025, 3, 14, 9, 30))
    assert ledger.get("D-0001") is None


def test_racing_threads_claim_once_memory() -> None:
    ledger = MemoryLedger()
    barrier = threading.Barrier(8)
    wins: list[bool] = []
    numbers: list[int] = []
    lock = threading.Lock()

    def poller() -> None:
        barrier.wait(timeout=30)
        ledger.record_approval(make_order(), at(1))
        won = ledger.claim("D-0001", at(2))
        number = ledger.next_number("draft")
        with lock:
            wins.append(won)
            numbers.append(number)

    threads = [threading.Thread(target=poller) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(wins) == [False] * 7 + [True]
    assert sorted(numbers) == list(range(1, 9))


def test_racing_threads_each_with_a_connection_claim_once_sqlite(tmp_path: Path) -> None:
    path = database_path(tmp_path)
    SqliteStore(path).close()
    barrier = threading.Barrier(8)
    wins: list[bool] = []
    lock = threading.Lock()

    def poller() -> None:
        with SqliteStore(path) as store:
            barrier.wait(timeout=30)
            store.ledger.record_approval(make_order(), at(1))
            won = store.ledger.claim("D-0001", at(2))
        with lock:
            wins.append(won)

    threads = [threading.Thread(target=poller) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(wins) == [False] * 7 + [True]


def test_racing_threads_each_with_a_client_claim_once_dynamodb() -> None:
    """Eight pollers, as eight Lambdas would be: each with its own session and client."""
    barrier = threading.Barrier(8)
    outcomes: list[tuple[bool, int]] = []
    lock = threading.Lock()

    def poller() -> None:
        ledger = DynamoLedger(aws_session().client("dynamodb"), TABLES.ledger)
        barrier.wait(timeout=30)
        ledger.record_approval(make_order(), at(1))
        won = ledger.claim("D-0001", at(2))
        number = ledger.next_number("draft")
        with lock:
            outcomes.append((won, number))

    with dynamodb_tables() as client, one_request_at_a_time():
        threads = [threading.Thread(target=poller) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        ledger = DynamoLedger(client, TABLES.ledger)
        record = ledger.get("D-0001")
        unfinished = ledger.unfinished()

    assert sorted(won for won, _ in outcomes) == [False] * 7 + [True]
    assert sorted(number for _, number in outcomes) == list(range(1, 9))
    assert record is not None
    assert record.state is PoState.SENDING
    assert len(unfinished) == 1


def test_racing_threads_number_pos_without_gaps_or_repeats_dynamodb() -> None:
    """Eight pollers numbering four drafts, two each, at once: four numbers, none skipped."""
    barrier = threading.Barrier(8)
    given: list[tuple[str, str]] = []
    lock = threading.Lock()
    with dynamodb_tables() as client, one_request_at_a_time():
        ledger = DynamoLedger(client, TABLES.ledger)
        for n in range(1, 5):
            ledger.record_approval(make_order(f"D-000{n}", ""), at(1))

        def poller(draft: str) -> None:
            mine = DynamoLedger(aws_session().client("dynamodb"), TABLES.ledger)
            barrier.wait(timeout=30)
            record = mine.assign_po_number(draft, "PO-")
            with lock:
                given.append((draft, record.po_number))

        threads = [threading.Thread(target=poller, args=(f"D-000{n}",)) for n in (1, 2, 3, 4) * 2]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        stored = {n: ledger.get(f"D-000{n}") for n in range(1, 5)}

    by_draft: dict[str, set[str]] = {}
    for draft, number in given:
        by_draft.setdefault(draft, set()).add(number)
    assert all(len(numbers) == 1 for numbers in by_draft.values())
    assert sorted(n for numbers in by_draft.values() for n in numbers) == [
        "PO-0001",
        "PO-0002",
        "PO-0003",
        "PO-0004",
    ]
    assert {r.po_number for r in stored.values() if r} == {
        "PO-0001",
        "PO-0002",
        "PO-0003",
        "PO-0004",
    }


def test_racing_processes_claim_once_sqlite(tmp_path: Path) -> None:
    path = database_path(tmp_path)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    results = context.Queue()
    workers = [
        context.Process(target=race_in_process, args=(str(path), barrier, results))
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)

    assert [worker.exitcode for worker in workers] == [0, 0]
    assert sorted(won for won, _ in outcomes) == [False, True]
    assert sorted(number for _, number in outcomes) == [1, 2]
    with SqliteStore(path) as store:
        record = store.ledger.get("D-0001")
        assert record is not None
        assert record.state is PoState.SENDING
        assert len(store.ledger.unfinished()) == 1


def test_a_record_survives_closing_and_reopening_sqlite(tmp_path: Path) -> None:
    path = database_path(tmp_path)
    with SqliteStore(path) as store:
        store.ledger.record_approval(make_order(), at(0))
        store.ledger.claim("D-0001", at(1))
        store.ledger.finish("D-0001", "sent", "<msg-1@mail.example>", at(2))
        store.ledger.next_number("draft")
        before = store.ledger.get("D-0001")

    with SqliteStore(path) as reopened:
        assert reopened.ledger.get("D-0001") == before
        assert reopened.ledger.order_history() == {
            "BEAN-1KG": [24],
            "FILT-100": [12],
            "MUG-CER": [6],
        }
        assert reopened.ledger.next_number("draft") == 2


def test_the_database_is_shareable_and_versioned_sqlite(tmp_path: Path) -> None:
    path = database_path(tmp_path)
    SqliteStore(path).close()

    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert connection.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    finally:
        connection.close()


def test_a_database_from_a_newer_version_is_refused_sqlite(tmp_path: Path) -> None:
    path = database_path(tmp_path)
    SqliteStore(path).close()
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1:d}")
    connection.close()

    with pytest.raises(BotError, match="newer sheets-bot"):
        SqliteStore(path)
