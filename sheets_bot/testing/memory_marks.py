"""In-memory ``Marks`` and ``RunFailures`` for service tests; the contract suites in
``tests/contract`` hold them to the same behaviour as SQLite, DynamoDB and SQS."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Sequence
from datetime import datetime

from sheets_bot.domain.digest import DigestMark, FailedRun, oldest_first
from sheets_bot.ports import PendingFailure


class MemoryMarks:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._digest: DigestMark | None = None
        self._nonces: dict[str, datetime] = {}

    def last_digest(self) -> DigestMark | None:
        with self._lock:
            return self._digest

    def record_digest(self, mark: DigestMark) -> None:
        _check_aware(mark.sent_at)
        with self._lock:
            self._digest = mark

    def use_nonce(self, nonce: str, expires: datetime, now: datetime) -> bool:
        _check_aware(expires)
        _check_aware(now)
        with self._lock:
            if nonce in self._nonces:
                return False
            self._nonces[nonce] = expires
            return True

    def nonce_used(self, nonce: str) -> bool:
        with self._lock:
            return nonce in self._nonces


class MemoryRunFailures:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._failures: dict[str, FailedRun] = {}

    def record(self, failure: FailedRun) -> None:
        with self._lock:
            self._failures[str(next(self._ids))] = failure

    def pending(self) -> list[PendingFailure]:
        with self._lock:
            found = [PendingFailure(failure, handle) for handle, failure in self._failures.items()]
        return sorted(found, key=lambda pending: oldest_first(pending.failure))

    def acknowledge(self, failures: Sequence[PendingFailure]) -> None:
        with self._lock:
            for pending in failures:
                self._failures.pop(pending.handle, None)


def _check_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"a timezone-aware time is needed, got {moment.isoformat()}")
