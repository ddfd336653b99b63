"""Clocks: the system's, and a fixed one for ``--now`` and tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """Always the same instant; ``advance`` moves it (tests)."""

    def __init__(self, instant: datetime):
        if instant.tzinfo is None:
            raise ValueError("a fixed clock needs a timezone-aware time")
        self.instant = instant

    def now(self) -> datetime:
        return self.instant

    def advance(self, **delta: float) -> None:
        self.instant += timedelta(**delta)
