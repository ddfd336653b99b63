"""What the command line prints after a run: a table per item, then what to do next."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sheets_bot.domain.models import Move
from sheets_bot.services.check import CheckReport, ItemResult
from sheets_bot.services.poll import PollReport

_ORDER = {move.value: rank for rank, move in enumerate(Move)}


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> str:
    widths = [len(header) for header in headers]
    for row in rows:
        widths = [max(width, len(cell)) for width, cell in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.rjust(width) if index in right else cell.ljust(width)
            for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _sort_key(item: ItemResult) -> tuple[int, int]:
    return (_ORDER.get(item.move, -1 if item.problem else len(_ORDER)), item.row)


def format_check(
    report: CheckReport,
    *,
    workbook: Path | None = None,
    sheet: str | None = None,
    program: str = "sheets-bot",
) -> str:
    """``workbook`` (local mode) or ``sheet`` (the Google Sheet's id) says how to go on."""
    rows = [
        [
            str(item.row),
            item.sku,
            _shorten(item.item, 30),
            item.move or "PROBLEM",
            item.on_hand,
            item.reorder_point,
            item.days_left,
            item.order_qty,
        ]
        for item in sorted(report.items, key=_sort_key)
    ]
    parts = [
        table(
            ["Row", "SKU", "Item", "Move", "On hand", "Reorder pt", "Days left", "Order"],
            rows,
            right={0, 4, 5, 6, 7},
        ),
        "",
        "Checked {} items: {} urgent, {} reorder, {} watch, {} stocked.".format(
            len(report.items),
            report.count("urgent"),
            report.count("reorder"),
            report.count("watch"),
            report.count("stocked"),
        ),
        f"Draft lines: {report.lines_added} added, {report.lines_refreshed} refreshed,"
        f" {report.lines_removed} removed.",
    ]
    if report.learned:
        parts.append(report.learned)
    for draft, supplier in report.drafts_created.items():
        parts.append(f"  new draft {draft} for {supplier}")
    if report.problems:
        parts.append(f"\nProblems ({len(report.problems)}): nothing is drafted from these rows")
        parts.extend(f"  - {problem}" for problem in report.problems)
    if report.kept_owner_values:
        parts.append("\nKept your edits in bot columns:")
        parts.extend(f"  - {note}" for note in report.kept_owner_values)
    if report.drafts_created or report.lines_added or report.lines_refreshed:
        parts += [
            "",
            "Next:",
            f"  1. Open {workbook} in LibreOffice or Excel, tab 'Drafts'."
            if sheet is None
            else f"  1. Open {report.location}, tab 'Drafts'.",
            f"  2. In column {report.decision_column} ('Decision') pick approve, skip or edit for"
            " every line of a draft (you may change 'Order qty', 'Send to' and 'Note' first).",
            "  3. Save and close the workbook, then run:" if sheet is None else "  3. Then run:",
            f"       {program} poll --workbook {workbook}"
            if sheet is None
            else f"       {program} poll --sheet {sheet}",
            "     Approved POs are emailed (to the outbox folder locally); during quiet hours"
            " they wait until the hours end.",
        ]
    return "\n".join(parts)


def format_poll(report: PollReport, *, outbox: Path | None) -> str:
    parts = []
    for po in report.sent:
        parts.append(f"Sent {po}")
    for po in report.deferred:
        parts.append(f"Approved {po} (quiet hours: it goes out when they end)")
    for draft in report.skipped:
        parts.append(f"Skipped {draft}: nothing ordered; the items are looked at again next check")
    if report.waiting:
        parts.append(f"Waiting for your decision: {', '.join(report.waiting)}")
    if report.held:
        parts.append(f"Held for your edit: {', '.join(report.held)}")
    for problem in report.problems:
        parts.append(f"Problem: {problem}")
    for note in report.attention:
        parts.append(f"NEEDS YOU: {note}")
    if not parts:
        parts.append("No drafts, nothing to do.")
    if report.sent and outbox is not None:
        parts.append(f"The emails are in {outbox}")
    return "\n".join(parts)
