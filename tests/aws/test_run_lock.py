"""The sheet's write lease in the ledger table: one holder at a time, released after, taken
over when a killed run's lease ends; invisible to the ledger."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from sheets_bot.adapters.aws.dynamodb_ledger import DynamoLedger
from sheets_bot.adapters.aws.run_lock import RunLock, SheetBusy
from tests.aws.moto_support import TABLES, dynamodb_tables


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def lock(clock: Clock) -> Iterator[RunLock]:
    with dynamodb_tables() as client:
        yield RunLock(client, TABLES.ledger, lease_seconds=180, clock=clock, sleep=clock.sleep)


def test_one_holder_at_a_time(lock: RunLock) -> None:
    assert lock.try_acquire("run-a", "the poll")
    assert not lock.try_acquire("run-b", "the daily check")
    assert lock.try_acquire("run-a", "the poll")  # a retried request of the holder

    lock.release("run-a")

    assert lock.try_acquire("run-b", "the daily check")


def test_only_the_holder_releases(lock: RunLock) -> None:
    lock.try_acquire("run-a", "the poll")
    lock.release("run-b")

    assert not lock.try_acquire("run-b", "the daily check")


def test_a_killed_runs_lease_ends(lock: RunLock, clock: Clock) -> None:
    lock.try_acquire("killed", "the poll")
    clock.now += 179
    assert not lock.try_acquire("run-b", "the daily check")
    clock.now += 2
    assert lock.try_acquire("run-b", "the daily check")
    lock.release("killed")  # the killed run's late release takes nothing from run-b
    assert not lock.try_acquire("run-c", "the poll")


def test_held_waits_for_the_other_run_then_releases(lock: RunLock, clock: Clock) -> None:
    lock.try_acquire("poll", "the poll")

    def sleep(seconds: float) -> None:
        clock.sleep(seconds)
        if clock.now > 1_000_002:
            lock.release("poll")  # the poll finishes after two seconds

    lock._sleep = sleep

    with lock.held("check", "the daily check", wait=60):
        assert clock.now > 1_000_002
        assert not lock.try_acquire("poll-2", "the poll")

    assert lock.try_acquire("poll-2", "the poll")


def test_held_gives_up_after_the_wait(lock: RunLock) -> None:
    lock.try_acquire("check", "the daily check")

    with pytest.raises(SheetBusy, match="busy for 20 s; the poll will run again"):  # noqa: SIM117
        with lock.held("poll", "the poll", wait=20):
            pass


def test_the_ledger_never_sees_the_lease(clock: Clock) -> None:
    with dynamodb_tables() as client:
        RunLock(client, TABLES.ledger, clock=clock).try_acquire("run", "the poll")
        ledger = DynamoLedger(client, TABLES.ledger)
        assert ledger.unfinished() == []
        assert ledger.order_history() == {}
        assert ledger.next_number("draft") == 1
        assert ledger.get("sheet") is None
        assert datetime.now(UTC)
