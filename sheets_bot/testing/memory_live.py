"""In-memory fakes of the live lanes' ports: ``SalesLog``, ``ReceiptLog`` and ``Claims``.

Same semantics as the SQLite and DynamoDB adapters (``tests/contract`` runs one suite against
all three): timezone-aware times only, replays ignored by event id, events oldest first, a
mark claimed by exactly one caller. Each guards its state with a lock, so load tests may share
one between the webhook's threads and the poller.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime

from sheets_bot.domain.history import Receipt, SaleEvent


def _check_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"a timezone-aware time is needed, got {moment.isoformat()}")


class MemorySalesLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: dict[str, SaleEvent] = {}
        self._applied: dict[str, datetime] = {}
        """Taken events: when they were taken."""
        self._settled: set[str] = set()

    def add(self, events: Sequence[SaleEvent]) -> list[SaleEvent]:
        for event in events:
            _check_aware(event.at)
        added: list[SaleEvent] = []
        with self._lock:
            for event in events:
                if event.event_id not in self._events:
                    self._events[event.event_id] = event
                    added.append(event)
        return added

    def since(self, start: datetime) -> list[SaleEvent]:
        _check_aware(start)
        with self._lock:
            return sorted((e for e in self._events.values() if e.at >= start), key=_order)

    def unapplied(self) -> list[SaleEvent]:
        with self._lock:
            return sorted(
                (e for e in self._events.values() if e.event_id not in self._applied), key=_order
            )

    def mark_applied(self, events: Sequence[SaleEvent], now: datetime) -> list[SaleEvent]:
        _check_aware(now)
        marked: list[SaleEvent] = []
        with self._lock:
            for event in events:
                if event.event_id in self._events and event.event_id not in self._applied:
                    self._applied[event.event_id] = now
                    marked.append(event)
        return marked

    def unmark_applied(self, events: Sequence[SaleEvent]) -> None:
        with self._lock:
            for event in events:
                if event.event_id not in self._settled:
                    self._applied.pop(event.event_id, None)

    def settle_applied(self, events: Sequence[SaleEvent]) -> None:
        with self._lock:
            self._settled.update(e.event_id for e in events if e.event_id in self._applied)

    def unsettled(self, before: datetime) -> list[SaleEvent]:
        _check_aware(before)
        with self._lock:
            return sorted(
                (
                    self._events[event_id]
                    for event_id, taken in self._applied.items()
                    if taken < before and event_id not in self._settled
                ),
                key=_order,
            )


class MemoryReceiptLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._receipts: dict[tuple[str, str], Receipt] = {}

    def record(self, receipt: Receipt) -> None:
        _check_aware(receipt.sent_at)
        _check_aware(receipt.received_at)
        with self._lock:
            self._receipts.pop((receipt.po, receipt.sku), None)
            self._receipts[(receipt.po, receipt.sku)] = receipt

    def receipts(self) -> list[Receipt]:
        with self._lock:
            return sorted(self._receipts.values(), key=lambda r: (r.received_at, r.po, r.sku))


class MemoryClaims:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._claims: dict[str, datetime] = {}

    def claim(self, key: str, now: datetime) -> bool:
        _check_aware(now)
        with self._lock:
            if key in self._claims:
                return False
            self._claims[key] = now
            return True

    def claimed_at(self, key: str) -> datetime | None:
        with self._lock:
            return self._claims.get(key)

    def release(self, key: str) -> None:
        with self._lock:
            self._claims.pop(key, None)


def _order(event: SaleEvent) -> tuple[datetime, str]:
    return (event.at, event.event_id)
