"""Quiet hours with a Scheduler: an approval that must wait gets one one-off poll at the end of
quiet hours, named after its PO, and that poll sends it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from sheets_bot.adapters.local.scheduler import RecordingScheduler
from sheets_bot.services.poll import PollReport, run_poll
from tests.services.harness import Shop

BEANS = "Bean Brothers Roasters"
NIGHT = datetime(2026, 11, 23, 23, 0, tzinfo=UTC)  # 23:00 in London: quiet hours 22:00-06:00
QUIET_END = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)


class FailingScheduler(RecordingScheduler):
    def schedule_once(self, name: str, at: datetime, payload: Mapping[str, object]) -> None:
        raise ConnectionError("scheduler unreachable")


@pytest.fixture
def shop() -> Shop:
    shop = Shop.sample()
    shop.check()
    return shop


def poll(shop: Shop, scheduler: RecordingScheduler) -> PollReport:
    return run_poll(replace(shop.poll_ports, scheduler=scheduler))


def test_a_deferred_approval_schedules_one_poll_when_quiet_hours_end(shop: Shop) -> None:
    scheduler = RecordingScheduler()
    draft = shop.draft_of(BEANS)
    shop.decide(draft, "approve")
    shop.clock.instant = NIGHT

    report = poll(shop, scheduler)

    assert report.deferred == ["D-0001 at 06:00"]
    assert report.scheduled == ["send-D-0001"]
    [run] = scheduler.scheduled.values()
    assert (run.name, run.at) == ("send-D-0001", QUIET_END)
    assert run.payload == {"reason": "deferred send", "draft": draft}
    assert shop.mailer.sent == []
    audit = [row for row in shop.rows("Audit") if row["Action"] == "send scheduled"]
    assert [row["Subject"] for row in audit] == ["D-0001"]


def test_polls_during_quiet_hours_do_not_schedule_it_again(shop: Shop) -> None:
    scheduler = RecordingScheduler()
    shop.decide(shop.draft_of(BEANS), "approve")
    shop.clock.instant = NIGHT
    poll(shop, scheduler)

    for hour in (0, 1, 2, 5):
        shop.clock.instant = datetime(2026, 11, 24, hour, 0, tzinfo=UTC)
        assert poll(shop, scheduler).scheduled == []

    assert scheduler.calls == 1


def test_the_scheduled_poll_sends_it(shop: Shop) -> None:
    scheduler = RecordingScheduler()
    shop.decide(shop.draft_of(BEANS), "approve")
    shop.clock.instant = NIGHT
    poll(shop, scheduler)

    [run] = scheduler.due(QUIET_END)
    shop.clock.instant = run.at
    report = poll(shop, scheduler)

    assert [message["To"] for message in shop.mailer.sent] == ["orders@beanbrothers.example"]
    assert report.sent == ["PO-0001 to Bean Brothers Roasters <orders@beanbrothers.example>"]
    assert report.scheduled == []


def test_an_approval_by_day_schedules_nothing(shop: Shop) -> None:
    scheduler = RecordingScheduler()
    shop.decide(shop.draft_of(BEANS), "approve")

    report = poll(shop, scheduler)

    assert scheduler.calls == 0
    assert len(shop.mailer.sent) == 1
    assert report.scheduled == []


def test_a_scheduler_failure_is_reported_and_the_regular_poll_still_sends(shop: Shop) -> None:
    shop.decide(shop.draft_of(BEANS), "approve")
    shop.clock.instant = NIGHT

    report = poll(shop, FailingScheduler())

    assert report.deferred == ["D-0001 at 06:00"]
    assert report.problems == [
        "D-0001: could not schedule its deferred send (ConnectionError);"
        " it goes out at the first poll after its time"
    ]
    shop.clock.instant = datetime(2026, 11, 24, 6, 5, tzinfo=UTC)
    assert poll(shop, RecordingScheduler()).sent
    assert len(shop.mailer.sent) == 1
