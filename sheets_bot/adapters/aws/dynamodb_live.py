"""The live lanes' state on AWS, in the live table (see ``tables``): POS sale events (the
webhook's buffer and the dated history, with a TTL), receipts, and once-only claims.

A sale event is stored with a conditional PutItem (``attribute_not_exists``), so a replayed
webhook finds its events already there and adds nothing, however many copies race. Its
``pending`` attribute puts it in the sparse ``pending`` index while it is not settled:
``sale`` while it waits in the buffer, ``applying`` once a poll took it (with ``applied_at``),
removed once that poll's sheet write succeeded. Taking is a conditional update (``pending =
sale``), 100 to a transaction, so of two pollers only one takes (and applies) each event. The
index is eventually consistent: an event just taken may still be listed by ``unapplied``, and
the condition is what keeps it from being applied twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final

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
from sheets_bot.domain.history import Receipt, SaleEvent

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import UpdateTypeDef

    from sheets_bot.adapters.aws.dynamo_items import Item

_SALE: Final = "sale"
_APPLYING: Final = "applying"
TRANSACTION_LIMIT: Final = 100
_RECEIPT: Final = "receipt"
_MARK: Final = "mark"
_KEY_NAMES: Final = {"#pk": tables.LIVE_KEY, "#sk": tables.LIVE_SORT}


def _key(pk: str, sk: str) -> Item:
    return {tables.LIVE_KEY: {"S": pk}, tables.LIVE_SORT: {"S": sk}}


def _sale_sort(event: SaleEvent) -> str:
    return f"{sortable_utc(event.at)}#{event.event_id}"


def _event(item: Item) -> SaleEvent:
    kind = text(item, "kind")
    return SaleEvent(
        event_id=text(item, "event_id"),
        source=text(item, "source"),
        sku=text(item, "sku"),
        quantity=float(item["quantity"]["N"]),
        at=datetime.fromisoformat(text(item, "at")),
        kind=kind,  # type: ignore[arg-type]  # written from a SaleKind by add
    )


class DynamoSalesLog:
    """The ``SalesLog`` port (with the webhook buffer) over the live table."""

    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    def __repr__(self) -> str:
        return f"DynamoSalesLog(table={self._table!r})"

    def add(self, events: Sequence[SaleEvent]) -> list[SaleEvent]:
        added: list[SaleEvent] = []
        for event in events:
            check_aware(event.at)
            expires = event.at + timedelta(days=tables.SALE_EVENT_DAYS)
            item: Item = {
                **_key(_SALE, _sale_sort(event)),
                tables.LIVE_PENDING: {"S": _SALE},
                tables.LIVE_TTL: {"N": str(int(expires.timestamp()))},
                "event_id": {"S": event.event_id},
                "source": {"S": event.source},
                "sku": {"S": event.sku},
                "quantity": {"N": repr(float(event.quantity))},
                "kind": {"S": event.kind},
                "at": {"S": iso(event.at)},
            }
            try:
                self._client.put_item(
                    TableName=self._table,
                    Item=item,
                    ConditionExpression="attribute_not_exists(#pk)",
                    ExpressionAttributeNames={"#pk": tables.LIVE_KEY},
                )
            except ClientError as error:
                if is_condition_failure(error):
                    continue
                raise
            added.append(event)
        return added

    def since(self, start: datetime) -> list[SaleEvent]:
        items = query_all(
            self._client,
            {
                "TableName": self._table,
                "KeyConditionExpression": "#pk = :pk AND #sk >= :start",
                "ExpressionAttributeNames": _KEY_NAMES,
                "ExpressionAttributeValues": {
                    ":pk": {"S": _SALE},
                    ":start": {"S": sortable_utc(start)},
                },
                "ConsistentRead": True,
            },
        )
        return [_event(item) for item in items]

    def unapplied(self) -> list[SaleEvent]:
        items = query_all(
            self._client,
            {
                "TableName": self._table,
                "IndexName": tables.LIVE_PENDING_INDEX,
                "KeyConditionExpression": "#pending = :sale",
                "ExpressionAttributeNames": {"#pending": tables.LIVE_PENDING},
                "ExpressionAttributeValues": {":sale": {"S": _SALE}},
            },
        )
        return [_event(item) for item in items]

    def mark_applied(self, events: Sequence[SaleEvent], now: datetime) -> list[SaleEvent]:
        """100 events to a transaction; should one of them be taken already (another poller),
        that chunk is taken event by event instead, so the others are still taken."""
        stamp = sortable_utc(now)
        taken: list[SaleEvent] = []
        for start in range(0, len(events), TRANSACTION_LIMIT):
            chunk = list(events[start : start + TRANSACTION_LIMIT])
            updates = [self._take(event, stamp) for event in chunk]
            try:
                self._client.transact_write_items(
                    TransactItems=[{"Update": update} for update in updates]
                )
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                    raise
                taken.extend(self._take_one_by_one(chunk, updates))
            else:
                taken.extend(chunk)
        return taken

    def _take(self, event: SaleEvent, stamp: str) -> UpdateTypeDef:
        return {
            "TableName": self._table,
            "Key": _key(_SALE, _sale_sort(event)),
            "UpdateExpression": "SET #pending = :applying, applied_at = :now",
            "ConditionExpression": "#pending = :sale",
            "ExpressionAttributeNames": {"#pending": tables.LIVE_PENDING},
            "ExpressionAttributeValues": {
                ":now": {"S": stamp},
                ":sale": {"S": _SALE},
                ":applying": {"S": _APPLYING},
            },
        }

    def _take_one_by_one(
        self, chunk: Sequence[SaleEvent], updates: Sequence[UpdateTypeDef]
    ) -> list[SaleEvent]:
        taken = []
        for event, update in zip(chunk, updates, strict=True):
            try:
                self._client.update_item(**update)
            except ClientError as error:
                if is_condition_failure(error):
                    continue
                raise
            taken.append(event)
        return taken

    def _each(
        self, events: Sequence[SaleEvent], update: Callable[[SaleEvent], UpdateTypeDef]
    ) -> None:
        """Conditional updates, 100 to a transaction; if one event is not in the state its
        update expects (the transaction is cancelled), the chunk goes one by one."""
        for start in range(0, len(events), TRANSACTION_LIMIT):
            chunk = events[start : start + TRANSACTION_LIMIT]
            try:
                self._client.transact_write_items(
                    TransactItems=[{"Update": update(event)} for event in chunk]
                )
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                    raise
                for event in chunk:
                    try:
                        self._client.update_item(**update(event))
                    except ClientError as single:
                        if not is_condition_failure(single):
                            raise

    def unmark_applied(self, events: Sequence[SaleEvent]) -> None:
        self._each(
            events,
            lambda event: {
                "TableName": self._table,
                "Key": _key(_SALE, _sale_sort(event)),
                "UpdateExpression": "SET #pending = :sale REMOVE applied_at",
                "ConditionExpression": "#pending = :applying",
                "ExpressionAttributeNames": {"#pending": tables.LIVE_PENDING},
                "ExpressionAttributeValues": {
                    ":sale": {"S": _SALE},
                    ":applying": {"S": _APPLYING},
                },
            },
        )

    def settle_applied(self, events: Sequence[SaleEvent]) -> None:
        self._each(
            events,
            lambda event: {
                "TableName": self._table,
                "Key": _key(_SALE, _sale_sort(event)),
                "UpdateExpression": "REMOVE #pending",
                "ConditionExpression": "#pending = :applying",
                "ExpressionAttributeNames": {"#pending": tables.LIVE_PENDING},
                "ExpressionAttributeValues": {":applying": {"S": _APPLYING}},
            },
        )

    def unsettled(self, before: datetime) -> list[SaleEvent]:
        items = query_all(
            self._client,
            {
                "TableName": self._table,
                "IndexName": tables.LIVE_PENDING_INDEX,
                "KeyConditionExpression": "#pending = :applying",
                "FilterExpression": "applied_at < :before",
                "ExpressionAttributeNames": {"#pending": tables.LIVE_PENDING},
                "ExpressionAttributeValues": {
                    ":applying": {"S": _APPLYING},
                    ":before": {"S": sortable_utc(before)},
                },
            },
        )
        return [_event(item) for item in items]


class DynamoReceiptLog:
    """The ``ReceiptLog`` port over the live table."""

    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    def __repr__(self) -> str:
        return f"DynamoReceiptLog(table={self._table!r})"

    def record(self, receipt: Receipt) -> None:
        self._client.put_item(
            TableName=self._table,
            Item={
                **_key(_RECEIPT, f"{receipt.po}#{receipt.sku}"),
                "po": {"S": receipt.po},
                "sku": {"S": receipt.sku},
                "supplier": {"S": receipt.supplier},
                "ordered": {"N": repr(float(receipt.ordered))},
                "received": {"N": repr(float(receipt.received))},
                "sent_at": {"S": iso(receipt.sent_at)},
                "received_at": {"S": iso(receipt.received_at)},
            },
        )

    def receipts(self) -> list[Receipt]:
        items = query_all(
            self._client,
            {
                "TableName": self._table,
                "KeyConditionExpression": "#pk = :pk",
                "ExpressionAttributeNames": {"#pk": tables.LIVE_KEY},
                "ExpressionAttributeValues": {":pk": {"S": _RECEIPT}},
                "ConsistentRead": True,
            },
        )
        found = [
            Receipt(
                po=text(item, "po"),
                supplier=text(item, "supplier"),
                sku=text(item, "sku"),
                ordered=float(item["ordered"]["N"]),
                received=float(item["received"]["N"]),
                sent_at=datetime.fromisoformat(text(item, "sent_at")),
                received_at=datetime.fromisoformat(text(item, "received_at")),
            )
            for item in items
        ]
        return sorted(found, key=lambda r: (r.received_at, r.sent_at, r.po, r.sku))


class DynamoClaims:
    """The ``Claims`` port over the live table: a claim is a conditional PutItem."""

    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    def __repr__(self) -> str:
        return f"DynamoClaims(table={self._table!r})"

    def claim(self, key: str, now: datetime) -> bool:
        try:
            self._client.put_item(
                TableName=self._table,
                Item={**_key(_MARK, key), "claimed_at": {"S": iso(now)}},
                ConditionExpression="attribute_not_exists(#pk)",
                ExpressionAttributeNames={"#pk": tables.LIVE_KEY},
            )
        except ClientError as error:
            if is_condition_failure(error):
                return False
            raise
        return True

    def claimed_at(self, key: str) -> datetime | None:
        response = self._client.get_item(
            TableName=self._table, Key=_key(_MARK, key), ConsistentRead=True
        )
        item = response.get("Item")
        return datetime.fromisoformat(text(item, "claimed_at")) if item else None

    def release(self, key: str) -> None:
        self._client.delete_item(TableName=self._table, Key=_key(_MARK, key))
