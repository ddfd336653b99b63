"""Small helpers shared by the DynamoDB adapters: attribute values, paging, batches, times."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final

from botocore.exceptions import ClientError

from sheets_bot.errors import AdapterError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import (
        AttributeValueTypeDef,
        KeysAndAttributesTypeDef,
        QueryInputTypeDef,
        WriteRequestUnionTypeDef,
    )

    Item = dict[str, AttributeValueTypeDef]

BATCH_GET_LIMIT: Final = 100
BATCH_WRITE_LIMIT: Final = 25
_BATCH_ATTEMPTS: Final = 8
"""How often unprocessed batch items are retried (with backoff) before giving up."""


class DynamoBatchError(AdapterError, RuntimeError):
    """DynamoDB kept leaving part of a batch unprocessed (it was throttled throughout)."""


def text(item: Item, name: str) -> str:
    return item[name]["S"]


def number(item: Item, name: str) -> int:
    return int(item[name]["N"])


def is_condition_failure(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


def old_item(error: ClientError) -> Item | None:
    """The item as it was when a conditional write failed, if the request asked for it with
    ``ReturnValuesOnConditionCheckFailure = ALL_OLD`` and the item exists."""
    found: Item | None = error.response.get("Item")  # type: ignore[assignment]
    return found or None


def query_all(client: DynamoDBClient, request: QueryInputTypeDef) -> Iterator[Item]:
    """Every item of a Query, following ``LastEvaluatedKey`` (1 MB per page)."""
    page = client.query(**request)
    yield from page["Items"]
    while "LastEvaluatedKey" in page:
        following = request.copy()
        following["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        page = client.query(**following)
        yield from page["Items"]


def batch_get(client: DynamoDBClient, table: str, keys: Sequence[Item]) -> list[Item]:
    """The items with these keys, read consistently, in no particular order; missing keys
    are left out. One request per 100 keys, plus retries of what DynamoDB left unprocessed."""
    found: list[Item] = []
    for start in range(0, len(keys), BATCH_GET_LIMIT):
        request: dict[str, KeysAndAttributesTypeDef] = {
            table: {"Keys": list(keys[start : start + BATCH_GET_LIMIT]), "ConsistentRead": True}
        }
        for attempt in range(_BATCH_ATTEMPTS):
            response = client.batch_get_item(RequestItems=request)
            found.extend(response["Responses"].get(table, []))
            unprocessed = response.get("UnprocessedKeys", {}).get(table)
            if not unprocessed or not unprocessed.get("Keys"):
                break
            request = {table: {"Keys": unprocessed["Keys"], "ConsistentRead": True}}
            _back_off(attempt)
        else:
            raise DynamoBatchError(
                f"DynamoDB kept throttling reads of {table}: the run stopped and runs again at"
                " its next turn; if it keeps happening, look at the table's throttling in"
                " CloudWatch"
            )
    return found


def batch_write(
    client: DynamoDBClient, table: str, requests: Sequence[WriteRequestUnionTypeDef]
) -> None:
    """Puts and deletes, 25 to a request, retrying what DynamoDB left unprocessed."""
    for start in range(0, len(requests), BATCH_WRITE_LIMIT):
        pending: list[WriteRequestUnionTypeDef] = list(requests[start : start + BATCH_WRITE_LIMIT])
        for attempt in range(_BATCH_ATTEMPTS):
            response = client.batch_write_item(RequestItems={table: pending})
            pending = list(response.get("UnprocessedItems", {}).get(table, []))
            if not pending:
                break
            _back_off(attempt)
        else:
            raise DynamoBatchError(
                f"DynamoDB kept throttling writes to {table}: the run stopped and runs again"
                " at its next turn; if it keeps happening, look at the table's throttling in"
                " CloudWatch"
            )


def check_aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"a timezone-aware time is needed, got {moment.isoformat()}")
    return moment


def iso(moment: datetime) -> str:
    """ISO-8601 with the caller's offset, so a time reads back in the zone it was given in."""
    return check_aware(moment).isoformat()


def sortable_utc(moment: datetime) -> str:
    """A fixed-width UTC stamp that sorts as text in time order, whatever the offsets."""
    return check_aware(moment).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _back_off(attempt: int) -> None:
    time.sleep(min(0.05 * 2**attempt, 2.0))
