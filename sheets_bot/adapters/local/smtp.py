"""Real email from one machine through an SMTP server (the owner's provider or a relay).

What a failure means decides what the bot may do next, so the errors are sorted by how far
the conversation got:

* anything before the DATA command (no connection, TLS or login refused, sender or every
  recipient refused): the server never saw the message, so ``MailRejected``;
* a permanent 5xx reply to DATA or to the message itself: refused, so ``MailRejected``;
* anything else once DATA has started (a timeout, a dropped connection, a 4xx): the server
  may have accepted the message, so the error propagates unchanged and the send's outcome is
  unknown.

The password is kept out of ``repr`` and of every error message, and the SMTP debug output
(which would show the AUTH exchange) stays off.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from typing import TYPE_CHECKING

from sheets_bot.adapters.local.outbox import ensure_message_id
from sheets_bot.errors import MailRejected

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

log = logging.getLogger(__name__)


class _TrackedSMTP(smtplib.SMTP):
    """``smtplib.SMTP`` that remembers whether the DATA command was issued."""

    data_started = False

    def data(self, msg: ReadableBuffer | str) -> tuple[int, bytes]:
        self.data_started = True
        return super().data(msg)


class SmtpMailer:
    """``Mailer`` over SMTP: one connection per message, STARTTLS by default.

    An empty or ``None`` username means the server needs no login (a local relay).
    """

    def __init__(
        self,
        host: str,
        port: int,
        username: str | None,
        password: str | None,
        starttls: bool = True,
        timeout: float = 30,
    ):
        self.host = host
        self.port = port
        self.username = username or None
        self._password = password or ""
        self.starttls = starttls
        self.timeout = timeout

    def __repr__(self) -> str:
        return (
            f"SmtpMailer(host={self.host!r}, port={self.port}, username={self.username!r},"
            f" password=***, starttls={self.starttls})"
        )

    def send(self, message: EmailMessage) -> str:
        """Send ``message`` and return its Message-ID (one is added if it has none)."""
        message_id = ensure_message_id(message)
        server = f"{self.host}:{self.port}"
        try:
            smtp = _TrackedSMTP(self.host, self.port, timeout=self.timeout)
        except Exception as error:
            raise MailRejected(f"could not connect to the mail server {server}: {error}") from error
        try:
            self._open(smtp, server)
            refused = smtp.send_message(message)
        except MailRejected:
            raise
        except smtplib.SMTPRecipientsRefused as error:
            raise MailRejected(
                f"the mail server {server} refused every recipient: {_replies(error.recipients)}"
            ) from error
        except smtplib.SMTPSenderRefused as error:
            raise MailRejected(
                f"the mail server {server} refused the sender {error.sender}:"
                f" {error.smtp_code} {_text(error.smtp_error)}"
            ) from error
        except smtplib.SMTPDataError as error:
            if 500 <= error.smtp_code < 600:
                raise MailRejected(
                    f"the mail server {server} refused the message:"
                    f" {error.smtp_code} {_text(error.smtp_error)}"
                ) from error
            raise
        except Exception as error:
            if smtp.data_started:
                raise
            raise MailRejected(
                f"the mail server {server} failed before the message was sent: {error}"
            ) from error
        finally:
            _hang_up(smtp)
        if refused:
            log.warning(
                "mail %s went out, but %s refused some recipients: %s",
                message_id,
                server,
                _replies(refused),
            )
        return message_id

    def _open(self, smtp: _TrackedSMTP, server: str) -> None:
        """Greet, switch to TLS and log in: all before DATA, so every failure is a rejection."""
        try:
            smtp.ehlo()
            if self.starttls:
                if not smtp.has_extn("starttls"):
                    raise MailRejected(
                        f"the mail server {server} does not offer STARTTLS; the password is"
                        " not sent in the clear (turn STARTTLS off only for a local relay)"
                    )
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if self.username is not None:
                smtp.login(self.username, self._password)
        except smtplib.SMTPAuthenticationError as error:
            raise MailRejected(
                f"the mail server {server} refused the login for {self.username}:"
                f" {error.smtp_code} {_text(error.smtp_error)}"
            ) from error


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply


def _replies(recipients: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(
        f"{address} ({code} {_text(reply)})" for address, (code, reply) in recipients.items()
    )


def _hang_up(smtp: smtplib.SMTP) -> None:
    """Say QUIT if the connection still stands; its failure changes nothing already decided."""
    try:
        if smtp.sock is not None:
            smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()
