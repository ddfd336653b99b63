"""Runs that failed unattended (cron with ``--unattended``, or a schedule on AWS), grouped
and said in words for the digest.

A poll every five minutes while the workbook is open fails a dozen times an hour: the owner
reads one line, "the workbook was open for 12 polls between 09:00 and 10:00", not twelve.
A reason is a fixed phrase chosen by the code, never an error message (which may hold values
from the sheet); an error type without a phrase of its own is named as what it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sheets_bot.domain.digest import FailedRun, oldest_first

WORKBOOK_OPEN = "the workbook was open in Excel or LibreOffice"
WORKBOOK_CHANGED = "the workbook changed on disk while the run worked on it"
WORKBOOK_IN_USE = "another sheets-bot run was using the workbook"

_BY_TYPE = {
    "SheetLayoutError": "a tab or header the bot needs is missing or renamed",
    "ValidationError": "a setting or input is not valid",
    "BotError": "a setting or input needs fixing",
    "ValueError": "a value could not be read",
    "KeyError": "something the run needed was missing",
    "WorkbookBusyError": "the workbook was busy",
    "MailRejected": "the mail system refused the message",
    "ConnectionError": "the network was unreachable",
    "TimeoutError": "a service did not answer in time",
    "OSError": "a file could not be read or written",
    "PermissionError": "a file could not be read or written (permission denied)",
}
_RUN_NAMES = ("poll", "check", "digest", "sync", "summary")
_BY_TYPE_TAIL = " (run the same command by hand to see which)"


def failure_reason(run: FailedRun) -> str:
    """What went wrong, in words: the recorded reason, else one from the error's type."""
    if run.reason:
        return run.reason
    known = _BY_TYPE.get(run.error_type)
    if known is not None:
        hint = _BY_TYPE_TAIL if run.error_type in ("BotError", "ValidationError") else ""
        return known + hint
    return f"an unexpected error ({run.error_type or 'of unknown kind'})"


@dataclass(frozen=True)
class FailureGroup:
    """Failures of one command for one reason."""

    function: str
    reason: str
    count: int
    first: datetime | None
    last: datetime | None

    @property
    def runs(self) -> str:
        """``12 polls``, ``1 check``, ``3 runs of sheets-bot-sync``."""
        words = self.function.replace("-", " ").replace("_", " ").split()
        name = next((word for word in words if word in _RUN_NAMES), "")
        if name:
            return f"{self.count} {name}{'' if self.count == 1 else 's'}"
        return f"{self.count} run{'' if self.count == 1 else 's'} of {self.function or 'unknown'}"


def group_failures(failures: Sequence[FailedRun]) -> list[FailureGroup]:
    """One group per (command, reason), in the order of each group's first failure."""
    groups: dict[tuple[str, str], list[FailedRun]] = {}
    for run in sorted(failures, key=oldest_first):
        groups.setdefault((run.function, failure_reason(run)), []).append(run)
    found = []
    for (function, reason), runs in groups.items():
        times = [run.when for run in runs if run.when is not None]
        found.append(
            FailureGroup(
                function,
                reason,
                len(runs),
                min(times) if times else None,
                max(times) if times else None,
            )
        )
    return found
