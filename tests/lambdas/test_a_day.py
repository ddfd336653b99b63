"""A day of the deployment through the Lambda handlers: sync -> check -> the owner approves in
the sheet -> poll -> the PO in SES (moto), the ledger and the audit; a quiet-hours approval
sent by its one-off schedule; two pollers at once send once; the digest with its one-tap
links, and the next one read back from SES with what was sent and which run failed."""

from __future__ import annotations

import csv
import io
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, time
from email.message import EmailMessage
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from lambdas import daily_check, decision_link, drive_sync, poll_decisions
from sheets_bot.adapters.aws.run_lock import RunLock, SheetBusy
from sheets_bot.adapters.aws.ses_mailer import SesMailer
from sheets_bot.domain.purchase_order import PoState
from tests.aws.moto_support import one_request_at_a_time
from tests.lambdas.cloud_world import (
    BUCKET,
    FROM_ADDRESS,
    LINKS_URL,
    OWNER,
    CloudWorld,
    cloud_world,
    function_arn,
)

BEANS_TO = "orders@beanbrothers.example"


@pytest.fixture
def world() -> Iterator[CloudWorld]:
    with cloud_world() as world:
        yield world


def _attachment(message: EmailMessage, name: str) -> list[dict[str, str]]:
    for part in message.iter_attachments():
        if part.get_filename() == name:
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return list(csv.DictReader(io.StringIO(payload.decode("utf-8-sig"))))
    raise AssertionError(f"no attachment {name}")


def test_drive_sync_writes_a_snapshot_once_until_the_stock_changes(world: CloudWorld) -> None:
    first = world.invoke(drive_sync)
    again = world.invoke(drive_sync)

    assert first["written"] is True
    assert first["rows"] == 40
    assert again["written"] is False
    assert world.snapshot_versions() == 1

    world.owner.set_cell("Stock", 2, "On hand", 1)
    assert world.invoke(drive_sync)["written"] is True
    assert world.snapshot_versions() == 2


def test_a_day_check_approve_poll(world: CloudWorld) -> None:
    checked = world.invoke(daily_check)
    assert checked["items"] == 40
    assert checked["drafts_created"] == ["D-0001", "D-0002", "D-0003", "D-0004", "D-0005"]
    assert world.emails() == []

    world.approve("D-0001")
    world.at(datetime(2026, 11, 23, 10, 5, tzinfo=UTC))
    polled = world.invoke(poll_decisions)

    assert polled["sent"] == ["PO-0001"]
    [email] = world.emails()
    assert email["To"] == BEANS_TO
    assert email["From"].addresses[0].addr_spec == FROM_ADDRESS
    assert email["Reply-To"].addresses[0].addr_spec == OWNER
    assert "PO-0001" in email["Subject"]
    lines = _attachment(email, "PO-0001.csv")
    orders = [row for row in world.owner.records("Orders") if row["PO"] == "PO-0001"]
    assert {line["SKU"] for line in lines if line["SKU"]} == {str(row["SKU"]) for row in orders}
    assert orders[0]["Supplier"] == "Bean Brothers Roasters"
    assert all(row["Status"] == "sent" for row in orders)

    record = world.wiring.ledger.get("D-0001")
    assert record is not None
    assert record.state is PoState.SENT
    assert [line.quantity for line in record.order.lines] == [row["Qty"] for row in orders]
    actions = [entry.action for entry in world.wiring.audit.entries()]
    assert {"draft created", "approve", "send claimed", "po sent"} <= set(actions)
    audit_tab = [row["Action"] for row in world.owner.records("Audit")]
    assert "po sent" in audit_tab
    assert "D-0001" not in world.drafts()

    world.at(datetime(2026, 11, 23, 10, 10, tzinfo=UTC))
    assert world.invoke(poll_decisions)["sent"] == []
    assert len(world.emails()) == 1


def test_the_check_keeps_the_learned_demand_in_the_bucket_replaced_once_a_day(
    world: CloudWorld,
) -> None:
    def versions() -> list[str]:
        found = world.s3.list_object_versions(Bucket=BUCKET, Prefix="learning/")
        return [version["Key"] for version in found.get("Versions", [])]

    world.invoke(daily_check)
    assert versions() == [f"learning/{world.wiring.settings.sheet_id}/demand.bin"]

    world.at(datetime(2026, 11, 23, 16, 0, tzinfo=UTC))
    world.invoke(daily_check)  # the same day: nothing new to fold in, nothing written
    assert len(versions()) == 1

    world.at(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    assert world.invoke(daily_check)["history_problems"] == []
    assert len(versions()) == 2

    # a damaged state: learned again from the window, said in the log line, and replaced
    key = versions()[0]
    world.s3.put_object(Bucket=BUCKET, Key=key, Body=b"damaged")
    world.at(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    [problem] = world.invoke(daily_check)["history_problems"]
    assert problem.startswith(f"the learned demand {key} cannot be used: it is not a")
    assert problem.endswith("every item is learned again from the last 56 days")
    assert len(versions()) == 4


def test_a_quiet_hours_approval_goes_out_by_its_one_off_schedule(world: CloudWorld) -> None:
    world.invoke(daily_check)
    world.approve("D-0002")
    world.at(datetime(2026, 11, 23, 23, 0, tzinfo=UTC))

    polled = world.invoke(poll_decisions)

    assert polled["deferred"] == ["D-0002"]
    assert polled["scheduled"] == ["send-D-0002"]
    assert world.schedules() == {
        "send-D-0002": {
            "expression": "at(2026-11-24T06:00:00)",
            "zone": "Europe/London",
            "target": function_arn("poll-decisions"),
            "payload": {"reason": "deferred send", "draft": "D-0002"},
        }
    }
    world.at(datetime(2026, 11, 23, 23, 5, tzinfo=UTC))
    assert world.invoke(poll_decisions)["scheduled"] == []
    assert len(world.schedules()) == 1
    assert world.emails() == []

    [(name, schedule)] = world.schedules().items()
    world.at(datetime(2026, 11, 24, 6, 0, tzinfo=UTC))
    world.ran(name)
    polled = world.invoke(poll_decisions, schedule["payload"])

    assert polled["sent"] == ["PO-0001"]  # the first PO to go out, whatever its draft
    assert polled["reason"] == "deferred send"
    assert len(world.emails()) == 1
    assert world.schedules() == {}


def test_two_pollers_at_once_send_each_po_once(world: CloudWorld) -> None:
    world.invoke(daily_check)
    for draft in world.drafts():
        world.approve(draft)
    world.at(datetime(2026, 11, 23, 10, 5, tzinfo=UTC))
    wiring = world.wiring
    _ = (wiring.identity, wiring.http, wiring.ledger, wiring.audit, wiring.memory, wiring.mailer)
    start = threading.Barrier(2)
    results: list[dict[str, object]] = []
    errors: list[BaseException] = []

    def poller() -> None:
        try:
            start.wait(timeout=10)
            results.append(world.invoke(poll_decisions))
        except BaseException as error:  # reported below
            errors.append(error)

    with one_request_at_a_time():
        threads = [threading.Thread(target=poller) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    assert errors == []
    sent = [po for result in results for po in result["sent"]]  # type: ignore[attr-defined]
    recipients = sorted(str(email["To"]) for email in world.emails())
    assert len(recipients) == 5
    assert len(set(recipients)) == 5
    assert len(sent) <= 5
    world.at(datetime(2026, 11, 23, 10, 15, tzinfo=UTC))
    world.invoke(poll_decisions)
    assert {str(row["PO"]) for row in world.owner.records("Orders")} == {
        f"PO-000{n}" for n in range(1, 6)
    }
    assert len(world.emails()) == 5


def test_a_poll_that_starts_while_another_is_sending_waits_then_gives_up(
    world: CloudWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sheet's lease keeps runs apart: the second is refused, the first sends once."""
    world.invoke(daily_check)
    world.approve("D-0001")
    world.at(datetime(2026, 11, 23, 10, 5, tzinfo=UTC))
    monkeypatch.setattr(poll_decisions, "WAIT_FOR_SHEET", 0.2)
    send = SesMailer.send
    refused: list[BaseException] = []

    def send_while_another_polls(self: SesMailer, message: EmailMessage) -> str:
        try:
            world.invoke(poll_decisions)
        except SheetBusy as error:
            refused.append(error)
        return send(self, message)

    monkeypatch.setattr(SesMailer, "send", send_while_another_polls)
    first = world.invoke(poll_decisions)

    assert first["sent"] == ["PO-0001"]
    assert len(refused) == 1
    assert len(world.emails()) == 1


def test_without_the_lease_the_ledger_still_sends_once(
    world: CloudWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should two polls overlap anyway (a lease taken over after it ran out), the second one,
    polling while the first is inside SES's SendEmail, finds the PO claimed and sends nothing."""
    world.invoke(daily_check)
    world.approve("D-0001")
    world.at(datetime(2026, 11, 23, 10, 5, tzinfo=UTC))
    monkeypatch.setattr(RunLock, "try_acquire", lambda self, holder, what: True)
    send = SesMailer.send
    overlapping: list[dict[str, object]] = []

    def send_while_another_polls(self: SesMailer, message: EmailMessage) -> str:
        if not overlapping:
            overlapping.append(world.invoke(poll_decisions))
        return send(self, message)

    monkeypatch.setattr(SesMailer, "send", send_while_another_polls)
    first = world.invoke(poll_decisions)

    assert first["sent"] == ["PO-0001"]
    assert overlapping[0]["sent"] == []
    assert len(world.emails()) == 1
    assert "PO-0001 is being sent by another run" not in world.statuses("D-0001")


def _body(message: EmailMessage, kind: str) -> str:
    part = message.get_body((kind,))
    assert part is not None
    content: str = part.get_content()
    return content


def _link(text: str, draft: str, action: str) -> str:
    """The digest's Approve/Skip link of ``draft`` in its plain-text part."""
    block = text.split(f"- {draft} for ", 1)[1]
    found = re.search(rf"{action.capitalize()}: (\S+)", block)
    assert found is not None
    return found.group(1)


def _url_event(method: str, url: str, form: dict[str, str] | None = None) -> dict[str, Any]:
    """What a Function URL hands the decision function (payload format 2.0)."""
    parts = urlsplit(url)
    return {
        "version": "2.0",
        "rawPath": parts.path,
        "rawQueryString": parts.query,
        "headers": {"host": parts.netloc, "content-type": "application/x-www-form-urlencoded"},
        "requestContext": {"domainName": parts.netloc, "http": {"method": method}},
        "body": urlencode(form or {}),
        "isBase64Encoded": False,
    }


def _decisions(world: CloudWorld, draft: str) -> list[str]:
    return [str(r["Decision"] or "") for r in world.owner.records("Drafts") if r["Draft"] == draft]


def test_a_day_ends_with_the_digest_and_its_links_decide_through_the_ledger(
    world: CloudWorld,
) -> None:
    checked = world.invoke(daily_check)
    assert checked["digest_sent"] is True
    [first] = world.digests()
    assert first["To"] == OWNER
    assert first["From"].addresses[0].addr_spec == FROM_ADDRESS
    text = _body(first, "plain")
    assert "D-0002 for Dairy Fresh Co:" in text
    approve = _link(text, "D-0002", "approve")
    assert approve.startswith(f"{LINKS_URL}/decision?t=")

    with world.wiring.sheet_lock("a poll", "the poll", wait=0):  # a GET takes no lease
        shown = world.invoke(decision_link, _url_event("GET", approve))
    assert shown["statusCode"] == 200
    assert "Approve D-0002 for Dairy Fresh Co?" in shown["body"]
    assert _decisions(world, "D-0002") == ["", "", ""]

    token = parse_qs(urlsplit(approve).query)["t"][0]
    posted = world.invoke(decision_link, _url_event("POST", approve, {"t": token}))
    assert posted["statusCode"] == 200
    assert "Approved: D-0002" in posted["body"]
    assert _decisions(world, "D-0002") == ["approve"] * 3
    again = world.invoke(decision_link, _url_event("POST", approve, {"t": token}))
    assert again["statusCode"] == 410

    world.at(datetime(2026, 11, 23, 10, 5, tzinfo=UTC))
    assert world.invoke(poll_decisions)["sent"] == ["PO-0001"]  # numbered as it goes out
    who = [e.who for e in world.wiring.audit.entries() if e.action == "approve"]
    assert who == ["owner (digest link)", "owner (sheet)"]

    world.at(datetime(2026, 11, 23, 23, 0, tzinfo=UTC))
    world.fail_a_run("drive-sync", "TimeoutError")
    world.at(datetime(2026, 11, 23, 23, 5, tzinfo=UTC))
    world.invoke(poll_decisions)
    assert world.queued_failures() == 1  # only the daily check reads the queue
    world.at(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    assert world.invoke(daily_check)["digest_failures_shown"] == 1

    [_, second] = world.digests()
    text = _body(second, "plain")
    sent = text.split("Sent since the last digest", 1)[1].split("\n\n", 1)[0]
    assert "PO-0001 to Dairy Fresh Co" in sent
    runs = text.split("Runs that failed", 1)[1]
    assert "sheets-bot-test-drive-sync at 23 Nov 23:00: a service did not answer in time" in runs
    assert "private detail" not in text
    assert world.queued_failures() == 0
    html = _body(second, "html")
    assert "<script" not in html
    assert len(world.emails()) == 1


def test_on_aws_the_digest_is_due_at_the_stacks_time_whatever_settings_say(
    world: CloudWorld,
) -> None:
    """The check runs once a day at the stack's DigestTime: a later 'Digest time' in Settings
    must not make that day's digest wait for a run that never comes."""
    grid = world.owner.grid("Settings")
    world.owner.set_grid("Settings", [*grid, ["Digest time", "11:00"]])
    world.settings = world.settings.model_copy(update={"digest_time": time(9, 0)})
    world.new_container()

    assert world.invoke(daily_check)["digest_sent"] is True
    assert len(world.digests()) == 1
    world.at(datetime(2026, 11, 23, 11, 0, tzinfo=UTC))
    assert world.invoke(daily_check)["digest_reason"] == "not due"
    assert len(world.digests()) == 1
