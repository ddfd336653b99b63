"""A raw RFC 822 message read into what the intake lane needs: who sent it, its subject and
date, its attachments and its plain-text body.

Pure: bytes in, values out. Only headers are read by ``read_envelope`` (so the sender can be
checked before any attachment is opened); ``read_parts`` then walks the MIME tree, forwarded
messages (``message/rfc822``) included, within the limits of ``MailLimits``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser, BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import PurePath

from sheets_bot.domain.addresses import AddressProblem, validate_address
from sheets_bot.intake.errors import IntakeError

MB = 1024 * 1024


@dataclass(frozen=True)
class MailLimits:
    max_message_bytes: int = 40 * MB
    """SES's own limit for a received message: past it nothing can be read."""
    max_attachment_bytes: int = 10 * MB
    """One attachment past this is refused by name; the others are still read."""
    max_total_attachment_bytes: int = 30 * MB
    """Attachments read from one message, together."""
    max_attachments: int = 10
    max_rows: int = 5_000
    """Proposed rows one message may add (every attachment together)."""
    max_body_chars: int = 20_000
    """Plain-text body handed to the AI parser, at most."""
    min_image_bytes: int = 20_000
    """Smaller images are signature logos and icons, not photos of a count: left out."""


DEFAULT_MAIL_LIMITS = MailLimits()


class MalformedMessage(IntakeError):
    """The message cannot be read (no single valid From address, broken MIME)."""


@dataclass(frozen=True)
class Envelope:
    sender: str
    """The one From address, validated and in normal form."""
    subject: str
    date: datetime | None
    message_id: str

    @property
    def digest(self) -> str:
        """A short stable name for the message: the hash of its Message-ID."""
        return hashlib.sha256(self.message_id.encode("utf-8", "replace")).hexdigest()[:24]


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class Parts:
    attachments: tuple[Attachment, ...]
    body: str
    forwarded_from: tuple[str, ...]
    """From addresses of forwarded messages inside (``message/rfc822`` parts)."""
    problems: tuple[tuple[str, str], ...]
    """(file name, problem) for parts that could not be decoded or were over a limit."""
    tables: tuple[str, ...] = ()
    """Tables of the HTML body (a count pasted from a spreadsheet), each as tab-separated
    text."""


def _one_line(text: str, limit: int = 200) -> str:
    return " ".join(text.split())[:limit]


def _from_address(value: str) -> str:
    addresses = [address for _, address in getaddresses([value]) if address]
    if len(addresses) != 1:
        raise MalformedMessage(f"has {len(addresses)} From addresses; one is needed")
    try:
        return validate_address(addresses[0])
    except AddressProblem as error:
        raise MalformedMessage(f"its From address {error}") from error


def read_envelope(raw: bytes) -> Envelope:
    """The headers only; raises ``MalformedMessage``."""
    try:
        headers = BytesHeaderParser(policy=policy.compat32).parsebytes(raw)
    except Exception as error:  # any parser failure on untrusted bytes is a malformed message
        raise MalformedMessage(f"its headers cannot be read ({type(error).__name__})") from error
    sender = _from_address(str(headers.get("From", "")))
    date: datetime | None = None
    if headers.get("Date"):
        try:
            date = parsedate_to_datetime(str(headers["Date"]))
        except (TypeError, ValueError):
            date = None
    message_id = str(headers.get("Message-ID", "")).strip()
    if not message_id:
        message_id = "sha256:" + hashlib.sha256(raw).hexdigest()
    subject = _decoded_subject(raw)
    return Envelope(sender=sender, subject=subject, date=date, message_id=message_id)


def _decoded_subject(raw: bytes) -> str:
    try:
        headers = BytesHeaderParser(policy=policy.default).parsebytes(raw)
        return _one_line(str(headers.get("Subject", "")))
    except Exception:  # an undecodable subject is shown as none
        return ""


def _filename(part: Message, index: int) -> str:
    name = part.get_filename()
    if name:
        return PurePath(_one_line(str(name), 120).replace("\\", "/")).name or f"part-{index}"
    return f"attachment-{index}"


def _is_attachment(part: Message) -> bool:
    if part.is_multipart() or part.get_content_maintype() == "message":
        return False
    disposition = (part.get_content_disposition() or "").casefold()
    if part.get_content_maintype() == "image" and disposition != "attachment":
        return False  # an inline picture of the mail itself (a logo), not a forwarded file
    return disposition == "attachment" or bool(part.get_filename())


def read_parts(raw: bytes, limits: MailLimits = DEFAULT_MAIL_LIMITS) -> Parts:
    """Attachments, body text and forwarded senders; raises ``MalformedMessage``."""
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as error:  # any parser failure on untrusted bytes is a malformed message
        raise MalformedMessage(
            f"its MIME structure cannot be read ({type(error).__name__})"
        ) from error
    attachments: list[Attachment] = []
    problems: list[tuple[str, str]] = []
    bodies: list[str] = []
    html_tables: list[str] = []
    forwarded: list[str] = []
    for index, part in enumerate(message.walk()):
        if part is not message and part.get_content_type() == "message/rfc822":
            forwarded.extend(_inner_senders(part))
            continue
        if _is_attachment(part):
            name = _filename(part, index)
            if len(attachments) >= limits.max_attachments:
                problems.append(
                    (name, f"is over the limit of {limits.max_attachments} attachments a message")
                )
                continue
            try:
                payload = part.get_payload(decode=True)
            except Exception as error:  # a broken transfer encoding is that file's problem
                problems.append((name, f"cannot be decoded ({type(error).__name__})"))
                continue
            if not isinstance(payload, bytes):
                problems.append((name, "has no content"))
                continue
            if part.get_content_maintype() == "image" and len(payload) < limits.min_image_bytes:
                continue
            if _is_tnef(name, part.get_content_type()):
                inner, problem = unpack_tnef(payload)
                if problem:
                    problems.append((name, problem))
                candidates = inner
            else:
                candidates = [Attachment(name, part.get_content_type(), payload)]
            for attachment in candidates:
                problem = _over_limit(attachment, attachments, limits)
                if problem:
                    problems.append((attachment.filename, problem))
                else:
                    attachments.append(attachment)
        elif part.get_content_type() == "text/html" and isinstance(part, EmailMessage):
            try:
                html_tables.extend(
                    html_tables_of(str(part.get_content())[: limits.max_body_chars * 5])
                )
            except Exception:  # an undecodable HTML body is left out like a plain one
                problems.append(("message body", "cannot be decoded"))
        elif part.get_content_type() == "text/plain" and isinstance(part, EmailMessage):
            try:
                bodies.append(str(part.get_content()))
            except Exception:  # an undecodable body is left out, the attachments still count
                problems.append(("message body", "cannot be decoded"))
    body = "\n".join(bodies)[: limits.max_body_chars]
    return Parts(
        tuple(attachments),
        body,
        tuple(dict.fromkeys(forwarded)),
        tuple(problems),
        tuple(html_tables),
    )


class _TableText(HTMLParser):
    """``<table>`` rows of an HTML body as tab-separated lines (cells' text, tags dropped)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self.cell: list[str] | None = None
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.depth += 1
            self.tables.append([])
        elif tag == "tr" and self.depth:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.depth and self.tables[-1]:
            self.cell = []
        elif tag == "br" and self.cell is not None:
            self.cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None and self.tables and self.tables[-1]:
            self.tables[-1][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "table" and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def html_tables_of(html_text: str) -> list[str]:
    parser = _TableText()
    parser.feed(html_text)
    parser.close()
    return [
        "\n".join("\t".join(cell.replace("\t", " ") for cell in row) for row in table) + "\n"
        for table in parser.tables
        if len(table) >= 2
    ]


def _over_limit(attachment: Attachment, kept: list[Attachment], limits: MailLimits) -> str:
    size = len(attachment.data)
    if size > limits.max_attachment_bytes:
        return (
            f"is {size:,} bytes, over the limit of {limits.max_attachment_bytes:,} bytes for one"
            " attachment; the message's other files are still read"
        )
    total = sum(len(other.data) for other in kept) + size
    if total > limits.max_total_attachment_bytes:
        return (
            f"would bring the message's attachments to {total:,} bytes, over the limit of"
            f" {limits.max_total_attachment_bytes:,} bytes together; forward it on its own"
        )
    return ""


def _is_tnef(name: str, content_type: str) -> bool:
    return name.casefold() == "winmail.dat" or content_type.casefold() in (
        "application/ms-tnef",
        "application/vnd.ms-tnef",
    )


def unpack_tnef(data: bytes) -> tuple[list[Attachment], str]:
    """The files inside Outlook's ``winmail.dat`` (TNEF), read with tnefparse; or why not."""
    from tnefparse import TNEF

    try:
        tnef = TNEF(data)
        inner = [
            Attachment(
                PurePath(_one_line(_tnef_name(item), 120).replace("\\", "/")).name
                or "winmail-attachment",
                "application/octet-stream",
                bytes(item.data),
            )
            for item in tnef.attachments
        ]
    except Exception as error:  # untrusted bytes: any parser failure refuses this file only
        return [], (
            f"is Outlook's TNEF wrapper and could not be unpacked ({type(error).__name__});"
            " in Outlook send the file as a plain attachment (HTML or plain-text message)"
            " and forward it again"
        )
    if not inner:
        return [], "is Outlook's TNEF wrapper and holds no file"
    return inner, ""


def _tnef_name(item: object) -> str:
    long_name = getattr(item, "long_filename", None)
    name = long_name() if callable(long_name) else None
    if not name:
        raw = getattr(item, "name", b"")
        name = raw.decode("latin-1", "replace") if isinstance(raw, bytes) else str(raw or "")
    return str(name).strip("\x00 ")


def _inner_senders(part: Message) -> list[str]:
    found: list[str] = []
    payload = part.get_payload()
    inner = payload if isinstance(payload, list) else [payload]
    for message in inner:
        if not isinstance(message, Message):
            continue
        for _, address in getaddresses([str(message.get("From", ""))]):
            if address:
                found.append(address.casefold())
    return found
