"""A ``Scheduler`` for one machine: it only records what was asked.

Locally nothing runs on its own, so a one-off run would never fire; the owner's next
``sheets-bot poll`` after quiet hours sends what waited. Tests use it to see what the services
scheduled.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

NAME: Final = re.compile(r"[0-9A-Za-z_.-]{1,64}")
"""What EventBridge Scheduler accepts as a schedule name; every adapter checks the same."""


def check_name(name: str) -> str:
    """``name`` if it is a valid schedule name, else ``ValueError``."""
    if not NAME.fullmatch(name):
        raise ValueError(f"{name!r} is not a schedule name: 1-64 letters, digits and ._-")
    return name


def check_aware(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"a schedule needs a timezone-aware time, got {at.isoformat()}")
    return at


@dataclass(frozen=True)
class ScheduledRun:
    name: str
    at: datetime
    payload: Mapping[str, object]


@dataclass
class RecordingScheduler:
    """Keeps the runs asked for, by name (a later one of the same name replaces it)."""

    scheduled: dict[str, ScheduledRun] = field(default_factory=dict)
    cancelled: list[str] = field(default_factory=list)
    calls: int = 0

    def schedule_once(self, name: str, at: datetime, payload: Mapping[str, object]) -> None:
        self.calls += 1
        self.scheduled[check_name(name)] = ScheduledRun(name, check_aware(at), dict(payload))

    def cancel(self, name: str) -> None:
        self.cancelled.append(check_name(name))
        self.scheduled.pop(name, None)

    def due(self, now: datetime) -> list[ScheduledRun]:
        """Runs whose time has come, earliest first."""
        return sorted((run for run in self.scheduled.values() if run.at <= now), key=_when)


def _when(run: ScheduledRun) -> datetime:
    return run.at
