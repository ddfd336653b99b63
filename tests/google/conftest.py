"""Fixtures of the Google adapter tests: the fake Sheets API and generated credentials."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from sheets_bot.testing.fake_sheets_api import FakeSheetsApi

SERVICE_ACCOUNT = "sheets-bot@shop-project.iam.gserviceaccount.com"
IMPERSONATED = "sheets-bot-lambda@shop-project.iam.gserviceaccount.com"
TOKEN_URI = "https://oauth2.googleapis.com/token"  # noqa: S105 - a URL, not a secret


@pytest.fixture
def fake() -> Iterator[FakeSheetsApi]:
    with FakeSheetsApi.running() as running:
        yield running


@pytest.fixture(scope="session")
def private_key_pem() -> str:
    """A fresh RSA key, as a service-account JSON key holds it (PKCS#8 PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.fixture
def service_account_info(private_key_pem: str) -> dict[str, Any]:
    """A service-account key file's contents, as the Cloud console downloads it."""
    return {
        "type": "service_account",
        "project_id": "shop-project",
        "private_key_id": "0123456789abcdef0123456789abcdef01234567",
        "private_key": private_key_pem,
        "client_email": SERVICE_ACCOUNT,
        "client_id": "100000000000000000001",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": TOKEN_URI,
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/sheets-bot",
        "universe_domain": "googleapis.com",
    }


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
