"""The PO ledger, the audit log and the cell memory of local mode, in one SQLite file.

``SqliteStore(path)`` opens (and creates) the database; its ``ledger``, ``audit`` and
``memory`` attributes satisfy the ``Ledger``, ``AuditLog`` and ``CellMemory`` ports.

Why it is safe when two pollers race, or when a run dies between steps:

* Every change is one ``BEGIN IMMEDIATE`` transaction, which takes the database's write lock
  before it reads, so a read-then-write (``record_approval``, ``finish``, ``resolve``) can not
  interleave with another process's.
* ``claim`` is a single conditional ``UPDATE ... WHERE state = 'approved'``: exactly one
  connection sees a row change, however many race.
* WAL mode lets readers carry on while a writer commits; the busy timeout makes a second
  process wait for the lock instead of failing at once.
* ``synchronous = FULL``: a committed claim is on disk before ``claim`` returns. If a power cut
  could undo it, the PO would be back in ``approved`` after the mail went out and could be sent
  twice.

Times are stored as ISO-8601 text with their offset; the caller always passes ``now`` (the
store never reads the clock) and naive datetimes are refused.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Final

from sheets_bot.adapters.local.private_files import private_dir, private_file, tighten
from sheets_bot.domain.audit import AuditEntry, action_of, dump_snapshot, load_snapshot
from sheets_bot.domain.purchase_order import (
    ApprovedOrder,
    PoRecord,
    PoState,
    po_number_text,
    single_unknown,
)
from sheets_bot.errors import BotError

BUSY_TIMEOUT_SECONDS: Final = 30.0
"""How long a connection waits for another process's write lock before giving up."""


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch the file to WAL. SQLite answers "database is locked" at once, without waiting
    the busy timeout, when another process opens a new file and switches it at the same
    moment (two polls starting on a fresh state folder): so wait and retry here, as long as
    the busy timeout would have."""
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


Migration = str | Callable[[sqlite3.Connection], None]

_MIGRATIONS: Final[tuple[tuple[Migration, ...], ...]] = (
    # Version 1.
    (
        """
        CREATE TABLE IF NOT EXISTS po_records (
            draft_id    TEXT PRIMARY KEY,
            po_number   TEXT NOT NULL,
            state       TEXT NOT NULL
                        CHECK (state IN ('approved', 'sending', 'sent', 'failed', 'unknown')),
            fingerprint TEXT NOT NULL,
            order_json  TEXT NOT NULL,
            approved_at TEXT NOT NULL,
            updated_at  TEXT NOT NULL,
            detail      TEXT NOT NULL DEFAULT '',
            not_before  TEXT
        )
        """,
        "CREATE INDEX IF NOT EXISTS po_records_po_number ON po_records (po_number)",
        "CREATE INDEX IF NOT EXISTS po_records_state ON po_records (state)",
        # The lines of sent orders, written when a record becomes sent, in that order: the
        # order history is then one indexed scan instead of parsing every order's JSON.
        """
        CREATE TABLE IF NOT EXISTS sent_lines (
            id       INTEGER PRIMARY KEY AUTOINCREMENT,
            draft_id TEXT NOT NULL REFERENCES po_records (draft_id),
            sku      TEXT NOT NULL,
            quantity INTEGER NOT NULL
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS counters (
            series TEXT PRIMARY KEY,
            value  INTEGER NOT NULL
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE IF NOT EXISTS audit (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            "when"      TEXT NOT NULL,
            who         TEXT NOT NULL,
            action      TEXT NOT NULL,
            subject     TEXT NOT NULL,
            before_json TEXT,
            after_json  TEXT,
            mirrored    INTEGER NOT NULL DEFAULT 0 CHECK (mirrored IN (0, 1))
        )
        """,
        "CREATE INDEX IF NOT EXISTS audit_unmirrored ON audit (id) WHERE mirrored = 0",
        # Append-only, even for someone with a SQLite shell: only the mirrored flag may change.
        """
        CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
        """,
        """
        CREATE TRIGGER IF NOT EXISTS audit_no_update
        BEFORE UPDATE OF "when", who, action, subject, before_json, after_json ON audit
        BEGIN SELECT RAISE(ABORT, 'audit entries are never changed'); END
        """,
        """
        CREATE TABLE IF NOT EXISTS cell_memory (
            tab      TEXT NOT NULL,
            row_id   TEXT NOT NULL,
            "column" TEXT NOT NULL,
            value    TEXT NOT NULL,
            PRIMARY KEY (tab, row_id, "column")
        ) WITHOUT ROWID
        """,
    ),
    # Version 2: a tab's cell memory is read and replaced whole, so it is kept whole, as one
    # JSON text per tab (``_pack_cells``): a 50,000-item Stock tab is one row written instead
    # of 600,000 indexed rows deleted and inserted on every check.
    (
        """
        CREATE TABLE IF NOT EXISTS cell_memory_tabs (
            tab   TEXT PRIMARY KEY,
            cells TEXT NOT NULL
        ) WITHOUT ROWID
        """,
        lambda conn: _pack_cell_memory(conn),
        "DROP TABLE cell_memory",
    ),
)
"""Schema changes: entry ``i`` takes a database from ``user_version`` i to i + 1. A step is a
statement, or a function given the connection (inside the migration's transaction)."""

SCHEMA_VERSION: Final = len(_MIGRATIONS)

_FINISHED_STATES: Final = frozenset({PoState.SENT, PoState.FAILED, PoState.UNKNOWN})
_RESOLVED_STATES: Final = frozenset({PoState.SENT, PoState.APPROVED})

_SELECT_RECORD: Final = (
    "SELECT order_json, state, approved_at, updated_at, detail FROM po_records WHERE draft_id = ?"
)


class SqliteStore:
    """One SQLite database holding the ledger, the audit log and the cell memory.

    Open one per process (or share one between threads: a lock serialises its use of the
    connection). Separate processes may open the same file at the same time.
    """

    def __init__(self, path: Path) -> None:
        private_file(private_dir(path.parent) / path.name)
        self._path = path
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(
            path,
            timeout=BUSY_TIMEOUT_SECONDS,
            isolation_level=None,  # transactions are begun explicitly, as BEGIN IMMEDIATE
            check_same_thread=False,
        )
        try:
            _use_wal(self._conn)
            self._conn.execute("PRAGMA synchronous = FULL")
            self._migrate()
            for suffix in ("-wal", "-shm"):  # SQLite copies the database's mode; older files
                tighten(path.with_name(path.name + suffix))
        except BaseException:
            self._conn.close()
            raise
        self.ledger: Final = SqliteLedger(self)
        self.audit: Final = SqliteAuditLog(self)
        self.memory: Final = SqliteCellMemory(self)

    @property
    def path(self) -> Path:
        return self._path

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction holding the database's write lock from its first statement.

        Committed when the block ends, rolled back if it raises.
        """
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def query(self, sql: str, parameters: Sequence[object] = ()) -> list[Any]:
        """Rows of one read-only statement (a consistent snapshot, thanks to WAL)."""
        with self._lock:
            return self._conn.execute(sql, parameters).fetchall()

    def _migrate(self) -> None:
        with self.transaction() as conn:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise BotError(
                    f"{self._path} was written by a newer sheets-bot (schema {version}, this"
                    f" version knows up to {SCHEMA_VERSION}): upgrade sheets-bot"
                )
            for steps in _MIGRATIONS[version:]:
                for step in steps:
                    if isinstance(step, str):
                        conn.execute(step)
                    else:
                        step(conn)
            if version < SCHEMA_VERSION:
                # PRAGMA takes no parameters; SCHEMA_VERSION is an int constant of this module.
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION:d}")


class SqliteLedger:
    """The ``Ledger`` port over a ``SqliteStore``. See the state machine in
    ``sheets_bot.domain.purchase_order``."""

    def __init__(self, store: SqliteStore) -> None:
        self._store = store

    def record_approval(self, order: ApprovedOrder, now: datetime) -> PoRecord:
        stamp = _iso(now)
        with self._store.transaction() as conn:
            row = conn.execute(_SELECT_RECORD, (order.draft_id,)).fetchone()
            if row is None:
                conn.execute(
                    "INSERT INTO po_records (draft_id, po_number, state, fingerprint,"
                    " order_json, approved_at, updated_at, detail, not_before)"
                    " VALUES (?, ?, 'approved', ?, ?, ?, ?, '', ?)",
                    (
                        order.draft_id,
                        order.po_number,
                        order.fingerprint,
                        order.to_json(),
                        stamp,
                        stamp,
                        _iso_or_none(order.not_before),
                    ),
                )
            else:
                current = _record(row)
                reopenable = current.state in (PoState.APPROVED, PoState.FAILED)
                if not reopenable or current.fingerprint == order.fingerprint:
                    return current
                # Not claimed yet, or certainly not sent: the new content is a new approval.
                conn.execute(
                    "UPDATE po_records SET po_number = ?, state = 'approved', fingerprint = ?,"
                    " order_json = ?, approved_at = ?, updated_at = ?, detail = '',"
                    " not_before = ? WHERE draft_id = ?",
                    (
                        order.po_number,
                        order.fingerprint,
                        order.to_json(),
                        stamp,
                        stamp,
                        _iso_or_none(order.not_before),
                        order.draft_id,
                    ),
                )
            return _record(conn.execute(_SELECT_RECORD, (order.draft_id,)).fetchone())

    def claim(self, draft_id: str, now: datetime) -> bool:
        stamp = _iso(now)
        with self._store.transaction() as conn:
            cursor = conn.execute(
                "UPDATE po_records SET state = 'sending', updated_at = ?"
                " WHERE draft_id = ? AND state = 'approved'",
                (stamp, draft_id),
            )
            return cursor.rowcount == 1

    def finish(self, draft_id: str, state: str, detail: str, now: datetime) -> None:
        if state not in _FINISHED_STATES:
            raise ValueError(
                f"a send of draft {draft_id} can finish as sent, failed or unknown, not {state!r}"
            )
        stamp = _iso(now)
        with self._store.transaction() as conn:
            row = conn.execute(_SELECT_RECORD, (draft_id,)).fetchone()
            if row is None:
                raise KeyError(f"no PO record for draft {draft_id} in the ledger")
            current = _record(row)
            if current.state is not PoState.SENDING:
                raise ValueError(
                    f"PO {current.po_number} (draft {draft_id}) is {current.state}, not sending:"
                    f" it can not be marked {state}"
                )
            conn.execute(
                "UPDATE po_records SET state = ?, detail = ?, updated_at = ? WHERE draft_id = ?",
                (str(state), detail, stamp, draft_id),
            )
            if state == PoState.SENT:
                _insert_sent_lines(conn, current.order)

    def get(self, draft_id: str) -> PoRecord | None:
        rows = self._store.query(_SELECT_RECORD, (draft_id,))
        return _record(rows[0]) if rows else None

    def unfinished(self) -> list[PoRecord]:
        """In the order the drafts were first approved."""
        rows = self._store.query(
            "SELECT order_json, state, approved_at, updated_at, detail FROM po_records"
            " WHERE state IN ('approved', 'sending', 'failed', 'unknown') ORDER BY rowid"
        )
        return [_record(row) for row in rows]

    def resolve(self, po_number: str, state: str, now: datetime) -> PoRecord:
        if state not in _RESOLVED_STATES:
            raise ValueError(
                f"PO {po_number}: an unknown send is resolved as sent or approved, not {state!r}"
            )
        stamp = _iso(now)
        with self._store.transaction() as conn:
            rows = conn.execute(
                "SELECT order_json, state, approved_at, updated_at, detail FROM po_records"
                " WHERE po_number = ? ORDER BY rowid",
                (po_number,),
            ).fetchall()
            records = [_record(row) for row in rows]
            target = single_unknown(po_number, records, state)
            conn.execute(
                "UPDATE po_records SET state = ?, updated_at = ? WHERE draft_id = ?",
                (str(state), stamp, target.draft_id),
            )
            if state == PoState.SENT:
                _insert_sent_lines(conn, target.order)
            return _record(conn.execute(_SELECT_RECORD, (target.draft_id,)).fetchone())

    def order_history(self) -> Mapping[str, list[int]]:
        """Lines of sent orders by SKU, in the order the orders became sent."""
        history: dict[str, list[int]] = {}
        for sku, quantity in self._store.query("SELECT sku, quantity FROM sent_lines ORDER BY id"):
            history.setdefault(sku, []).append(int(quantity))
        return history

    def next_number(self, series: str) -> int:
        with self._store.transaction() as conn:
            row = conn.execute(
                "INSERT INTO counters (series, value) VALUES (?, 1)"
                " ON CONFLICT (series) DO UPDATE SET value = value + 1 RETURNING value",
                (series,),
            ).fetchone()
            return int(row[0])

    def assign_po_number(self, draft_id: str, prefix: str) -> PoRecord:
        with self._store.transaction() as conn:
            row = conn.execute(_SELECT_RECORD, (draft_id,)).fetchone()
            if row is None:
                raise KeyError(f"no PO record for draft {draft_id} in the ledger")
            current = _record(row)
            if current.order.po_number:
                return current
            (number,) = conn.execute(
                "INSERT INTO counters (series, value) VALUES ('po', 1)"
                " ON CONFLICT (series) DO UPDATE SET value = value + 1 RETURNING value"
            ).fetchone()
            order = replace(current.order, po_number=po_number_text(prefix, int(number)))
            conn.execute(
                "UPDATE po_records SET po_number = ?, order_json = ? WHERE draft_id = ?",
                (order.po_number, order.to_json(), draft_id),
            )
            return replace(current, order=order)


class SqliteAuditLog:
    """The ``AuditLog`` port over a ``SqliteStore``: rows are inserted, never changed (apart
    from the mirrored flag) and never deleted; triggers refuse anything else."""

    def __init__(self, store: SqliteStore) -> None:
        self._store = store

    def record(self, entries: Sequence[AuditEntry]) -> None:
        rows = [
            (
                _iso(entry.when),
                entry.who,
                str(entry.action),
                entry.subject,
                dump_snapshot(entry.before),
                dump_snapshot(entry.after),
            )
            for entry in entries
        ]
        if not rows:
            return
        with self._store.transaction() as conn:
            conn.executemany(
                'INSERT INTO audit ("when", who, action, subject, before_json, after_json)'
                " VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )

    def unmirrored(self) -> list[tuple[int, AuditEntry]]:
        rows = self._store.query(
            'SELECT id, "when", who, action, subject, before_json, after_json FROM audit'
            " WHERE mirrored = 0 ORDER BY id"
        )
        return [(int(row[0]), _entry(row[1:])) for row in rows]

    def mark_mirrored(self, ids: Sequence[int]) -> None:
        if not ids:
            return
        with self._store.transaction() as conn:
            conn.executemany(
                "UPDATE audit SET mirrored = 1 WHERE id = ? AND mirrored = 0",
                [(int(entry_id),) for entry_id in ids],
            )

    def entries(self) -> list[AuditEntry]:
        rows = self._store.query(
            'SELECT "when", who, action, subject, before_json, after_json FROM audit ORDER BY id'
        )
        return [_entry(row) for row in rows]

    def since(self, start: datetime) -> list[AuditEntry]:
        recent: list[AuditEntry] = []
        for row in self._store.query(
            'SELECT "when", who, action, subject, before_json, after_json FROM audit'
            " ORDER BY id DESC"
        ):
            entry = _entry(row)
            if entry.when < start:
                break
            recent.append(entry)
        return recent[::-1]


class SqliteCellMemory:
    """The ``CellMemory`` port over a ``SqliteStore``."""

    def __init__(self, store: SqliteStore) -> None:
        self._store = store

    def recall(self, tab: str) -> Mapping[tuple[str, str], str]:
        rows = self._store.query("SELECT cells FROM cell_memory_tabs WHERE tab = ?", (tab,))
        return _unpack_cells(rows[0][0]) if rows else {}

    def remember(self, tab: str, cells: Mapping[tuple[str, str], str]) -> None:
        packed = _pack_cells(cells)
        with self._store.transaction() as conn:
            conn.execute(
                "INSERT INTO cell_memory_tabs (tab, cells) VALUES (?, ?)"
                " ON CONFLICT (tab) DO UPDATE SET cells = excluded.cells",
                (tab, packed),
            )


def _pack_cells(cells: Mapping[tuple[str, str], str]) -> str:
    """Compact JSON: ``{"columns": [name, ...], "rows": {row id: [value or null by column]}}``,
    each column name once and each row id once (not once per cell)."""
    columns: dict[str, int] = {}
    rows: dict[str, list[str | None]] = {}
    last_row: str | None = None
    values: list[str | None] = []
    for (row_id, column), value in cells.items():
        index = columns.get(column)
        if index is None:
            index = columns[column] = len(columns)
        if row_id != last_row:  # a row's cells mostly come one after the other
            last_row = row_id
            found = rows.get(row_id)
            values = rows[row_id] = [] if found is None else found
        size = len(values)
        if index == size:
            values.append(value)  # the next column, the common case
        elif index < size:
            values[index] = value
        else:
            values.extend([None] * (index - size))
            values.append(value)
    return json.dumps(
        {"columns": list(columns), "rows": rows}, ensure_ascii=False, separators=(",", ":")
    )


def _unpack_cells(packed: str) -> dict[tuple[str, str], str]:
    data = json.loads(packed)
    columns = data["columns"]
    return {
        (row_id, columns[index]): value
        for row_id, values in data["rows"].items()
        for index, value in enumerate(values)
        if value is not None
    }


def _pack_cell_memory(conn: sqlite3.Connection) -> None:
    """Migration 2: each tab's cells, one row per cell, into its one JSON row."""
    tabs: dict[str, dict[tuple[str, str], str]] = {}
    for tab, row_id, column, value in conn.execute(
        'SELECT tab, row_id, "column", value FROM cell_memory'
    ):
        tabs.setdefault(tab, {})[(row_id, column)] = value
    conn.executemany(
        "INSERT INTO cell_memory_tabs (tab, cells) VALUES (?, ?)",
        [(tab, _pack_cells(cells)) for tab, cells in tabs.items()],
    )


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"a timezone-aware time is needed, got {moment.isoformat()}")
    return moment.isoformat()


def _iso_or_none(moment: datetime | None) -> str | None:
    return None if moment is None else _iso(moment)


def _record(row: Sequence[Any]) -> PoRecord:
    order_json, state, approved_at, updated_at, detail = row
    return PoRecord(
        order=ApprovedOrder.from_json(order_json),
        state=PoState(state),
        approved_at=datetime.fromisoformat(approved_at),
        updated_at=datetime.fromisoformat(updated_at),
        detail=detail,
    )


def _insert_sent_lines(conn: sqlite3.Connection, order: ApprovedOrder) -> None:
    conn.executemany(
        "INSERT INTO sent_lines (draft_id, sku, quantity) VALUES (?, ?, ?)",
        [(order.draft_id, line.sku, line.quantity) for line in order.lines],
    )


def _entry(row: Sequence[Any]) -> AuditEntry:
    when, who, action, subject, before_json, after_json = row
    return AuditEntry(
        when=datetime.fromisoformat(when),
        who=who,
        action=action_of(action),
        subject=subject,
        before=load_snapshot(before_json),
        after=load_snapshot(after_json),
    )
