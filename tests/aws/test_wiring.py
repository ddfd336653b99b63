"""The AWS wiring: clients and the Google identity made once per container, the adapters of a
run, one-off sends only when the stack has a schedule group, and only the verified sender."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import fields
from email.message import EmailMessage
from typing import Any

import pytest
from moto import mock_aws

from sheets_bot.adapters.aws import wiring as wiring_module
from sheets_bot.adapters.aws.dynamodb_live import DynamoClaims, DynamoReceiptLog, DynamoSalesLog
from sheets_bot.adapters.aws.s3_blobs import S3Blobs
from sheets_bot.adapters.aws.scheduler import EventBridgeScheduler
from sheets_bot.adapters.aws.secrets import forget_secrets
from sheets_bot.adapters.aws.wiring import AwsWiring, VerifiedSenderMailer, cloud, function_arn
from sheets_bot.adapters.off import NoReceiptLog, NoSalesLog
from sheets_bot.cloud_config import CloudSettings
from sheets_bot.errors import BotError, MailRejected
from sheets_bot.services.lanes import DailyPorts
from sheets_bot.testing.google_credentials import service_account_key
from sheets_bot.testing.recording_mailer import RecordingMailer
from tests.aws.moto_support import REGION, aws_session
from tests.aws.test_cloud_config import WIF, environment

ACCOUNT = "corner-cafe-bot@corner-cafe.iam.gserviceaccount.com"
SECRET_ID = "shop/google"  # noqa: S105 - a secret's name, not its value
POLLER = f"arn:aws:lambda:{REGION}:123456789012:function:shop-poll-decisions"
AWS_WIF = {
    **WIF,
    "token_url": "https://sts.googleapis.com/v1/token",
    "credential_source": {
        "environment_id": "aws1",
        "region_url": "http://169.254.169.254/latest/meta-data/placement/availability-zone",
        "url": "http://169.254.169.254/latest/meta-data/iam/security-credentials",
        "regional_cred_verification_url": (
            "https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15"
        ),
    },
    "service_account_impersonation_url": (
        "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/"
        f"{ACCOUNT}:generateAccessToken"
    ),
}


def settings(**changes: str | None) -> CloudSettings:
    base: dict[str, str | None] = {
        "AWS_REGION": REGION,
        "SHEETS_BOT_GOOGLE_WIF_CONFIG": json.dumps(AWS_WIF),
    }
    env = environment(**{**base, **changes})
    return CloudSettings.from_env(env)


@pytest.fixture(autouse=True)
def fresh() -> Iterator[None]:
    forget_secrets()
    wiring_module.use(None)
    yield
    wiring_module.use(None)
    forget_secrets()


def message(sender: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = f"Corner Café <{sender}>"
    mail["To"] = "orders@beanbros.example"
    mail.set_content("PO")
    return mail


def test_only_the_verified_sender_is_sent() -> None:
    inner = RecordingMailer()
    mailer = VerifiedSenderMailer(inner, "orders@corner-cafe.example")

    mailer.send(message("Orders@Corner-Cafe.example"))
    with pytest.raises(MailRejected, match="set 'From address' in Settings to orders@corner"):
        mailer.send(message("owner@gmail.example"))

    assert len(inner.sent) == 1


def test_clients_and_the_identity_are_made_once_per_container() -> None:
    wiring = AwsWiring(settings(), session=aws_session())

    assert wiring.dynamodb is wiring.dynamodb
    assert wiring.identity is wiring.identity
    assert wiring.http is wiring.http
    assert wiring.identity.email == ACCOUNT
    assert wiring.identity.kind == "workload identity federation (AWS)"
    assert wiring.sheet() is not wiring.sheet()
    assert wiring.sheet().location.endswith(f"/d/{wiring.settings.sheet_id}/edit")


def test_the_secret_mode_reads_the_key_from_secrets_manager_once() -> None:
    with mock_aws():
        session = aws_session()
        client = session.client("secretsmanager")
        client.create_secret(
            Name="shop/google", SecretString=json.dumps(service_account_key(ACCOUNT))
        )
        wiring = AwsWiring(
            settings(
                SHEETS_BOT_GOOGLE_CREDENTIALS="secret",
                SHEETS_BOT_GOOGLE_WIF_CONFIG=None,
                SHEETS_BOT_GOOGLE_SECRET_ID=SECRET_ID,
            ),
            session=session,
        )

        assert wiring.identity.email == ACCOUNT
        assert wiring.identity.kind == "service account key"
        assert "BEGIN PRIVATE KEY" not in repr(wiring)


def test_one_off_sends_need_a_group_a_role_and_the_pollers_arn() -> None:
    without = AwsWiring(settings(), session=aws_session())
    assert without.poll_adapters(POLLER).scheduler is None

    grouped = AwsWiring(
        settings(
            SHEETS_BOT_SCHEDULE_GROUP="shop-sends",
            SHEETS_BOT_SCHEDULER_ROLE_ARN="arn:aws:iam::123456789012:role/shop-scheduler",
        ),
        session=aws_session(),
    )
    assert grouped.poll_adapters("").scheduler is None
    scheduler = grouped.poll_adapters(f"{POLLER}:live").scheduler
    assert isinstance(scheduler, EventBridgeScheduler)
    assert scheduler.target_arn == POLLER
    assert scheduler.zone.key == "Europe/London"
    assert "scheduler" not in {field.name for field in fields(DailyPorts)}  # only the poll


def test_without_the_live_table_the_lanes_say_so() -> None:
    """A stack deployed without the live table: named stand-ins for the learning's sales and
    receipts, no claims (no receiving, confirmations, follow-ups); with it, DynamoDB."""
    queue = {"SHEETS_BOT_FAILURE_QUEUE_ARN": "arn:aws:sqs:eu-west-1:123456789012:failures"}
    without = AwsWiring(settings(**queue), session=aws_session())
    poll = without.poll_adapters(POLLER)
    assert isinstance(poll.sales, NoSalesLog) and isinstance(poll.receipts, NoReceiptLog)
    assert poll.claims is None and poll.confirm_links is None
    assert isinstance(without.daily_adapters().sales, NoSalesLog)
    assert isinstance(without.monthly_adapters().receipts, NoReceiptLog)

    live = AwsWiring(settings(**queue, SHEETS_BOT_LIVE_TABLE="shop-live"), session=aws_session())
    poll = live.poll_adapters(POLLER)
    assert isinstance(poll.sales, DynamoSalesLog) and isinstance(poll.claims, DynamoClaims)
    assert isinstance(live.daily_adapters().receipts, DynamoReceiptLog)


def test_each_lane_gets_what_it_needs_and_no_more() -> None:
    wiring = AwsWiring(settings(), session=aws_session())
    intake = wiring.intake_adapters()
    assert isinstance(intake.blobs, S3Blobs) and intake.parser is not None
    assert not hasattr(intake, "mailer")  # the intake sends no mail
    assert not hasattr(wiring.decision_adapters(), "mailer")
    assert wiring.monthly_adapters().narrator is None  # no SHEETS_BOT_SUMMARY_MODEL


def test_the_daily_check_keeps_its_learned_demand_in_the_bucket() -> None:
    from sheets_bot.services.learner_states import BlobLearnerStates

    queue = {"SHEETS_BOT_FAILURE_QUEUE_ARN": "arn:aws:sqs:eu-west-1:123456789012:failures"}
    learned = AwsWiring(settings(**queue), session=aws_session()).daily_adapters().learned
    assert isinstance(learned, BlobLearnerStates) and isinstance(learned.blobs, S3Blobs)
    assert learned.key == f"learning/{settings().sheet_id}/demand.bin"


def test_function_arn_drops_a_version_or_alias() -> None:
    assert function_arn(f"{POLLER}:7") == POLLER
    assert function_arn(POLLER) == POLLER


def test_cloud_is_built_from_the_environment_once(monkeypatch: pytest.MonkeyPatch) -> None:
    env: dict[str, Any] = environment(SHEETS_BOT_GOOGLE_WIF_CONFIG=json.dumps(AWS_WIF))
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    assert cloud() is cloud()
    assert cloud().settings.bucket == "shop-snapshots-123"


def test_a_missing_variable_stops_the_function_with_its_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SHEETS_BOT_SHEET_ID", raising=False)
    monkeypatch.setenv("AWS_REGION", REGION)

    with pytest.raises(BotError, match="SHEETS_BOT_SHEET_ID"):
        cloud()
