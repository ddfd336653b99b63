"""``Marks`` on AWS: two kinds of small items in the ledger table (no table of their own).

* ``pk = "digest#last"``: the last digest's shop date and when it went out.
* ``pk = "nonce#<nonce>"``: a used link nonce, written once with ``attribute_not_exists``,
  with a ``ttl`` (the table's time-to-live attribute) a day after the link expires.
  botocore retries a request whose reply was lost, and the first attempt may have been
  applied: each write carries a fresh token, and a failed condition is read back
  (consistently) to tell "used by someone else" from "used by my own first attempt".
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Final

from botocore.exceptions import ClientError

from sheets_bot.adapters.aws import tables
from sheets_bot.adapters.aws.dynamo_items import is_condition_failure, iso, text
from sheets_bot.domain.digest import DigestMark

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_DIGEST: Final = "digest#last"
NONCE_KEPT_AFTER_EXPIRY: Final = timedelta(days=1)
_NONCE: Final = "nonce#"


class DynamoMarks:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    def __repr__(self) -> str:
        return f"DynamoMarks(table={self._table!r})"

    def last_digest(self) -> DigestMark | None:
        item = self._client.get_item(
            TableName=self._table,
            Key={tables.LEDGER_KEY: {"S": _DIGEST}},
            ConsistentRead=True,
        ).get("Item")
        if not item:
            return None
        return DigestMark(
            date.fromisoformat(text(item, "local_date")),
            datetime.fromisoformat(text(item, "sent_at")),
        )

    def record_digest(self, mark: DigestMark) -> None:
        self._client.put_item(
            TableName=self._table,
            Item={
                tables.LEDGER_KEY: {"S": _DIGEST},
                "local_date": {"S": mark.local_date.isoformat()},
                "sent_at": {"S": iso(mark.sent_at)},
            },
        )

    def use_nonce(self, nonce: str, expires: datetime, now: datetime) -> bool:
        token = uuid.uuid4().hex
        key = _NONCE + nonce
        try:
            self._client.put_item(
                TableName=self._table,
                Item={
                    tables.LEDGER_KEY: {"S": key},
                    "expires": {"S": iso(expires)},
                    "used_at": {"S": iso(now)},
                    # DynamoDB's TTL drops the item a day after its link expired: by then the
                    # token itself is refused as expired, so the nonce has nothing to guard.
                    "ttl": {"N": str(int((expires + NONCE_KEPT_AFTER_EXPIRY).timestamp()))},
                    "write_token": {"S": token},
                },
                ConditionExpression="attribute_not_exists(#pk)",
                ExpressionAttributeNames={"#pk": tables.LEDGER_KEY},
            )
        except ClientError as error:
            if not is_condition_failure(error):
                raise
            item = self._client.get_item(
                TableName=self._table, Key={tables.LEDGER_KEY: {"S": key}}, ConsistentRead=True
            ).get("Item")
            return item is not None and item.get("write_token", {}).get("S") == token
        return True

    def nonce_used(self, nonce: str) -> bool:
        item = self._client.get_item(
            TableName=self._table,
            Key={tables.LEDGER_KEY: {"S": _NONCE + nonce}},
            ConsistentRead=True,
        ).get("Item")
        return bool(item)
