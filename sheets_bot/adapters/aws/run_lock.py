"""One writer of the sheet at a time across the functions: a lease in the ledger table.

The daily check and the poller both read the sheet, then write rows by the numbers that read
saw (appends below the last row, deletes of draft rows). Two of them overlapping would write by
stale numbers: the second append lands on the first's rows, the second delete removes the wrong
rows. The poller's reserved concurrency of 1 keeps two polls apart; this lease also keeps a
poll and the daily check apart (both fire at the digest time).

The lease is one item, ``pk = "lock#sheet"``, written with a conditional put ("absent, or its
lease expired") and deleted with a conditional delete ("still mine"). A run killed while
holding it (a timeout) holds it only until the lease ends, which is longer than any function's
timeout. The ledger's own items are ``po#...`` and ``counter#...``: no clash, and the lease
carries none of the index attributes, so the ledger's queries never see it.

Times are the machine's wall clock (``time.time``), not the run's clock: a lease is about real
elapsed time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Final

from botocore.exceptions import ClientError

from sheets_bot.adapters.aws import tables
from sheets_bot.adapters.aws.dynamo_items import is_condition_failure
from sheets_bot.errors import AdapterError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

LOCK_KEY: Final = "lock#sheet"
LEASE_SECONDS: Final = 180
"""Longer than the longest function timeout in the template (the check's)."""


class SheetBusy(AdapterError):
    """Another run held the sheet for the whole wait."""


class RunLock:
    """The sheet's write lease in ``table`` (the ledger table)."""

    def __init__(
        self,
        client: DynamoDBClient,
        table: str,
        *,
        lease_seconds: float = LEASE_SECONDS,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = client
        self._table = table
        self.lease_seconds = lease_seconds
        self._clock = clock
        self._sleep = sleep

    def __repr__(self) -> str:
        return f"RunLock(table={self._table!r})"

    def try_acquire(self, holder: str, what: str) -> bool:
        now = self._clock()
        try:
            self._client.put_item(
                TableName=self._table,
                Item={
                    tables.LEDGER_KEY: {"S": LOCK_KEY},
                    "holder": {"S": holder},
                    "what": {"S": what},
                    "expires": {"N": f"{now + self.lease_seconds:.3f}"},
                },
                ConditionExpression="attribute_not_exists(#pk) OR #expires < :now OR #holder = :me",
                ExpressionAttributeNames={
                    "#pk": tables.LEDGER_KEY,
                    "#expires": "expires",
                    "#holder": "holder",
                },
                ExpressionAttributeValues={":now": {"N": f"{now:.3f}"}, ":me": {"S": holder}},
            )
        except ClientError as error:
            if is_condition_failure(error):
                return False
            raise
        return True

    def release(self, holder: str) -> None:
        try:
            self._client.delete_item(
                TableName=self._table,
                Key={tables.LEDGER_KEY: {"S": LOCK_KEY}},
                ConditionExpression="#holder = :me",
                ExpressionAttributeNames={"#holder": "holder"},
                ExpressionAttributeValues={":me": {"S": holder}},
            )
        except ClientError as error:
            if not is_condition_failure(error):  # expired and taken over: not ours to delete
                raise

    @contextmanager
    def held(self, holder: str, what: str, *, wait: float, every: float = 0.5) -> Iterator[None]:
        """Hold the lease for the block, waiting up to ``wait`` seconds for it; ``SheetBusy``
        if another run kept it that long."""
        deadline = self._clock() + wait
        while not self.try_acquire(holder, what):
            if self._clock() >= deadline:
                raise SheetBusy(
                    f"another sheets-bot run kept the sheet busy for {wait:g} s; {what} will"
                    " run again at its next turn"
                )
            self._sleep(every)
        try:
            yield
        finally:
            self.release(holder)
