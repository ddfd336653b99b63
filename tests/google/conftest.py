"""Fixtures of the Google adapter tests: the fake Sheets API and generated credentials."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sheets_bot.testing.fake_sheets_api import FakeSheetsApi
from sheets_bot.testing.google_credentials import service_account_key, without_background_lookups

SERVICE_ACCOUNT = "sheets-bot@shop-project.iam.gserviceaccount.com"
IMPERSONATED = "sheets-bot-lambda@shop-project.iam.gserviceaccount.com"


@pytest.fixture(autouse=True)
def _no_background_token_lookups(monkeypatch: pytest.MonkeyPatch) -> None:
    without_background_lookups(monkeypatch)


@pytest.fixture
def fake() -> Iterator[FakeSheetsApi]:
    with FakeSheetsApi.running() as running:
        yield running


@pytest.fixture
def service_account_info() -> dict[str, Any]:
    """A service-account key file's contents, as the Cloud console downloads it."""
    return service_account_key(SERVICE_ACCOUNT)


@pytest.fixture
def key_file(tmp_path: Path, service_account_info: dict[str, Any]) -> Path:
    path = tmp_path / "sheets-bot-key.json"
    path.write_text(json.dumps(service_account_info), encoding="utf-8")
    return path


@pytest.fixture
def aws_federation_info() -> dict[str, Any]:
    """A credential configuration as ``gcloud iam workload-identity-pools create-cred-config
    ... --aws --service-account ...`` writes it: no secret in it."""
    return {
        "universe_domain": "googleapis.com",
        "type": "external_account",
        "audience": "//iam.googleapis.com/projects/123456789012/locations/global/"
        "workloadIdentityPools/sheets-bot/providers/aws",
        "subject_token_type": "urn:ietf:params:aws:token-type:aws4_request",
        "service_account_impersonation_url": "https://iamcredentials.googleapis.com/v1/"
        f"projects/-/serviceAccounts/{IMPERSONATED}:generateAccessToken",
        "token_url": "https://sts.googleapis.com/v1/token",
        "credential_source": {
            "environment_id": "aws1",
            "region_url": "http://169.254.169.254/latest/meta-data/placement/availability-zone",
            "url": "http://169.254.169.254/latest/meta-data/iam/security-credentials",
            "regional_cred_verification_url": "https://sts.{region}.amazonaws.com"
            "?Action=GetCallerIdentity&Version=2011-06-15",
        },
    }
