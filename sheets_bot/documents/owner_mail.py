"""The envelope of every email the bot writes to the owner (the digest, the monthly summary).

Headers only from addresses that pass ``checked_address``; ``email.policy.default`` refuses
CR or LF in any header. The caller adds the bodies.
"""

from __future__ import annotations

from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from sheets_bot.documents.po_email import address_domain, checked_address
from sheets_bot.domain.models import ShopSettings


def owner_message(
    settings: ShopSettings, *, what: str, subject: str, now: datetime, idstring: str
) -> EmailMessage:
    """From the shop's address to the owner, dated ``now`` (timezone-aware). ``what`` names
    the email in the ``ValueError`` raised when either address is unusable."""
    if now.tzinfo is None:
        raise ValueError("the time of an email must be timezone-aware")
    for value, setting, example in (
        (settings.from_address, "From address", "orders@example.com"),
        (settings.owner_email, "Owner email", "owner@example.com"),
    ):
        if value is None:  # blank, or refused when Settings were read (a Problem says why)
            raise ValueError(
                f"cannot send {what}: '{setting}' in the Settings tab is blank or not an"
                f" email address; set it to one like {example}"
            )
    sender = checked_address(
        settings.from_address,
        what=f"cannot send {what}: the shop's From address",
        fix="set 'From address' in the Settings tab",
    )
    recipient = checked_address(
        settings.owner_email,
        what=f"cannot send {what}: the owner email {settings.owner_email!r}",
        fix="fix 'Owner email' in the Settings tab",
    )
    message = EmailMessage(policy=policy.default)
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(idstring=idstring, domain=address_domain(sender))
    return message
