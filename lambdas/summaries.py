"""One JSON-able line per run: counts and ids, never an address, a body or a credential."""

from __future__ import annotations

from typing import Any

from lambdas.events import ScheduledRun
from sheets_bot.services.check import CheckReport
from sheets_bot.services.poll import PollReport
from sheets_bot.services.snapshot import SnapshotReport


def _po(entry: str) -> str:
    """``PO-0001 to Supplier <address>`` -> ``PO-0001``: the log names POs, not addresses."""
    return entry.split(" ", 1)[0]


def check_summary(report: CheckReport, run: ScheduledRun) -> dict[str, Any]:
    return {
        "reason": run.reason,
        "items": len(report.items),
        "urgent": report.count("urgent"),
        "reorder": report.count("reorder"),
        "watch": report.count("watch"),
        "stocked": report.count("stocked"),
        "drafts_created": sorted(report.drafts_created),
        "lines_added": report.lines_added,
        "lines_refreshed": report.lines_refreshed,
        "lines_removed": report.lines_removed,
        "problems": len(report.problems),
    }


def poll_summary(report: PollReport, run: ScheduledRun) -> dict[str, Any]:
    return {
        "reason": run.reason,
        "po": run.po,
        "sent": [_po(entry) for entry in report.sent],
        "deferred": [_po(entry) for entry in report.deferred],
        "scheduled": list(report.scheduled),
        "skipped": list(report.skipped),
        "waiting": len(report.waiting),
        "held": len(report.held),
        "problems": len(report.problems),
        "attention": len(report.attention),
    }


def snapshot_summary(report: SnapshotReport, run: ScheduledRun) -> dict[str, Any]:
    return {
        "reason": run.reason,
        "written": report.written,
        "rows": report.rows,
        "key": report.key,
        "version": report.version,
        "bytes": report.size,
        "history": report.history,
    }
