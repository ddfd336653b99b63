"""What is particular to the DynamoDB stores, beyond the contract suites they share with SQLite:
the tables' shape, how many requests each operation makes (the bill is per request), the
chunked cell memory, and the audit log's refusal to overwrite an entry."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ReadTimeoutError
from moto.core.models import botocore_stubber

from sheets_bot.adapters.aws import tables
from sheets_bot.adapters.aws.dynamodb_audit import DynamoAuditLog
from sheets_bot.adapters.aws.dynamodb_ledger import DynamoLedger
from sheets_bot.adapters.aws.dynamodb_memory import (
    CHUNK_BYTES,
    CellMemoryCorrupt,
    DynamoCellMemory,
)
from sheets_bot.domain.audit import BOT, AuditEntry
from sheets_bot.domain.purchase_order import PoState
from tests.aws.moto_support import TABLES, aws_session, dynamodb_tables
from tests.contract.store_fixtures import at, make_order

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

NAIVE = datetime(2025, 3, 14, 9, 30)


class Requests(Counter[str]):
    """Operation names (``UpdateItem``, ``Query`` ...) a client sent, counted."""

    def __call__(self, model: Any, **_: Any) -> None:
        self[model.name] += 1


@pytest.fixture
def client() -> Iterator[DynamoDBClient]:
    """A client of its own, so the request counter hooked into it is this test's alone."""
    with dynamodb_tables():
        yield aws_session().client("dynamodb")


@pytest.fixture
def requests(client: DynamoDBClient) -> Requests:
    counter = Requests()
    client.meta.events.register("before-call.dynamodb", counter)
    return counter


def _entry(minute: int) -> AuditEntry:
    return AuditEntry(at(minute), BOT, "check", f"SKU-{minute}", after={"minute": minute})


def _items(client: DynamoDBClient, table: str) -> list[dict[str, Any]]:
    return list(client.scan(TableName=table, ConsistentRead=True)["Items"])


# --- tables ---------------------------------------------------------------------------------


def test_tables_are_on_demand_with_the_documented_indexes(client: DynamoDBClient) -> None:
    ledger = client.describe_table(TableName=TABLES.ledger)["Table"]
    audit = client.describe_table(TableName=TABLES.audit)["Table"]
    memory = client.describe_table(TableName=TABLES.memory)["Table"]

    assert [key["AttributeName"] for key in ledger["KeySchema"]] == ["pk"]
    assert {
        index["IndexName"]: index["Projection"]["ProjectionType"]
        for index in ledger["GlobalSecondaryIndexes"]
    } == {"lists": "ALL", "by_po": "KEYS_ONLY"}
    assert [key["AttributeName"] for key in audit["KeySchema"]] == ["pk", "id"]
    assert [index["IndexName"] for index in audit["GlobalSecondaryIndexes"]] == ["pending"]
    assert [key["AttributeName"] for key in memory["KeySchema"]] == ["tab", "part"]
    for table in (ledger, audit, memory):
        assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_table_names_come_from_one_prefix() -> None:
    assert tables.TableNames.with_prefix("shop") == tables.TableNames(
        "shop-ledger", "shop-audit", "shop-cell-memory", "shop-live"
    )


# --- the ledger -----------------------------------------------------------------------------


def test_each_ledger_step_is_one_request(client: DynamoDBClient, requests: Requests) -> None:
    ledger = DynamoLedger(client, TABLES.ledger)

    ledger.record_approval(make_order(), at(0))
    ledger.record_approval(make_order(), at(1))
    ledger.record_approval(make_order(quantities=(1, 2, 3)), at(2))
    ledger.claim("D-0001", at(3))
    ledger.claim("D-0001", at(4))
    ledger.finish("D-0001", "sent", "0100-ses-id", at(5))
    ledger.get("D-0001")
    ledger.next_number("draft")

    assert requests == {"UpdateItem": 7, "GetItem": 1}


def test_lists_and_history_are_one_query_each(client: DynamoDBClient, requests: Requests) -> None:
    ledger = DynamoLedger(client, TABLES.ledger)
    for n in range(1, 21):
        ledger.record_approval(make_order(f"D-{n:04d}", f"PO-{n:04d}"), at(n))
        if n % 2:
            ledger.claim(f"D-{n:04d}", at(n))
            ledger.finish(f"D-{n:04d}", "sent", "id", at(n))
    requests.clear()

    assert len(ledger.unfinished()) == 10
    assert ledger.order_history()["BEAN-1KG"] == [24] * 10
    assert requests == {"Query": 2}


def test_resolve_reads_consistently_then_writes_once(
    client: DynamoDBClient, requests: Requests
) -> None:
    ledger = DynamoLedger(client, TABLES.ledger)
    ledger.record_approval(make_order(), at(0))
    ledger.claim("D-0001", at(1))
    ledger.finish("D-0001", "unknown", "timeout", at(2))
    requests.clear()

    ledger.resolve("PO-0001", "sent", at(3))

    assert requests == {"Query": 1, "BatchGetItem": 1, "UpdateItem": 1}


def test_a_po_number_on_two_drafts_is_resolved_on_the_unknown_one(client: DynamoDBClient) -> None:
    ledger = DynamoLedger(client, TABLES.ledger)
    ledger.record_approval(make_order("D-0001", "PO-0007"), at(0))
    ledger.record_approval(make_order("D-0002", "PO-0007"), at(1))
    ledger.claim("D-0002", at(2))
    ledger.finish("D-0002", "unknown", "timeout", at(3))

    record = ledger.resolve("PO-0007", "approved", at(4))

    assert record.draft_id == "D-0002"
    assert [r.draft_id for r in ledger.unfinished()] == ["D-0001", "D-0002"]


def test_a_sent_record_leaves_the_open_list_for_the_sent_list(client: DynamoDBClient) -> None:
    ledger = DynamoLedger(client, TABLES.ledger)
    ledger.record_approval(make_order(), at(0))
    ledger.claim("D-0001", at(1))
    ledger.finish("D-0001", "sent", "id", at(2))

    [record] = [item for item in _items(client, TABLES.ledger) if item["pk"]["S"] == "po#D-0001"]

    assert record["list"] == {"S": "sent"}
    assert record["list_order"]["S"].endswith("#D-0001")


def _lose_first_response(client: DynamoDBClient, operation: str) -> list[int]:
    """Let moto apply the first ``operation`` request, then time out as if its response was
    lost on the way back: botocore retries the request. The attempts are counted."""
    attempts: list[int] = []

    def apply_then_time_out(event_name: str, request: Any, **_: Any) -> Any:
        attempts.append(len(attempts) + 1)
        response = botocore_stubber(event_name, request)
        if len(attempts) == 1:
            raise ReadTimeoutError(endpoint_url=request.url)
        return response

    client.meta.events.register(f"before-send.dynamodb.{operation}", apply_then_time_out)
    return attempts


@pytest.fixture
def retrying() -> Iterator[DynamoDBClient]:
    """A client that retries as botocore's default does, with short waits."""
    with dynamodb_tables():
        yield aws_session().client(
            "dynamodb", config=Config(retries={"mode": "legacy", "total_max_attempts": 3})
        )


def test_a_claim_whose_response_was_lost_still_wins(retrying: DynamoDBClient) -> None:
    ledger = DynamoLedger(retrying, TABLES.ledger)
    ledger.record_approval(make_order(), at(0))
    attempts = _lose_first_response(retrying, "UpdateItem")

    assert ledger.claim("D-0001", at(1)) is True
    assert attempts == [1, 2]
    assert ledger.claim("D-0001", at(2)) is False


def test_a_finish_whose_response_was_lost_still_finishes(retrying: DynamoDBClient) -> None:
    ledger = DynamoLedger(retrying, TABLES.ledger)
    ledger.record_approval(make_order(), at(0))
    ledger.claim("D-0001", at(1))
    attempts = _lose_first_response(retrying, "UpdateItem")

    ledger.finish("D-0001", "sent", "0100-ses-id", at(2))

    assert attempts == [1, 2]
    record = ledger.get("D-0001")
    assert record is not None
    assert (record.state, record.detail) == (PoState.SENT, "0100-ses-id")
    with pytest.raises(ValueError, match="sent, not sending"):
        ledger.finish("D-0001", "sent", "0100-ses-id", at(3))


def test_a_resolve_whose_response_was_lost_still_resolves(retrying: DynamoDBClient) -> None:
    ledger = DynamoLedger(retrying, TABLES.ledger)
    ledger.record_approval(make_order(), at(0))
    ledger.claim("D-0001", at(1))
    ledger.finish("D-0001", "unknown", "timeout", at(2))
    attempts = _lose_first_response(retrying, "UpdateItem")

    assert ledger.resolve("PO-0001", "approved", at(3)).state is PoState.APPROVED
    assert attempts == [1, 2]


def test_an_approval_whose_response_was_lost_returns_the_new_record(
    retrying: DynamoDBClient,
) -> None:
    ledger = DynamoLedger(retrying, TABLES.ledger)
    ledger.record_approval(make_order(), at(0))
    attempts = _lose_first_response(retrying, "UpdateItem")
    changed = make_order(quantities=(30, 12, 6))

    record = ledger.record_approval(changed, at(1))

    assert attempts == [1, 2]
    assert (record.order, record.approved_at) == (changed, at(1))


@pytest.mark.parametrize(
    "step",
    [
        lambda ledger: ledger.claim("D-0001", NAIVE),
        lambda ledger: ledger.finish("D-0001", "sent", "", NAIVE),
        lambda ledger: ledger.resolve("PO-0001", "sent", NAIVE),
        lambda ledger: ledger.record_approval(make_order(not_before=NAIVE), at(0)),
    ],
    ids=["claim", "finish", "resolve", "not_before"],
)
def test_naive_times_are_refused_before_any_request(
    client: DynamoDBClient, requests: Requests, step: Callable[[DynamoLedger], object]
) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        step(DynamoLedger(client, TABLES.ledger))

    assert requests == {}


# --- the audit log --------------------------------------------------------------------------


def test_recording_reserves_ids_once_and_writes_pages_of_100(
    client: DynamoDBClient, requests: Requests
) -> None:
    """One item per 100 entries (and its unmirrored marker), not an item per entry in
    transactions: DynamoDB bills a write per KB of an item."""
    audit = DynamoAuditLog(client, TABLES.audit)

    audit.record([_entry(minute) for minute in range(250)])

    assert requests == {"UpdateItem": 1, "PutItem": 6}
    assert [entry.subject for entry in audit.entries()] == [f"SKU-{m}" for m in range(250)]
    assert [entry_id for entry_id, _ in audit.unmirrored()] == list(range(1, 251))


def test_the_backlog_is_read_without_a_scan(client: DynamoDBClient, requests: Requests) -> None:
    audit = DynamoAuditLog(client, TABLES.audit)
    audit.record([_entry(minute) for minute in range(5)])
    audit.mark_mirrored([1, 2, 3])
    requests.clear()

    pending = audit.unmirrored()
    audit.mark_mirrored([])
    nothing = DynamoAuditLog(client, TABLES.audit)
    nothing.mark_mirrored([4, 5])
    empty = nothing.unmirrored()

    assert [entry_id for entry_id, _ in pending] == [4, 5]
    assert empty == []
    assert requests == {"Query": 5, "BatchGetItem": 1, "UpdateItem": 1, "DeleteItem": 1}
    markers = client.query(
        TableName=TABLES.audit,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": "unmirrored"}},
    )
    assert markers["Items"] == []  # a page all mirrored leaves no marker behind


def _legacy_entry(client: DynamoDBClient, entry_id: int, *, pending: bool) -> None:
    """An entry as the audit log stored them before pages: one item each."""
    item: dict[str, Any] = {
        "pk": {"S": "entry"},
        "id": {"N": str(entry_id)},
        "when": {"S": at(entry_id).isoformat()},
        "who": {"S": "bot"},
        "action": {"S": "move changed"},
        "subject": {"S": f"SKU-{entry_id}"},
        "after": {"S": '{"move": "reorder"}'},
    }
    if pending:
        item["pending"] = {"S": "yes"}
    client.put_item(TableName=TABLES.audit, Item=item)


def test_entries_written_before_pages_are_read_mirrored_and_the_index_lag_trusted_to_the_table(
    client: DynamoDBClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    audit = DynamoAuditLog(client, TABLES.audit)
    _legacy_entry(client, 1, pending=False)
    _legacy_entry(client, 2, pending=True)
    _legacy_entry(client, 3, pending=True)
    client.put_item(
        TableName=TABLES.audit,
        Item={"pk": {"S": "counter"}, "id": {"N": "0"}, "last_id": {"N": "3"}},
    )
    audit.record([_entry(4)])

    assert [e.subject for e in audit.entries()] == ["SKU-1", "SKU-2", "SKU-3", "SKU-4"]
    assert [e.subject for e in audit.since(at(2))] == ["SKU-2", "SKU-3", "SKU-4"]
    assert [entry_id for entry_id, _ in audit.unmirrored()] == [2, 3, 4]

    stale = client.query(
        TableName=TABLES.audit,
        IndexName="pending",
        KeyConditionExpression="pending = :yes",
        ExpressionAttributeValues={":yes": {"S": "yes"}},
    )
    audit.mark_mirrored([2, 4])
    original_query = client.query

    def lagging_query(**request: Any) -> Any:
        return stale if request.get("IndexName") == "pending" else original_query(**request)

    monkeypatch.setattr(client, "query", lagging_query)

    assert [entry_id for entry_id, _ in audit.unmirrored()] == [3]


def test_an_entry_is_never_overwritten(client: DynamoDBClient) -> None:
    audit = DynamoAuditLog(client, TABLES.audit)
    audit.record([_entry(0)])
    client.put_item(  # a counter set back by hand, so the next id is taken already
        TableName=TABLES.audit,
        Item={"pk": {"S": "counter"}, "id": {"N": "0"}, "last_id": {"N": "0"}},
    )

    with pytest.raises(ClientError, match="ConditionalCheckFailed"):
        audit.record([_entry(1)])  # its marker is taken (not yet mirrored)
    audit.mark_mirrored([1])
    client.put_item(
        TableName=TABLES.audit,
        Item={"pk": {"S": "counter"}, "id": {"N": "0"}, "last_id": {"N": "0"}},
    )
    with pytest.raises(ClientError, match="ConditionalCheckFailed"):
        audit.record([_entry(2)])  # its page is taken: the new marker is taken back

    assert [entry.subject for entry in audit.entries()] == ["SKU-0"]
    assert audit.unmirrored() == []


def test_marking_an_unknown_id_creates_nothing(client: DynamoDBClient) -> None:
    DynamoAuditLog(client, TABLES.audit).mark_mirrored([41, 42])

    assert _items(client, TABLES.audit) == []


# --- the cell memory ------------------------------------------------------------------------

STOCK = {
    (f"SKU-{row:05d}", column): f"{row}-{column}"
    for row in range(5_000)
    for column in ("Reorder point", "Move", "On order", "Last checked")
}


def test_twenty_thousand_cells_are_one_item_and_one_request_each_way(
    client: DynamoDBClient, requests: Requests
) -> None:
    memory = DynamoCellMemory(client, TABLES.memory)

    memory.remember("Stock", STOCK)
    recalled = memory.recall("Stock")

    assert recalled == STOCK
    assert requests == {"PutItem": 1, "GetItem": 1}
    [head] = _items(client, TABLES.memory)
    assert len(head["data"]["B"]) < CHUNK_BYTES


def test_a_memory_too_big_for_one_item_is_chunked_and_replaced_whole(
    client: DynamoDBClient,
) -> None:
    memory = DynamoCellMemory(client, TABLES.memory, chunk_bytes=2_000)
    smaller = dict(list(STOCK.items())[:2_000])

    memory.remember("Stock", STOCK)
    chunks = len(_items(client, TABLES.memory)) - 1
    memory.remember("Stock", smaller)
    after_second = _items(client, TABLES.memory)

    assert chunks > 25
    assert memory.recall("Stock") == smaller
    assert len(after_second) < chunks
    generations = {item["part"]["S"].split("#")[1] for item in after_second[:-1]}
    assert len(generations) == 1

    memory.remember("Stock", {("BEAN-1KG", "Move"): "watch"})

    assert memory.recall("Stock") == {("BEAN-1KG", "Move"): "watch"}
    assert [item["part"]["S"] for item in _items(client, TABLES.memory)] == ["head"]


def test_a_chunk_that_stays_missing_is_an_error_not_a_partial_memory(
    client: DynamoDBClient,
) -> None:
    memory = DynamoCellMemory(client, TABLES.memory, chunk_bytes=2_000)
    memory.remember("Stock", STOCK)
    some_chunk = next(i for i in _items(client, TABLES.memory) if i["part"]["S"] != "head")
    client.delete_item(
        TableName=TABLES.memory, Key={"tab": some_chunk["tab"], "part": some_chunk["part"]}
    )

    with pytest.raises(CellMemoryCorrupt, match="Stock"):
        memory.recall("Stock")


def test_tabs_with_any_name_stay_apart(client: DynamoDBClient) -> None:
    memory = DynamoCellMemory(client, TABLES.memory, chunk_bytes=2_000)
    memory.remember("Stock", STOCK)
    memory.remember("Stock#head", {("A", "B"): "c"})

    assert memory.recall("Stock") == STOCK
    assert memory.recall("Stock#head") == {("A", "B"): "c"}


def test_the_chunk_size_must_fit_an_item(client: DynamoDBClient) -> None:
    with pytest.raises(ValueError, match="chunk_bytes"):
        DynamoCellMemory(client, TABLES.memory, chunk_bytes=400_000)
