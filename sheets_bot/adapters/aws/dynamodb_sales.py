"""POS sale events on AWS: the webhook's buffer and the dated history, in the live table.

One item per webhook rather than one per event: a Shopify order's lines share their order's
time, so one order is one item, written once when the webhook stores it, once when a poll
takes it and once when that poll settles it, instead of three writes per sold line (each
doubled by a transaction and again by the index). That was most of the bill with a POS
connected (``sheets-bot cost``).

An item is ``pk = "sale"``, ``sk = "<UTC time>|<slot>"``: the events of one webhook at one
instant (to the microsecond), slot 0 for the first webhook at that instant, 1, 2, ... for
later ones (and for each ``EVENTS_PER_ITEM`` of a bigger one). It holds the events as compact
JSON, each with its own state (``sale``: in the buffer; ``applying``: taken by a poll at
``applied_at``; ``settled``: that poll's sheet write succeeded), a ``version`` and the TTL.
Every change is a strongly consistent read of the instant's items and a PutItem conditioned
on what was read (the version; a new slot's absence), retried on a conflict: an event id is
stored once however many copies of a webhook race, and of two pollers only one takes each
event. The item carries ``pending`` (``sale`` while any event waits, else ``applying`` while
one is taken and not settled) only while it has such events, which puts it in the sparse
``pending`` index the poll reads.

Items written before this layout (one per event, ``sk = "<UTC time>#<event id>"`` with the
event's fields at the top level) are read as one-event items and rewritten in the new shape
the first time a poll changes them, so an upgrade loses neither the history nor the buffer.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final, Literal

from botocore.exceptions import ClientError

from sheets_bot.adapters.aws import tables
from sheets_bot.adapters.aws.dynamo_items import (
    check_aware,
    is_condition_failure,
    iso,
    query_all,
    sortable_utc,
    text,
)
from sheets_bot.domain.history import SaleEvent
from sheets_bot.errors import AdapterError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import PutItemInputTypeDef

    from sheets_bot.adapters.aws.dynamo_items import Item

State = Literal["sale", "applying", "settled"]

SALE_PARTITION: Final = "sale"
EVENTS_PER_ITEM: Final = 100
"""Events kept in one item: a webhook's lines fit many times over, and an item stays a few
KB (DynamoDB bills a write per KB of the whole item)."""
ATTEMPTS: Final = 25
"""Conflicting writes to one instant's items before giving up (each attempt re-reads)."""
_SLOT: Final = "|"
_VERSION: Final = "version"
_EVENTS: Final = "events"
_NAMES: Final = {"#pk": tables.LIVE_KEY, "#sk": tables.LIVE_SORT}


class SaleBufferBusy(AdapterError, RuntimeError):
    """The items of one instant kept changing under every attempt to change them."""


@dataclass(frozen=True)
class _Entry:
    event: SaleEvent
    state: State = "sale"
    applied_at: str | None = None

    def to_json(self) -> list[Any]:
        e = self.event
        return [e.event_id, e.source, e.sku, e.quantity, e.kind, iso(e.at), self.state,
                self.applied_at]  # fmt: skip

    @classmethod
    def from_json(cls, row: list[Any]) -> _Entry:
        event_id, source, sku, quantity, kind, at, state, applied_at = row
        event = SaleEvent(
            event_id=event_id,
            source=source,
            sku=sku,
            quantity=float(quantity),
            at=datetime.fromisoformat(at),
            kind=kind,
        )
        return cls(event, state, applied_at)


@dataclass(frozen=True)
class _Item:
    """The events of one item as read, with what its next write must find unchanged."""

    sk: str
    entries: tuple[_Entry, ...]
    version: int | None
    """None: an item of the per-event layout (no version; its ``pending`` is the guard)."""
    pending: str | None

    @property
    def legacy(self) -> bool:
        return self.version is None

    @property
    def slot(self) -> int:
        return -1 if self.legacy else int(self.sk.rsplit(_SLOT, 1)[1])


def instant(moment: datetime) -> str:
    """The sort-key prefix of the items holding events at ``moment``."""
    return sortable_utc(moment)


def _pending(entries: Iterable[_Entry]) -> str | None:
    states = {entry.state for entry in entries}
    if "sale" in states:
        return "sale"
    return "applying" if "applying" in states else None


def _read(item: Item) -> _Item:
    sk = text(item, tables.LIVE_SORT)
    pending = item[tables.LIVE_PENDING]["S"] if tables.LIVE_PENDING in item else None
    if _EVENTS in item:
        rows = json.loads(text(item, _EVENTS))
        entries = tuple(_Entry.from_json(row) for row in rows)
        return _Item(sk, entries, int(item[_VERSION]["N"]), pending)
    # The per-event layout: the event's fields at the top level.
    event = SaleEvent(
        event_id=text(item, "event_id"),
        source=text(item, "source"),
        sku=text(item, "sku"),
        quantity=float(item["quantity"]["N"]),
        at=datetime.fromisoformat(text(item, "at")),
        kind=text(item, "kind"),  # type: ignore[arg-type]  # written from a SaleKind
    )
    state: State = "sale" if pending == "sale" else "applying" if pending else "settled"
    applied = item["applied_at"]["S"] if "applied_at" in item else None
    return _Item(sk, (_Entry(event, state, applied),), None, pending)


class DynamoSalesLog:
    """The ``SalesLog`` port (with the webhook buffer) over the live table."""

    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    def __repr__(self) -> str:
        return f"DynamoSalesLog(table={self._table!r})"

    # --- the history --------------------------------------------------------------------

    def add(self, events: Sequence[SaleEvent]) -> list[SaleEvent]:
        for event in events:
            check_aware(event.at)
        groups: dict[str, list[SaleEvent]] = {}
        ids: set[str] = set()
        for event in events:
            if event.event_id not in ids:  # the same event twice in one call: stored once
                ids.add(event.event_id)
                groups.setdefault(instant(event.at), []).append(event)
        added: set[str] = set()
        for moment, group in groups.items():
            for start in range(0, len(group), EVENTS_PER_ITEM):
                added |= self._add_at(moment, group[start : start + EVENTS_PER_ITEM])
        return _in_order(events, added)

    def _add_at(self, moment: str, group: Sequence[SaleEvent]) -> set[str]:
        """Store the new events of ``group`` (all at ``moment``) as the instant's next slot:
        the create succeeds only if no other writer took that slot since this read saw every
        slot before it, so an event id is stored once however the deliveries race."""
        for attempt in range(ATTEMPTS):
            items = self._items_at(moment)
            seen = {entry.event.event_id for item in items for entry in item.entries}
            new = [_Entry(event) for event in group if event.event_id not in seen]
            if not new:
                return set()
            slot = max((item.slot for item in items), default=-1) + 1
            if self._create(f"{moment}{_SLOT}{slot}", new):
                return {entry.event.event_id for entry in new}
            _back_off(attempt)
        raise SaleBufferBusy(f"the sale events at {moment} kept changing; try again")

    def since(self, start: datetime) -> list[SaleEvent]:
        items = query_all(
            self._client,
            {
                "TableName": self._table,
                "KeyConditionExpression": "#pk = :pk AND #sk >= :start",
                "ExpressionAttributeNames": _NAMES,
                "ExpressionAttributeValues": {
                    ":pk": {"S": SALE_PARTITION},
                    ":start": {"S": sortable_utc(start)},
                },
                "ConsistentRead": True,
            },
        )
        return [entry.event for item in items for entry in _read(item).entries]

    # --- the buffer ---------------------------------------------------------------------

    def unapplied(self) -> list[SaleEvent]:
        return [e.event for e in self._pending_entries(("sale",)) if e.state == "sale"]

    def unsettled(self, before: datetime) -> list[SaleEvent]:
        stamp = sortable_utc(before)
        return [
            entry.event
            for entry in self._pending_entries(("sale", "applying"))
            if entry.state == "applying" and (entry.applied_at or "") < stamp
        ]

    def mark_applied(self, events: Sequence[SaleEvent], now: datetime) -> list[SaleEvent]:
        stamp = sortable_utc(now)
        return self._change(
            events,
            lambda entry: (
                replace(entry, state="applying", applied_at=stamp)
                if entry.state == "sale"
                else None
            ),
        )

    def unmark_applied(self, events: Sequence[SaleEvent]) -> None:
        self._change(
            events,
            lambda entry: (
                replace(entry, state="sale", applied_at=None) if entry.state == "applying" else None
            ),
        )

    def settle_applied(self, events: Sequence[SaleEvent]) -> None:
        self._change(
            events,
            lambda entry: replace(entry, state="settled") if entry.state == "applying" else None,
        )

    # --- reads and writes ---------------------------------------------------------------

    def _items_at(self, moment: str) -> list[_Item]:
        items = query_all(
            self._client,
            {
                "TableName": self._table,
                "KeyConditionExpression": "#pk = :pk AND begins_with(#sk, :at)",
                "ExpressionAttributeNames": _NAMES,
                "ExpressionAttributeValues": {
                    ":pk": {"S": SALE_PARTITION},
                    ":at": {"S": moment},
                },
                "ConsistentRead": True,
            },
        )
        return [_read(item) for item in items]

    def _pending_entries(self, states: Sequence[str]) -> list[_Entry]:
        """The entries of the items in the sparse index under ``states``, oldest first (the
        index is eventually consistent: a write's condition is what keeps a change once)."""
        entries: list[_Entry] = []
        for state in states:
            items = query_all(
                self._client,
                {
                    "TableName": self._table,
                    "IndexName": tables.LIVE_PENDING_INDEX,
                    "KeyConditionExpression": "#pending = :state",
                    "ExpressionAttributeNames": {"#pending": tables.LIVE_PENDING},
                    "ExpressionAttributeValues": {":state": {"S": state}},
                },
            )
            entries += [entry for item in items for entry in _read(item).entries]
        return sorted(entries, key=lambda entry: instant(entry.event.at))

    def _change(
        self, events: Sequence[SaleEvent], change: Callable[[_Entry], _Entry | None]
    ) -> list[SaleEvent]:
        """Apply ``change`` to each of ``events`` where it returns a new entry; return the
        events changed by this call (an event in another state is left out)."""
        wanted: dict[str, set[str]] = {}
        for event in events:
            check_aware(event.at)
            wanted.setdefault(instant(event.at), set()).add(event.event_id)
        changed: set[str] = set()
        for moment, ids in wanted.items():
            changed |= self._change_at(moment, set(ids), change)
        return _in_order(events, changed)

    def _change_at(
        self, moment: str, ids: set[str], change: Callable[[_Entry], _Entry | None]
    ) -> set[str]:
        changed: set[str] = set()
        for attempt in range(ATTEMPTS):
            conflict = False
            for item in self._items_at(moment):
                entries, mine = [], set()
                for entry in item.entries:
                    new = change(entry) if entry.event.event_id in ids else None
                    entries.append(new or entry)
                    if new is not None:
                        mine.add(entry.event.event_id)
                if not mine:
                    continue
                if self._save(item, entries):
                    changed |= mine
                    ids -= mine
                else:
                    conflict = True
            if not conflict:
                return changed
            _back_off(attempt)
        raise SaleBufferBusy(f"the sale events at {moment} kept changing; try again")

    def _put(self, sk: str, entries: Sequence[_Entry], version: int) -> PutItemInputTypeDef:
        latest = max(entry.event.at.astimezone(UTC) for entry in entries)
        expires = latest + timedelta(days=tables.SALE_EVENT_DAYS)
        item: Item = {
            tables.LIVE_KEY: {"S": SALE_PARTITION},
            tables.LIVE_SORT: {"S": sk},
            _EVENTS: {"S": json.dumps([e.to_json() for e in entries], separators=(",", ":"))},
            _VERSION: {"N": str(version)},
            tables.LIVE_TTL: {"N": str(int(expires.timestamp()))},
        }
        pending = _pending(entries)
        if pending is not None:
            item[tables.LIVE_PENDING] = {"S": pending}
        return {"TableName": self._table, "Item": item}

    def _create(self, sk: str, entries: Sequence[_Entry]) -> bool:
        request = self._put(sk, entries, 1)
        request["ConditionExpression"] = "attribute_not_exists(#sk)"
        request["ExpressionAttributeNames"] = {"#sk": tables.LIVE_SORT}
        return self._conditional(request)

    def _save(self, item: _Item, entries: Sequence[_Entry]) -> bool:
        """Write ``entries`` over ``item`` if it is still as it was read."""
        request = self._put(item.sk, entries, (item.version or 0) + 1)
        if item.version is not None:
            request["ConditionExpression"] = "#v = :v"
            request["ExpressionAttributeNames"] = {"#v": _VERSION}
            request["ExpressionAttributeValues"] = {":v": {"N": str(item.version)}}
        elif item.pending is not None:
            request["ConditionExpression"] = "attribute_exists(#sk) AND attribute_not_exists(#v)"
            request["ConditionExpression"] += " AND #p = :p"
            request["ExpressionAttributeNames"] = {
                "#sk": tables.LIVE_SORT,
                "#v": _VERSION,
                "#p": tables.LIVE_PENDING,
            }
            request["ExpressionAttributeValues"] = {":p": {"S": item.pending}}
        else:
            request["ConditionExpression"] = (
                "attribute_exists(#sk) AND attribute_not_exists(#v) AND attribute_not_exists(#p)"
            )
            request["ExpressionAttributeNames"] = {
                "#sk": tables.LIVE_SORT,
                "#v": _VERSION,
                "#p": tables.LIVE_PENDING,
            }
        return self._conditional(request)

    def _conditional(self, request: PutItemInputTypeDef) -> bool:
        try:
            self._client.put_item(**request)
        except ClientError as error:
            if is_condition_failure(error):
                return False
            raise
        return True


def _in_order(events: Sequence[SaleEvent], ids: set[str]) -> list[SaleEvent]:
    """The events of ``events`` whose ids are in ``ids``, in their order, each id once."""
    found: list[SaleEvent] = []
    listed: set[str] = set()
    for event in events:
        if event.event_id in ids and event.event_id not in listed:
            listed.add(event.event_id)
            found.append(event)
    return found


def _back_off(attempt: int) -> None:
    time.sleep(min(0.005 * 2**attempt, 0.25))
