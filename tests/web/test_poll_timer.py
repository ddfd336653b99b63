"""``sheets-bot serve --poll-every``: the timer polls at once and after each interval, keeps
going when a poll fails, stops when asked; the pages say when a PO goes out. No sleeping:
the wait is injected."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from sheets_bot.errors import BotError
from sheets_bot.services.decision_links import links_notice
from sheets_bot.web.poll_timer import PollTimer, describe, parse_interval


class Steps:
    """A wait that returns at once, and says "stop" after ``limit`` waits."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.waited: list[float] = []

    def __call__(self, seconds: float) -> bool:
        self.waited.append(seconds)
        return len(self.waited) >= self.limit


@pytest.mark.parametrize(
    ("text", "interval", "words"),
    [
        ("5m", timedelta(minutes=5), "5 minutes"),
        ("90s", timedelta(seconds=90), "90 seconds"),
        (" 1H ", timedelta(hours=1), "1 hour"),
    ],
)
def test_intervals(text: str, interval: timedelta, words: str) -> None:
    assert parse_interval(text) == interval
    assert describe(interval) == words


@pytest.mark.parametrize("text", ["5", "five minutes", "10s", "-5m"])
def test_a_bad_interval_says_what_to_type(text: str) -> None:
    with pytest.raises(BotError, match="--poll-every"):
        parse_interval(text)


def test_the_timer_polls_at_once_then_every_interval_and_survives_a_failure() -> None:
    answers: list[str | Exception] = ["sent PO-0001", BotError("the workbook is open"), "ok"]
    calls: list[int] = []

    def poll() -> str:
        calls.append(len(calls))
        answer = answers[len(calls) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer

    steps = Steps(limit=3)
    timer = PollTimer(timedelta(minutes=5), poll, wait=steps)
    timer.run()
    assert len(calls) == 3
    assert steps.waited == [300.0, 300.0, 300.0]
    assert (timer.runs, timer.failures) == (3, 1)


def test_stop_ends_the_loop_after_the_current_poll() -> None:
    timer = PollTimer(timedelta(minutes=1), lambda: "ok", wait=lambda _: False)
    timer.stop()
    timer.run()
    assert timer.runs == 1


def test_serve_says_where_the_digest_links_point() -> None:
    assert links_notice("", 8080) == (
        "The digest's Approve/Skip links point here (http://127.0.0.1:8080)."
    )
    warning = links_notice("", 8081)
    assert warning.startswith("Warning: the digest's Approve/Skip links point to")
    assert "set 'Links URL' in Settings to http://127.0.0.1:8081" in warning
    assert "--port 8080" in warning
    assert "https://shop.example" in links_notice("https://shop.example", 8081)


def test_the_lambda_promises_the_stacks_poll_rate() -> None:
    from lambdas.decision_link import POLL_EVERY

    template = (Path(__file__).resolve().parents[2] / "infra" / "template.yaml").read_text()
    schedule = template.split("PollDecisionsSchedule:", 1)[1].split("ScheduleExpression:", 1)[1]
    assert schedule.split("\n", 1)[0].strip() == f"rate({POLL_EVERY})"
