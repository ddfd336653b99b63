"""POS sale events on AWS: the webhook's buffer and the dated history, in the live table.

One item per webhook rather than one per event: a Shopify order's lines share their order's
time, so one order is one item, written when the webhook stores it (entering the sparse
``pending`` index) and when a poll takes it (leaving it), instead of three writes per sold
line (each doubled by a transaction and again by the index). That was most of the bill with
a POS connected (``sheets-bot cost``).

An item is ``pk = "sale"``, ``sk = "<UTC time>|<slot>"``: the events of one webhook at one
instant (to the microsecond), slot 0 for the first webhook at that instant, 1, 2, ... for
later ones (and for each ``EVENTS_PER_ITEM`` of a bigger one). It holds the events as compact
JSON, each with its own state (``sale``: in the buffer; ``applying``: taken by a poll, with
when and which take), a ``version`` and the TTL, and ``pending = sale`` while an event waits.
Every change of an item is a strongly consistent read of the instant's items and a PutItem
conditioned on what was read (the version; a new slot's absence), retried on a conflict: an
event id is stored once however many copies of a webhook race, and of two pollers only one
takes each event.

A poll's take is also one *take record*, ``pk = "taken"``, ``sk = "<UTC time>|<run>"``,
naming the events it took, written before the items. Settling lets go of the record (no write
per item); putting back returns its events to the buffer; a record older than the lease is
what ``unsettled`` reports, for the events their items still show as taken by it (a poll that
died before taking leaves a record of events not taken, which is not reported).

Items written before this layout (one per event, ``sk = "<UTC time>#<event id>"`` with the
event's fields at the top level, ``pending`` = ``sale`` or ``applying``) are read as
one-event items: taken like the others, and settled or put back in their items, so an
upgrade loses neither the history nor the buffer.
"""

from __future__ import annotations

import json
import time
import uuid
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
TAKEN_PARTITION: Final = "taken"
"""Take records: ``sk = "<UTC time of the take>|<run>"``, the events a poll took and has not
yet settled or put back."""
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
    run: str | None = None
    """The take that holds it (``applying``): its take record's sort key."""

    def to_json(self) -> list[Any]:
        e = self.event
        return [e.event_id, e.source, e.sku, e.quantity, e.kind, iso(e.at), self.state,
                self.applied_at, self.run]  # fmt: skip

    @classmethod
    def from_json(cls, row: list[Any]) -> _Entry:
        event_id, source, sku, quantity, kind, at, state, applied_at, run = row
        event = SaleEvent(
            event_id=event_id,
            source=source,
            sku=sku,
            quantity=float(quantity),
            at=datetime.fromisoformat(at),
            kind=kind,
        )
        return cls(event, state, applied_at, run)


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
    """``sale`` while an event waits in the buffer (the item is then in the index)."""
    return "sale" if any(entry.state == "sale" for entry in entries) else None


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
        return [e.event for e in self._pending_entries("sale") if e.state == "sale"]

    def mark_applied(self, events: Sequence[SaleEvent], now: datetime) -> list[SaleEvent]:
        """The take's record first (which events, when), then the items: a poll that dies
        between leaves a record whose events are checked against their items, never taken
        events without a record (they would never be reported as of unknown outcome)."""
        run = f"{sortable_utc(now)}{_SLOT}{uuid.uuid4().hex[:12]}"
        wanted = _in_order(events, {event.event_id for event in events})
        if not wanted:
            return []
        self._put_record(run, wanted)
        taken = self._change(
            wanted,
            lambda entry: (
                replace(entry, state="applying", applied_at=sortable_utc(now), run=run)
                if entry.state == "sale"
                else None
            ),
        )
        if len(taken) < len(wanted):  # another poller took the rest: its record names them
            self._rewrite_record(run, taken)
        return taken

    def unmark_applied(self, events: Sequence[SaleEvent]) -> None:
        """Back into the buffer: the events a take record still holds (a settled one stays
        applied), and taken events of the per-event layout."""
        held = self._release(events)
        self._change(
            [event for event in events if event.event_id in held],
            lambda entry: (
                replace(entry, state="sale", applied_at=None, run=None)
                if entry.state == "applying"
                else None
            ),
        )
        self._change(
            [event for event in events if event.event_id not in held],
            lambda entry: (
                replace(entry, state="sale", applied_at=None)
                if entry.state == "applying" and entry.run is None
                else None
            ),
            legacy_only=True,
        )

    def settle_applied(self, events: Sequence[SaleEvent]) -> None:
        """The take records let go of the events (their items stay as taken: no write per
        item); taken events of the per-event layout are settled in their items."""
        held = self._release(events)
        self._change(
            [event for event in events if event.event_id not in held],
            lambda entry: replace(entry, state="settled") if entry.state == "applying" else None,
            legacy_only=True,
        )

    def unsettled(self, before: datetime) -> list[SaleEvent]:
        """The events of take records older than ``before`` that their items still show as
        taken by that take; and taken events of the per-event layout (in the index)."""
        stamp = sortable_utc(before)
        found: list[_Entry] = []
        for run, events in self._records(before=stamp):
            by_instant: dict[str, set[str]] = {}
            for moment, event_id in events:
                by_instant.setdefault(moment, set()).add(event_id)
            for moment, ids in by_instant.items():
                found += [
                    entry
                    for item in self._items_at(moment)
                    for entry in item.entries
                    if entry.event.event_id in ids and entry.state == "applying"
                    and entry.run == run
                ]  # fmt: skip
        found += [
            entry
            for entry in self._pending_entries("applying")
            if entry.state == "applying" and entry.run is None
            and (entry.applied_at or "") < stamp
        ]  # fmt: skip
        return [entry.event for entry in sorted(found, key=lambda e: instant(e.event.at))]

    # --- take records ---------------------------------------------------------------------

    def _put_record(self, run: str, events: Sequence[SaleEvent]) -> None:
        self._client.put_item(
            TableName=self._table,
            Item={
                tables.LIVE_KEY: {"S": TAKEN_PARTITION},
                tables.LIVE_SORT: {"S": run},
                _EVENTS: {"S": _record_events(events)},
            },
        )

    def _rewrite_record(self, run: str, events: Sequence[SaleEvent]) -> None:
        if events:
            self._put_record(run, events)
        else:
            self._client.delete_item(
                TableName=self._table,
                Key={tables.LIVE_KEY: {"S": TAKEN_PARTITION}, tables.LIVE_SORT: {"S": run}},
            )

    def _records(self, *, before: str | None = None) -> list[tuple[str, list[list[str]]]]:
        """The take records not yet let go of (all, or those older than ``before``): each
        its key and its events as (instant, event id)."""
        condition = "#pk = :pk AND #sk < :before" if before is not None else "#pk = :pk"
        values: dict[str, Any] = {":pk": {"S": TAKEN_PARTITION}}
        if before is not None:
            values[":before"] = {"S": before}
        items = query_all(
            self._client,
            {
                "TableName": self._table,
                "KeyConditionExpression": condition,
                "ExpressionAttributeNames": _NAMES
                if before is not None
                else {"#pk": _NAMES["#pk"]},
                "ExpressionAttributeValues": values,
                "ConsistentRead": True,
            },
        )
        return [(text(item, tables.LIVE_SORT), json.loads(text(item, _EVENTS))) for item in items]

    def _release(self, events: Sequence[SaleEvent]) -> set[str]:
        """Take ``events`` out of the take records that hold them; the ids they held."""
        ids = {event.event_id for event in events}
        held: set[str] = set()
        for run, recorded in self._records():
            mine = {event_id for _, event_id in recorded if event_id in ids}
            if not mine:
                continue
            held |= mine
            rest = [pair for pair in recorded if pair[1] not in mine]
            if rest:
                self._client.put_item(
                    TableName=self._table,
                    Item={
                        tables.LIVE_KEY: {"S": TAKEN_PARTITION},
                        tables.LIVE_SORT: {"S": run},
                        _EVENTS: {"S": json.dumps(rest, separators=(",", ":"))},
                    },
                )
            else:
                self._client.delete_item(
                    TableName=self._table,
                    Key={tables.LIVE_KEY: {"S": TAKEN_PARTITION}, tables.LIVE_SORT: {"S": run}},
                )
        return held

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

    def _pending_entries(self, state: str) -> list[_Entry]:
        """The entries of the items the sparse index lists under ``state``, oldest first
        (the index is eventually consistent: a write's condition is what keeps a change
        once). New items are listed only as ``sale``; ``applying`` is the per-event layout's."""
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
        entries = [entry for item in items for entry in _read(item).entries]
        return sorted(entries, key=lambda entry: instant(entry.event.at))

    def _change(
        self,
        events: Sequence[SaleEvent],
        change: Callable[[_Entry], _Entry | None],
        *,
        legacy_only: bool = False,
    ) -> list[SaleEvent]:
        """Apply ``change`` to each of ``events`` where it returns a new entry; return the
        events changed by this call (an event in another state is left out)."""
        wanted: dict[str, set[str]] = {}
        for event in events:
            check_aware(event.at)
            wanted.setdefault(instant(event.at), set()).add(event.event_id)
        changed: set[str] = set()
        for moment, ids in wanted.items():
            changed |= self._change_at(moment, set(ids), change, legacy_only=legacy_only)
        return _in_order(events, changed)

    def _change_at(
        self,
        moment: str,
        ids: set[str],
        change: Callable[[_Entry], _Entry | None],
        *,
        legacy_only: bool,
    ) -> set[str]:
        changed: set[str] = set()
        for attempt in range(ATTEMPTS):
            conflict = False
            for item in self._items_at(moment):
                if legacy_only and not item.legacy:
                    continue
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


def _record_events(events: Sequence[SaleEvent]) -> str:
    return json.dumps([[instant(e.at), e.event_id] for e in events], separators=(",", ":"))


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
