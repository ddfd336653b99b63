"""The inline styles and the table every HTML email of the bot uses (PO, digest, monthly).

Gmail and Outlook keep only inline CSS, so the look lives in these strings.
"""

from __future__ import annotations

from typing import Final

CELL: Final = "padding:6px 10px;border:1px solid #d0d7de;text-align:left;vertical-align:top;"
NUMBER_CELL: Final = CELL.replace("text-align:left", "text-align:right") + "white-space:nowrap;"
HEAD: Final = "background:#f3f5f7;font-weight:bold;"
TABLE: Final = (
    'style="border-collapse:collapse;margin:4px 0 12px 0;" cellpadding="0" cellspacing="0"'
)
H2: Final = "font-size:16px;margin:20px 0 6px 0;"


def html_table(headings: list[tuple[str, bool]], rows: list[list[tuple[str, bool]]]) -> str:
    """A table; each cell is ``(already escaped html, is a number)``."""
    head = "".join(
        f'<th style="{NUMBER_CELL if number else CELL}{HEAD}">{name}</th>'
        for name, number in headings
    )
    body = "\n".join(
        "<tr>"
        + "".join(
            f'<td style="{NUMBER_CELL if number else CELL}">{cell}</td>' for cell, number in row
        )
        + "</tr>"
        for row in rows
    )
    return f"<table {TABLE}>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>\n"
