"""A Mailer for tests: keeps what it was given, and can refuse, crash or stall on demand."""

from __future__ import annotations

import threading
import time
from email.message import EmailMessage

from sheets_bot.errors import MailRejected


class RecordingMailer:
    """``fail_with`` decides the next sends: ``"reject"`` (certainly not sent, MailRejected) or
    ``"crash"`` (outcome unknown: the message may have gone). ``delay`` stalls each send, to
    widen race windows in concurrency tests."""

    def __init__(self, *, delay: float = 0.0):
        self.sent: list[EmailMessage] = []
        self.fail_with: str | None = None
        self.delay = delay
        self._lock = threading.Lock()

    def send(self, message: EmailMessage) -> str:
        if self.delay:
            time.sleep(self.delay)
        if self.fail_with == "reject":
            raise MailRejected("550 mailbox unavailable")
        with self._lock:
            self.sent.append(message)
        if self.fail_with == "crash":
            raise ConnectionResetError("connection lost after DATA")
        return str(message["Message-ID"] or f"<test-{len(self.sent)}@sheets-bot>")

    def subjects(self) -> list[str]:
        return [str(message["Subject"]) for message in self.sent]
