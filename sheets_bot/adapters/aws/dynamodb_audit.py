"""The audit log in DynamoDB: entries are written once and never changed, except that the
marker of "not yet mirrored to the sheet" is removed once they are.

* Ids come from an atomic ``ADD`` on a counter item, reserved for a whole ``record`` call in
  one request, so they increase in the order entries were recorded. (Two Lambdas recording at
  the same moment may each write after the other reserved; ids never repeat.)
* Each entry is a conditional put (``attribute_not_exists``): an id is never overwritten. The
  puts of one call go in ``TransactWriteItems`` of up to 100 entries (and under 4 MB), so the
  entries of a usual call appear together or not at all. A retried transaction is safe:
  botocore gives each one an idempotency token.
* Unmirrored entries carry a ``pending`` attribute, the hash key of a sparse index: reading the
  backlog is one Query of that index, never a Scan, and ``mark_mirrored`` removes the attribute
  with a conditional update (unknown ids are skipped, never created).

The index is eventually consistent, so ``unmirrored`` reads the entries it names back from the
table with consistent reads and drops any already mirrored: an entry mirrored a moment ago is
never copied to the sheet twice; one recorded a moment ago may wait for the next run.

Requests: ``record`` one counter update plus one transaction per 100 entries; ``entries`` one
Query per 1 MB; ``unmirrored`` one Query plus one BatchGet per 100 entries; ``mark_mirrored``
one update per id.
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
from sheets_bot.domain.audit import AuditEntry, action_of

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef, TransactWriteItemTypeDef

    from sheets_bot.adapters.aws.dynamo_items import Item

_ENTRY: Final = "entry"
_COUNTER: Final = "counter"
_PENDING: Final = "yes"
_TRANSACTION_LIMIT: Final = 100
_TRANSACTION_BYTES: Final = 3_500_000
"""Below the 4 MB a transaction may carry, leaving room for keys and overhead."""


class DynamoAuditLog:
    """The ``AuditLog`` port over the audit table (see ``tables``)."""

    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    def __repr__(self) -> str:
        return f"DynamoAuditLog(table={self._table!r})"

    def record(self, entries: Sequence[AuditEntry]) -> None:
        items = [_entry_attributes(entry) for entry in entries]  # refuses naive times first
        if not items:
            return
        last = self._reserve(len(items))
        first = last - len(items) + 1
        batch: list[TransactWriteItemTypeDef] = []
        size = 0
        for entry_id, attributes in enumerate(items, start=first):
            item: dict[str, AttributeValueTypeDef] = {
                tables.AUDIT_KEY: {"S": _ENTRY},
                tables.AUDIT_ID: {"N": str(entry_id)},
                tables.AUDIT_PENDING: {"S": _PENDING},
                **attributes,
            }
            item_size = _size(item)
            if batch and (
                len(batch) == _TRANSACTION_LIMIT or size + item_size > _TRANSACTION_BYTES
            ):
                self._write(batch)
                batch, size = [], 0
            batch.append(
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": item,
                        "ConditionExpression": "attribute_not_exists(#id)",
                        "ExpressionAttributeNames": {"#id": tables.AUDIT_ID},
                    }
                }
            )
            size += item_size
        self._write(batch)

    def unmirrored(self) -> list[tuple[int, AuditEntry]]:
        keys: list[Item] = [
            {tables.AUDIT_KEY: {"S": _ENTRY}, tables.AUDIT_ID: item[tables.AUDIT_ID]}
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
        found = [
            item
            for item in batch_get(self._client, self._table, keys)
            if tables.AUDIT_PENDING in item
        ]
        found.sort(key=lambda item: number(item, tables.AUDIT_ID))
        return [(number(item, tables.AUDIT_ID), _entry(item)) for item in found]

    def mark_mirrored(self, ids: Sequence[int]) -> None:
        for entry_id in ids:
            try:
                self._client.update_item(
                    TableName=self._table,
                    Key={tables.AUDIT_KEY: {"S": _ENTRY}, tables.AUDIT_ID: {"N": str(entry_id)}},
                    UpdateExpression="REMOVE #pending",
                    ConditionExpression="attribute_exists(#pending)",
                    ExpressionAttributeNames={"#pending": tables.AUDIT_PENDING},
                )
            except ClientError as error:
                # Mirrored already, or no such entry: nothing to do, and nothing is created.
                if not is_condition_failure(error):
                    raise

    def entries(self) -> list[AuditEntry]:
        return [_entry(item) for item in self._entries(newest_first=False)]

    def since(self, start: datetime) -> list[AuditEntry]:
        recent: list[AuditEntry] = []
        for item in self._entries(newest_first=True):
            entry = _entry(item)
            if entry.when < start:
                break
            recent.append(entry)
        return recent[::-1]

    def _entries(self, *, newest_first: bool) -> Iterator[Item]:
        """The entries in id order (pages read only as far as the caller iterates)."""
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

    def _write(self, batch: list[TransactWriteItemTypeDef]) -> None:
        self._client.transact_write_items(TransactItems=batch)


def _entry_attributes(entry: AuditEntry) -> dict[str, AttributeValueTypeDef]:
    attributes: dict[str, AttributeValueTypeDef] = {
        "when": {"S": iso(entry.when)},
        "who": {"S": entry.who},
        "action": {"S": str(entry.action)},
        "subject": {"S": entry.subject},
    }
    # A missing snapshot is a missing attribute; an empty one is "{}": they stay distinct.
    if entry.before is not None:
        attributes["before"] = {"S": _dump_snapshot(entry.before)}
    if entry.after is not None:
        attributes["after"] = {"S": _dump_snapshot(entry.after)}
    return attributes


def _size(item: dict[str, AttributeValueTypeDef]) -> int:
    """Roughly the bytes DynamoDB counts for an item of string and number attributes."""
    return sum(
        len(name.encode()) + len(value.get("S", value.get("N", "")).encode())
        for name, value in item.items()
    )


def _dump_snapshot(value: Mapping[str, Any]) -> str:
    """JSON text of a before/after snapshot; Decimals and datetimes become strings."""
    return json.dumps(value, ensure_ascii=False, default=str)


def _load_snapshot(item: Item, name: str) -> Mapping[str, Any] | None:
    if name not in item:
        return None
    loaded: dict[str, Any] = json.loads(text(item, name))
    return loaded


def _entry(item: Item) -> AuditEntry:
    return AuditEntry(
        when=datetime.fromisoformat(text(item, "when")),
        who=text(item, "who"),
        action=action_of(text(item, "action")),
        subject=text(item, "subject"),
        before=_load_snapshot(item, "before"),
        after=_load_snapshot(item, "after"),
    )
