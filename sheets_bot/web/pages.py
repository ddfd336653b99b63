"""The few plain pages the bot shows in a browser: confirmations and their answers.

Inline CSS only, no scripts, no remote anything; every text is HTML-escaped here, so callers
pass plain text (or ``Markup`` they built with ``escape``)."""

from __future__ import annotations

import html

_STYLE = (
    "body{font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;"
    "max-width:640px;margin:32px auto;padding:0 16px;color:#1f2328;line-height:1.45}"
    "h1{font-size:22px}table{border-collapse:collapse;margin:12px 0}"
    "td,th{border:1px solid #d0d7de;padding:6px 10px;text-align:left}"
    "th{background:#f3f5f7}.num{text-align:right}"
    "button{font-size:16px;padding:10px 20px;border-radius:6px;border:1px solid #1a7f37;"
    "background:#1f883d;color:#fff;cursor:pointer}"
    "button.secondary{background:#f6f8fa;color:#1f2328;border-color:#d0d7de}"
    ".muted{color:#59636e;font-size:14px}"
    ".warn{color:#9a6700;font-weight:bold}"
)


def escape(text: object) -> str:
    return html.escape(str(text), quote=True)


def page(title: str, body_html: str) -> str:
    """A whole page; ``title`` is plain text, ``body_html`` already escaped by the caller."""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<meta name="robots" content="noindex"><title>{escape(title)}</title>'
        f"<style>{_STYLE}</style></head><body><h1>{escape(title)}</h1>{body_html}</body></html>"
    )


def message_page(title: str, message: str) -> str:
    """A page with one plain-text paragraph."""
    return page(title, f"<p>{escape(message)}</p>")


def table(headings: list[tuple[str, bool]], rows: list[list[str]]) -> str:
    """A table of plain texts (escaped here); a heading's flag right-aligns its column."""
    head = "".join(
        f"<th{' class=num' if number else ''}>{escape(name)}</th>" for name, number in headings
    )
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{' class=num' if number else ''}>{escape(cell)}</td>"
            for cell, (_, number) in zip(row, headings, strict=True)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def confirm_form(
    action: str, fields: dict[str, str], label: str, *, secondary: bool = False
) -> str:
    """One POST button; ``fields`` go along as hidden inputs (all escaped)."""
    hidden = "".join(
        f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'
        for name, value in fields.items()
    )
    css = ' class="secondary"' if secondary else ""
    return (
        f'<form method="post" action="{escape(action)}">{hidden}'
        f'<button type="submit"{css}>{escape(label)}</button></form>'
    )
