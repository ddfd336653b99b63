"""The digest lane's part of the AWS wiring: the link key, links URL and digest time from the
environment (named when wrong, never shown), and the daily check's bundle: the signer, the
digest time, the marks and the failure queue (a function without the queue fails, named).
(That only the daily check's adapters get the queue is shown in tests/lambdas/test_a_day.)"""

from __future__ import annotations

import json
from datetime import time

import pytest

from sheets_bot.adapters.aws.dynamodb_marks import DynamoMarks
from sheets_bot.adapters.aws.sqs_failures import SqsRunFailures
from sheets_bot.adapters.aws.wiring import AwsWiring
from sheets_bot.cloud_config import CloudSettings
from sheets_bot.errors import BotError
from tests.aws.moto_support import aws_session
from tests.aws.test_cloud_config import environment
from tests.aws.test_wiring import AWS_WIF

KEY = "x" * 44
URL = "https://abc.lambda-url.eu-west-1.on.aws/"


QUEUE = "arn:aws:sqs:eu-west-1:123456789012:shop-failures"


def _settings(**changes: str | None) -> CloudSettings:
    base = {"SHEETS_BOT_GOOGLE_WIF_CONFIG": json.dumps(AWS_WIF)}
    return CloudSettings.from_env(environment(**{**base, **changes}))


def test_link_settings_from_the_environment_and_never_shown() -> None:
    settings = _settings(
        SHEETS_BOT_LINK_KEY=KEY,
        SHEETS_BOT_LINKS_URL=URL,
        SHEETS_BOT_DIGEST_TIME="07:30",
        SHEETS_BOT_FAILURE_QUEUE_ARN=QUEUE,
    )
    assert settings.digest_time == time(7, 30)
    assert KEY not in repr(settings)
    ports = AwsWiring(settings, session=aws_session()).daily_adapters()
    signer = ports.links
    assert signer is not None
    assert (signer.key, signer.base_url) == (KEY.encode(), URL.rstrip("/"))
    assert ports.digest_time == time(7, 30)
    assert isinstance(ports.marks, DynamoMarks)
    assert isinstance(ports.failures, SqsRunFailures)


def test_without_a_key_there_are_no_links() -> None:
    settings = _settings(SHEETS_BOT_LINKS_URL=URL, SHEETS_BOT_FAILURE_QUEUE_ARN=QUEUE)
    wiring = AwsWiring(settings, session=aws_session())
    assert wiring.link_key is None
    assert wiring.daily_adapters().links is None


def test_the_daily_check_without_the_failure_queue_fails_naming_it() -> None:
    wiring = AwsWiring(_settings(SHEETS_BOT_LINKS_URL=URL), session=aws_session())
    with pytest.raises(BotError, match="SHEETS_BOT_FAILURE_QUEUE_ARN"):
        wiring.daily_adapters()


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
