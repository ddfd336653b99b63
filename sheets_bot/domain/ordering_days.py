"""The days a supplier takes orders (Suppliers, ``Order days``: ``Mon, Thu``, ``Mon-Fri``).

The check runs every day, but an order can only be placed on one of these days, so two
figures follow from them for the policy (a periodic review):

- the *wait*: days from today until the next day the supplier takes orders (0 when it takes
  them today); a draft made today waits that long before it can go out;
- the *review period*: days from that ordering day to the one after it, the next chance to
  order again (1 for a supplier that takes orders every day).

An order decided today must therefore last until the order after it arrives: wait + lead time
+ review period. A supplier without ordering days takes orders every day (wait 0, review 1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from sheets_bot.domain.calendar_names import WEEKDAYS
from sheets_bot.domain.errors import InputError

__all__ = ["EVERY_DAY", "OrderingDays", "OrderingDaysError", "parse_ordering_days"]

_ALIASES = {
    "mon": 0,
    "monday": 0,
    "tue": 1,
    "tues": 1,
    "tuesday": 1,
    "wed": 2,
    "weds": 2,
    "wednesday": 2,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "thursday": 3,
    "fri": 4,
    "friday": 4,
    "sat": 5,
    "saturday": 5,
    "sun": 6,
    "sunday": 6,
}
_EVERY_DAY_WORDS = {"", "daily", "every day", "any day", "all", "mon-sun"}
_WEEKDAY_WORDS = {"weekdays": range(0, 5), "weekends": range(5, 7)}


class OrderingDaysError(InputError):
    """An ``Order days`` cell that names no day the bot can read; the message says what to type."""


@dataclass(frozen=True)
class OrderingDays:
    weekdays: frozenset[int] = frozenset()
    """Monday 0 … Sunday 6; empty means every day."""

    @property
    def every_day(self) -> bool:
        return not self.weekdays or len(self.weekdays) == 7

    def takes_orders_on(self, day: date) -> bool:
        return self.every_day or day.weekday() in self.weekdays

    def next_on_or_after(self, day: date) -> date:
        """The first day on or after ``day`` on which the supplier takes orders."""
        for offset in range(7):
            candidate = day + timedelta(days=offset)
            if self.takes_orders_on(candidate):
                return candidate
        raise AssertionError("a non-empty set of weekdays always has a day within a week")

    def next_after(self, day: date) -> date:
        """The first day strictly after ``day`` on which the supplier takes orders."""
        return self.next_on_or_after(day + timedelta(days=1))

    def wait_days(self, today: date) -> int:
        """Days until an order decided today can be placed (0 when the supplier takes it today)."""
        return (self.next_on_or_after(today) - today).days

    def review_days(self, today: date) -> int:
        """Days from the next ordering day to the one after it (1 when every day)."""
        placed = self.next_on_or_after(today)
        return (self.next_after(placed) - placed).days

    def __str__(self) -> str:
        if self.every_day:
            return "every day"
        return ", ".join(WEEKDAYS[day][:3] for day in sorted(self.weekdays))


EVERY_DAY = OrderingDays()


def parse_ordering_days(text: str) -> OrderingDays:
    """``Mon, Thu`` / ``Mon-Fri`` / ``Tuesday and Friday`` / ``weekdays`` / blank (every day)."""
    cleaned = " ".join(text.replace("–", "-").split()).casefold()
    if cleaned in _EVERY_DAY_WORDS:
        return EVERY_DAY
    days: set[int] = set()
    for part in re.split(r"\s*(?:,|;|/|&|\band\b|\s)\s*", cleaned):
        if not part:
            continue
        if part in _WEEKDAY_WORDS:
            days.update(_WEEKDAY_WORDS[part])
            continue
        if "-" in part:
            first, _, last = part.partition("-")
            if first in _ALIASES and last in _ALIASES:
                start, end = _ALIASES[first], _ALIASES[last]
                span = (end - start) % 7
                days.update((start + step) % 7 for step in range(span + 1))
                continue
        if part not in _ALIASES:
            raise OrderingDaysError(
                f"'{part}' is not a day; type days like 'Mon, Thu' or 'Mon-Fri', or leave it"
                " blank for every day"
            )
        days.add(_ALIASES[part])
    return OrderingDays(frozenset(days))
