"""The purchase order as an email to the supplier: text and HTML bodies, CSV and/or PDF attached.

Headers are built only from addresses that pass ``validate_address`` again here, however they
were checked before, and the message uses ``email.policy.default``, which refuses CR or LF in
any header value. Untrusted text (item names, the owner's note, the supplier's name) goes only
into bodies and attachments, HTML-escaped in the HTML part.
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from sheets_bot.documents.dates import shop_date
from sheets_bot.documents.email_html import CELL, HEAD, NUMBER_CELL
from sheets_bot.documents.po_csv import format_money, po_csv, total_text
from sheets_bot.documents.po_fields import header_fields
from sheets_bot.domain.addresses import AddressProblem, validate_address
from sheets_bot.domain.models import ShopSettings
from sheets_bot.domain.purchase_order import ApprovedOrder, OrderLine

PO_HEADER = "X-Sheets-Bot-PO"
CONFIRM_ASK = "Or confirm you have received this order with one click:"
"""Names the PO a message carries, so an outbox file or a bounce can be traced back to it."""

_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def attachment_stem(po_number: str) -> str:
    """``po_number`` as a safe file name stem: ``PO/2026 7`` -> ``PO_2026_7``."""
    return _UNSAFE_FILENAME.sub("_", po_number).strip("._") or "purchase-order"


def compose_po_email(
    order: ApprovedOrder,
    settings: ShopSettings,
    *,
    now: datetime,
    confirm_url: str | None = None,
) -> EmailMessage:
    """The email for ``order``, dated ``now`` (timezone-aware); with ``confirm_url``, the
    supplier is asked to confirm with one click on it.

    Raises ``ValueError`` naming what to fix when the From, To or Reply-To address is missing
    or invalid, when the PO number holds a line break, or when the order has no lines.

    The Message-ID comes from ``email.utils.make_msgid`` and so differs on every call; it is
    the one part of the message that is not a function of the arguments.
    """
    if now.tzinfo is None:
        raise ValueError("the time of an email must be timezone-aware")
    po = order.po_number
    if not po.strip() or _CONTROL.search(po):
        raise ValueError(f"PO number {po!r} must be one line of text")
    if not order.lines:
        raise ValueError(f"cannot email {po}: the order has no lines")
    sender = checked_address(
        settings.from_address,
        what=f"cannot email {po}: the shop's From address",
        fix="set 'From address' in the Settings tab",
    )
    recipient = checked_address(
        order.send_to,
        what=f"cannot email {po}: the email {order.send_to!r} of supplier {order.supplier!r}",
        fix="fix the supplier's email in the Suppliers tab",
    )
    reply_to = None
    if settings.owner_email is not None and settings.owner_email.strip():
        reply_to = checked_address(
            settings.owner_email,
            what=f"cannot email {po}: the owner email {settings.owner_email!r}",
            fix="fix 'Owner email' in the Settings tab",
        )

    message = EmailMessage(policy=policy.default)
    message["From"] = sender
    message["To"] = recipient
    if reply_to is not None:
        message["Reply-To"] = reply_to
    message["Subject"] = _one_line(f"Purchase order {po} from {settings.business_name}")
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(idstring=attachment_stem(po), domain=address_domain(sender))
    message[PO_HEADER] = po

    message.set_content(
        _text_body(order, settings, now=now, reply_to=reply_to, confirm_url=confirm_url)
    )
    message.add_alternative(
        _html_body(order, settings, now=now, reply_to=reply_to, confirm_url=confirm_url),
        subtype="html",
    )
    stem = attachment_stem(po)
    if order.po_format.wants_pdf:
        message.add_attachment(
            _pdf(order, settings, now),
            maintype="application",
            subtype="pdf",
            filename=f"{stem}.pdf",
        )
    if order.po_format.wants_csv:
        message.add_attachment(
            po_csv(order, settings, issued=now),
            maintype="text",
            subtype="csv",
            filename=f"{stem}.csv",
            params={"charset": "utf-8", "header": "present"},
        )
    return message


def checked_address(address: str | None, *, what: str, fix: str) -> str:
    if address is None or not address.strip():
        raise ValueError(f"{what} is not set; {fix}")
    try:
        return validate_address(address)
    except AddressProblem as problem:
        raise ValueError(f"{what} {problem}; {fix}") from problem


def address_domain(address: str) -> str:
    """The address's domain in ASCII (IDNA), as a Message-ID needs it."""
    domain = address.rpartition("@")[2]
    try:
        return domain.encode("ascii").decode("ascii")
    except UnicodeEncodeError:
        return domain.encode("idna").decode("ascii")


def _one_line(text: str) -> str:
    """All runs of whitespace, line breaks included, as one space."""
    return " ".join(text.split())


def _note(order: ApprovedOrder) -> str:
    return order.note.replace("\r\n", "\n").replace("\r", "\n").strip()


def _reply_hint(reply_to: str | None) -> str:
    if reply_to is None:
        return "Please confirm by replying to this email."
    return f"Please confirm by replying to this email; replies go to {reply_to}."


def _attached(order: ApprovedOrder) -> str:
    kinds = [
        kind
        for kind, wanted in (
            ("a PDF", order.po_format.wants_pdf),
            ("a CSV file", order.po_format.wants_csv),
        )
        if wanted
    ]
    return f"The order is attached as {' and '.join(kinds)}."


def _codes(line: OrderLine) -> str:
    code = _one_line(line.supplier_code)
    sku = _one_line(line.sku)
    return f"your code {code}, our SKU {sku}" if code else f"SKU {sku}"


def _per_unit(line: OrderLine) -> str:
    unit = line.unit
    return unit.name if unit is not None else (line.stock_unit or "unit")


def _text_line(line: OrderLine, currency: str) -> str:
    item = _one_line(line.item)
    if line.unit_cost is None:
        return f"- {line.quantity_text} {item} ({_codes(line)}), no unit cost on file"
    return (
        f"- {line.quantity_text} {item} ({_codes(line)}) at"
        f" {format_money(line.unit_price, currency)} a {_per_unit(line)}"
        f" = {format_money(line.total, currency)}"
    )


def _header_lines(order: ApprovedOrder, settings: ShopSettings, now: datetime) -> list[str]:
    skip = ("PO number", "Date", "From", "Supplier")
    return [
        f"{label}: {value}"
        for label, value in header_fields(order, settings, now)
        if label not in skip
    ]


def _text_body(
    order: ApprovedOrder,
    settings: ShopSettings,
    *,
    now: datetime,
    reply_to: str | None,
    confirm_url: str | None = None,
) -> str:
    business = _one_line(settings.business_name)
    parts = [
        f"Hello {_one_line(order.supplier)},",
        "",
        f"Please supply the items below for purchase order {order.po_number} from {business},"
        f" dated {shop_date(now, settings.timezone)}.",
        "",
        *_header_lines(order, settings, now),
        "",
        *(_text_line(line, settings.currency) for line in order.lines),
        "",
        total_text(order, settings.currency),
    ]
    note = _note(order)
    if note:
        parts += ["", f"Note from {business}:", note]
    parts += ["", _attached(order), _reply_hint(reply_to)]
    if confirm_url:
        parts += ["", f"{CONFIRM_ASK} {confirm_url}"]
    parts += ["", "Thank you,", business, ""]
    return "\n".join(parts)


def _html_body(
    order: ApprovedOrder,
    settings: ShopSettings,
    *,
    now: datetime,
    reply_to: str | None,
    confirm_url: str | None = None,
) -> str:
    def esc(text: str) -> str:
        return html.escape(text, quote=True)

    currency = settings.currency
    business = esc(_one_line(settings.business_name))
    po = esc(order.po_number)
    rows = "\n".join(
        "<tr>"
        f'<td style="{CELL}">{esc(_one_line(line.supplier_code))}</td>'
        f'<td style="{CELL}">{esc(_one_line(line.sku))}</td>'
        f'<td style="{CELL}">{esc(_one_line(line.item))}</td>'
        f'<td style="{NUMBER_CELL}">{esc(line.quantity_text)}</td>'
        f'<td style="{NUMBER_CELL}">{esc(format_money(line.unit_price, currency))}'
        f" a {esc(_per_unit(line))}</td>"
        f'<td style="{NUMBER_CELL}">{esc(format_money(line.total, currency))}</td>'
        "</tr>"
        for line in order.lines
    )
    headings = "".join(
        f'<th style="{style}{HEAD}">{name}</th>'
        for name, style in (
            ("Code", CELL),
            ("SKU", CELL),
            ("Item", CELL),
            ("Qty", NUMBER_CELL),
            ("Unit price", NUMBER_CELL),
            ("Line total", NUMBER_CELL),
        )
    )
    details = "".join(f"{esc(line)}<br>" for line in _header_lines(order, settings, now))
    note = _note(order)
    note_html = (
        '<p style="margin:16px 0 4px 0;font-weight:bold;">Note from '
        f"{business}:</p>\n"
        f'<p style="margin:0;">{esc(note).replace(chr(10), "<br>")}</p>\n'
        if note
        else ""
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head><meta charset="utf-8">'
        f"<title>Purchase order {po}</title></head>\n"
        '<body style="margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;'
        'font-size:14px;color:#1f2328;">\n'
        f'<h1 style="font-size:20px;margin:0 0 4px 0;">{business}</h1>\n'
        f'<h2 style="font-size:16px;margin:0 0 12px 0;">Purchase order {po}</h2>\n'
        f"<p>Hello {esc(_one_line(order.supplier))},</p>\n"
        f"<p>Please supply the items below for purchase order {po},"
        f" dated {esc(shop_date(now, settings.timezone))}.</p>\n"
        + (f"<p>{details}</p>\n" if details else "")
        + '<table style="border-collapse:collapse;margin:8px 0;">\n'
        f"<thead><tr>{headings}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>\n"
        f'<p style="font-weight:bold;">{esc(total_text(order, currency))}</p>\n'
        f"{note_html}"
        f"<p>{esc(_attached(order))} {esc(_reply_hint(reply_to))}</p>\n"
        + (
            f'<p>{esc(CONFIRM_ASK)} <a href="{esc(confirm_url)}">Confirm {po}</a></p>\n'
            if confirm_url
            else ""
        )
        + f"<p>Thank you,<br>{business}</p>\n"
        "</body>\n</html>\n"
    )


def _pdf(order: ApprovedOrder, settings: ShopSettings, now: datetime) -> bytes:
    """The PDF, with its library loaded only when a supplier wants one: it takes about a
    quarter of a second to import, which every cold poll would otherwise pay."""
    from sheets_bot.documents.po_pdf import po_pdf

    return po_pdf(order, settings, issued=now)
