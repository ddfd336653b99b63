"""The outbox folder as tests read it: PO emails apart from the owner's digests."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import default
from pathlib import Path

from sheets_bot.documents.digest_email import DIGEST_HEADER


def _is_digest(path: Path) -> bool:
    return message_from_bytes(path.read_bytes(), policy=default)[DIGEST_HEADER] is not None


def po_emails(outbox: Path) -> list[Path]:
    return [path for path in sorted(outbox.glob("*.eml")) if not _is_digest(path)]


def digests(outbox: Path) -> list[Path]:
    return [path for path in sorted(outbox.glob("*.eml")) if _is_digest(path)]
