"""The Scheduler port: EventBridge Scheduler (moto) and the local recording stand-in behave
alike; then what the EventBridge request looks like."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest
from moto import mock_aws

from sheets_bot.adapters.aws.scheduler import EventBridgeScheduler, at_expression
from sheets_bot.adapters.local.scheduler import RecordingScheduler
from sheets_bot.ports import Scheduler
from tests.aws.moto_support import REGION, aws_session

if TYPE_CHECKING:
    from mypy_boto3_scheduler import EventBridgeSchedulerClient

GROUP = "sheets-bot-test-sends"
POLLER = f"arn:aws:lambda:{REGION}:123456789012:function:sheets-bot-test-poll-decisions"
ROLE = "arn:aws:iam::123456789012:role/sheets-bot-test-scheduler"
AT = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)
PAYLOAD = {"reason": "quiet hours ended", "po": "PO-0001", "draft": "D-0001"}


def _satisfies_the_port() -> None:
    """Never called: mypy checks that both adapters are structurally Schedulers."""
    _local: Scheduler = RecordingScheduler()
    _aws: Scheduler = EventBridgeScheduler(
        aws_session().client("scheduler"), group=GROUP, target_arn=POLLER, role_arn=ROLE
    )


@dataclass
class Subject:
    scheduler: Scheduler
    names: Callable[[], list[str]]
    """The names scheduled now."""


@pytest.fixture
def client() -> Iterator[EventBridgeSchedulerClient]:
    with mock_aws():
        client = aws_session().client("scheduler")
        client.create_schedule_group(Name=GROUP)
        yield client


def _eventbridge_names(client: EventBridgeSchedulerClient) -> list[str]:
    return sorted(s["Name"] for s in client.list_schedules(GroupName=GROUP)["Schedules"])


@pytest.fixture(params=["recording", "eventbridge"])
def subject(request: pytest.FixtureRequest) -> Subject:
    if request.param == "recording":
        recording = RecordingScheduler()
        return Subject(recording, lambda: sorted(recording.scheduled))
    client: EventBridgeSchedulerClient = request.getfixturevalue("client")
    scheduler = EventBridgeScheduler(
        client, group=GROUP, target_arn=POLLER, role_arn=ROLE, timezone="Europe/London"
    )
    return Subject(scheduler, lambda: _eventbridge_names(client))


def test_a_scheduled_run_is_there(subject: Subject) -> None:
    subject.scheduler.schedule_once("send-PO-0001", AT, PAYLOAD)

    assert subject.names() == ["send-PO-0001"]


def test_the_same_name_twice_is_one_run(subject: Subject) -> None:
    subject.scheduler.schedule_once("send-PO-0001", AT, PAYLOAD)
    subject.scheduler.schedule_once("send-PO-0001", AT + timedelta(hours=1), PAYLOAD)
    subject.scheduler.schedule_once("send-PO-0002", AT, PAYLOAD)

    assert subject.names() == ["send-PO-0001", "send-PO-0002"]


def test_cancel_removes_it_and_cancelling_nothing_is_fine(subject: Subject) -> None:
    subject.scheduler.schedule_once("send-PO-0001", AT, PAYLOAD)

    subject.scheduler.cancel("send-PO-0001")
    subject.scheduler.cancel("send-PO-0001")
    subject.scheduler.cancel("never-scheduled")

    assert subject.names() == []


@pytest.mark.parametrize("name", ["", "send PO-1", "send/PO-1", "x" * 65, "PO#1"])
def test_a_bad_name_is_refused_before_any_request(subject: Subject, name: str) -> None:
    with pytest.raises(ValueError, match="not a schedule name"):
        subject.scheduler.schedule_once(name, AT, PAYLOAD)
    assert subject.names() == []


def test_a_naive_time_is_refused(subject: Subject) -> None:
    naive = datetime(2026, 11, 24, 6, 0)
    with pytest.raises(ValueError, match="timezone-aware"):
        subject.scheduler.schedule_once("send-PO-0001", naive, PAYLOAD)


def test_the_eventbridge_schedule_runs_the_poller_once_then_deletes_itself(
    client: EventBridgeSchedulerClient,
) -> None:
    dlq = f"arn:aws:sqs:{REGION}:123456789012:sheets-bot-test-failures"
    scheduler = EventBridgeScheduler(
        client,
        group=GROUP,
        target_arn=POLLER,
        role_arn=ROLE,
        timezone="Europe/London",
        dead_letter_arn=dlq,
    )
    scheduler.schedule_once("send-PO-0001", AT, PAYLOAD)

    found = client.get_schedule(Name="send-PO-0001", GroupName=GROUP)
    assert found["ScheduleExpression"] == "at(2026-11-24T06:00:00)"  # GMT in November
    assert found["ScheduleExpressionTimezone"] == "Europe/London"
    assert found["ActionAfterCompletion"] == "DELETE"
    assert found["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert found["State"] == "ENABLED"
    target = found["Target"]
    assert (target["Arn"], target["RoleArn"]) == (POLLER, ROLE)
    assert json.loads(target["Input"]) == PAYLOAD
    assert target["DeadLetterConfig"] == {"Arn": dlq}
    assert target["RetryPolicy"]["MaximumEventAgeInSeconds"] == 3600


def test_a_later_time_for_the_same_name_replaces_the_first(
    client: EventBridgeSchedulerClient,
) -> None:
    scheduler = EventBridgeScheduler(client, group=GROUP, target_arn=POLLER, role_arn=ROLE)
    scheduler.schedule_once("send-PO-0001", AT, PAYLOAD)
    scheduler.schedule_once("send-PO-0001", AT + timedelta(minutes=30), {"po": "PO-0001"})

    found = client.get_schedule(Name="send-PO-0001", GroupName=GROUP)
    assert found["ScheduleExpression"] == "at(2026-11-24T06:30:00)"
    assert json.loads(found["Target"]["Input"]) == {"po": "PO-0001"}


def test_at_is_written_in_the_zone_and_never_early() -> None:
    summer = datetime(2026, 7, 1, 5, 0, 0, 1, tzinfo=UTC)
    assert at_expression(summer, ZoneInfo("Europe/London")) == "at(2026-07-01T06:00:01)"
    assert at_expression(AT, ZoneInfo("UTC")) == "at(2026-11-24T06:00:00)"
    tokyo = datetime(2026, 11, 24, 15, 0, tzinfo=timezone(timedelta(hours=9)))
    assert at_expression(tokyo, ZoneInfo("America/New_York")) == "at(2026-11-24T01:00:00)"


def test_the_recording_scheduler_says_what_is_due() -> None:
    recording = RecordingScheduler()
    recording.schedule_once("send-PO-0002", AT + timedelta(hours=1), {"po": "PO-0002"})
    recording.schedule_once("send-PO-0001", AT, PAYLOAD)

    assert recording.due(AT - timedelta(seconds=1)) == []
    assert [run.name for run in recording.due(AT + timedelta(hours=2))] == [
        "send-PO-0001",
        "send-PO-0002",
    ]
