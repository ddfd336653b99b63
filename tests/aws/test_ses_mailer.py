"""How ``SesMailer`` sorts SES failures into "certainly not sent" (``MailRejected``) and
"outcome unknown" (the error itself), why its client must not retry, and what it hands SES.
The Mailer contract it shares with the other mailers is in ``tests/contract``."""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError, ParamValidationError, ReadTimeoutError
from botocore.stub import Stubber
from moto import mock_aws
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ses.models import RawMessage, ses_backends

from sheets_bot.adapters.aws.ses_mailer import REFUSED, SesMailer, ses_client
from sheets_bot.errors import MailRejected
from tests.aws.moto_support import REGION, aws_session

if TYPE_CHECKING:
    from mypy_boto3_sesv2 import SESV2Client

SENDER = "bot@corner.example"


def message(body: str = "Hello\n") -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = f"Corner Café <{SENDER}>"
    mail["To"] = "orders@beanbros.example"
    mail["Subject"] = "Purchase order PO-0001"
    mail.set_content(body)
    return mail


@pytest.fixture
def client() -> SESV2Client:
    return ses_client(aws_session())


@pytest.fixture
def stubbed(client: SESV2Client) -> Iterator[Stubber]:
    with Stubber(client) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


@pytest.mark.parametrize("code", sorted(REFUSED))
def test_a_refusal_is_mail_rejected(client: SESV2Client, stubbed: Stubber, code: str) -> None:
    stubbed.add_client_error(
        "send_email", service_error_code=code, service_message="Email address is not verified."
    )

    with pytest.raises(MailRejected, match=f"SES refused the message: {code}: Email address"):
        SesMailer(client).send(message())


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("TooManyRequestsException", 429),
        ("LimitExceededException", 400),
        ("InternalFailure", 500),
        ("ServiceUnavailable", 503),
    ],
)
def test_throttling_and_server_errors_leave_the_outcome_unknown(
    client: SESV2Client, stubbed: Stubber, code: str, status: int
) -> None:
    stubbed.add_client_error("send_email", service_error_code=code, http_status_code=status)

    with pytest.raises(ClientError) as raised:
        SesMailer(client).send(message())

    assert not isinstance(raised.value, MailRejected)
    assert raised.value.response["Error"]["Code"] == code


def _time_out(attempts: list[str]) -> Any:
    def handler(request: Any, **_: Any) -> None:
        attempts.append(request.url)
        raise ReadTimeoutError(endpoint_url=request.url)

    return handler


def test_a_timeout_is_left_unknown_after_one_attempt(client: SESV2Client) -> None:
    attempts: list[str] = []
    client.meta.events.register("before-send.sesv2.SendEmail", _time_out(attempts))

    with pytest.raises(ReadTimeoutError):
        SesMailer(client).send(message())

    assert len(attempts) == 1


def test_a_client_that_retries_is_refused_because_it_would_resend() -> None:
    retrying = aws_session().client("sesv2")
    attempts: list[str] = []
    retrying.meta.events.register("before-send.sesv2.SendEmail", _time_out(attempts))
    with pytest.raises(ReadTimeoutError):
        retrying.send_email(Content={"Raw": {"Data": message().as_bytes()}})
    assert len(attempts) > 1  # each attempt may have reached SES: the supplier gets copies

    with pytest.raises(ValueError, match="must not retry"):
        SesMailer(retrying)


def test_a_message_without_from_is_rejected_unsent(client: SESV2Client, stubbed: Stubber) -> None:
    unsigned = message()
    del unsigned["From"]

    with pytest.raises(MailRejected, match="no From"):
        SesMailer(client).send(unsigned)


def test_a_request_the_sdk_refuses_to_make_is_rejected(
    client: SESV2Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def invalid(**_: Any) -> None:
        raise ParamValidationError(report="Invalid type for parameter Content.Raw.Data")

    monkeypatch.setattr(client, "send_email", invalid)

    with pytest.raises(MailRejected, match="SES was not asked"):
        SesMailer(client).send(message())


def test_the_configuration_set_is_named(client: SESV2Client, stubbed: Stubber) -> None:
    mail = message()
    stubbed.add_response(
        "send_email",
        {"MessageId": "0100-abc"},
        {
            "Content": {"Raw": {"Data": mail.as_bytes(policy=policy.SMTP)}},
            "ConfigurationSetName": "sheets-bot",
        },
    )

    assert SesMailer(client, configuration_set="sheets-bot").send(mail) == "0100-abc"


def test_ses_gets_seven_bit_crlf_mime_even_for_eight_bit_text() -> None:
    body = "Olá! 12 × café crème, «urgente» ☕\n"
    with mock_aws():
        client = ses_client(aws_session())
        client.create_email_identity(EmailIdentity="corner.example")

        message_id = SesMailer(client).send(message(body))

        [sent] = [
            sent
            for sent in ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages
            if isinstance(sent, RawMessage)
        ]
    data = sent.raw_data.encode()
    assert sent.id == message_id
    assert data.isascii()
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert max(len(line) for line in data.split(b"\r\n")) <= 998
    received = message_from_bytes(data, policy=policy.default)
    assert isinstance(received, EmailMessage)
    text = received.get_body(preferencelist=("plain",))
    assert text is not None
    assert text.get_content() == body
    assert sent.destinations == ["orders@beanbros.example"]


def test_repr_names_no_secret(client: SESV2Client) -> None:
    assert repr(SesMailer(client, configuration_set="cs")) == (
        f"SesMailer(region={REGION!r}, configuration_set='cs')"
    )
