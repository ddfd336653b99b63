"""The DynamoDB sales log's layout (the contract itself is tests/contract/test_live_contract.py):
one item per instant, not per line; slots when an instant overflows one item; items of the
earlier per-event layout read, taken and settled in place, so an upgrade loses nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, timedelta
from typing import TYPE_CHECKING, Any

import pytest

from sheets_bot.adapters.aws import tables
from sheets_bot.adapters.aws.dynamo_items import sortable_utc
from sheets_bot.adapters.aws.dynamodb_sales import EVENTS_PER_ITEM, DynamoSalesLog
from sheets_bot.domain.history import SaleEvent
from tests.aws.moto_support import TABLES, dynamodb_tables
from tests.contract.store_fixtures import T0, at

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


@pytest.fixture
def client() -> Iterator[DynamoDBClient]:
    with dynamodb_tables() as made:
        yield made


def sale(event_id: str, minutes: int, sku: str = "BEAN-1KG") -> SaleEvent:
    return SaleEvent(event_id, "shopify", sku, 2, at(minutes))


def sale_items(client: DynamoDBClient) -> list[dict[str, Any]]:
    found = client.query(
        TableName=TABLES.live,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": "sale"}},
        ConsistentRead=True,
    )
    return list(found["Items"])


def taken_records(client: DynamoDBClient) -> list[dict[str, Any]]:
    found = client.query(
        TableName=TABLES.live,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": "taken"}},
        ConsistentRead=True,
    )
    return list(found["Items"])


def test_an_orders_lines_are_one_item_written_twice(client: DynamoDBClient) -> None:
    """Stored by the webhook (entering the index), taken by a poll (leaving it); the take's
    record, one per poll, is what settling lets go of: no write per item."""
    sales = DynamoSalesLog(client, TABLES.live)
    order = [sale("order-1:line-1", 1), sale("order-1:line-2", 1, "MUG-CER")]

    assert sales.add(order) == order
    assert sales.add(order) == []  # the POS retried
    [item] = sale_items(client)
    assert item["pending"] == {"S": "sale"}

    sales.mark_applied(order, at(5))
    [item] = sale_items(client)
    assert "pending" not in item  # out of the sparse index
    assert len(taken_records(client)) == 1
    assert sales.unsettled(at(6)) == order

    sales.settle_applied(order)
    [item] = sale_items(client)
    assert item["version"] == {"N": "2"}
    assert taken_records(client) == []
    assert sales.unsettled(at(6)) == []
    assert int(item["expires_at"]["N"]) == int(
        (at(1).astimezone(UTC) + timedelta(days=tables.SALE_EVENT_DAYS)).timestamp()
    )


def test_a_poll_that_dies_before_taking_leaves_nothing_unknown(client: DynamoDBClient) -> None:
    """The take's record is written first; events it names that were not taken (the poll
    died, or another took them) are not reported as of unknown outcome."""
    sales = DynamoSalesLog(client, TABLES.live)
    sales.add([sale("a", 1), sale("b", 2)])
    original = client.put_item
    writes: list[str] = []

    def dies_after_the_record(**request: Any) -> Any:
        writes.append(request["Item"]["pk"]["S"])
        if request["Item"]["pk"]["S"] == "sale":
            raise RuntimeError("the poll's container was stopped")
        return original(**request)

    client.put_item = dies_after_the_record  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        sales.mark_applied([sale("a", 1), sale("b", 2)], at(5))
    client.put_item = original  # type: ignore[method-assign]

    assert writes[0] == "taken"
    assert sales.unsettled(at(60)) == []
    assert sales.unapplied() == [sale("a", 1), sale("b", 2)]


def test_each_webhook_is_its_own_item(client: DynamoDBClient) -> None:
    sales = DynamoSalesLog(client, TABLES.live)
    sales.add([sale("a", 1), sale("b", 2)])
    sales.add([sale("c", 2)])  # another order in the same microsecond: the instant's next slot
    sales.add([sale("c", 2), sale("b", 2)])  # seen in either slot: nothing new

    assert [item["sk"]["S"][-2:] for item in sale_items(client)] == ["|0", "|0", "|1"]
    assert [e.event_id for e in sales.since(T0)] == ["a", "b", "c"]


def test_a_crowded_instant_overflows_into_slots_and_stays_deduplicated(
    client: DynamoDBClient,
) -> None:
    sales = DynamoSalesLog(client, TABLES.live)
    events = [sale(f"count-{n:04d}", 3) for n in range(EVENTS_PER_ITEM + 20)]

    assert len(sales.add(events)) == EVENTS_PER_ITEM + 20
    assert sales.add([*events[-5:], sale("late", 3)]) == [sale("late", 3)]
    assert len(sale_items(client)) == 3
    assert len(sales.mark_applied([*events, sale("late", 3)], at(9))) == EVENTS_PER_ITEM + 21
    assert sales.unapplied() == []


def put_legacy(client: DynamoDBClient, event: SaleEvent, pending: str | None) -> None:
    """An item as the per-event layout wrote it (one per event)."""
    item: dict[str, Any] = {
        "pk": {"S": "sale"},
        "sk": {"S": f"{sortable_utc(event.at)}#{event.event_id}"},
        "event_id": {"S": event.event_id},
        "source": {"S": event.source},
        "sku": {"S": event.sku},
        "quantity": {"N": repr(float(event.quantity))},
        "kind": {"S": event.kind},
        "at": {"S": event.at.isoformat()},
        "expires_at": {"N": "4102444800"},
    }
    if pending is not None:
        item["pending"] = {"S": pending}
    if pending == "applying":
        item["applied_at"] = {"S": "2025-03-14T09:00:00.000000Z"}
    client.put_item(TableName=TABLES.live, Item=item)


def test_items_of_the_per_event_layout_are_read_taken_and_settled(
    client: DynamoDBClient,
) -> None:
    sales = DynamoSalesLog(client, TABLES.live)
    put_legacy(client, sale("old-settled", 1), None)
    put_legacy(client, sale("old-waiting", 2), "sale")
    put_legacy(client, sale("old-taken", 3), "applying")

    assert [e.event_id for e in sales.since(T0)] == ["old-settled", "old-waiting", "old-taken"]
    assert sales.add([sale("old-waiting", 2)]) == []  # a replay is still recognised
    assert sales.unapplied() == [sale("old-waiting", 2)]
    assert sales.unsettled(at(60)) == [sale("old-taken", 3)]

    assert sales.mark_applied([sale("old-waiting", 2), sale("old-settled", 1)], at(10)) == [
        sale("old-waiting", 2)
    ]
    sales.settle_applied([sale("old-waiting", 2), sale("old-taken", 3)])

    assert sales.unapplied() == []
    assert sales.unsettled(at(60)) == []
    assert [e.event_id for e in sales.since(T0)] == ["old-settled", "old-waiting", "old-taken"]
