"""Credentials from a service-account key (file or environment) and from Workload Identity
Federation with AWS, built from generated JSON with no network; then the real token flows of
both, with Google's and AWS's endpoints answered by ``responses``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote

import pytest
import responses
from google.auth import aws
from google.oauth2 import service_account

from sheets_bot.adapters.google.credentials import SCOPES, identity_from_info, load_identity
from sheets_bot.adapters.google.errors import GoogleCredentialsError, SheetNotSharedError
from sheets_bot.adapters.google.sheet import open_google_sheet
from sheets_bot.testing.fake_sheets_api import FakeSheetsApi
from sheets_bot.testing.google_credentials import TOKEN_URI
from tests.google.conftest import IMPERSONATED, SERVICE_ACCOUNT


def test_a_key_file_gives_service_account_credentials_for_sheets_only(key_file: Path) -> None:
    identity = load_identity(path=key_file)

    assert identity.email == SERVICE_ACCOUNT
    assert identity.kind == "service account key"
    assert isinstance(identity.credentials, service_account.Credentials)
    assert identity.credentials.scopes == list(SCOPES)
    assert SCOPES == ("https://www.googleapis.com/auth/spreadsheets",)
    assert identity.credentials.signer.sign(b"payload")


def test_the_key_can_come_from_the_environment(service_account_info: dict[str, Any]) -> None:
    identity = load_identity(json_text=json.dumps(service_account_info))
    assert identity.email == SERVICE_ACCOUNT


def test_a_file_wins_over_json_text(key_file: Path) -> None:
    assert load_identity(path=key_file, json_text="not json").email == SERVICE_ACCOUNT


def test_no_credentials_says_where_to_put_them() -> None:
    with pytest.raises(GoogleCredentialsError, match="--credentials PATH") as raised:
        load_identity()
    assert "GOOGLE_APPLICATION_CREDENTIALS" in str(raised.value)
    assert "SHEETS_BOT_GOOGLE_CREDENTIALS_JSON" in str(raised.value)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(GoogleCredentialsError, match="cannot read the Google credentials file"):
        load_identity(path=tmp_path / "nope.json")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "are not JSON"),
        ("[1, 2]", "not a JSON object"),
        ('{"type": "authorized_user"}', "have type 'authorized_user'"),
        ('{"type": "service_account", "client_email": "x@y"}', "lacks private_key, token_uri"),
    ],
)
def test_malformed_credentials_are_one_line_errors(text: str, message: str) -> None:
    with pytest.raises(GoogleCredentialsError, match=message) as raised:
        load_identity(json_text=text)
    assert "\n" not in str(raised.value)


def test_a_broken_key_is_reported_without_quoting_it(service_account_info: dict[str, Any]) -> None:
    secret = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" + "S3CR3T" * 10
    broken = {
        **service_account_info,
        "private_key": f"-----BEGIN PRIVATE KEY-----\n{secret}\n-----END PRIVATE KEY-----\n",
    }

    with pytest.raises(GoogleCredentialsError, match="cannot be read") as raised:
        identity_from_info(broken, "key.json")

    assert "S3CR3T" not in str(raised.value)
    assert raised.value.__cause__ is None
    assert raised.value.__suppress_context__


def test_aws_federation_needs_no_key_and_names_the_impersonated_account(
    aws_federation_info: dict[str, Any],
) -> None:
    identity = load_identity(json_text=json.dumps(aws_federation_info))

    assert isinstance(identity.credentials, aws.Credentials)
    assert identity.email == IMPERSONATED
    assert identity.kind == "workload identity federation (AWS)"
    assert identity.credentials.scopes == list(SCOPES)


def test_federation_from_anything_but_aws_is_refused(aws_federation_info: dict[str, Any]) -> None:
    executable = {
        **aws_federation_info,
        "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
        "credential_source": {"executable": {"command": "/bin/sh -c 'curl evil'"}},
    }
    with pytest.raises(GoogleCredentialsError, match="is not for AWS"):
        identity_from_info(executable, "config.json")


def test_federation_without_impersonation_has_no_address_to_share_with(
    aws_federation_info: dict[str, Any],
) -> None:
    del aws_federation_info["service_account_impersonation_url"]
    with pytest.raises(GoogleCredentialsError, match="--service-account EMAIL"):
        identity_from_info(aws_federation_info, "config.json")


def _form(body: object) -> dict[str, list[str]]:
    text = body.decode() if isinstance(body, bytes) else str(body)
    return parse_qs(text)


def _token_requests(rsps: responses.RequestsMock, url: str) -> list[dict[str, list[str]]]:
    return [
        _form(call.request.body)
        for call in rsps.calls
        if call.request.url is not None and call.request.url.startswith(url)
    ]


def test_a_service_account_key_gets_a_token_and_reads_the_sheet(key_file: Path) -> None:
    fake = FakeSheetsApi()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake.install(rsps)
        rsps.add(
            responses.POST,
            TOKEN_URI,
            json={"access_token": "ya29.from-key", "expires_in": 3600, "token_type": "Bearer"},
        )
        key = fake.create_spreadsheet("Shop", first_tab="Stock")
        fake.set_values(key, "Stock!A1", [["SKU"], ["A-1"]])

        sheet = open_google_sheet(key, load_identity(path=key_file))
        assert sheet.read(["Stock"]) == {"Stock": [["SKU"], ["A-1"]]}

        [grant] = _token_requests(rsps, TOKEN_URI)
        assert grant["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]
        sheets_calls = [c for c in rsps.calls if "sheets.googleapis.com" in str(c.request.url)]
        assert len(sheets_calls) == 2
        assert {c.request.headers["Authorization"] for c in sheets_calls} == {
            "Bearer ya29.from-key"
        }


def test_aws_federation_exchanges_the_lambda_role_for_a_token(
    aws_federation_info: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """As in a Lambda: AWS's credentials are in the environment; Google's STS takes a signed
    GetCallerIdentity request, then IAM Credentials mints the service account's token."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "ASIAEXAMPLEEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "aws-secret-from-the-lambda-role")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "aws-session-token")
    monkeypatch.setenv("AWS_REGION", "eu-west-2")
    fake = FakeSheetsApi()
    impersonate = str(aws_federation_info["service_account_impersonation_url"])
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake.install(rsps)
        sts = rsps.add(
            responses.POST,
            "https://sts.googleapis.com/v1/token",
            json={
                "access_token": "federated-token",
                "issued_token_type": "urn:ietf:params:oauth:token-type:access_token",
                "token_type": "Bearer",
                "expires_in": 3600,
            },
        )
        iam = rsps.add(
            responses.POST,
            impersonate,
            json={"accessToken": "ya29.impersonated", "expireTime": "2099-01-01T00:00:00Z"},
        )
        key = fake.create_spreadsheet("Shop", first_tab="Stock")
        fake.set_shared(key, False)

        sheet = open_google_sheet(key, load_identity(json_text=json.dumps(aws_federation_info)))
        with pytest.raises(SheetNotSharedError, match=f"share the sheet with {IMPERSONATED}"):
            sheet.read(["Stock"])

        assert (sts.call_count, iam.call_count) == (1, 1)
        exchange = _form(rsps.calls[0].request.body)
        assert exchange["audience"] == [aws_federation_info["audience"]]
        subject = json.loads(unquote(exchange["subject_token"][0]))
        assert subject["url"] == (
            "https://sts.eu-west-2.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15"
        )
        assert "aws-secret-from-the-lambda-role" not in json.dumps(subject)
        [sheets_call] = [c for c in rsps.calls if "sheets.googleapis.com" in str(c.request.url)]
        assert sheets_call.request.headers["Authorization"] == "Bearer ya29.impersonated"
