"""One contract for the digest lane's stores, run against every adapter: ``Marks`` (memory,
SQLite, DynamoDB on moto) and ``RunFailures`` (memory, a file, SQS on moto)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from moto import mock_aws

from sheets_bot.adapters.aws.dynamodb_marks import DynamoMarks
from sheets_bot.adapters.aws.sqs_failures import SqsRunFailures
from sheets_bot.adapters.local.file_failures import FileRunFailures
from sheets_bot.adapters.local.sqlite_marks import SqliteMarks
from sheets_bot.adapters.local.sqlite_store import SqliteStore
from sheets_bot.domain.digest import DigestMark, FailedRun
from sheets_bot.ports import Marks, RunFailures
from sheets_bot.testing.memory_marks import MemoryMarks, MemoryRunFailures
from tests.aws.moto_support import TABLES, aws_session, dynamodb_tables, one_request_at_a_time

T0 = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)


@pytest.fixture(params=["memory", "sqlite", "dynamodb"])
def marks(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Marks]:
    if request.param == "memory":
        yield MemoryMarks()
    elif request.param == "sqlite":
        with SqliteStore(tmp_path / "state" / "sheets-bot.sqlite") as store:
            yield SqliteMarks(store)
    else:
        with dynamodb_tables() as client:
            yield DynamoMarks(client, TABLES.ledger)


def test_no_digest_yet_then_the_last_one_sent(marks: Marks) -> None:
    assert marks.last_digest() is None
    marks.record_digest(DigestMark(date(2026, 11, 23), T0))
    marks.record_digest(DigestMark(date(2026, 11, 24), T0 + timedelta(days=1)))
    assert marks.last_digest() == DigestMark(date(2026, 11, 24), T0 + timedelta(days=1))


def test_a_digest_time_keeps_its_offset(marks: Marks) -> None:
    from zoneinfo import ZoneInfo

    local = datetime(2026, 7, 1, 7, 30, tzinfo=ZoneInfo("Europe/London"))
    marks.record_digest(DigestMark(date(2026, 7, 1), local))
    mark = marks.last_digest()
    assert mark is not None
    assert mark.sent_at == local
    assert mark.sent_at.utcoffset() == timedelta(hours=1)


def test_a_nonce_is_used_once(marks: Marks) -> None:
    expires = T0 + timedelta(hours=72)
    assert marks.nonce_used("n-1") is False
    assert marks.use_nonce("n-1", expires, T0) is True
    assert marks.nonce_used("n-1") is True
    assert marks.use_nonce("n-1", expires, T0) is False
    assert marks.use_nonce("n-2", expires, T0) is True


def test_naive_times_are_refused(marks: Marks) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        marks.use_nonce("n-1", datetime(2026, 11, 26), T0)
    with pytest.raises(ValueError, match="timezone-aware"):
        marks.record_digest(DigestMark(date(2026, 11, 23), datetime(2026, 11, 23, 7, 30)))


def test_racing_uses_of_one_nonce_have_one_winner(marks: Marks) -> None:
    start = threading.Barrier(8)
    wins: list[bool] = []

    def use() -> None:
        start.wait(timeout=10)
        wins.append(marks.use_nonce("shared", T0 + timedelta(hours=1), T0))

    with one_request_at_a_time():
        threads = [threading.Thread(target=use) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
    assert sorted(wins) == [False] * 7 + [True]


def test_dynamodb_a_retried_winning_put_still_wins() -> None:
    """The first attempt's reply was lost and botocore sent the put again: the item is there
    with this call's own token, so it is still this caller's win."""
    with dynamodb_tables() as client:
        store = DynamoMarks(client, TABLES.ledger)
        put = client.put_item

        def put_twice(**kwargs: object) -> object:
            put(**kwargs)  # type: ignore[arg-type]
            return put(**kwargs)  # type: ignore[arg-type]

        client.put_item = put_twice  # type: ignore[method-assign,assignment]
        try:
            assert store.use_nonce("n-1", T0 + timedelta(hours=1), T0) is True
        finally:
            client.put_item = put  # type: ignore[method-assign]
        assert store.use_nonce("n-1", T0 + timedelta(hours=1), T0) is False


QUEUE = "sheets-bot-test-failures"
FUNCTIONS = "arn:aws:lambda:eu-west-1:123456789012:function:"


@pytest.fixture(params=["memory", "file", "sqs"])
def failures(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RunFailures]:
    if request.param == "memory":
        yield MemoryRunFailures()
    elif request.param == "file":
        yield FileRunFailures(tmp_path / "state" / "failures.jsonl")
    else:
        with mock_aws():
            client = aws_session().client("sqs")
            client.create_queue(QueueName=QUEUE)
            arn = f"arn:aws:sqs:eu-west-1:123456789012:{QUEUE}"
            yield SqsRunFailures(client, arn)


def test_recorded_failures_are_pending_until_acknowledged(failures: RunFailures) -> None:
    assert failures.pending() == []
    failures.record(FailedRun("poll-decisions", T0 + timedelta(minutes=5), "TimeoutError"))
    failures.record(FailedRun("daily-check", T0, "SheetBusy", "the workbook was open"))
    pending = failures.pending()
    assert [p.failure for p in pending] == [
        FailedRun("daily-check", T0, "SheetBusy", "the workbook was open"),
        FailedRun("poll-decisions", T0 + timedelta(minutes=5), "TimeoutError"),
    ]
    failures.acknowledge(pending[:1])
    if isinstance(failures, SqsRunFailures):
        return  # the rest is invisible until its visibility timeout: see the next test
    assert [p.failure.function for p in failures.pending()] == ["poll-decisions"]


def test_acknowledged_failures_are_gone(failures: RunFailures) -> None:
    failures.record(FailedRun("drive-sync", T0, "ClientError"))
    failures.acknowledge(failures.pending())
    assert failures.pending() == []
    failures.record(FailedRun("drive-sync", None, "ClientError"))
    [pending] = failures.pending()
    assert pending.failure.when is None


def test_sqs_reads_lambda_destination_records_and_scheduler_dead_letters() -> None:
    with mock_aws():
        client = aws_session().client("sqs")
        url = client.create_queue(QueueName=QUEUE)["QueueUrl"]
        record = {
            "version": "1.0",
            "timestamp": "2026-11-23T07:31:02.120Z",
            "requestContext": {
                "functionArn": f"{FUNCTIONS}shop-daily-check:$LATEST",
                "condition": "RetriesExhausted",
            },
            "requestPayload": {"reason": "daily check", "secret": "never shown"},
            "responsePayload": {"errorType": "SheetBusy", "errorMessage": "never shown"},
        }
        client.send_message(QueueUrl=url, MessageBody=json.dumps(record))
        client.send_message(
            QueueUrl=url,
            MessageBody=json.dumps({"reason": "every 5 minutes"}),
            MessageAttributes={
                "ERROR_CODE": {
                    "DataType": "String",
                    "StringValue": "Lambda.TooManyRequestsException",
                },
                "TARGET_ARN": {
                    "DataType": "String",
                    "StringValue": f"{FUNCTIONS}shop-poll-decisions",
                },
            },
        )
        store = SqsRunFailures(client, f"arn:aws:sqs:eu-west-1:123456789012:{QUEUE}")
        found = sorted(store.pending(), key=lambda p: p.failure.function)
        assert [(p.failure.function, p.failure.error_type) for p in found] == [
            ("shop-daily-check", "SheetBusy"),
            ("shop-poll-decisions", "Lambda.TooManyRequestsException"),
        ]
        assert found[0].failure.when == datetime(2026, 11, 23, 7, 31, 2, 120000, tzinfo=UTC)
        assert found[1].failure.when is not None
        store.acknowledge(found)
        attributes = client.get_queue_attributes(
            QueueUrl=url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        assert sum(int(v) for v in attributes.values()) == 0


def test_sqlite_forgets_nonces_of_links_expired_over_a_day_ago(tmp_path: Path) -> None:
    from zoneinfo import ZoneInfo

    with SqliteStore(tmp_path / "state.sqlite") as store:
        marks = SqliteMarks(store)
        lisbon = ZoneInfo("Europe/Lisbon")
        assert marks.use_nonce("old", datetime(2026, 11, 20, 9, 0, tzinfo=lisbon), T0)
        assert marks.use_nonce("recent", T0 - timedelta(hours=12), T0)
        later = T0 + timedelta(minutes=1)
        assert marks.use_nonce("new", later + timedelta(hours=72), later)
        assert not marks.nonce_used("old")
        assert marks.nonce_used("recent") and marks.nonce_used("new")


def test_dynamodb_nonces_carry_a_ttl_a_day_after_their_link_expires() -> None:
    with dynamodb_tables() as client:
        DynamoMarks(client, TABLES.ledger).use_nonce("n-1", T0 + timedelta(hours=72), T0)
        item = client.get_item(TableName=TABLES.ledger, Key={"pk": {"S": "nonce#n-1"}})["Item"]
        assert int(item["ttl"]["N"]) == int((T0 + timedelta(hours=96)).timestamp())
