"""The service-account key is read from Secrets Manager once per container and never shown."""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from moto import mock_aws

from sheets_bot.adapters.aws.secrets import forget_secrets, read_secret, service_account_info
from sheets_bot.errors import BotError
from tests.aws.moto_support import aws_session

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager import SecretsManagerClient

SECRET_ID = "sheets-bot/google-service-account"  # noqa: S105 - a name, not a secret
PRIVATE_KEY = (
    "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"
)
KEY_FILE = {
    "type": "service_account",
    "project_id": "corner-cafe",
    "private_key_id": "0123456789abcdef",
    "private_key": PRIVATE_KEY,
    "client_email": "sheets-bot@corner-cafe.iam.gserviceaccount.com",
}


@pytest.fixture
def client() -> Iterator[SecretsManagerClient]:
    forget_secrets()
    with mock_aws():
        client = aws_session().client("secretsmanager")
        client.create_secret(Name=SECRET_ID, SecretString=json.dumps(KEY_FILE))
        yield client
    forget_secrets()


@pytest.fixture
def reads(client: SecretsManagerClient) -> list[str]:
    calls: list[str] = []

    def count(params: dict[str, Any], **_: Any) -> None:
        calls.append(params["SecretId"])

    client.meta.events.register("provide-client-params.secrets-manager.GetSecretValue", count)
    return calls


def test_two_reads_make_one_request(client: SecretsManagerClient, reads: list[str]) -> None:
    first = service_account_info(client, SECRET_ID)
    second = service_account_info(client, SECRET_ID)

    assert first == second == KEY_FILE
    assert reads == [SECRET_ID]


def test_the_kept_value_outlives_the_client(client: SecretsManagerClient) -> None:
    read_secret(client, SECRET_ID)
    client.delete_secret(SecretId=SECRET_ID, ForceDeleteWithoutRecovery=True)

    assert service_account_info(aws_session().client("secretsmanager"), SECRET_ID) == KEY_FILE


def test_forgetting_reads_again(client: SecretsManagerClient, reads: list[str]) -> None:
    read_secret(client, SECRET_ID)
    client.put_secret_value(SecretId=SECRET_ID, SecretString=json.dumps({**KEY_FILE, "v": 2}))
    forget_secrets()

    assert service_account_info(client, SECRET_ID)["v"] == 2
    assert reads == [SECRET_ID, SECRET_ID]


def test_each_secret_is_kept_apart(client: SecretsManagerClient, reads: list[str]) -> None:
    client.create_secret(Name="other", SecretString="plain text")

    assert read_secret(client, "other") == "plain text"
    assert read_secret(client, SECRET_ID) == json.dumps(KEY_FILE)
    assert read_secret(client, "other") == "plain text"
    assert reads == ["other", SECRET_ID]


def test_a_missing_secret_is_named(client: SecretsManagerClient) -> None:
    with pytest.raises(BotError, match="no secret 'nope' in Secrets Manager"):
        read_secret(client, "nope")


@pytest.mark.parametrize(
    ("stored", "problem"),
    [
        (PRIVATE_KEY, "is not JSON"),
        (json.dumps({**KEY_FILE, "type": "authorized_user"}), "not a Google service-account"),
        (json.dumps([PRIVATE_KEY]), "not a Google service-account"),
    ],
)
def test_a_wrong_secret_is_refused_without_showing_it(
    client: SecretsManagerClient, caplog: pytest.LogCaptureFixture, stored: str, problem: str
) -> None:
    client.put_secret_value(SecretId=SECRET_ID, SecretString=stored)

    with caplog.at_level(logging.INFO), pytest.raises(BotError, match=problem) as raised:
        service_account_info(client, SECRET_ID)

    shown = "".join(traceback.format_exception(raised.value))
    assert "PRIVATE KEY" not in shown
    assert "MIIEvQ" not in shown
    assert "PRIVATE KEY" not in caplog.text


def test_binary_secrets_are_refused(client: SecretsManagerClient) -> None:
    client.create_secret(Name="binary", SecretBinary=b"\x00\x01")

    with pytest.raises(BotError, match="binary data"):
        read_secret(client, "binary")
