"""Quiet hours: a nightly window (``21:00-07:00``) in which no PO email goes out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        match = _WINDOW.match(text)
        if match is None:
            raise ValueError(f"{text!r} is not a window like 21:00-07:00")
        h1, m1, h2, m2 = (int(group) for group in match.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise ValueError(f"{text!r} has a time that does not exist")
        return cls(time(h1, m1), time(h2, m2))

    def contains(self, local: datetime) -> bool:
        """``local`` is a wall-clock time in the shop's timezone."""
        now = local.time().replace(tzinfo=None)
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= now < self.end
        return now >= self.start or now < self.end

    def ends_after(self, local: datetime) -> datetime:
        """When the quiet window that holds ``local`` ends (same timezone as ``local``)."""
        end = local.replace(hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0)
        if end <= local:
            end += timedelta(days=1)
        return end

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"
