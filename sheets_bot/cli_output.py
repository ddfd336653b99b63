"""What the command line prints after a run: a table per item, then what to do next."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sheets_bot.domain.drafts import rows_text
from sheets_bot.domain.models import Move
from sheets_bot.domain.words import plural
from sheets_bot.services.check import CheckReport, ItemResult
from sheets_bot.services.live import LiveSummary
from sheets_bot.services.poll import PollReport
from sheets_bot.services.proposals import ProposalReport

if TYPE_CHECKING:
    from sheets_bot.services.monthly import SummaryReport

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
    sheet_problems = [p for p in report.problems if p in report.sheet_problems]
    row_problems = [p for p in report.problems if p not in report.sheet_problems]
    if sheet_problems:
        parts.append(f"\nSettings and Suppliers ({len(sheet_problems)}):")
        parts.extend(f"  - {problem}" for problem in sheet_problems)
    if row_problems:
        parts.append(f"\nProblems ({len(row_problems)}): nothing is drafted from these rows")
        parts.extend(f"  - {problem}" for problem in row_problems)
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
        waiting = (
            f"{draft} ({rows_text(report.waiting_rows[draft])})"
            if draft in report.waiting_rows
            else draft
            for draft in report.waiting
        )
        parts.append(f"Waiting for your decision: {', '.join(waiting)}")
    if report.held:
        parts.append(f"Held for your edit: {', '.join(report.held)}")
    parts.extend(format_live(report.live))
    for problem in [*report.problems, *report.live.problems]:
        parts.append(f"Problem: {problem}")
    for note in [*report.attention, *report.live.attention]:
        parts.append(f"NEEDS YOU: {note}")
    parts.extend(format_proposals(report.proposals))
    if not parts:
        parts.append("No drafts, nothing to do.")
    if report.sent and outbox is not None:
        parts.append(f"The emails are in {outbox}")
    return "\n".join(parts)


def format_proposals(report: ProposalReport) -> list[str]:
    """The Proposed tab's decisions acted on in a poll, one line each kind."""
    lines = []
    if report.applied:
        lines.append(f"Applied to Stock: {', '.join(report.applied)}")
    if report.skipped:
        lines.append(f"Skipped proposals: {', '.join(report.skipped)}")
    if report.stale:
        lines.append(
            f"Not applied, Stock changed since they were proposed: {', '.join(report.stale)}"
        )
    lines.extend(f"Cannot apply {note}" for note in report.refused)
    return lines


def format_live(live: LiveSummary) -> list[str]:
    """Receiving, POS sales, confirmations and follow-ups of one poll, a line each."""
    parts = [f"Received {line}" for line in live.received]
    parts += [f"Cancelled {line}: no longer on order" for line in live.cancelled]
    parts += [f"Confirmed by the supplier: {po}" for po in live.confirmed]
    parts += [f"Follow-up sent for {po}" for po in live.followed_up]
    if live.pos_events:
        parts.append(
            f"Point of sale: {live.pos_events} event(s) applied, On hand changed on"
            f" {live.pos_items} item(s)"
        )
    parts += [f"Unknown SKU from the point of sale: {line}" for line in live.unknown_skus]
    return parts


def format_summary(report: SummaryReport, *, outbox: Path | None) -> str:
    figures = report.figures
    spend = f"{figures.total_spend:,.2f} {report.currency}"
    lines = [
        f"Monthly summary for {figures.period}: {plural(figures.pos_sent, 'PO')} sent,"
        f" {spend} spent,"
        f" {plural(len(figures.late), 'late delivery', 'late deliveries')}.",
    ]
    stock = figures.stock
    if stock is None:
        lines.append("No stock history yet: stockouts and in-stock rate are left out.")
    elif stock.in_stock_rate is not None:
        lines.append(
            f"In stock {stock.in_stock_rate * 100:.1f}% of item-days,"
            f" {plural(stock.stockout_days, 'stockout day')}"
            + (f", {plural(len(stock.dead), 'item')} did not sell." if figures.complete else ".")
        )
    lines.append(
        "Narrative: written by AI from the figures."
        if report.narrative_by == "ai"
        else "Narrative: the plain template (AI summary is off or did not answer)."
    )
    for problem in report.problems:
        lines.append(f"Problem: {problem}")
    lines.append(f"The email is in {outbox}" if outbox is not None else "Emailed to the owner.")
    return "\n".join(lines)
