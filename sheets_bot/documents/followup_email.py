"""The one polite follow-up to a supplier who has not confirmed a PO, and the confirmation
paragraph every PO email carries.

Headers come only from validated addresses (``checked_address``); untrusted text (the
supplier's name, the business name) goes only into the body, escaped in the HTML part.
"""

from __future__ import annotations

import html
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from sheets_bot.documents.dates import shop_date
from sheets_bot.documents.po_email import (
    PO_HEADER,
    address_domain,
    attachment_stem,
    checked_address,
)
from sheets_bot.domain.models import ShopSettings


def confirm_paragraph(url: str) -> str:
    return f"Please confirm you have received this order with one click: {url}"


def compose_followup_email(
    *,
    po_number: str,
    supplier: str,
    send_to: str,
    sent_at: datetime,
    settings: ShopSettings,
    now: datetime,
    confirm_url: str | None,
) -> EmailMessage:
    """Raises ``ValueError`` naming what to fix when an address is missing or invalid."""
    sender = checked_address(
        settings.from_address,
        what=f"cannot follow up {po_number}: the shop's From address",
        fix="set 'From address' in the Settings tab",
    )
    recipient = checked_address(
        send_to,
        what=f"cannot follow up {po_number}: the email {send_to!r} of supplier {supplier!r}",
        fix="fix the supplier's email in the Suppliers tab",
    )
    business = " ".join(settings.business_name.split())
    message = EmailMessage(policy=policy.default)
    message["From"] = sender
    message["To"] = recipient
    if settings.owner_email:
        message["Reply-To"] = checked_address(
            settings.owner_email,
            what=f"cannot follow up {po_number}: the owner email",
            fix="fix 'Owner email' in the Settings tab",
        )
    message["Subject"] = " ".join(f"Purchase order {po_number} from {business}: received?".split())
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(
        idstring=f"followup-{attachment_stem(po_number)}", domain=address_domain(sender)
    )
    message[PO_HEADER] = po_number
    day = shop_date(sent_at, settings.timezone)
    name = " ".join(supplier.split())
    ask = (
        confirm_paragraph(confirm_url)
        if confirm_url
        else "Could you reply to confirm you have it and when it will arrive?"
    )
    lines = [
        f"Hello {name},",
        "",
        f"We sent you purchase order {po_number} on {day} and have not had a confirmation yet.",
        "It may simply have been missed, so this is a gentle reminder.",
        "",
        ask,
        "",
        "Thank you,",
        business,
        "",
    ]
    message.set_content("\n".join(lines))
    link_html = (
        f'<p><a href="{html.escape(confirm_url, quote=True)}">Confirm purchase order'
        f" {html.escape(po_number)}</a></p>"
        if confirm_url
        else f"<p>{html.escape(ask)}</p>"
    )
    message.add_alternative(
        "<!DOCTYPE html><html><body>"
        f"<p>Hello {html.escape(name)},</p>"
        f"<p>We sent you purchase order {html.escape(po_number)} on {html.escape(day)} and"
        " have not had a confirmation yet. It may simply have been missed, so this is a gentle"
        " reminder.</p>"
        f"{link_html}<p>Thank you,<br>{html.escape(business)}</p></body></html>",
        subtype="html",
    )
    return message
