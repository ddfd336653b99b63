"""What ``sheets-bot ingest`` prints: per file, what was proposed, skipped or refused."""

from __future__ import annotations

from pathlib import Path

from sheets_bot.services.ingest import IngestReport, Outcome


def format_ingest(
    report: IngestReport, *, program: str = "sheets-bot", stored_in: Path | None = None
) -> str:
    where = stored_in / report.key if stored_in is not None else report.key
    lines = [f"Kept the message as {where}"]
    if report.refused is not None:
        lines.append(f"Refused (recorded in the audit log, not answered): {report.refused}")
        return "\n".join(lines)
    if not report.sender_verified:
        lines.append(
            f"Sender not verified ({report.sender_check}): its rows are marked and cannot be"
            " applied; check them and type the values into Stock yourself"
        )
    if report.supplier:
        lines.append(f"Price list from {report.supplier}")
    for file in report.files:
        if file.outcome is Outcome.PROPOSED:
            counts = f"{file.proposed} change(s) proposed"
            if file.unmatched:
                counts += f", {file.unmatched} row(s) unmatched"
            if file.unchanged:
                counts += f", {file.unchanged} value(s) already as in Stock"
            lines.append(f"  {file.name}: {counts}")
            lines.extend(f"    {note}" for note in file.notes)
        elif file.outcome is Outcome.DUPLICATE:
            lines.append(f"  {file.name}: already proposed from an earlier message; nothing new")
        else:
            lines.append(f"  {file.name}: {file.problem}")
    if not report.files:
        lines.append("  no attachment with a count or a price list")
    if report.proposals:
        lines.append(
            f"{len(report.proposals)} row(s) in the Proposed tab ({report.proposals[0]} ..."
            f" {report.proposals[-1]}): pick apply or skip in Decision, then run {program} poll"
        )
    return "\n".join(lines)
