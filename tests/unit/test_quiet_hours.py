from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from sheets_bot.domain.quiet_hours import QuietHours

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("hour", "minute", "quiet"),
    [
        (20, 59, False),
        (21, 0, True),
        (23, 30, True),
        (0, 0, True),
        (6, 59, True),
        (7, 0, False),
        (12, 0, False),
    ],
)
def test_overnight_window(hour: int, minute: int, quiet: bool) -> None:
    window = QuietHours.parse("21:00-07:00")
    assert window.contains(datetime(2026, 11, 23, hour, minute, tzinfo=LONDON)) is quiet


def test_daytime_window() -> None:
    window = QuietHours.parse("12:00 - 13:30")
    assert window.contains(datetime(2026, 11, 23, 12, 45, tzinfo=LONDON))
    assert not window.contains(datetime(2026, 11, 23, 13, 30, tzinfo=LONDON))


def test_ends_after_rolls_to_the_next_morning() -> None:
    window = QuietHours.parse("21:00-07:00")
    assert window.ends_after(datetime(2026, 11, 23, 22, 15, tzinfo=LONDON)) == datetime(
        2026, 11, 24, 7, 0, tzinfo=LONDON
    )
    assert window.ends_after(datetime(2026, 11, 24, 3, 0, tzinfo=LONDON)) == datetime(
        2026, 11, 24, 7, 0, tzinfo=LONDON
    )


def test_across_the_clock_change() -> None:
    window = QuietHours.parse("21:00-07:00")
    end = window.ends_after(datetime(2026, 10, 24, 22, 0, tzinfo=LONDON))
    assert end == datetime(2026, 10, 25, 7, 0, tzinfo=LONDON)
    offset = end.utcoffset()
    assert offset is not None
    assert offset.total_seconds() == 0  # GMT after the change


@pytest.mark.parametrize("text", ["", "9pm-7am", "25:00-07:00", "21:00"])
def test_bad_windows(text: str) -> None:
    with pytest.raises(ValueError, match=r"window|exist"):
        QuietHours.parse(text)
