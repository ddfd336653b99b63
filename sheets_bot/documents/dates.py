"""Dates as a PO shows them, independent of the machine's locale."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sheets_bot.domain.calendar_names import MONTH_NAMES


def shop_date(moment: datetime, timezone: str) -> str:
    """The calendar date of ``moment`` in the shop's timezone, like ``23 November 2026``.

    Month names are spelled out here rather than by ``strftime`` so the text does not depend
    on the machine's locale.
    """
    if moment.tzinfo is None:
        raise ValueError("the issue time must be timezone-aware")
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{local.day} {MONTH_NAMES[local.month - 1]} {local.year}"
