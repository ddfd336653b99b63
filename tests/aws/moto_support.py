"""moto for the AWS adapter tests: sessions with fake credentials, tables, and a lock that
makes moto handle one request at a time as the real services apply each request atomically.

Clients are made from an explicit ``boto3.session.Session`` with fake credentials, so no test
reads the environment's AWS settings, and ``mock_aws`` answers every call: nothing leaves the
process.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Any, Final

import boto3
from moto import mock_aws
from moto.core.botocore_stubber import BotocoreStubber

from sheets_bot.adapters.aws.tables import TableNames, create_tables

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

REGION: Final = "eu-west-1"
TABLES = TableNames.with_prefix("sheets-bot-test")


def aws_session() -> boto3.session.Session:
    """A new session (one per thread: sessions are not thread-safe), fake credentials."""
    return boto3.session.Session(
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106 - moto's fake credentials
        region_name=REGION,
    )


@cache
def dynamodb_client() -> DynamoDBClient:
    """One client for the whole run: making one costs more than a moto test does. It works
    inside every ``mock_aws`` block, because moto hooks into botocore when it is imported."""
    return aws_session().client("dynamodb")


@contextmanager
def dynamodb_tables() -> Iterator[DynamoDBClient]:
    """A fresh moto DynamoDB with the three tables of ``TABLES``."""
    with mock_aws():
        client = dynamodb_client()
        create_tables(client, TABLES)
        yield client


@contextmanager
def one_request_at_a_time() -> Iterator[None]:
    """Make moto handle requests one at a time while the block runs.

    DynamoDB applies each request atomically: a conditional update is checked and applied as
    one step. moto takes no lock, so threads calling it at once can interleave inside one
    request and both pass the same condition, which the real service never allows. With this
    lock the requests of racing threads still interleave in any order, request by request,
    which is the race the adapters must survive.
    """
    lock = threading.Lock()
    original: Callable[..., Any] = BotocoreStubber.process_request

    def serialized(self: BotocoreStubber, request: Any) -> Any:
        with lock:
            return original(self, request)

    BotocoreStubber.process_request = serialized  # type: ignore[method-assign]
    try:
        yield
    finally:
        BotocoreStubber.process_request = original  # type: ignore[method-assign]
