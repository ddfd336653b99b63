"""Month and weekday names in English, spelled out so no text depends on the locale."""

from __future__ import annotations

from datetime import date
from typing import Final

MONTH_NAMES: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAYS: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def short_date(day: date) -> str:
    """``23 Nov``."""
    return f"{day.day} {MONTH_NAMES[day.month - 1][:3]}"
