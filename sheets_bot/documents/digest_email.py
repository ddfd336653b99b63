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
from sheets_bot.domain.calendar_names import short_date
from sheets_bot.domain.currencies import money_for_owner
from sheets_bot.domain.digest import (
    AttentionSend,
    DecisionLinks,
    Delivery,
    DigestData,
    DigestLine,
    ProblemRow,
    SentPo,
    UnconfirmedPo,
    UnreadMail,
    UnsureItem,
    UrgentItem,
    WaitingDraft,
)
from sheets_bot.domain.drafts import rows_text
from sheets_bot.domain.models import ShopSettings
from sheets_bot.domain.run_failures import FailureGroup, group_failures
from sheets_bot.domain.words import hours_ago, plural

DIGEST_HEADER = "X-Sheets-Bot-Digest"
"""The shop date a digest is for, so an outbox file can be traced back to its day."""

AllStockedMode = Literal["one-line", "none"]


_URGENT_H2 = H2 + "color:#b42318;"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _number(value: float) -> str:
    """``12``, ``2.5``, ``0.25``: at most 2 decimals, no trailing zeros, never an exponent."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _days_left(value: float | None, on_hand: float) -> str:
    """``out of stock``, ``not selling``, ``under a day``, ``1 day``, ``2.5 days``."""
    if on_hand <= 0:
        return "out of stock"
    if value is None:
        return "not selling"
    if value < 1:
        return "under a day"
    shown = f"{value:.1f}".removesuffix(".0")
    return f"{shown} day{'' if shown == '1' else 's'}"


def _delivery_when(delivery: Delivery) -> str:
    if delivery.days_late > 0:
        return f"{plural(delivery.days_late, 'day')} late"
    if delivery.days_late == 0:
        return "due today"
    return f"due in {plural(-delivery.days_late, 'day')}"


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
    parts = [plural(count, one, many) for count, one, many in counts if count]
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
    if data.learning:
        out += _section(LEARNING_TITLE, [_one_line(line) for line in data.learning])
    if data.unsure:
        out += _section(
            UNSURE_TITLE,
            [UNSURE_INTRO, *(_unsure_text(item) for item in data.unsure), *_unsure_more(data)],
        )
    if data.sent:
        out += _section(
            "Sent since the last digest",
            [
                f"- {_one_line(s.po)} to {_one_line(s.supplier)}: "
                f"{money_for_owner(s.total, currency)}, sent {_sent_at(s, settings.timezone)}"
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
                f"{plural(data.proposed_waiting, 'proposed count')} waiting in the Proposed tab.",
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
            "Runs that failed",
            [_failed_text(g, settings.timezone) for g in group_failures(data.failed_runs)],
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
        f" {hours_ago(po.hours)}, still not confirmed - set Status in Orders when it is"
    )


def _unread_text(mail: UnreadMail, timezone: str) -> str:
    name = _one_line(mail.file) or "(no file name)"
    return f"- {name} ({_local(mail.when, timezone)}): {_one_line(mail.problem)}"


def _span(group: FailureGroup, timezone: str) -> str:
    """``7 Dec 09:00``, ``between 7 Dec 09:00 and 10:00``, or ``time unknown``."""
    if group.first is None or group.last is None:
        return "(time unknown)"
    first, last = _local(group.first, timezone), _local(group.last, timezone)
    if group.count == 1 or first == last:
        return f"at {first}"
    if first.split()[:2] == last.split()[:2]:
        last = last.split()[-1]
    return f"between {first} and {last}"


def _failed_text(group: FailureGroup, timezone: str) -> str:
    """``- sheets-bot poll: the workbook was open ..., for 12 polls between 7 Dec 09:00 and
    10:00``; one failure alone: ``- sheets-bot check at 7 Dec 09:00: ...``."""
    function, reason = _one_line(group.function), _one_line(group.reason)
    if group.count == 1:
        return f"- {function} {_span(group, timezone)}: {reason}"
    return f"- {function}: {reason}, for {group.runs} {_span(group, timezone)}"


def _urgent_text(item: UrgentItem) -> str:
    covered = "in a draft" if item.covered_by_draft else "no draft yet"
    left = _days_left(item.days_left, item.on_hand)
    left = left if left in ("out of stock", "not selling") else f"{left} left"
    return (
        f"- {_one_line(item.item)} (SKU {_one_line(item.sku)}): {_number(item.on_hand)} on hand,"
        f" {left}, supplier {_one_line(item.supplier)}, {covered}"
    )


LEARNING_TITLE = "Learning"
UNSURE_TITLE = "Unsure numbers"
UNSURE_INTRO = (
    "The learned sales or lead times behind these are unsure; check before you approve an order:"
)


def _unsure_where(item: UnsureItem) -> str:
    """``in a draft``, ``urgent, no draft yet``, ``reorder, no draft yet``."""
    return "in a draft" if item.in_draft else f"{item.move}, no draft yet"


def _unsure_why(item: UnsureItem) -> str:
    return "; ".join(_one_line(reason) for reason in item.reasons)


def _unsure_text(item: UnsureItem) -> str:
    return (
        f"- {_one_line(item.item)} (SKU {_one_line(item.sku)}), {_unsure_where(item)}:"
        f" {_unsure_why(item)}"
    )


def _unsure_more(data: DigestData) -> list[str]:
    if not data.unsure_more:
        return []
    return [f"... and {data.unsure_more} more (see Stock 'Numbers used')"]


def _draft_waits(draft: WaitingDraft) -> str:
    """``waiting for your decision on row 14 (3 of 4 lines decided)``; ``''`` if none decided."""
    if not draft.decided:
        return ""
    return (
        f"waiting for your decision on {rows_text(draft.waiting_rows)}"
        f" ({draft.decided} of {len(draft.lines)} lines decided)"
    )


def _link_label(draft: WaitingDraft, action: str) -> str:
    return f"{action} {rows_text(draft.waiting_rows)}" if draft.decided else action


def _draft_text(draft: WaitingDraft, currency: str) -> list[str]:
    waits = _draft_waits(draft)
    lines = [
        f"- {_one_line(draft.draft_id)} for {_one_line(draft.supplier)}"
        + (f", {waits}:" if waits else ":")
    ]
    for line in draft.lines:
        lines.append(
            f"    {line.quantity} x {_one_line(line.item)} (SKU {_one_line(line.sku)})"
            f" at {money_for_owner(line.unit_cost, currency)}"
            + (f" - {line.decision}" if line.decision else "")
        )
        if line.flag:
            lines.append(f"      {_one_line(line.flag)}")
    lines.append(f"    Total: {_draft_total(draft, currency)}")
    if draft.links is not None:
        lines.append(f"    {_link_label(draft, 'Approve')}: {_one_line(draft.links.approve)}")
        lines.append(f"    {_link_label(draft, 'Skip')}: {_one_line(draft.links.skip)}")
    return lines


def _draft_total(draft: WaitingDraft, currency: str) -> str:
    total = draft.total
    if total is None:
        return "incomplete - a line has no unit cost"
    return money_for_owner(total, currency)


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
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{shop} daily digest</title></head>\n"
        '<body style="margin:0;padding:12px;font-family:Arial,Helvetica,sans-serif;'
        'font-size:14px;color:#1f2328;word-break:break-word;">\n'
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


def _under(main: str, note: str) -> str:
    """A cell's text with a small grey note under it (both already escaped): fewer columns,
    so a table fits a phone's width."""
    return f'{main}<br><span style="color:#57606a;font-size:12px;">{note}</span>'


def _draft_item_html(line: DigestLine) -> str:
    """The item's name, with the owner's decision and the check's flag under it."""
    notes = []
    if line.decision:
        notes.append(f'<span style="color:#57606a;">{_esc(line.decision)} in the sheet</span>')
    if line.flag:
        notes.append(f'<span style="color:#9a6700;font-weight:bold;">{_esc(line.flag)}</span>')
    notes.insert(0, f'<span style="color:#57606a;font-size:12px;">SKU {_esc(line.sku)}</span>')
    return "<br>".join([_esc(line.item), *notes])


def _link_buttons(draft: WaitingDraft, links: DecisionLinks) -> str:
    """Approve and Skip as plain links styled as buttons: each opens a confirmation page."""
    approve, skip = _esc(links.approve), _esc(links.skip)
    return (
        f'<p style="margin:0 0 8px 0;"><a href="{approve}" style="{_APPROVE}">'
        f"{_esc(_link_label(draft, 'Approve'))}</a>"
        f'<a href="{skip}" style="{_SKIP}">{_esc(_link_label(draft, "Skip"))}</a></p>\n'
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
                    ("On hand", True),
                    ("Left", True),
                    ("Supplier", False),
                ],
                [
                    [
                        (_under(_esc(i.item), f"SKU {_esc(i.sku)}"), False),
                        (_number(i.on_hand), True),
                        (_days_left(i.days_left, i.on_hand), True),
                        (
                            _under(
                                _esc(i.supplier),
                                "in a draft" if i.covered_by_draft else "no draft yet",
                            ),
                            False,
                        ),
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
            waits = _draft_waits(draft)
            if waits:
                parts.append(f'<p style="margin:0 0 4px 0;">{_esc(waits.capitalize())}</p>\n')
            parts.append(
                html_table(
                    [("Item", False), ("Qty", True), ("Unit cost", True)],
                    [
                        [
                            (_draft_item_html(line), False),
                            (str(line.quantity), True),
                            (_esc(money_for_owner(line.unit_cost, currency)), True),
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
                parts.append(_link_buttons(draft, draft.links))
    if data.learning:
        parts.append(_h2(LEARNING_TITLE))
        parts.extend(f'<p style="margin:0 0 8px 0;">{_esc(line)}</p>\n' for line in data.learning)
    if data.unsure:
        parts.append(_h2(UNSURE_TITLE))
        parts.append(f'<p style="margin:0 0 4px 0;">{_esc(UNSURE_INTRO)}</p>\n')
        parts.append(
            html_table(
                [("Item", False), ("Why unsure", False)],
                [
                    [
                        (_under(_esc(u.item), f"SKU {_esc(u.sku)}"), False),
                        (_under(_esc(_unsure_why(u)), _esc(_unsure_where(u))), False),
                    ]
                    for u in data.unsure
                ],
            )
        )
        for line in _unsure_more(data):
            parts.append(f'<p style="margin:0 0 8px 0;">{_esc(line)}</p>\n')
    if data.sent:
        parts.append(_h2("Sent since the last digest"))
        parts.append(
            html_table(
                [("PO", False), ("Supplier", False), ("Total", True), ("Sent", False)],
                [
                    [
                        (_esc(s.po), False),
                        (_esc(s.supplier), False),
                        (_esc(money_for_owner(s.total, currency)), True),
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
                [("PO", False), ("Supplier", False), ("Expected", False), ("When", False)],
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
            f"<p>{plural(data.proposed_waiting, 'proposed count')} waiting in the"
            " Proposed tab.</p>\n"
        )
        if data.proposed_flagged:
            items = "".join(f"<li>{html.escape(line)}</li>" for line in _flagged_lines(data))
            parts.append(f"<ul>{items}</ul>\n")
    if data.problems:
        parts.append(_h2("Problem rows"))
        parts.append(
            html_table(
                [("Where", False), ("What is wrong", False)],
                [
                    [
                        (
                            f'<span style="white-space:nowrap;">{_esc(p.tab)}'
                            + ("" if p.row is None else f" row {p.row}")
                            + "</span>",
                            False,
                        ),
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
                [("PO", False), ("Supplier", False), ("Sent", False), ("Waiting", True)],
                [
                    [
                        (_esc(u.po), False),
                        (_esc(u.supplier), False),
                        (_esc(_local(u.sent_at, zone)), False),
                        (hours_ago(u.hours).removesuffix(" ago"), True),
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
                [("Runs", False), ("When", False), ("Why", False)],
                [
                    [
                        (_esc(f"{g.function}: {g.runs}"), False),
                        (_esc(_span(g, zone)), False),
                        (_esc(g.reason), False),
                    ]
                    for g in group_failures(data.failed_runs)
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
        f"{plural(len(data.proposed_flagged), 'of them needs', 'of them need')} checking"
        " before you apply (see Status and Why):"
    ]
    lines += [f"CHECK {line}" for line in data.proposed_flagged[:FLAGGED_SHOWN]]
    more = len(data.proposed_flagged) - FLAGGED_SHOWN
    if more > 0:
        lines.append(f"... and {more} more in the Proposed tab")
    return lines
