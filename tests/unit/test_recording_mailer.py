"""The test mailer is a fake other tests lean on: it is tested too."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from sheets_bot.errors import MailRejected
from sheets_bot.testing.recording_mailer import RecordingMailer


def _message() -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = "PO-0001"
    message["Message-ID"] = "<1@shop.example>"
    return message


def test_records_and_returns_the_message_id() -> None:
    mailer = RecordingMailer()
    assert mailer.send(_message()) == "<1@shop.example>"
    assert mailer.subjects() == ["PO-0001"]


def test_reject_keeps_nothing_and_crash_keeps_the_message() -> None:
    mailer = RecordingMailer()
    mailer.fail_with = "reject"
    with pytest.raises(MailRejected):
        mailer.send(_message())
    assert mailer.sent == []
    mailer.fail_with = "crash"
    with pytest.raises(ConnectionResetError):
        mailer.send(_message())
    assert len(mailer.sent) == 1
