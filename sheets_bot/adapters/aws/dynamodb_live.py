"""The live lanes' state on AWS, in the live table (see ``tables``): receipts and once-only
claims here; POS sale events (the webhook's buffer and the dated history) in
``dynamodb_sales``, re-exported from here."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Final

from botocore.exceptions import ClientError

from sheets_bot.adapters.aws import tables
from sheets_bot.adapters.aws.dynamo_items import is_condition_failure, iso, query_all, text
from sheets_bot.adapters.aws.dynamodb_sales import DynamoSalesLog
from sheets_bot.domain.history import Receipt

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from sheets_bot.adapters.aws.dynamo_items import Item

__all__ = ["DynamoClaims", "DynamoReceiptLog", "DynamoSalesLog"]

_RECEIPT: Final = "receipt"
_MARK: Final = "mark"


def _key(pk: str, sk: str) -> Item:
    return {tables.LIVE_KEY: {"S": pk}, tables.LIVE_SORT: {"S": sk}}


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
