"""The live lanes' state in local mode, in the same SQLite file as the ledger: POS sale events
(the webhook's buffer and the dated history), receipts, and once-only claims.

Each class creates its own tables (``CREATE TABLE IF NOT EXISTS``) on first use, so the
ledger's schema versions are untouched and an older state file simply gains the tables.
Every change is one ``BEGIN IMMEDIATE`` transaction of ``SqliteStore``; a claim or a mark is a
single conditional statement, so exactly one process wins, however many race.

Times are kept twice: as given (ISO-8601 with its offset, read back unchanged) and as a UTC
sort key with microseconds, so ordering by time is ordering by text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Final

from sheets_bot.adapters.local.sqlite_store import SqliteStore
from sheets_bot.domain.history import Receipt, SaleEvent

_SALES_SCHEMA: Final = (
    """
    CREATE TABLE IF NOT EXISTS sale_events (
        event_id   TEXT PRIMARY KEY,
        source     TEXT NOT NULL,
        sku        TEXT NOT NULL,
        quantity   REAL NOT NULL,
        kind       TEXT NOT NULL,
        at         TEXT NOT NULL,
        at_key     TEXT NOT NULL,
        applied_at TEXT,
        settled    INTEGER NOT NULL DEFAULT 0 CHECK (settled IN (0, 1))
    )
    """,
    "CREATE INDEX IF NOT EXISTS sale_events_at ON sale_events (at_key, event_id)",
    "CREATE INDEX IF NOT EXISTS sale_events_unapplied ON sale_events (at_key)"
    " WHERE applied_at IS NULL",
    "CREATE INDEX IF NOT EXISTS sale_events_unsettled ON sale_events (applied_at)"
    " WHERE applied_at IS NOT NULL AND settled = 0",
)
_RECEIPTS_SCHEMA: Final = (
    """
    CREATE TABLE IF NOT EXISTS receipts (
        po          TEXT NOT NULL,
        sku         TEXT NOT NULL,
        supplier    TEXT NOT NULL,
        ordered     REAL NOT NULL,
        received    REAL NOT NULL,
        sent_at     TEXT NOT NULL,
        received_at TEXT NOT NULL,
        at_key      TEXT NOT NULL,
        PRIMARY KEY (po, sku)
    ) WITHOUT ROWID
    """,
)
_MARKS_SCHEMA: Final = (
    """
    CREATE TABLE IF NOT EXISTS claims (
        key        TEXT PRIMARY KEY,
        claimed_at TEXT NOT NULL
    ) WITHOUT ROWID
    """,
)

_EVENT_COLUMNS: Final = "event_id, source, sku, quantity, kind, at"


def sort_key(moment: datetime) -> str:
    """UTC with microseconds: text order is time order."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"a timezone-aware time is needed, got {moment.isoformat()}")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _create(store: SqliteStore, statements: Sequence[str]) -> None:
    with store.transaction() as conn:
        for statement in statements:
            conn.execute(statement)


def _event(row: Sequence[Any]) -> SaleEvent:
    event_id, source, sku, quantity, kind, at = row
    return SaleEvent(
        event_id=event_id,
        source=source,
        sku=sku,
        quantity=float(quantity),
        at=datetime.fromisoformat(at),
        kind=kind,
    )


class SqliteSalesLog:
    """The ``SalesLog`` port (with the webhook buffer) over a ``SqliteStore``."""

    def __init__(self, store: SqliteStore) -> None:
        self._store = store
        _create(store, _SALES_SCHEMA)

    def add(self, events: Sequence[SaleEvent]) -> list[SaleEvent]:
        rows = [
            (e.event_id, e.source, e.sku, e.quantity, e.kind, e.at.isoformat(), sort_key(e.at))
            for e in events
        ]
        added: list[SaleEvent] = []
        with self._store.transaction() as conn:
            for event, row in zip(events, rows, strict=True):
                cursor = conn.execute(
                    "INSERT INTO sale_events (event_id, source, sku, quantity, kind, at, at_key)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING",
                    row,
                )
                if cursor.rowcount == 1:
                    added.append(event)
        return added

    def since(self, start: datetime) -> list[SaleEvent]:
        rows = self._store.query(
            f"SELECT {_EVENT_COLUMNS} FROM sale_events WHERE at_key >= ?"  # noqa: S608 - constant
            " ORDER BY at_key, event_id",
            (sort_key(start),),
        )
        return [_event(row) for row in rows]

    def unapplied(self) -> list[SaleEvent]:
        rows = self._store.query(
            f"SELECT {_EVENT_COLUMNS} FROM sale_events WHERE applied_at IS NULL"  # noqa: S608
            " ORDER BY at_key, event_id"
        )
        return [_event(row) for row in rows]

    def mark_applied(self, events: Sequence[SaleEvent], now: datetime) -> list[SaleEvent]:
        stamp = sort_key(now)
        marked: list[SaleEvent] = []
        with self._store.transaction() as conn:
            for event in events:
                cursor = conn.execute(
                    "UPDATE sale_events SET applied_at = ?"
                    " WHERE event_id = ? AND applied_at IS NULL",
                    (stamp, event.event_id),
                )
                if cursor.rowcount == 1:
                    marked.append(event)
        return marked

    def unmark_applied(self, events: Sequence[SaleEvent]) -> None:
        with self._store.transaction() as conn:
            conn.executemany(
                "UPDATE sale_events SET applied_at = NULL WHERE event_id = ? AND settled = 0",
                [(event.event_id,) for event in events],
            )

    def settle_applied(self, events: Sequence[SaleEvent]) -> None:
        with self._store.transaction() as conn:
            conn.executemany(
                "UPDATE sale_events SET settled = 1 WHERE event_id = ? AND applied_at IS NOT NULL",
                [(event.event_id,) for event in events],
            )

    def unsettled(self, before: datetime) -> list[SaleEvent]:
        rows = self._store.query(
            f"SELECT {_EVENT_COLUMNS} FROM sale_events"  # noqa: S608 - constant columns
            " WHERE applied_at IS NOT NULL AND settled = 0 AND applied_at < ?"
            " ORDER BY at_key, event_id",
            (sort_key(before),),
        )
        return [_event(row) for row in rows]


class SqliteReceiptLog:
    """The ``ReceiptLog`` port over a ``SqliteStore``."""

    def __init__(self, store: SqliteStore) -> None:
        self._store = store
        _create(store, _RECEIPTS_SCHEMA)

    def record(self, receipt: Receipt) -> None:
        with self._store.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO receipts (po, sku, supplier, ordered, received, sent_at,"
                " received_at, at_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    receipt.po,
                    receipt.sku,
                    receipt.supplier,
                    receipt.ordered,
                    receipt.received,
                    receipt.sent_at.isoformat(),
                    receipt.received_at.isoformat(),
                    sort_key(receipt.received_at) + sort_key(receipt.sent_at),
                ),
            )

    def receipts(self) -> list[Receipt]:
        rows = self._store.query(
            "SELECT po, sku, supplier, ordered, received, sent_at, received_at FROM receipts"
            " ORDER BY at_key, po, sku"
        )
        return [
            Receipt(
                po=po,
                supplier=supplier,
                sku=sku,
                ordered=float(ordered),
                received=float(received),
                sent_at=datetime.fromisoformat(sent_at),
                received_at=datetime.fromisoformat(received_at),
            )
            for po, sku, supplier, ordered, received, sent_at, received_at in rows
        ]


class SqliteClaims:
    """The ``Claims`` port over a ``SqliteStore``."""

    def __init__(self, store: SqliteStore) -> None:
        self._store = store
        _create(store, _MARKS_SCHEMA)

    def claim(self, key: str, now: datetime) -> bool:
        sort_key(now)
        with self._store.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO claims (key, claimed_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
                (key, now.isoformat()),
            )
            return cursor.rowcount == 1

    def claimed_at(self, key: str) -> datetime | None:
        rows = self._store.query("SELECT claimed_at FROM claims WHERE key = ?", (key,))
        return datetime.fromisoformat(rows[0][0]) if rows else None

    def release(self, key: str) -> None:
        with self._store.transaction() as conn:
            conn.execute("DELETE FROM claims WHERE key = ?", (key,))
