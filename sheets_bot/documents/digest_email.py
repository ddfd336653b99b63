"""The owner's daily digest as an email: a plain-text body and an HTML alternative.

Same rules as the PO email: headers only from addresses that pass ``validate_address`` here,
``email.policy.default`` (no CR or LF in any header), untrusted text only in bodies and
HTML-escaped in the HTML part. The HTML is built for Gmail and Outlook: tables, inline CSS
only, no scripts, no images, no external fonts. A workbook path is shown as text, never a link.
"""

from __future__ import annotations

import html
from datetime import datetime
from email.message import EmailMessage
from typing import Literal
from zoneinfo import ZoneInfo

from sheets_bot.documents.email_html import H2, html_table
from sheets_bot.documents.owner_mail import owner_message
from sheets_bot.documents.po_csv import format_money

# One checker and one IDNA rule for every email the bot writes.
from sheets_bot.domain.calendar_names import short_date
from sheets_bot.domain.digest import (
    AttentionSend,
    DecisionLinks,
    Delivery,
    DigestData,
    FailedRun,
    ProblemRow,
    SentPo,
    UnconfirmedPo,
    UnreadMail,
    UrgentItem,
    WaitingDraft,
)
from sheets_bot.domain.models import ShopSettings

DIGEST_HEADER = "X-Sheets-Bot-Digest"
"""The shop date a digest is for, so an outbox file can be traced back to its day."""

AllStockedMode = Literal["one-line", "none"]


_URGENT_H2 = H2 + "color:#b42318;"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _number(value: float) -> str:
    """``12``, ``2.5``, ``0.25``: at most 2 decimals, no trailing zeros, never an exponent."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _days_left(value: float | None) -> str:
    if value is None:
        return "not selling"
    return f"{value:.1f} days"


def _delivery_when(delivery: Delivery) -> str:
    if delivery.days_late > 0:
        return f"{_plural(delivery.days_late, 'day')} late"
    if delivery.days_late == 0:
        return "due today"
    return f"due in {_plural(-delivery.days_late, 'day')}"


def _row_name(problem: ProblemRow) -> str:
    return "the tab" if problem.row is None else f"row {problem.row}"


def _sent_at(sent: SentPo, timezone: str) -> str:
    local = sent.sent_at.astimezone(ZoneInfo(timezone)) if sent.sent_at.tzinfo else sent.sent_at
    return f"{short_date(local.date())} {local:%H:%M}"


def _attention_text(send: AttentionSend) -> str:
    what = (
        "send outcome unknown - check with the supplier before resending"
        if send.state == "unknown"
        else "send failed"
    )
    detail = _one_line(send.detail)
    return f"{what}: {detail}" if detail else what


def digest_subject(data: DigestData) -> str:
    """``Corner Café & Pantry: 3 urgent, 2 drafts waiting — 23 Nov``."""
    shop = _one_line(data.shop_name)
    day = short_date(data.local_date)
    if data.is_quiet_day:
        return f"{shop}: all stocked — {day}"
    counts = [
        (len(data.urgent), "urgent", "urgent"),
        (len(data.drafts_waiting), "draft waiting", "drafts waiting"),
        (len(data.attention), "send needs attention", "sends need attention"),
        (len(data.problems), "problem row", "problem rows"),
        (len(data.late_deliveries), "delivery late", "deliveries late"),
        (data.proposed_waiting, "proposed count", "proposed counts"),
        (len(data.unconfirmed), "PO not confirmed", "POs not confirmed"),
        (len(data.unread_mail), "unreadable mail", "unreadable mails"),
        (len(data.failed_runs), "failed run", "failed runs"),
    ]
    parts = [_plural(count, one, many) for count, one, many in counts if count]
    if not parts:
        parts = ["nothing waiting on you"]
    return f"{shop}: {', '.join(parts)} — {day}"


def compose_digest(
    data: DigestData,
    settings: ShopSettings,
    *,
    now: datetime,
    all_stocked_mode: AllStockedMode = "one-line",
) -> EmailMessage | None:
    """The digest email for ``data``, dated ``now`` (timezone-aware), to the owner.

    ``None`` on a quiet day when the owner chose ``"none"``. Raises ``ValueError`` naming what
    to fix when the owner email or the From address is missing or invalid.
    """
    if now.tzinfo is None:
        raise ValueError("the time of an email must be timezone-aware")
    if all_stocked_mode not in ("one-line", "none"):
        raise ValueError(f"all-stocked digest {all_stocked_mode!r} must be 'one-line' or 'none'")
    quiet = data.is_quiet_day
    if quiet and all_stocked_mode == "none":
        return None
    message = owner_message(
        settings, what="the digest", subject=digest_subject(data), now=now, idstring="digest"
    )
    message[DIGEST_HEADER] = data.local_date.isoformat()
    if quiet:
        message.set_content(_quiet_text(data))
        message.add_alternative(_page(data, _quiet_html(data)), subtype="html")
    else:
        message.set_content(_text_body(data, settings))
        message.add_alternative(_page(data, _html_sections(data, settings)), subtype="html")
    return message


# ---------------------------------------------------------------- plain text


def _where_text(data: DigestData) -> list[str]:
    if data.sheet_url:
        return [f"Open the sheet: {_one_line(data.sheet_url)}"]
    if data.workbook_path:
        return [f"Workbook: {_one_line(data.workbook_path)}"]
    return []


def _quiet_text(data: DigestData) -> str:
    shop = _one_line(data.shop_name)
    lines = [f"{shop}, {short_date(data.local_date)}: all stocked, nothing waiting on you."]
    return "\n".join([*lines, *_where_text(data), ""])


def _section(title: str, lines: list[str]) -> list[str]:
    return ["", title, "-" * len(title), *lines]


def _text_body(data: DigestData, settings: ShopSettings) -> str:
    currency = settings.currency
    out = [f"{_one_line(data.shop_name)} - daily digest, {short_date(data.local_date)}"]
    if data.urgent:
        out += _section("Urgent", [_urgent_text(item) for item in data.urgent])
    if data.drafts_waiting:
        lines: list[str] = []
        for draft in data.drafts_waiting:
            lines += _draft_text(draft, currency)
        out += _section("Drafts waiting for your decision", lines)
    if data.sent:
        out += _section(
            "Sent since the last digest",
            [
                f"- {_one_line(s.po)} to {_one_line(s.supplier)}: "
                f"{format_money(s.total, currency)}, sent {_sent_at(s, settings.timezone)}"
                for s in data.sent
            ],
        )
    if data.deliveries:
        out += _section(
            "Deliveries due or late",
            [
                f"- {_one_line(d.po)} from {_one_line(d.supplier)}: expected "
                f"{short_date(d.expected)}, {_delivery_when(d)}"
                for d in data.deliveries
            ],
        )
    if data.proposed_waiting:
        out += _section(
            "Proposed counts",
            [
                f"{_plural(data.proposed_waiting, 'proposed count')} waiting in the Proposed tab.",
                *_flagged_lines(data),
            ],
        )
    if data.problems:
        out += _section(
            "Problem rows",
            [
                f"- {_one_line(p.tab)}, {_row_name(p)}: {_one_line(p.message)}"
                for p in data.problems
            ],
        )
    if data.attention:
        out += _section(
            "Sends needing attention",
            [
                f"- {_one_line(a.po)} to {_one_line(a.supplier)}: {_attention_text(a)}"
                for a in data.attention
            ],
        )
    if data.unconfirmed:
        out += _section(
            "Not confirmed by the supplier",
            [_unconfirmed_text(u, settings.timezone) for u in data.unconfirmed],
        )
    if data.unread_mail:
        out += _section(
            "Mail the bot could not read",
            [_unread_text(m, settings.timezone) for m in data.unread_mail],
        )
    if data.failed_runs:
        out += _section(
            "Runs that failed", [_failed_text(f, settings.timezone) for f in data.failed_runs]
        )
    where = _where_text(data)
    if where:
        out += ["", *where]
    return "\n".join([*out, ""])


def _local(moment: datetime, timezone: str) -> str:
    local = moment.astimezone(ZoneInfo(timezone)) if moment.tzinfo else moment
    return f"{short_date(local.date())} {local:%H:%M}"


def _unconfirmed_text(po: UnconfirmedPo, timezone: str) -> str:
    return (
        f"- {_one_line(po.po)} to {_one_line(po.supplier)}: sent {_local(po.sent_at, timezone)},"
        f" {po.hours} hours ago, still not confirmed - set Status in Orders when it is"
    )


def _unread_text(mail: UnreadMail, timezone: str) -> str:
    name = _one_line(mail.file) or "(no file name)"
    return f"- {name} ({_local(mail.when, timezone)}): {_one_line(mail.problem)}"


def _failed_text(run: FailedRun, timezone: str) -> str:
    when = _local(run.when, timezone) if run.when else "time unknown"
    return f"- {_one_line(run.function)} at {when}: {_one_line(run.error_type)}"


def _urgent_text(item: UrgentItem) -> str:
    covered = "in a draft" if item.covered_by_draft else "no draft yet"
    left = "not selling" if item.days_left is None else f"{_days_left(item.days_left)} left"
    return (
        f"- {_one_line(item.item)} (SKU {_one_line(item.sku)}): {_number(item.on_hand)} on hand,"
        f" {left}, supplier {_one_line(item.supplier)}, {covered}"
    )


def _draft_text(draft: WaitingDraft, currency: str) -> list[str]:
    lines = [f"- {_one_line(draft.draft_id)} for {_one_line(draft.supplier)}:"]
    for line in draft.lines:
        lines.append(
            f"    {line.quantity} x {_one_line(line.item)} (SKU {_one_line(line.sku)})"
            f" at {format_money(line.unit_cost, currency)}"
        )
    lines.append(f"    Total: {_draft_total(draft, currency)}")
    if draft.links is not None:
        lines.append(f"    Approve: {_one_line(draft.links.approve)}")
        lines.append(f"    Skip: {_one_line(draft.links.skip)}")
    return lines


def _draft_total(draft: WaitingDraft, currency: str) -> str:
    total = draft.total
    return (
        "incomplete - a line has no unit cost" if total is None else format_money(total, currency)
    )


# ---------------------------------------------------------------- HTML


def _esc(text: str) -> str:
    return html.escape(_one_line(text), quote=True)


def _where_html(data: DigestData) -> str:
    if data.sheet_url and data.sheet_url.strip().lower().startswith("https://"):
        url = _esc(data.sheet_url)
        return (
            f'<p style="margin:16px 0 0 0;"><a href="{url}" style="color:#0969da;">'
            "Open the sheet</a></p>\n"
        )
    if data.sheet_url:
        return f'<p style="margin:16px 0 0 0;">Sheet: {_esc(data.sheet_url)}</p>\n'
    if data.workbook_path:
        return (
            '<p style="margin:16px 0 0 0;">Workbook: '
            f'<span style="font-family:Consolas,monospace;">{_esc(data.workbook_path)}</span></p>\n'
        )
    return ""


def _page(data: DigestData, content: str) -> str:
    shop = _esc(data.shop_name)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head><meta charset="utf-8">'
        f"<title>{shop} daily digest</title></head>\n"
        '<body style="margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;'
        'font-size:14px;color:#1f2328;">\n'
        f'<h1 style="font-size:20px;margin:0 0 4px 0;">{shop}</h1>\n'
        f'<p style="margin:0 0 12px 0;color:#57606a;">Daily digest, '
        f"{short_date(data.local_date)}</p>\n"
        f"{content}"
        f"{_where_html(data)}"
        "</body>\n</html>\n"
    )


def _quiet_html(data: DigestData) -> str:
    return '<p style="margin:0;">All stocked, nothing waiting on you.</p>\n'


_BUTTON = (
    "display:inline-block;padding:8px 18px;margin:0 8px 12px 0;border-radius:4px;"
    "font-weight:bold;text-decoration:none;"
)
_APPROVE = _BUTTON + "background:#1f883d;color:#ffffff;border:1px solid #1a7f37;"
_SKIP = _BUTTON + "background:#f6f8fa;color:#1f2328;border:1px solid #d0d7de;"


def _link_buttons(links: DecisionLinks) -> str:
    """Approve and Skip as plain links styled as buttons: each opens a confirmation page."""
    approve, skip = _esc(links.approve), _esc(links.skip)
    return (
        f'<p style="margin:0 0 8px 0;"><a href="{approve}" style="{_APPROVE}">Approve</a>'
        f'<a href="{skip}" style="{_SKIP}">Skip</a></p>\n'
    )


def _h2(title: str, *, urgent: bool = False) -> str:
    return f'<h2 style="{_URGENT_H2 if urgent else H2}">{title}</h2>\n'


def _html_sections(data: DigestData, settings: ShopSettings) -> str:
    currency = settings.currency
    parts: list[str] = []
    if data.urgent:
        parts.append(_h2("Urgent", urgent=True))
        parts.append(
            html_table(
                [
                    ("Item", False),
                    ("SKU", False),
                    ("On hand", True),
                    ("Days left", True),
                    ("Supplier", False),
                    ("Draft", False),
                ],
                [
                    [
                        (_esc(i.item), False),
                        (_esc(i.sku), False),
                        (_number(i.on_hand), True),
                        (_days_left(i.days_left), True),
                        (_esc(i.supplier), False),
                        ("in a draft" if i.covered_by_draft else "no draft yet", False),
                    ]
                    for i in data.urgent
                ],
            )
        )
    if data.drafts_waiting:
        parts.append(_h2("Drafts waiting for your decision"))
        for draft in data.drafts_waiting:
            parts.append(
                f'<p style="margin:8px 0 2px 0;font-weight:bold;">{_esc(draft.supplier)}'
                f' <span style="font-weight:normal;color:#57606a;">({_esc(draft.draft_id)})'
                "</span></p>\n"
            )
            parts.append(
                html_table(
                    [("Item", False), ("SKU", False), ("Qty", True), ("Unit cost", True)],
                    [
                        [
                            (_esc(line.item), False),
                            (_esc(line.sku), False),
                            (str(line.quantity), True),
                            (_esc(format_money(line.unit_cost, currency)), True),
                        ]
                        for line in draft.lines
                    ],
                )
            )
            parts.append(
                f'<p style="margin:0 0 8px 0;">Total: '
                f"<strong>{_esc(_draft_total(draft, currency))}</strong></p>\n"
            )
            if draft.links is not None:
                parts.append(_link_buttons(draft.links))
    if data.sent:
        parts.append(_h2("Sent since the last digest"))
        parts.append(
            html_table(
                [("PO", False), ("Supplier", False), ("Total", True), ("Sent", False)],
                [
                    [
                        (_esc(s.po), False),
                        (_esc(s.supplier), False),
                        (_esc(format_money(s.total, currency)), True),
                        (_esc(_sent_at(s, settings.timezone)), False),
                    ]
                    for s in data.sent
                ],
            )
        )
    if data.deliveries:
        parts.append(_h2("Deliveries due or late"))
        parts.append(
            html_table(
                [("PO", False), ("Supplier", False), ("Expected", False), ("", False)],
                [
                    [
                        (_esc(d.po), False),
                        (_esc(d.supplier), False),
                        (short_date(d.expected), False),
                        (_delivery_when(d), False),
                    ]
                    for d in data.deliveries
                ],
            )
        )
    if data.proposed_waiting:
        parts.append(_h2("Proposed counts"))
        parts.append(
            f"<p>{_plural(data.proposed_waiting, 'proposed count')} waiting in the"
            " Proposed tab.</p>\n"
        )
        if data.proposed_flagged:
            items = "".join(f"<li>{html.escape(line)}</li>" for line in _flagged_lines(data))
            parts.append(f"<ul>{items}</ul>\n")
    if data.problems:
        parts.append(_h2("Problem rows"))
        parts.append(
            html_table(
                [("Tab", False), ("Row", True), ("What is wrong", False)],
                [
                    [
                        (_esc(p.tab), False),
                        ("-" if p.row is None else str(p.row), True),
                        (_esc(p.message), False),
                    ]
                    for p in data.problems
                ],
            )
        )
    if data.attention:
        parts.append(_h2("Sends needing attention", urgent=True))
        parts.append(
            html_table(
                [("PO", False), ("Supplier", False), ("What happened", False)],
                [
                    [
                        (_esc(a.po), False),
                        (_esc(a.supplier), False),
                        (_esc(_attention_text(a)), False),
                    ]
                    for a in data.attention
                ],
            )
        )
    zone = settings.timezone
    if data.unconfirmed:
        parts.append(_h2("Not confirmed by the supplier"))
        parts.append(
            html_table(
                [("PO", False), ("Supplier", False), ("Sent", False), ("Hours", True)],
                [
                    [
                        (_esc(u.po), False),
                        (_esc(u.supplier), False),
                        (_esc(_local(u.sent_at, zone)), False),
                        (str(u.hours), True),
                    ]
                    for u in data.unconfirmed
                ],
            )
        )
    if data.unread_mail:
        parts.append(_h2("Mail the bot could not read"))
        parts.append(
            html_table(
                [("When", False), ("File", False), ("Why", False)],
                [
                    [
                        (_esc(_local(m.when, zone)), False),
                        (_esc(m.file or "(no file name)"), False),
                        (_esc(m.problem), False),
                    ]
                    for m in data.unread_mail
                ],
            )
        )
    if data.failed_runs:
        parts.append(_h2("Runs that failed", urgent=True))
        parts.append(
            html_table(
                [("Function", False), ("When", False), ("Error", False)],
                [
                    [
                        (_esc(f.function), False),
                        (_esc(_local(f.when, zone) if f.when else "time unknown"), False),
                        (_esc(f.error_type), False),
                    ]
                    for f in data.failed_runs
                ],
            )
        )
    return "".join(parts)


FLAGGED_SHOWN = 10


def _flagged_lines(data: DigestData) -> list[str]:
    """The waiting proposals to check before applying (uncertain, sender not verified)."""
    if not data.proposed_flagged:
        return []
    lines = [
        f"{_plural(len(data.proposed_flagged), 'of them needs', 'of them need')} checking"
        " before you apply (see Status and Why):"
    ]
    lines += [f"CHECK {line}" for line in data.proposed_flagged[:FLAGGED_SHOWN]]
    more = len(data.proposed_flagged) - FLAGGED_SHOWN
    if more > 0:
        lines.append(f"... and {more} more in the Proposed tab")
    return lines
