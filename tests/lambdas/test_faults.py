"""The poller killed at every step of the send path, then run again in a fresh container:
the supplier never gets two emails, and a send whose outcome is unknown is shown to the owner.

A kill is a ``BaseException`` raised from inside a real adapter call (the call itself done or
not, as named), so nothing in the service can catch it: as when Lambda stops a run at its
timeout. The next poll is a new container (clients, secret and tokens anew)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from lambdas import daily_check, poll_decisions
from sheets_bot.adapters.aws.dynamodb_audit import DynamoAuditLog
from sheets_bot.adapters.aws.dynamodb_ledger import DynamoLedger
from sheets_bot.adapters.aws.run_lock import LEASE_SECONDS, SheetBusy
from sheets_bot.adapters.aws.ses_mailer import SesMailer
from sheets_bot.adapters.google.sheet import GoogleSheet
from sheets_bot.domain.purchase_order import PoState
from tests.lambdas.cloud_world import CloudWorld, cloud_world

APPROVED_AT = datetime(2026, 11, 23, 10, 5, tzinfo=UTC)
SOON = datetime(2026, 11, 23, 10, 8, tzinfo=UTC)
"""Within the send lease (15 min) and the filing grace (5 min) of the killed run."""
AFTER_GRACE = datetime(2026, 11, 23, 10, 12, tzinfo=UTC)
AFTER_LEASE = datetime(2026, 11, 23, 10, 25, tzinfo=UTC)


class Killed(BaseException):
    """The run stops here."""


@pytest.fixture
def world() -> Iterator[CloudWorld]:
    with cloud_world() as world:
        world.invoke(daily_check)
        world.approve("D-0001")
        world.at(APPROVED_AT)
        yield world


def kill(
    monkeypatch: pytest.MonkeyPatch, owner: type, method: str, *, after_call: bool = True
) -> None:
    """Make ``owner.method`` stop the run, after doing its work or instead of it."""
    real: Callable[..., Any] = getattr(owner, method)

    def killed(self: object, *args: object, **kwargs: object) -> object:
        if after_call:
            real(self, *args, **kwargs)
        raise Killed(f"killed in {owner.__name__}.{method}")

    monkeypatch.setattr(owner, method, killed)


def run_killed(world: CloudWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(Killed):
        world.invoke(poll_decisions)
    monkeypatch.undo()


def poll_again(world: CloudWorld, when: datetime) -> dict[str, Any]:
    world.at(when)
    world.new_container()
    return world.invoke(poll_decisions)


def state(world: CloudWorld) -> PoState:
    record = world.wiring.ledger.get("D-0001")
    assert record is not None
    return record.state


def filed(world: CloudWorld) -> list[str]:
    return sorted({str(row["PO"]) for row in world.owner.records("Orders")})


def test_killed_after_the_approval_is_recorded(
    world: CloudWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    kill(monkeypatch, DynamoLedger, "record_approval")
    run_killed(world, monkeypatch)
    assert state(world) is PoState.APPROVED
    assert world.emails() == []

    assert poll_again(world, SOON)["sent"] == ["PO-0001"]
    assert len(world.emails()) == 1
    assert filed(world) == ["PO-0001"]


def test_killed_after_the_claim(world: CloudWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    kill(monkeypatch, DynamoLedger, "claim")
    run_killed(world, monkeypatch)
    assert state(world) is PoState.SENDING

    assert poll_again(world, SOON)["sent"] == []
    assert world.statuses("D-0001")[0] == "PO-0001 is being sent by another run"
    later = poll_again(world, AFTER_LEASE)

    assert later["attention"] == 1
    assert state(world) is PoState.UNKNOWN
    assert world.statuses("D-0001")[0].startswith("SEND OUTCOME UNKNOWN for PO-0001")
    assert world.emails() == []  # never sent silently: the owner decides

    world.wiring.ledger.resolve("PO-0001", "approved", AFTER_LEASE)  # `resolve --resend`
    assert poll_again(world, AFTER_LEASE)["sent"] == ["PO-0001"]
    assert len(world.emails()) == 1


def test_killed_after_ses_accepted(world: CloudWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    kill(monkeypatch, SesMailer, "send")
    run_killed(world, monkeypatch)
    assert len(world.emails()) == 1
    assert state(world) is PoState.SENDING

    assert poll_again(world, SOON)["sent"] == []
    later = poll_again(world, AFTER_LEASE)

    assert later["attention"] == 1
    assert state(world) is PoState.UNKNOWN
    assert world.statuses("D-0001")[0].startswith("SEND OUTCOME UNKNOWN for PO-0001")
    assert len(world.emails()) == 1

    world.wiring.ledger.resolve("PO-0001", "sent", AFTER_LEASE)  # `resolve --sent`
    assert poll_again(world, AFTER_LEASE + (AFTER_GRACE - APPROVED_AT))["sent"] == ["PO-0001"]
    assert len(world.emails()) == 1
    assert filed(world) == ["PO-0001"]


def test_killed_after_the_ledger_says_sent(
    world: CloudWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    kill(monkeypatch, DynamoLedger, "finish")
    run_killed(world, monkeypatch)
    assert state(world) is PoState.SENT
    assert filed(world) == []

    assert poll_again(world, SOON)["sent"] == []  # the sending run may still file it
    assert world.statuses("D-0001")[0] == "sent as PO-0001; being filed into Orders"
    assert poll_again(world, AFTER_GRACE)["sent"] == ["PO-0001"]
    assert len(world.emails()) == 1
    assert filed(world) == ["PO-0001"]


def test_killed_before_the_audit_and_sheet_write(
    world: CloudWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    kill(monkeypatch, DynamoAuditLog, "record", after_call=False)
    run_killed(world, monkeypatch)

    assert poll_again(world, AFTER_GRACE)["sent"] == ["PO-0001"]
    assert len(world.emails()) == 1
    assert filed(world) == ["PO-0001"]


def test_killed_before_the_sheet_write(world: CloudWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    kill(monkeypatch, GoogleSheet, "apply", after_call=False)
    run_killed(world, monkeypatch)
    assert state(world) is PoState.SENT
    actions = [entry.action for entry in world.wiring.audit.entries()]
    assert "po sent" in actions  # recorded before the sheet write: nothing is lost

    assert poll_again(world, AFTER_GRACE)["sent"] == ["PO-0001"]
    assert len(world.emails()) == 1
    assert filed(world) == ["PO-0001"]
    mirrored = [str(row["Action"]) for row in world.owner.records("Audit")]
    assert mirrored.count("po sent") == 1


def test_an_ses_timeout_is_unknown_at_once_and_never_retried(
    world: CloudWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    def timed_out(self: SesMailer, message: object) -> str:
        raise TimeoutError("read timeout on SendEmail")

    monkeypatch.setattr(SesMailer, "send", timed_out)
    first = world.invoke(poll_decisions)
    monkeypatch.undo()

    assert first["attention"] == 1
    assert state(world) is PoState.UNKNOWN
    assert poll_again(world, AFTER_LEASE)["sent"] == []
    assert world.emails() == []
    assert world.statuses("D-0001")[0].startswith("SEND OUTCOME UNKNOWN for PO-0001")


def test_a_killed_run_leaves_the_sheet_lease_to_expire(
    world: CloudWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real kill runs no ``finally``: the lease stays until it ends."""
    kill(monkeypatch, DynamoLedger, "record_approval")
    monkeypatch.setattr("sheets_bot.adapters.aws.run_lock.RunLock.release", lambda *_: None)
    run_killed(world, monkeypatch)
    monkeypatch.setattr(poll_decisions, "WAIT_FOR_SHEET", 0.1)

    with pytest.raises(SheetBusy, match="kept the sheet busy"):
        poll_again(world, SOON)
    world.new_container().run_lock._clock = lambda: time.time() + LEASE_SECONDS + 1
    assert world.invoke(poll_decisions)["sent"] == ["PO-0001"]
