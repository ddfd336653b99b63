"""The digest lane's part of the AWS wiring: the link key, links URL and digest time from the
environment (named when wrong, never shown), the signer, the marks and the failure queue.
(That only the daily check's adapters get the queue is shown in tests/lambdas/test_a_day.)"""

from __future__ import annotations

from datetime import time

import pytest

from sheets_bot.adapters.aws.dynamodb_marks import DynamoMarks
from sheets_bot.adapters.aws.sqs_failures import SqsRunFailures
from sheets_bot.adapters.aws.wiring import AwsWiring
from sheets_bot.cloud_config import CloudSettings
from sheets_bot.errors import BotError
from tests.aws.moto_support import aws_session
from tests.aws.test_cloud_config import environment

KEY = "x" * 44
URL = "https://abc.lambda-url.eu-west-1.on.aws/"


def _settings(**changes: str | None) -> CloudSettings:
    return CloudSettings.from_env(environment(**changes))


def test_link_settings_from_the_environment_and_never_shown() -> None:
    settings = _settings(
        SHEETS_BOT_LINK_KEY=KEY,
        SHEETS_BOT_LINKS_URL=URL,
        SHEETS_BOT_DIGEST_TIME="07:30",
        SHEETS_BOT_FAILURE_QUEUE_ARN="arn:aws:sqs:eu-west-1:123456789012:shop-failures",
    )
    assert settings.digest_time == time(7, 30)
    assert KEY not in repr(settings)
    wiring = AwsWiring(settings, session=aws_session())
    signer = wiring.signer()
    assert signer is not None
    assert (signer.key, signer.base_url) == (KEY.encode(), URL.rstrip("/"))
    assert isinstance(wiring.marks, DynamoMarks)
    assert isinstance(wiring.failures, SqsRunFailures)


def test_without_a_key_there_are_no_links() -> None:
    wiring = AwsWiring(_settings(SHEETS_BOT_LINKS_URL=URL), session=aws_session())
    assert wiring.link_key is None
    assert wiring.signer() is None


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SHEETS_BOT_LINK_KEY", "too short"),
        ("SHEETS_BOT_LINKS_URL", "http://not-https.example"),
        ("SHEETS_BOT_DIGEST_TIME", "7 in the morning"),
    ],
)
def test_a_wrong_link_setting_is_named(name: str, value: str) -> None:
    with pytest.raises(BotError, match=name):
        _settings(**{name: value})
