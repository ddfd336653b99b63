"""``Marks`` in local mode: two small tables in the state's SQLite database.

The tables are created here (``IF NOT EXISTS``) rather than in the store's numbered
migrations, so a database from before them gains them on first use and nothing else changes.
A nonce is used by one ``INSERT ... ON CONFLICT DO NOTHING``: exactly one caller inserts it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Final

from sheets_bot.adapters.local.sqlite_store import SqliteStore
from sheets_bot.domain.digest import DigestMark

_TABLES: Final = (
    """
    CREATE TABLE IF NOT EXISTS digest_marks (
        name       TEXT PRIMARY KEY,
        local_date TEXT NOT NULL,
        sent_at    TEXT NOT NULL
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE IF NOT EXISTS used_nonces (
        nonce   TEXT PRIMARY KEY,
        expires TEXT NOT NULL,
        used_at TEXT NOT NULL
    ) WITHOUT ROWID
    """,
)


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"a timezone-aware time is needed, got {moment.isoformat()}")
    return moment.isoformat()


def _utc(moment: datetime) -> str:
    """ISO-8601 in UTC: such texts compare as the times do."""
    _iso(moment)  # refuses a naive time
    return moment.astimezone(UTC).isoformat()


class SqliteMarks:
    def __init__(self, store: SqliteStore) -> None:
        self._store = store
        with store.transaction() as conn:
            for statement in _TABLES:
                conn.execute(statement)

    def last_digest(self) -> DigestMark | None:
        rows = self._store.query("SELECT local_date, sent_at FROM digest_marks WHERE name = 'last'")
        if not rows:
            return None
        return DigestMark(date.fromisoformat(rows[0][0]), datetime.fromisoformat(rows[0][1]))

    def record_digest(self, mark: DigestMark) -> None:
        with self._store.transaction() as conn:
            conn.execute(
                "INSERT INTO digest_marks (name, local_date, sent_at) VALUES ('last', ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET local_date = excluded.local_date,"
                " sent_at = excluded.sent_at",
                (mark.local_date.isoformat(), _iso(mark.sent_at)),
            )

    def use_nonce(self, nonce: str, expires: datetime, now: datetime) -> bool:
        """Also forgets nonces of links expired a day ago: their tokens are refused anyway."""
        with self._store.transaction() as conn:
            # In UTC, so the text comparison is a time comparison.
            conn.execute(
                "DELETE FROM used_nonces WHERE expires < ?",
                (_utc(now - timedelta(days=1)),),
            )
            cursor = conn.execute(
                "INSERT INTO used_nonces (nonce, expires, used_at) VALUES (?, ?, ?)"
                " ON CONFLICT (nonce) DO NOTHING",
                (nonce, _utc(expires), _iso(now)),
            )
            return cursor.rowcount == 1

    def nonce_used(self, nonce: str) -> bool:
        return bool(self._store.query("SELECT 1 FROM used_nonces WHERE nonce = ?", (nonce,)))
