"""Ordering days: parsing what an owner types, and the wait and review period they give."""

from __future__ import annotations

from datetime import date

import pytest

from sheets_bot.domain.ordering_days import (
    EVERY_DAY,
    OrderingDays,
    OrderingDaysError,
    parse_ordering_days,
)

MONDAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("text", "weekdays"),
    [
        ("Mon, Thu", {0, 3}),
        ("monday and thursday", {0, 3}),
        ("Tue/Fri", {1, 4}),
        ("Mon-Fri", {0, 1, 2, 3, 4}),
        ("Fri–Mon", {4, 5, 6, 0}),
        ("weekdays", {0, 1, 2, 3, 4}),
        ("Wed", {2}),
    ],
)
def test_parses_what_owners_type(text: str, weekdays: set[int]) -> None:
    assert parse_ordering_days(text).weekdays == frozenset(weekdays)


@pytest.mark.parametrize("text", ["", "  ", "daily", "Every day"])
def test_blank_or_daily_is_every_day(text: str) -> None:
    assert parse_ordering_days(text) == EVERY_DAY


def test_a_word_that_is_not_a_day_is_refused_with_what_to_type() -> None:
    with pytest.raises(OrderingDaysError, match=r"'fortnightly' is not a day.*Mon, Thu"):
        parse_ordering_days("fortnightly")


def test_every_day_waits_nothing_and_reviews_daily() -> None:
    assert EVERY_DAY.wait_days(MONDAY) == 0
    assert EVERY_DAY.review_days(MONDAY) == 1
    assert str(EVERY_DAY) == "every day"


def test_mon_thu_wait_and_review_by_weekday() -> None:
    days = OrderingDays(frozenset({0, 3}))
    # (wait, review) from Monday to Sunday: Mon orders now, next chance Thu (3 days); Tue waits
    # 2 days for Thu, then Mon is 4 days later; Fri waits 3 days for Mon.
    expected = [(0, 3), (2, 4), (1, 4), (0, 4), (3, 3), (2, 3), (1, 3)]
    got = [
        (
            days.wait_days(MONDAY.replace(day=7 + offset)),
            days.review_days(MONDAY.replace(day=7 + offset)),
        )
        for offset in range(7)
    ]
    assert got == expected
    assert str(days) == "Mon, Thu"


def test_one_day_a_week_reviews_weekly() -> None:
    wednesday_only = OrderingDays(frozenset({2}))
    assert wednesday_only.wait_days(MONDAY) == 2
    assert wednesday_only.review_days(MONDAY) == 7
    assert wednesday_only.next_after(date(2026, 12, 9)) == date(2026, 12, 16)
