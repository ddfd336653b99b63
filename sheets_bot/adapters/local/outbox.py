"""An outbox folder in place of an email service: each message becomes one ``.eml`` file.

For trying the bot and for owners without a mail server: the files open in any mail client.
A file appears whole or not at all (written to a temporary file in the same folder, then
linked into place), and an existing file is never overwritten.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr, parsedate_to_datetime
from pathlib import Path

from sheets_bot.errors import MailRejected

PO_HEADER = "X-Sheets-Bot-PO"
"""Same header as ``sheets_bot.documents.po_email.PO_HEADER``; not imported, so this adapter
does not pull in the PDF library."""
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_COPIES = 1000


def ensure_message_id(message: EmailMessage) -> str:
    """The message's Message-ID, adding one (on the sender's domain) if it has none."""
    existing = message["Message-ID"]
    if existing is not None and str(existing).strip():
        return str(existing).strip()
    domain = parseaddr(str(message["From"] or ""))[1].rpartition("@")[2]
    try:
        domain.encode("ascii")
    except UnicodeEncodeError:
        domain = ""
    message_id = make_msgid(domain=domain or "sheets-bot.invalid")
    message["Message-ID"] = message_id
    return message_id


def list_messages(folder: Path) -> list[Path]:
    """The ``.eml`` files in ``folder`` sorted by name, which starts with the Date header's UTC
    time; a missing folder has none."""
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.iterdir() if path.suffix == ".eml" and path.is_file())


class OutboxMailer:
    """``Mailer`` that stores each message as ``{UTC time}-{PO}.eml`` in ``folder``."""

    def __init__(self, folder: Path):
        self.folder = folder

    def __repr__(self) -> str:
        return f"OutboxMailer({str(self.folder)!r})"

    def send(self, message: EmailMessage) -> str:
        """Store ``message`` and return its Message-ID (one is added if it has none).

        Raises ``MailRejected`` when the file could not be written; nothing is left behind then.
        """
        message_id = ensure_message_id(message)
        try:
            data = message.as_bytes(policy=policy.SMTP)
        except Exception as error:  # any failure to serialize happens before anything is stored
            raise MailRejected(f"the message could not be written out: {error}") from error
        stem = f"{_timestamp(message)}-{_label(message, data)}"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._store(stem, data)
        except OSError as error:
            raise MailRejected(
                f"could not write the message to the outbox folder {self.folder}: {error}"
            ) from error
        return message_id

    def _store(self, stem: str, data: bytes) -> Path:
        handle, temporary = tempfile.mkstemp(prefix=".sending-", suffix=".tmp", dir=self.folder)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            for copy in range(1, _MAX_COPIES + 1):
                target = self.folder / (f"{stem}.eml" if copy == 1 else f"{stem}-{copy}.eml")
                if _place(Path(temporary), target):
                    _sync_folder(self.folder)
                    return target
            raise FileExistsError(f"{_MAX_COPIES} files named {stem}*.eml already exist")
        finally:
            # Gone already after the fallback rename; a leftover temporary file is harmless
            # (it is not an .eml) and must not turn a stored message into a reported failure.
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _place(temporary: Path, target: Path) -> bool:
    """Put ``temporary`` at ``target`` unless something is there already; False if it is.

    A hard link fails atomically when the target exists, so two runs can never overwrite each
    other. Where hard links are not supported (some network or FAT drives) the fallback is a
    check followed by ``os.replace``, atomic for readers though not against a racing writer.
    """
    try:
        os.link(temporary, target)
    except FileExistsError:
        return False
    except OSError:
        if target.exists():
            return False
        os.replace(temporary, target)
    return True


def _sync_folder(folder: Path) -> None:
    """Make the new directory entry durable; best effort (not every OS can fsync a folder)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _timestamp(message: EmailMessage) -> str:
    """The Date header in UTC, like ``20261123T090000Z``; the current time if it has none."""
    moment: datetime | None = None
    date = message["Date"]
    if date is not None:
        try:
            moment = parsedate_to_datetime(str(date))
        except (TypeError, ValueError):
            moment = None
    if moment is None:
        moment = datetime.now(UTC)
    elif moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _label(message: EmailMessage, data: bytes) -> str:
    """The PO number, made safe for a file name; a short hash of the message without one."""
    po = message[PO_HEADER]
    if po is not None:
        label = _UNSAFE.sub("_", str(po)).strip("._")[:64]
        if label:
            return label
    return hashlib.sha256(data).hexdigest()[:10]
