"""``sheets-bot serve --poll-every 5m``: the poll on a timer beside the web server, so a
decision made by a digest link (or in the workbook) goes out without cron.

The timer only decides *when*; what runs is the same ``poll`` the command line runs. A poll
that fails (the workbook open in Excel, say) is logged and the timer carries on. The wait is
injected (``threading.Event.wait`` in use), so tests step it without sleeping.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from datetime import timedelta

from sheets_bot.errors import BotError

_UNITS = {"s": 1, "m": 60, "h": 3600}
MIN_INTERVAL = timedelta(seconds=30)

log = logging.getLogger("sheets_bot.serve")


def parse_interval(text: str) -> timedelta:
    """``5m``, ``90s``, ``1h`` (at least 30 seconds); ``BotError`` saying what to type."""
    match = re.fullmatch(r"\s*(\d+)\s*([smh])\s*", text.lower())
    if match is None:
        raise BotError(f"--poll-every {text!r} is not an interval: use 5m, 90s or 1h")
    interval = timedelta(seconds=int(match[1]) * _UNITS[match[2]])
    if interval < MIN_INTERVAL:
        raise BotError(f"--poll-every {text!r} is too often: use 30s or more")
    return interval


def describe(interval: timedelta) -> str:
    """``5 minutes``, ``1 hour``, ``90 seconds``."""
    seconds = int(interval.total_seconds())
    for unit, size in (("hour", 3600), ("minute", 60)):
        if seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} seconds"


class PollTimer:
    """Runs ``poll`` every ``interval`` until ``stop``; ``wait(seconds)`` returns True when
    stopped (``threading.Event.wait``)."""

    def __init__(
        self,
        interval: timedelta,
        poll: Callable[[], str],
        wait: Callable[[float], bool] | None = None,
    ) -> None:
        self.interval = interval
        self._poll = poll
        self._stopped = threading.Event()
        self._wait = wait or self._stopped.wait
        self.runs = 0
        self.failures = 0

    def stop(self) -> None:
        self._stopped.set()

    def run(self) -> None:
        """Poll at once, then after each interval, until stopped."""
        while True:
            self.tick()
            if self._wait(self.interval.total_seconds()) or self._stopped.is_set():
                return

    def tick(self) -> None:
        self.runs += 1
        try:
            summary = self._poll()
        except Exception as error:  # logged; the next tick tries again
            self.failures += 1
            log.warning("poll failed: %s", str(error).splitlines()[0] if str(error) else error)
            return
        log.info("poll: %s", summary.splitlines()[0] if summary else "done")

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, name="sheets-bot poll timer", daemon=True)
        thread.start()
        return thread
