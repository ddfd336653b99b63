"""The Mailer contract, run against the outbox folder, SMTP (a fake server on 127.0.0.1) and
SES v2 (moto), then what is particular to the first two: file naming, and how SMTP failures
are sorted into "certainly not sent" (``MailRejected``) and "outcome unknown" (anything else).
SES's own failure sorting is tested in ``tests/aws/test_ses_mailer.py``.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import logging
import os
import re
import smtplib
import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from moto import mock_aws
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ses.models import RawMessage, ses_backends

from sheets_bot.adapters.aws.ses_mailer import SesMailer, ses_client
from sheets_bot.adapters.local import outbox as outbox_module
from sheets_bot.adapters.local.outbox import OutboxMailer, list_messages
from sheets_bot.adapters.local.smtp import SmtpMailer
from sheets_bot.documents.po_email import PO_HEADER, compose_po_email
from sheets_bot.domain.models import PoFormat, ShopSettings
from sheets_bot.domain.purchase_order import ApprovedOrder, OrderLine
from sheets_bot.errors import MailRejected
from sheets_bot.ports import Mailer
from tests.aws.moto_support import REGION, aws_session

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
USER = "shop@corner.example"
SENDER = "bot@corner.example"
PASSWORD = "s3cret-Pa55word"  # noqa: S105 - the fake server's test credential


def _satisfies_the_port() -> None:
    """Never called: mypy checks that every adapter is structurally a Mailer."""
    _outbox: Mailer = OutboxMailer(Path("outbox"))
    _smtp: Mailer = SmtpMailer("localhost", 25, None, None)
    _ses: Mailer = SesMailer(ses_client(aws_session()))


def po_message(po_number: str = "PO-0001", **changes: object) -> EmailMessage:
    order = ApprovedOrder(
        draft_id="D-0001",
        po_number=po_number,
        supplier="Bean Bros",
        send_to="orders@beanbros.example",
        po_format=PoFormat.BOTH,
        lines=(
            OrderLine("BEAN-1", "Café crème – 1kg", 12, Decimal("8.50")),
            OrderLine("CUP-8", "Paper cups 8oz", 500, None),
        ),
        note="Please deliver before Friday.\n.A line starting with a dot",
    )
    settings = ShopSettings(
        business_name="Corner Café",
        owner_email="owner@corner.example",
        from_address="bot@corner.example",
        timezone="Europe/London",
    )
    message = compose_po_email(order, settings, now=changes.pop("now", NOW))  # type: ignore[arg-type]
    assert not changes
    return message


def plain_message(to: str = "orders@beanbros.example") -> EmailMessage:
    message = EmailMessage()
    message["From"] = SENDER
    message["To"] = to
    message["Subject"] = "Hello"
    message["Date"] = "Mon, 23 Nov 2026 09:00:00 +0000"
    message.set_content("Hello\n")
    return message


def header_lines(data: bytes, name: str) -> list[bytes]:
    """The raw (folded) lines of header ``name`` in a serialized message."""
    head = data.split(b"\r\n\r\n", 1)[0]
    fields = re.split(rb"\r\n(?=[^ \t])", head)
    return [line for line in fields if line.lower().startswith(name.lower().encode() + b":")]


def parse(data: bytes) -> EmailMessage:
    message = message_from_bytes(data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _lines(text: object) -> list[str]:
    """A text part's lines: a message read back from the wire has CRLF line ends."""
    assert isinstance(text, str)
    return text.splitlines()


def attachment_bytes(message: EmailMessage) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for part in message.iter_attachments():
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        found[str(part.get_filename())] = payload
    return found


# --- a fake SMTP server ---------------------------------------------------------------------


@dataclass
class Received:
    mail_from: str
    recipients: list[str]
    data: bytes


@dataclass
class Behaviour:
    """How the fake server answers; the defaults accept everything."""

    greeting_delay: float = 0.0
    offer_starttls: bool = False
    credentials: tuple[str, str] | None = None
    refuse_sender: bool = False
    refuse_recipients: frozenset[str] = frozenset()
    data_command_reply: str = "354 End data with <CR><LF>.<CR><LF>"
    data_reply: str = "250 2.0.0 Ok: queued"
    drop_after_data: bool = False
    delay_after_data: float = 0.0


class FakeSmtpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SmtpHandler)
        self.behaviour = Behaviour()
        self.received: list[Received] = []
        self.transcript: list[str] = []

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough of RFC 5321 for smtplib: EHLO, AUTH PLAIN, MAIL, RCPT, DATA, RSET, QUIT."""

    timeout = 5
    server: FakeSmtpServer

    def reply(self, *lines: str) -> None:
        text = "".join(
            f"{line[:3]}{'-' if n < len(lines) - 1 else ' '}{line[4:]}\r\n"
            for n, line in enumerate(lines)
        )
        self.wfile.write(text.encode())

    def handle(self) -> None:
        behaviour = self.server.behaviour
        time.sleep(behaviour.greeting_delay)
        self.reply("220 fake.smtp ESMTP")
        mail_from: str | None = None
        recipients: list[str] = []
        while line := self.rfile.readline():
            command = line.decode("utf-8", "replace").rstrip("\r\n")
            self.server.transcript.append(command)
            verb = command.split(" ", 1)[0].upper()
            argument = command[len(verb) :].strip()
            if verb == "EHLO":
                extensions = ["250 fake.smtp", "250 8BITMIME"]
                if behaviour.offer_starttls:
                    extensions.append("250 STARTTLS")
                if behaviour.credentials is not None:
                    extensions.append("250 AUTH PLAIN")
                self.reply(*extensions)
            elif verb == "HELO":
                self.reply("250 fake.smtp")
            elif verb == "AUTH":
                self._auth(argument)
            elif verb == "MAIL":
                if behaviour.refuse_sender:
                    self.reply("553 5.7.1 Sender address rejected")
                else:
                    mail_from = _address(argument)
                    recipients = []
                    self.reply("250 2.1.0 Ok")
            elif verb == "RCPT":
                address = _address(argument)
                if address in behaviour.refuse_recipients:
                    self.reply("550 5.1.1 No such user here")
                else:
                    recipients.append(address)
                    self.reply("250 2.1.5 Ok")
            elif verb == "DATA":
                self.reply(behaviour.data_command_reply)
                if not behaviour.data_command_reply.startswith("354"):
                    continue
                data = self._read_data()
                if behaviour.drop_after_data:
                    return
                time.sleep(behaviour.delay_after_data)
                if behaviour.data_reply.startswith("250") and mail_from is not None:
                    self.server.received.append(Received(mail_from, recipients, data))
                self.reply(behaviour.data_reply)
            elif verb == "RSET":
                mail_from, recipients = None, []
                self.reply("250 2.0.0 Ok")
            elif verb == "NOOP":
                self.reply("250 2.0.0 Ok")
            elif verb == "QUIT":
                self.reply("221 2.0.0 Bye")
                return
            else:
                self.reply("502 5.5.2 Command not recognized")

    def _auth(self, argument: str) -> None:
        mechanism, _, initial = argument.partition(" ")
        expected = self.server.behaviour.credentials
        if mechanism.upper() != "PLAIN" or expected is None:
            self.reply("504 5.5.4 Unrecognized authentication type")
            return
        _, user, password = base64.b64decode(initial).decode().split("\0")
        if (user, password) == expected:
            self.reply("235 2.7.0 Authentication successful")
        else:
            self.reply("535 5.7.8 Authentication credentials invalid")

    def _read_data(self) -> bytes:
        lines: list[bytes] = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b".") else line)
        return b"".join(lines)


def _address(argument: str) -> str:
    match = re.search(r"<([^>]*)>", argument)
    return match.group(1) if match else ""


@contextlib.contextmanager
def fake_smtp() -> Iterator[FakeSmtpServer]:
    server = FakeSmtpServer()
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def smtp_server() -> Iterator[FakeSmtpServer]:
    with fake_smtp() as server:
        yield server


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def smtp_mailer(server: FakeSmtpServer, **options: object) -> SmtpMailer:
    settings: dict[str, object] = {"starttls": False, "timeout": 5, **options}
    return SmtpMailer(
        "127.0.0.1",
        server.port,
        settings.pop("username", None),  # type: ignore[arg-type]
        settings.pop("password", None),  # type: ignore[arg-type]
        **settings,  # type: ignore[arg-type]
    )


# --- the contract ---------------------------------------------------------------------------


@dataclass
class MailerUnderTest:
    mailer: Mailer
    delivered: Callable[[], list[bytes]]
    """Every message that arrived, as bytes, in order."""
    ids: Callable[[], list[str]]
    """The id each delivered message goes by in the mail system, in the same order."""
    broken: Mailer
    """The same kind of mailer in a state where it certainly cannot deliver."""
    keeps_message_id: bool = True
    """The id is the message's own Message-ID header (one is added if it has none). SES
    instead replaces Message-ID (and Date) with its own and returns its MessageId."""


def _header_ids(delivered: Callable[[], list[bytes]]) -> Callable[[], list[str]]:
    return lambda: [str(parse(data)["Message-ID"]) for data in delivered()]


def _ses_sent() -> list[RawMessage]:
    """What moto's SES accepted in the test region, in order."""
    sent = ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages
    return [message for message in sent if isinstance(message, RawMessage)]


@pytest.fixture(params=["outbox", "smtp", "ses"])
def subject(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MailerUnderTest]:
    if request.param == "outbox":
        folder = tmp_path / "state" / "outbox"
        not_a_folder = tmp_path / "a-file"
        not_a_folder.write_text("in the way")

        def in_outbox() -> list[bytes]:
            return [path.read_bytes() for path in list_messages(folder)]

        yield MailerUnderTest(
            mailer=OutboxMailer(folder),
            delivered=in_outbox,
            ids=_header_ids(in_outbox),
            broken=OutboxMailer(not_a_folder / "outbox"),
        )
    elif request.param == "smtp":
        with fake_smtp() as server:

            def received() -> list[bytes]:
                return [message.data for message in server.received]

            yield MailerUnderTest(
                mailer=smtp_mailer(server),
                delivered=received,
                ids=_header_ids(received),
                broken=SmtpMailer("127.0.0.1", closed_port(), None, None, starttls=False),
            )
    else:
        with mock_aws():
            session = aws_session()
            client = ses_client(session)
            client.create_email_identity(EmailIdentity=SENDER)
            # moto keeps the raw bytes as given; the real SES then replaces Message-ID and Date.
            yield MailerUnderTest(
                mailer=SesMailer(client),
                delivered=lambda: [message.raw_data.encode() for message in _ses_sent()],
                ids=lambda: [message.id for message in _ses_sent()],
                broken=SesMailer(ses_client(session, "us-east-1")),  # sender not verified there
                keeps_message_id=False,
            )


def test_send_returns_the_message_id(subject: MailerUnderTest) -> None:
    message = po_message()

    message_id = subject.mailer.send(message)

    assert subject.ids() == [message_id]
    if subject.keeps_message_id:
        assert message_id == message["Message-ID"]


def test_headers_arrive_unchanged(subject: MailerUnderTest) -> None:
    message = po_message()
    original = message.as_bytes(policy=policy.SMTP)

    subject.mailer.send(message)

    [stored] = subject.delivered()
    for name in ("From", "To", "Subject", "Reply-To", "Date", "Message-ID", PO_HEADER):
        assert header_lines(stored, name) == header_lines(original, name), name
        assert header_lines(stored, name), name
    assert parse(stored)["Subject"] == "Purchase order PO-0001 from Corner Café"


def test_bodies_and_attachments_survive(subject: MailerUnderTest) -> None:
    message = po_message()

    subject.mailer.send(message)

    [stored] = subject.delivered()
    received = parse(stored)
    assert attachment_bytes(received) == attachment_bytes(message)
    assert set(attachment_bytes(received)) == {"PO-0001.pdf", "PO-0001.csv"}
    for kind in ("plain", "html"):
        sent_part = message.get_body(preferencelist=(kind,))
        received_part = received.get_body(preferencelist=(kind,))
        assert sent_part is not None
        assert received_part is not None
        assert _lines(received_part.get_content()) == _lines(sent_part.get_content())


def test_every_send_arrives_separately(subject: MailerUnderTest) -> None:
    first, second = po_message(), po_message()

    ids = [subject.mailer.send(first), subject.mailer.send(second)]

    assert len(subject.delivered()) == 2
    assert len(set(ids)) == 2
    assert sorted(subject.ids()) == sorted(ids)


def test_a_message_without_an_id_gets_one(subject: MailerUnderTest) -> None:
    message = plain_message()

    message_id = subject.mailer.send(message)

    assert message_id
    assert subject.ids() == [message_id]
    if subject.keeps_message_id:
        assert re.fullmatch(r"<[^<>@\s]+@corner\.example>", message_id)
        [stored] = subject.delivered()
        assert parse(stored)["Message-ID"] == message_id


def test_a_definite_failure_is_mail_rejected(subject: MailerUnderTest) -> None:
    with pytest.raises(MailRejected):
        subject.broken.send(po_message())

    assert subject.delivered() == []


# --- the outbox folder ----------------------------------------------------------------------


def test_outbox_names_files_by_utc_time_and_po(tmp_path: Path) -> None:
    folder = tmp_path / "outbox"
    local_morning = datetime.fromisoformat("2026-11-23T10:00:00+01:00")

    OutboxMailer(folder).send(po_message(now=local_morning))

    assert [path.name for path in list_messages(folder)] == ["20261123T090000Z-PO-0001.eml"]


def test_outbox_never_overwrites(tmp_path: Path) -> None:
    folder = tmp_path / "outbox"
    mailer = OutboxMailer(folder)
    messages = [po_message(), po_message(), po_message()]

    for message in messages:
        mailer.send(message)

    names = [path.name for path in list_messages(folder)]
    assert names == [
        "20261123T090000Z-PO-0001-2.eml",
        "20261123T090000Z-PO-0001-3.eml",
        "20261123T090000Z-PO-0001.eml",
    ]
    first = parse((folder / "20261123T090000Z-PO-0001.eml").read_bytes())
    assert first["Message-ID"] == messages[0]["Message-ID"]
    assert sorted(path.name for path in folder.iterdir()) == sorted(names)


def test_outbox_files_are_crlf_eml(tmp_path: Path) -> None:
    OutboxMailer(tmp_path).send(po_message())

    [path] = list_messages(tmp_path)
    data = path.read_bytes()
    assert data.count(b"\r\n") > 10
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_outbox_uses_a_hash_without_a_po_header(tmp_path: Path) -> None:
    OutboxMailer(tmp_path).send(plain_message())

    [path] = list_messages(tmp_path)
    assert re.fullmatch(r"20261123T090000Z-[0-9a-f]{10}\.eml", path.name)


def test_outbox_keeps_a_hostile_po_header_inside_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "outbox"
    message = plain_message()
    message[PO_HEADER] = "../../etc/passwd"

    OutboxMailer(folder).send(message)

    assert [path.name for path in folder.iterdir()] == ["20261123T090000Z-etc_passwd.eml"]


def test_outbox_write_failure_is_rejected_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)

    with pytest.raises(MailRejected, match="No space left"):
        OutboxMailer(tmp_path / "outbox").send(po_message())

    assert list((tmp_path / "outbox").iterdir()) == []


def test_outbox_falls_back_where_hard_links_are_not_supported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(source: object, target: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    mailer = OutboxMailer(tmp_path)

    mailer.send(po_message())
    mailer.send(po_message())

    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "20261123T090000Z-PO-0001-2.eml",
        "20261123T090000Z-PO-0001.eml",
    ]


def test_list_messages_of_a_missing_folder_is_empty(tmp_path: Path) -> None:
    assert list_messages(tmp_path / "nowhere") == []


def test_outbox_and_documents_agree_on_the_po_header() -> None:
    assert outbox_module.PO_HEADER == PO_HEADER


# --- SMTP -----------------------------------------------------------------------------------


def test_smtp_envelope_is_from_and_to(smtp_server: FakeSmtpServer) -> None:
    smtp_mailer(smtp_server).send(po_message())

    [received] = smtp_server.received
    assert received.mail_from == "bot@corner.example"
    assert received.recipients == ["orders@beanbros.example"]
    assert smtp_server.transcript[-1].upper() == "QUIT"


def test_smtp_refused_recipient_is_rejected(smtp_server: FakeSmtpServer) -> None:
    smtp_server.behaviour.refuse_recipients = frozenset({"orders@beanbros.example"})

    with pytest.raises(MailRejected, match=r"orders@beanbros\.example \(550"):
        smtp_mailer(smtp_server).send(po_message())

    assert smtp_server.received == []


def test_smtp_partly_refused_recipients_still_count_as_sent(
    smtp_server: FakeSmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    smtp_server.behaviour.refuse_recipients = frozenset({"gone@beanbros.example"})
    message = plain_message(to="orders@beanbros.example, gone@beanbros.example")

    with caplog.at_level(logging.WARNING):
        smtp_mailer(smtp_server).send(message)

    assert [received.recipients for received in smtp_server.received] == [
        ["orders@beanbros.example"]
    ]
    assert "gone@beanbros.example" in caplog.text


def test_smtp_refused_sender_is_rejected(smtp_server: FakeSmtpServer) -> None:
    smtp_server.behaviour.refuse_sender = True

    with pytest.raises(MailRejected, match=r"refused the sender bot@corner\.example: 553"):
        smtp_mailer(smtp_server).send(po_message())


@pytest.mark.parametrize(
    ("data_command_reply", "data_reply"),
    [
        ("354 go ahead", "554 5.7.1 Message rejected as spam"),
        ("554 5.3.4 No DATA today", "250 unused"),
    ],
)
def test_smtp_permanent_data_refusal_is_rejected(
    smtp_server: FakeSmtpServer, data_command_reply: str, data_reply: str
) -> None:
    smtp_server.behaviour.data_command_reply = data_command_reply
    smtp_server.behaviour.data_reply = data_reply

    with pytest.raises(MailRejected, match="refused the message: 554"):
        smtp_mailer(smtp_server).send(po_message())


def test_smtp_temporary_data_failure_is_left_unknown(smtp_server: FakeSmtpServer) -> None:
    smtp_server.behaviour.data_reply = "451 4.3.0 Try again later"

    with pytest.raises(smtplib.SMTPDataError) as raised:
        smtp_mailer(smtp_server).send(po_message())

    assert not isinstance(raised.value, MailRejected)
    assert raised.value.smtp_code == 451


def test_smtp_disconnect_after_data_is_left_unknown(smtp_server: FakeSmtpServer) -> None:
    smtp_server.behaviour.drop_after_data = True

    with pytest.raises(smtplib.SMTPServerDisconnected):
        smtp_mailer(smtp_server).send(po_message())


def test_smtp_timeout_after_data_is_left_unknown(smtp_server: FakeSmtpServer) -> None:
    smtp_server.behaviour.delay_after_data = 1.0

    with pytest.raises(smtplib.SMTPServerDisconnected, match="timed out"):
        smtp_mailer(smtp_server, timeout=0.3).send(po_message())


def test_smtp_timeout_before_data_is_rejected(smtp_server: FakeSmtpServer) -> None:
    smtp_server.behaviour.greeting_delay = 1.0

    with pytest.raises(MailRejected, match="could not connect"):
        smtp_mailer(smtp_server, timeout=0.3).send(po_message())


def test_smtp_without_a_server_is_rejected() -> None:
    mailer = SmtpMailer("127.0.0.1", closed_port(), None, None, starttls=False, timeout=2)

    with pytest.raises(MailRejected, match="could not connect"):
        mailer.send(po_message())


def test_smtp_refuses_to_log_in_without_starttls_when_it_is_asked_for(
    smtp_server: FakeSmtpServer,
) -> None:
    smtp_server.behaviour.credentials = (USER, PASSWORD)

    mailer = smtp_mailer(smtp_server, username=USER, password=PASSWORD, starttls=True)
    with pytest.raises(MailRejected, match="does not offer STARTTLS"):
        mailer.send(po_message())

    assert not any(command.upper().startswith("AUTH") for command in smtp_server.transcript)


def test_smtp_logs_in(smtp_server: FakeSmtpServer) -> None:
    smtp_server.behaviour.credentials = (USER, PASSWORD)

    smtp_mailer(smtp_server, username=USER, password=PASSWORD).send(po_message())

    assert len(smtp_server.received) == 1


def test_smtp_login_refused_is_rejected_without_the_password(
    smtp_server: FakeSmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    smtp_server.behaviour.credentials = (USER, "another password")
    mailer = smtp_mailer(smtp_server, username=USER, password=PASSWORD)

    with caplog.at_level(logging.DEBUG), pytest.raises(MailRejected) as raised:
        mailer.send(po_message())

    assert f"refused the login for {USER}: 535" in str(raised.value)
    assert PASSWORD not in str(raised.value)
    assert PASSWORD not in caplog.text
    assert PASSWORD not in repr(mailer)
    assert smtp_server.received == []


def test_smtp_empty_username_means_no_login(smtp_server: FakeSmtpServer) -> None:
    SmtpMailer("127.0.0.1", smtp_server.port, "", "", starttls=False).send(po_message())

    assert len(smtp_server.received) == 1
    assert not any(command.upper().startswith("AUTH") for command in smtp_server.transcript)
