"""Month names in English, spelled out here so no text depends on the machine's locale."""

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


def short_date(day: date) -> str:
    """``23 Nov``."""
    return f"{day.day} {MONTH_NAMES[day.month - 1][:3]}"
