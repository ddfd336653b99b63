"""One JSON-able line per run: counts and ids, never an address, a body or a credential."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # Not at run time: every handler imports this module, and its cold start counts (the
    # poller must not load the check, the digest or the monthly summary to log its line).
    from lambdas.events import ScheduledRun
    from sheets_bot.services.check import CheckReport
    from sheets_bot.services.digest import DigestReport
    from sheets_bot.services.ingest import IngestReport
    from sheets_bot.services.monthly import SummaryReport
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
        "history_problems": report.history_problems,
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
        "proposals_applied": list(report.proposals.applied),
        "proposals_skipped": len(report.proposals.skipped),
        "proposals_stale": len(report.proposals.stale),
        "live": {
            "received": len(report.live.received),
            "cancelled": len(report.live.cancelled),
            "confirmed": [_po(entry) for entry in report.live.confirmed],
            "followed_up": [_po(entry) for entry in report.live.followed_up],
            "pos_events": report.live.pos_events,
            "pos_items": report.live.pos_items,
            "unknown_skus": len(report.live.unknown_skus),
            "problems": len(report.live.problems),
            "attention": len(report.live.attention),
        },
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


def ingest_summary(report: IngestReport) -> dict[str, Any]:
    """Counts and the stored key: never the sender, the subject or a file's content."""
    return {
        "key": report.key,
        "refused": report.refused is not None,
        "files": len(report.files),
        "outcomes": sorted(file.outcome.value for file in report.files),
        "proposals": len(report.proposals),
    }


def digest_summary(report: DigestReport) -> dict[str, Any]:
    """Whether the digest went out and its counts; never its subject (the shop's name)."""
    return {
        "digest_sent": report.sent,
        "digest_reason": report.reason.split(":")[0],
        "digest_failures_shown": report.failures_shown,
        "digest_counts": dict(report.counts),
    }


def monthly_summary(report: SummaryReport, run: ScheduledRun) -> dict[str, Any]:
    figures = report.figures
    return {
        "reason": run.reason,
        "month": str(report.month),
        "pos_sent": figures.pos_sent,
        "late": len(figures.late),
        "stock_history": figures.stock is not None,
        "narrative": report.narrative_by,
        "chart": report.chart,
        "problems": len(report.problems),
        "already_sent": report.already_sent,
    }
