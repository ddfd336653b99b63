"""The audit log in DynamoDB: entries are written once and never changed.

* Ids come from an atomic ``ADD`` on a counter item, reserved for a whole ``record`` call in
  one request, so they increase in the order entries were recorded. (Two Lambdas recording at
  the same moment may each write after the other reserved; ids never repeat.)
* The entries of one call are stored together, as a *page*: one item ``pk = "entry"``,
  ``id = <its first id>`` holding up to ``PAGE_ENTRIES`` entries (and ``PAGE_BYTES``) as JSON,
  a conditional put (``attribute_not_exists``): a page is never overwritten, and the entries
  of a usual call appear together or not at all. DynamoDB bills a write per KB of an item,
  not per entry, so a poll that audits a hundred POS-applied items writes one item of a few
  KB instead of a hundred items in transactions (twice the units) each entering an index.
* Which entries are not yet mirrored to the sheet is a small marker item per page,
  ``pk = "unmirrored"``, ``id = <the page's first id>``, with the set of those ids; it is put
  before its page (a crash between leaves a marker without a page, which is skipped, never an
  entry that is never mirrored). ``mark_mirrored`` deletes ids from the set (a conditional
  set ``DELETE``: unknown ids are skipped, never created) and the marker once it is empty.

Entries written before pages existed (one item each, ``pending`` while unmirrored, in the
sparse ``pending`` index) are read as they are: ``entries`` and ``since`` interleave them by
id, ``unmirrored`` finds them through the index and ``mark_mirrored`` clears their marker.

Requests: ``record`` one counter update plus two puts per page; ``entries`` one Query per
1 MB; ``unmirrored`` two Queries plus one BatchGet per 100 pages; ``mark_mirrored`` one Query plus
one update per page it touches (and one delete per page done), a second Query only for ids
of the older layout.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from botocore.exceptions import ClientError

from sheets_bot.adapters.aws import tables
from sheets_bot.adapters.aws.dynamo_items import (
    batch_get,
    is_condition_failure,
    iso,
    number,
    query_all,
    text,
)
from sheets_bot.domain.audit import AuditEntry, action_of, dump_snapshot, load_snapshot

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from sheets_bot.adapters.aws.dynamo_items import Item

_ENTRY: Final = "entry"
_COUNTER: Final = "counter"
_UNMIRRORED: Final = "unmirrored"
_PENDING: Final = "yes"
_IDS: Final = "ids"
_ENTRIES: Final = "entries"
PAGE_ENTRIES: Final = 100
PAGE_BYTES: Final = 300_000
"""An item may hold 400 KB; a page stays well below, with room for its keys."""


def _key(pk: str, entry_id: int) -> Item:
    return {tables.AUDIT_KEY: {"S": pk}, tables.AUDIT_ID: {"N": str(entry_id)}}


class DynamoAuditLog:
    """The ``AuditLog`` port over the audit table (see ``tables``)."""

    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    def __repr__(self) -> str:
        return f"DynamoAuditLog(table={self._table!r})"

    def record(self, entries: Sequence[AuditEntry]) -> None:
        rows = [_row(entry) for entry in entries]  # refuses naive times first
        if not rows:
            return
        entry_id = self._reserve(len(rows)) - len(rows) + 1
        for page in _pages(rows):
            ids = [str(entry_id + n) for n in range(len(page))]
            self._client.put_item(
                TableName=self._table,
                Item={**_key(_UNMIRRORED, entry_id), _IDS: {"NS": ids}},
                ConditionExpression="attribute_not_exists(#id)",
                ExpressionAttributeNames={"#id": tables.AUDIT_ID},
            )
            try:
                self._client.put_item(
                    TableName=self._table,
                    Item={
                        **_key(_ENTRY, entry_id),
                        _ENTRIES: {"S": json.dumps(page, ensure_ascii=False)},
                    },
                    ConditionExpression="attribute_not_exists(#id)",
                    ExpressionAttributeNames={"#id": tables.AUDIT_ID},
                )
            except ClientError:
                # An id taken already (a counter set back by hand): the marker just put would
                # list the older page's entries again; take it back, and say so.
                self._client.delete_item(TableName=self._table, Key=_key(_UNMIRRORED, entry_id))
                raise
            entry_id += len(page)

    def unmirrored(self) -> list[tuple[int, AuditEntry]]:
        markers = self._markers()
        pages = batch_get(self._client, self._table, [_key(_ENTRY, first) for first in markers])
        found = [
            (entry_id, entry)
            for page in pages
            for entry_id, entry in _read(page)
            if entry_id in markers.get(number(page, tables.AUDIT_ID), set())
        ]
        legacy = batch_get(self._client, self._table, [_key(_ENTRY, n) for n in self._legacy()])
        found += [
            (number(item, tables.AUDIT_ID), _entry_of(item))
            for item in legacy
            if tables.AUDIT_PENDING in item
        ]
        return sorted(found, key=lambda pair: pair[0])

    def mark_mirrored(self, ids: Sequence[int]) -> None:
        wanted = set(ids)
        if not wanted:
            return
        for first, pending in self._markers().items():
            mine = pending & wanted
            if mine:
                self._unmark(first, mine)
                wanted -= mine
        if not wanted:
            return
        for entry_id in sorted(wanted & set(self._legacy())):
            try:
                self._client.update_item(
                    TableName=self._table,
                    Key=_key(_ENTRY, entry_id),
                    UpdateExpression="REMOVE #pending",
                    ConditionExpression="attribute_exists(#pending)",
                    ExpressionAttributeNames={"#pending": tables.AUDIT_PENDING},
                )
            except ClientError as error:
                if not is_condition_failure(error):
                    raise

    def entries(self) -> list[AuditEntry]:
        return [entry for item in self._items(newest_first=False) for _, entry in _read(item)]

    def since(self, start: datetime) -> list[AuditEntry]:
        recent: list[AuditEntry] = []
        for item in self._items(newest_first=True):
            for _, entry in reversed(_read(item)):
                if entry.when < start:
                    return recent[::-1]
                recent.append(entry)
        return recent[::-1]

    def _items(self, *, newest_first: bool) -> Iterator[Item]:
        """The pages (and older single entries) in id order, read only as far as the caller
        iterates."""
        return query_all(
            self._client,
            {
                "TableName": self._table,
                "KeyConditionExpression": "#pk = :entry",
                "ExpressionAttributeNames": {"#pk": tables.AUDIT_KEY},
                "ExpressionAttributeValues": {":entry": {"S": _ENTRY}},
                "ConsistentRead": True,
                "ScanIndexForward": not newest_first,
            },
        )

    def _markers(self) -> dict[int, set[int]]:
        """Per page (its first id), the ids on it not yet mirrored."""
        items = query_all(
            self._client,
            {
                "TableName": self._table,
                "KeyConditionExpression": "#pk = :unmirrored",
                "ExpressionAttributeNames": {"#pk": tables.AUDIT_KEY},
                "ExpressionAttributeValues": {":unmirrored": {"S": _UNMIRRORED}},
                "ConsistentRead": True,
            },
        )
        return {
            number(item, tables.AUDIT_ID): {int(n) for n in item[_IDS]["NS"]}
            for item in items
            if _IDS in item
        }

    def _legacy(self) -> list[int]:
        """Ids of unmirrored entries stored one to an item, before pages (the sparse index)."""
        return [
            number(item, tables.AUDIT_ID)
            for item in query_all(
                self._client,
                {
                    "TableName": self._table,
                    "IndexName": tables.AUDIT_PENDING_INDEX,
                    "KeyConditionExpression": "#pending = :pending",
                    "ExpressionAttributeNames": {"#pending": tables.AUDIT_PENDING},
                    "ExpressionAttributeValues": {":pending": {"S": _PENDING}},
                },
            )
        ]

    def _unmark(self, first: int, ids: set[int]) -> None:
        """Delete ``ids`` from the page's marker, and the marker once none is left."""
        response = self._client.update_item(
            TableName=self._table,
            Key=_key(_UNMIRRORED, first),
            UpdateExpression="DELETE #ids :ids",
            ExpressionAttributeNames={"#ids": _IDS},
            ExpressionAttributeValues={":ids": {"NS": [str(n) for n in sorted(ids)]}},
            ReturnValues="ALL_NEW",
        )
        if _IDS in response.get("Attributes", {}):
            return
        try:
            self._client.delete_item(
                TableName=self._table,
                Key=_key(_UNMIRRORED, first),
                ConditionExpression="attribute_not_exists(#ids)",
                ExpressionAttributeNames={"#ids": _IDS},
            )
        except ClientError as error:
            if not is_condition_failure(error):
                raise

    def _reserve(self, count: int) -> int:
        """Reserve ``count`` ids; the last of them."""
        response = self._client.update_item(
            TableName=self._table,
            Key={tables.AUDIT_KEY: {"S": _COUNTER}, tables.AUDIT_ID: {"N": "0"}},
            UpdateExpression="ADD #last :count",
            ExpressionAttributeNames={"#last": "last_id"},
            ExpressionAttributeValues={":count": {"N": str(count)}},
            ReturnValues="UPDATED_NEW",
        )
        return number(response["Attributes"], "last_id")


Row = list[Any]
"""An entry as a page stores it: when, who, action, subject, before, after."""


def _row(entry: AuditEntry) -> Row:
    return [
        iso(entry.when),
        entry.who,
        str(entry.action),
        entry.subject,
        _plain(entry.before),
        _plain(entry.after),
    ]


def _plain(snapshot: Mapping[str, Any] | None) -> Any:
    """A snapshot as JSON values (Decimals and datetimes become strings); None stays None,
    so a missing snapshot and an empty one stay distinct."""
    return load_snapshot(dump_snapshot(snapshot))


def _pages(rows: Sequence[Row]) -> Iterator[list[Row]]:
    page: list[Row] = []
    size = 0
    for row in rows:
        row_size = len(json.dumps(row, ensure_ascii=False).encode())
        if page and (len(page) == PAGE_ENTRIES or size + row_size > PAGE_BYTES):
            yield page
            page, size = [], 0
        page.append(row)
        size += row_size
    if page:
        yield page


def _read(item: Item) -> list[tuple[int, AuditEntry]]:
    """The entries of a page, or the one entry of an item written before pages, with ids."""
    first = number(item, tables.AUDIT_ID)
    if _ENTRIES not in item:
        return [(first, _entry_of(item))]
    rows = json.loads(text(item, _ENTRIES))
    return [
        (
            first + n,
            AuditEntry(
                when=datetime.fromisoformat(when),
                who=who,
                action=action_of(action),
                subject=subject,
                before=before,
                after=after,
            ),
        )
        for n, (when, who, action, subject, before, after) in enumerate(rows)
    ]


def _load_snapshot(item: Item, name: str) -> Mapping[str, Any] | None:
    return load_snapshot(text(item, name)) if name in item else None


def _entry_of(item: Item) -> AuditEntry:
    """An entry stored one to an item (before pages)."""
    return AuditEntry(
        when=datetime.fromisoformat(text(item, "when")),
        who=text(item, "who"),
        action=action_of(text(item, "action")),
        subject=text(item, "subject"),
        before=_load_snapshot(item, "before"),
        after=_load_snapshot(item, "after"),
    )
