"""The AuditLog contract, run against every implementation: the in-memory fake,
SQLite and DynamoDB (moto)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from sheets_bot.adapters.aws.dynamodb_audit import DynamoAuditLog
from sheets_bot.adapters.local.sqlite_store import SqliteAuditLog, SqliteStore
from sheets_bot.domain.audit import BOT, OWNER, AuditAction, AuditEntry
from sheets_bot.ports import AuditLog
from sheets_bot.testing.memory_store import MemoryAuditLog
from tests.aws.moto_support import TABLES, aws_session

from .store_fixtures import STORE_KINDS, at, database_path, make_order, open_stores


def _satisfies_the_port(store: SqliteStore) -> None:
    """Never called: mypy checks that every implementation is structurally an AuditLog."""
    _sqlite: AuditLog = SqliteAuditLog(store)
    _memory: AuditLog = MemoryAuditLog()
    _dynamodb: AuditLog = DynamoAuditLog(aws_session().client("dynamodb"), TABLES.audit)


@pytest.fixture(params=STORE_KINDS)
def audit(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[AuditLog]:
    with open_stores(request.param, tmp_path) as stores:
        yield stores.audit


def _entry(
    minute: int, action: AuditAction | str = "approve", subject: str = "PO-0001"
) -> AuditEntry:
    return AuditEntry(at(minute), OWNER, action, subject, before=None, after={"minute": minute})


def test_a_new_log_is_empty(audit: AuditLog) -> None:
    assert audit.entries() == []
    assert audit.unmirrored() == []


def test_entries_keep_the_order_they_were_recorded_in(audit: AuditLog) -> None:
    audit.record([_entry(5, "draft"), _entry(1, "approve")])
    audit.record([_entry(3, "send")])

    assert [(e.action, e.when) for e in audit.entries()] == [
        ("draft", at(5)),
        ("approve", at(1)),
        ("send", at(3)),
    ]


def test_recording_nothing_is_fine(audit: AuditLog) -> None:
    audit.record([])

    assert audit.entries() == []


def test_snapshots_round_trip_with_nesting_and_non_ascii_text(audit: AuditLog) -> None:
    order = make_order()
    before: dict[str, object] = {
        "supplier": "Torrefação Lusa",
        "lines": {"BEAN-1KG": 20, "FILT-100": 12},
        "history": [{"qty": 18, "ok": True}, {"qty": None, "note": "café ☕ — «urgente»"}],
        "ratio": 0.25,
    }
    entry = AuditEntry(at(0), BOT, "edit", "D-0001", before=before, after=order.snapshot())

    audit.record([entry])

    assert audit.entries() == [entry]
    (stored,) = audit.entries()
    assert stored.before == before
    assert stored.after == order.snapshot()
    assert stored.when.utcoffset() == at(0).utcoffset()
    assert stored.after_text() == entry.after_text()


def test_decimals_and_datetimes_in_snapshots_come_back_as_text(audit: AuditLog) -> None:
    entry = AuditEntry(
        at(0),
        BOT,
        "reprice",
        "BEAN-1KG",
        before={"unit_cost": Decimal("18.40"), "checked": at(-60)},
        after={"unit_cost": Decimal("19.05")},
    )

    audit.record([entry])

    (stored,) = audit.entries()
    assert stored.before == {"unit_cost": "18.40", "checked": str(at(-60))}
    assert stored.after == {"unit_cost": "19.05"}


def test_empty_and_missing_snapshots_stay_distinct(audit: AuditLog) -> None:
    audit.record([AuditEntry(at(0), BOT, "check", "daily", before=None, after={})])

    (stored,) = audit.entries()
    assert stored.before is None
    assert stored.after == {}


def test_changing_a_returned_snapshot_does_not_change_the_log(audit: AuditLog) -> None:
    audit.record([AuditEntry(at(0), BOT, "check", "daily", after={"items": [1, 2]})])
    (stored,) = audit.entries()
    assert isinstance(stored.after, dict)

    stored.after["items"].append(3)

    assert audit.entries()[0].after == {"items": [1, 2]}


def test_unmirrored_then_mark_mirrored(audit: AuditLog) -> None:
    audit.record([_entry(0, "draft"), _entry(1, "approve"), _entry(2, "send")])

    pending = audit.unmirrored()

    assert [entry.action for _, entry in pending] == ["draft", "approve", "send"]
    ids = [entry_id for entry_id, _ in pending]
    assert ids == sorted(ids)
    assert len(set(ids)) == 3

    audit.mark_mirrored(ids[:2])
    audit.record([_entry(3, "receive")])

    still_pending = audit.unmirrored()
    assert [e.action for _, e in still_pending] == ["send", "receive"]
    assert still_pending[0][0] == ids[2]
    assert still_pending[1][0] > ids[2]
    assert [e.action for e in audit.entries()] == ["draft", "approve", "send", "receive"]


def test_marking_twice_or_unknown_ids_is_harmless(audit: AuditLog) -> None:
    audit.record([_entry(0)])
    ((entry_id, _),) = audit.unmirrored()

    audit.mark_mirrored([entry_id])
    audit.mark_mirrored([entry_id, 999_999])
    audit.mark_mirrored([])

    assert audit.unmirrored() == []
    assert len(audit.entries()) == 1


def test_the_log_offers_no_way_to_change_or_remove_entries(audit: AuditLog) -> None:
    public = {name for name in dir(audit) if not name.startswith("_")}

    assert public == {"record", "unmirrored", "mark_mirrored", "entries", "since"}


def test_naive_times_are_refused_and_nothing_is_recorded(audit: AuditLog) -> None:
    naive = AuditEntry(datetime(2025, 3, 14, 9, 30), BOT, "check", "daily")

    with pytest.raises(ValueError, match="timezone-aware"):
        audit.record([_entry(0), naive])

    assert audit.entries() == []


def test_the_database_refuses_edits_and_deletes_sqlite(tmp_path: Path) -> None:
    path = database_path(tmp_path)
    with SqliteStore(path) as store:
        store.audit.record([_entry(0)])
    connection = sqlite3.connect(path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="never changed"):
            connection.execute("UPDATE audit SET who = 'someone else'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            connection.execute("DELETE FROM audit")
    finally:
        connection.close()


def test_entries_survive_closing_and_reopening_sqlite(tmp_path: Path) -> None:
    path = database_path(tmp_path)
    with SqliteStore(path) as store:
        store.audit.record([_entry(0, "draft"), _entry(1, "approve")])
        ((first_id, _), _) = store.audit.unmirrored()
        store.audit.mark_mirrored([first_id])

    with SqliteStore(path) as reopened:
        assert [e.action for e in reopened.audit.entries()] == ["draft", "approve"]
        assert [e.action for _, e in reopened.audit.unmirrored()] == ["approve"]


def test_since_reads_back_to_the_first_older_entry(audit: AuditLog) -> None:
    audit.record([_entry(1, "draft"), _entry(2, "approve")])
    audit.record([_entry(5, "send"), _entry(7, "receive")])

    assert [e.action for e in audit.since(at(5))] == ["send", "receive"]
    assert [e.action for e in audit.since(at(3))] == ["send", "receive"]
    assert [e.action for e in audit.since(at(0))] == ["draft", "approve", "send", "receive"]
    assert audit.since(at(8)) == []


def test_actions_read_back_as_the_enum_and_unknown_ones_as_their_text(audit: AuditLog) -> None:
    """An entry written by this version reads back as its ``AuditAction``; one whose action
    this version does not write (an older log, a retired action) reads back as stored."""
    audit.record([_entry(0, AuditAction.PO_SENT), _entry(1, "a retired action")])

    sent, retired = audit.entries()

    assert sent.action is AuditAction.PO_SENT
    assert type(retired.action) is str
    assert retired.action == "a retired action"


def test_an_audit_log_written_before_the_enum_still_reads_sqlite(tmp_path: Path) -> None:
    """Rows stored as plain text (every log before ``AuditAction``) are the same strings."""
    path = database_path(tmp_path)
    with SqliteStore(path) as store:
        store.audit.record([_entry(0)])
    connection = sqlite3.connect(path)
    try:
        stored = connection.execute("SELECT action FROM audit").fetchall()
        connection.execute(
            'INSERT INTO audit ("when", who, action, subject, before_json, after_json)'
            " SELECT \"when\", who, 'mail refused', subject, before_json, after_json FROM audit"
        )
        connection.commit()
    finally:
        connection.close()

    assert stored == [("approve",)]
    with SqliteStore(path) as reopened:
        actions = [entry.action for entry in reopened.audit.entries()]
    assert actions == [AuditAction.APPROVE, AuditAction.MAIL_REFUSED]
    assert all(isinstance(action, AuditAction) for action in actions)


def test_the_stored_action_strings_are_unchanged() -> None:
    """The values are what the audit logs, Audit tabs and digests already hold: renaming a
    member is fine, changing a value would orphan every stored entry with it."""
    assert {action.value for action in AuditAction} == {
        "move changed",
        "draft created",
        "draft lines added",
        "draft line refreshed",
        "draft line removed",
        "learning restarted",
        "stock history unreadable",
        "approve",
        "skip",
        "send scheduled",
        "send claimed",
        "send failed",
        "send outcome unknown",
        "po sent",
        "po confirmed",
        "follow-up sent",
        "received",
        "received short",
        "received over",
        "po line cancelled",
        "pos applied",
        "pos unknown sku",
        "pos outcome unknown",
        "pos event refused",
        "proposed",
        "proposal applied",
        "proposal skipped",
        "proposal replaced",
        "mail refused",
        "attachment unreadable",
        "digest sent",
        "monthly summary sent",
    }
