"""In-memory fakes of the ``Ledger``, ``AuditLog`` and ``CellMemory`` ports, for service tests.

They have the semantics of the SQLite store (the contract suites in ``tests/contract`` run
against both): the same states and transitions, the same errors, timezone-aware times only,
and audit snapshots that go through JSON exactly as a real store's do, so a test sees a
Decimal come back as a string just as production would. Each fake guards its state with a
lock, so concurrency tests may share one between threads.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Final

from sheets_bot.domain.audit import AuditEntry, action_of, dump_snapshot, load_snapshot
from sheets_bot.domain.purchase_order import ApprovedOrder, PoRecord, PoState, single_unknown

_FINISHED_STATES: Final = frozenset({PoState.SENT, PoState.FAILED, PoState.UNKNOWN})
_RESOLVED_STATES: Final = frozenset({PoState.SENT, PoState.APPROVED})
_UNFINISHED_STATES: Final = frozenset(
    {PoState.APPROVED, PoState.SENDING, PoState.FAILED, PoState.UNKNOWN}
)


class MemoryLedger:
    """A ``Ledger`` in a dict. Records are immutable, so handing them out is safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: dict[str, PoRecord] = {}
        """By draft id, in the order drafts were first approved."""
        self._sent_lines: list[tuple[str, int]] = []
        """(sku, quantity) of sent orders, in the order they became sent."""
        self._counters: dict[str, int] = {}

    def record_approval(self, order: ApprovedOrder, now: datetime) -> PoRecord:
        _check_aware(now)
        if order.not_before is not None:
            _check_aware(order.not_before)
        with self._lock:
            current = self._records.get(order.draft_id)
            if current is not None:
                reopenable = current.state in (PoState.APPROVED, PoState.FAILED)
                if not reopenable or current.fingerprint == order.fingerprint:
                    return current
            record = PoRecord(order=order, state=PoState.APPROVED, approved_at=now, updated_at=now)
            self._records[order.draft_id] = record
            return record

    def claim(self, draft_id: str, now: datetime) -> bool:
        _check_aware(now)
        with self._lock:
            current = self._records.get(draft_id)
            if current is None or current.state is not PoState.APPROVED:
                return False
            self._records[draft_id] = replace(current, state=PoState.SENDING, updated_at=now)
            return True

    def finish(self, draft_id: str, state: str, detail: str, now: datetime) -> None:
        if state not in _FINISHED_STATES:
            raise ValueError(
                f"a send of draft {draft_id} can finish as sent, failed or unknown, not {state!r}"
            )
        _check_aware(now)
        with self._lock:
            current = self._records.get(draft_id)
            if current is None:
                raise KeyError(f"no PO record for draft {draft_id} in the ledger")
            if current.state is not PoState.SENDING:
                raise ValueError(
                    f"PO {current.po_number} (draft {draft_id}) is {current.state}, not sending:"
                    f" it can not be marked {state}"
                )
            self._records[draft_id] = replace(
                current, state=PoState(state), detail=detail, updated_at=now
            )
            if state == PoState.SENT:
                self._add_sent_lines(current.order)

    def get(self, draft_id: str) -> PoRecord | None:
        with self._lock:
            return self._records.get(draft_id)

    def unfinished(self) -> list[PoRecord]:
        """In the order the drafts were first approved."""
        with self._lock:
            return [r for r in self._records.values() if r.state in _UNFINISHED_STATES]

    def resolve(self, po_number: str, state: str, now: datetime) -> PoRecord:
        if state not in _RESOLVED_STATES:
            raise ValueError(
                f"PO {po_number}: an unknown send is resolved as sent or approved, not {state!r}"
            )
        _check_aware(now)
        with self._lock:
            records = [r for r in self._records.values() if r.po_number == po_number]
            resolved = replace(
                single_unknown(po_number, records, state), state=PoState(state), updated_at=now
            )
            self._records[resolved.draft_id] = resolved
            if state == PoState.SENT:
                self._add_sent_lines(resolved.order)
            return resolved

    def order_history(self) -> Mapping[str, list[int]]:
        """Lines of sent orders by SKU, in the order the orders became sent."""
        with self._lock:
            history: dict[str, list[int]] = {}
            for sku, quantity in self._sent_lines:
                history.setdefault(sku, []).append(quantity)
            return history

    def next_number(self, series: str) -> int:
        with self._lock:
            number = self._counters.get(series, 0) + 1
            self._counters[series] = number
            return number

    def _add_sent_lines(self, order: ApprovedOrder) -> None:
        self._sent_lines.extend((line.sku, line.quantity) for line in order.lines)


@dataclass(frozen=True)
class _StoredEntry:
    """An audit entry as a store keeps it: snapshots as JSON text, decoded afresh on every
    read, so a caller can not change the log by mutating what it was given."""

    when: datetime
    who: str
    action: str
    subject: str
    before_json: str | None
    after_json: str | None

    def entry(self) -> AuditEntry:
        return AuditEntry(
            when=self.when,
            who=self.who,
            action=action_of(self.action),
            subject=self.subject,
            before=load_snapshot(self.before_json),
            after=load_snapshot(self.after_json),
        )


class MemoryAuditLog:
    """An append-only ``AuditLog`` in a list; ids start at 1."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[_StoredEntry] = []
        self._mirrored: set[int] = set()

    def record(self, entries: Sequence[AuditEntry]) -> None:
        stored = []
        for entry in entries:
            _check_aware(entry.when)
            stored.append(
                _StoredEntry(
                    when=entry.when,
                    who=entry.who,
                    action=str(entry.action),
                    subject=entry.subject,
                    before_json=dump_snapshot(entry.before),
                    after_json=dump_snapshot(entry.after),
                )
            )
        with self._lock:
            self._entries.extend(stored)

    def unmirrored(self) -> list[tuple[int, AuditEntry]]:
        with self._lock:
            return [
                (entry_id, stored.entry())
                for entry_id, stored in enumerate(self._entries, start=1)
                if entry_id not in self._mirrored
            ]

    def mark_mirrored(self, ids: Sequence[int]) -> None:
        with self._lock:
            self._mirrored.update(i for i in ids if 1 <= i <= len(self._entries))

    def entries(self) -> list[AuditEntry]:
        with self._lock:
            return [stored.entry() for stored in self._entries]

    def since(self, start: datetime) -> list[AuditEntry]:
        recent: list[AuditEntry] = []
        for entry in reversed(self.entries()):
            if entry.when < start:
                break
            recent.append(entry)
        return recent[::-1]


class MemoryCellMemory:
    """A ``CellMemory`` in a dict of dicts."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tabs: dict[str, dict[tuple[str, str], str]] = {}

    def recall(self, tab: str) -> Mapping[tuple[str, str], str]:
        with self._lock:
            return dict(self._tabs.get(tab, {}))

    def remember(self, tab: str, cells: Mapping[tuple[str, str], str]) -> None:
        copied = dict(cells)
        with self._lock:
            self._tabs[tab] = copied


@dataclass
class MemoryStore:
    """The three fakes together, shaped like ``SqliteStore`` (``.ledger``, ``.audit``,
    ``.memory``)."""

    ledger: MemoryLedger = field(default_factory=MemoryLedger)
    audit: MemoryAuditLog = field(default_factory=MemoryAuditLog)
    memory: MemoryCellMemory = field(default_factory=MemoryCellMemory)


def _check_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"a timezone-aware time is needed, got {moment.isoformat()}")
