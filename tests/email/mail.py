"""Forwarded emails as a mail client writes them, built with the standard library."""

from __future__ import annotations

from email.message import EmailMessage

OWNER = "owner@cornercafe.example"
BOT_ADDRESS = "counts@cornercafe.example"
_TYPES = {
    ".csv": ("text", "csv"),
    ".txt": ("text", "plain"),
    ".xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".ods": ("application", "vnd.oasis.opendocument.spreadsheet"),
    ".pdf": ("application", "pdf"),
    ".png": ("image", "png"),
    ".jpg": ("image", "jpeg"),
}


def forward(
    *files: tuple[str, bytes],
    sender: str = f"Sam Owner <{OWNER}>",
    subject: str = "Fwd: stock count",
    body: str = "Here is this week's count.",
    message_id: str = "<count-1@mail.cornercafe.example>",
    date: str = "Mon, 23 Nov 2026 09:30:00 +0000",
    authenticated: bool = True,
) -> bytes:
    """A forward as the shop's mail server delivered it: with its Authentication-Results
    vouching for the sender's domain unless ``authenticated`` is False."""
    message = EmailMessage()
    if authenticated:
        domain = sender.rpartition("@")[2].rstrip(">")
        message["Authentication-Results"] = (
            f"mx.cornercafe.example; dkim=pass header.d={domain};"
            f" spf=pass smtp.mailfrom={domain}; dmarc=pass header.from={domain}"
        )
    message["From"] = sender
    message["To"] = BOT_ADDRESS
    message["Subject"] = subject
    message["Date"] = date
    message["Message-ID"] = message_id
    message.set_content(body)
    for name, data in files:
        extension = name[name.rfind(".") :].casefold() if "." in name else ""
        maintype, subtype = _TYPES.get(extension, ("application", "octet-stream"))
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return bytes(message)
