"""Email through Amazon SES (API v2): the whole MIME message, attachments and all, as raw
content; SES takes the sender and the recipients from its From, To and Cc headers.

What a failure means decides what the bot may do next:

* SES answered that it refused the message — ``MessageRejected``, an unverified sender or
  MAIL FROM domain, a suspended account, sending paused, a bad or unknown-resource request —
  so it certainly did not go out: ``MailRejected``. So are failures before any request (a
  message that cannot be serialized, has no From, or fails the SDK's own checks).
* Anything else — throttling, a 5xx, a timeout, a dropped connection — propagates unchanged:
  SES may have accepted the message, and the send's outcome is unknown.

The client must not retry (``ses_client`` makes one that does not): botocore retries a read
timeout, and a retry after SES had accepted the first attempt would mail the supplier twice,
reporting one success.

SES replaces the Message-ID and Date headers with its own, so the id returned is SES's
``MessageId`` (the one its bounce and delivery notifications carry); the supplier sees
``<MessageId@...amazonses.com>`` as the Message-ID. The message body is never logged.
"""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from typing import TYPE_CHECKING, Final

from botocore.config import Config
from botocore.exceptions import ClientError, ParamValidationError

from sheets_bot.errors import MailRejected

if TYPE_CHECKING:
    import boto3
    from mypy_boto3_sesv2 import SESV2Client
    from mypy_boto3_sesv2.type_defs import SendEmailRequestTypeDef

REFUSED: Final = frozenset(
    {
        "MessageRejected",
        "MailFromDomainNotVerifiedException",
        "AccountSuspendedException",
        "SendingPausedException",
        "BadRequestException",
        "NotFoundException",
    }
)
"""SES error codes that mean the message was refused: it certainly did not go out."""

SEND_ONCE: Final = Config(
    retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=30
)
"""Client settings for sending: one attempt per call, bounded waits."""

_WIRE: Final = policy.SMTP.clone(cte_type="7bit")
"""CRLF line ends and 7-bit content (8-bit text parts re-encoded), as SES asks of raw mail."""


def ses_client(session: boto3.session.Session, region: str | None = None) -> SESV2Client:
    """An SES v2 client that never retries a send (see the module's docstring)."""
    return session.client("sesv2", region_name=region, config=SEND_ONCE)


class SesMailer:
    """``Mailer`` over SES v2 ``SendEmail`` with raw content.

    ``configuration_set`` names an SES configuration set (for delivery and bounce events);
    ``None`` uses the account's default.
    """

    def __init__(self, client: SESV2Client, *, configuration_set: str | None = None) -> None:
        # The stubs do not declare Config.retries; botocore keeps the normalised dict there.
        retries: dict[str, object] | None = getattr(client.meta.config, "retries", None)
        if (retries or {}).get("total_max_attempts") != 1:
            raise ValueError(
                "the SES client must not retry (a retried timeout can send a PO twice):"
                " make it with sheets_bot.adapters.aws.ses_mailer.ses_client"
            )
        self._client = client
        self.configuration_set = configuration_set

    def __repr__(self) -> str:
        return (
            f"SesMailer(region={self._client.meta.region_name!r},"
            f" configuration_set={self.configuration_set!r})"
        )

    def send(self, message: EmailMessage) -> str:
        """Send ``message``; SES's MessageId."""
        if not str(message["From"] or "").strip():
            raise MailRejected(
                "the message has no From address: set 'From address' in the Settings tab"
            )
        try:
            data = message.as_bytes(policy=_WIRE)
        except Exception as error:  # nothing was sent: the message never left this process
            raise MailRejected(f"the message could not be written out: {error}") from error
        request: SendEmailRequestTypeDef = {"Content": {"Raw": {"Data": data}}}
        if self.configuration_set is not None:
            request["ConfigurationSetName"] = self.configuration_set
        try:
            response = self._client.send_email(**request)
        except ParamValidationError as error:  # checked by the SDK before any request
            raise MailRejected(f"SES was not asked: {error}") from error
        except ClientError as error:
            details = error.response.get("Error", {})
            code = details.get("Code", "")
            if code in REFUSED:
                raise MailRejected(
                    f"SES refused the message: {code}: {details.get('Message', '')}"
                ) from error
            raise
        return response["MessageId"]
