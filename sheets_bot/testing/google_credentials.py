"""Google credentials for tests, generated here: a service-account key with a fresh RSA key,
and a responses route for Google's token endpoint, so the real OAuth flow runs offline."""

from __future__ import annotations

import functools
from typing import Any, Final

import pytest
import responses
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth import credentials

TOKEN_URI: Final = "https://oauth2.googleapis.com/token"  # noqa: S105 - a URL, not a secret
TEST_ACCESS_TOKEN: Final = "ya29.test-token"  # noqa: S105 - what the fake token endpoint hands out


@functools.cache
def private_key_pem() -> str:
    """An RSA key as a service-account JSON key holds it (PKCS#8 PEM), one per process."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def service_account_key(email: str, project: str = "shop-project") -> dict[str, Any]:
    """A service-account key file's contents, as the Cloud console downloads it."""
    return {
        "type": "service_account",
        "project_id": project,
        "private_key_id": "0123456789abcdef0123456789abcdef01234567",
        "private_key": private_key_pem(),
        "client_email": email,
        "client_id": "100000000000000000001",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": TOKEN_URI,
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/sheets-bot",
        "universe_domain": "googleapis.com",
    }


def serve_tokens(rsps: responses.RequestsMock) -> None:
    """Answer every token request (a signed JWT grant) with an access token."""
    rsps.add(
        responses.POST,
        TOKEN_URI,
        json={"access_token": TEST_ACCESS_TOKEN, "expires_in": 3600, "token_type": "Bearer"},
    )


def without_background_lookups(monkeypatch: pytest.MonkeyPatch) -> None:
    """Turn off google-auth's "regional access boundary" lookup for the test.

    Since google-auth 2.60, credentials look up the locations their token may be used from
    in a background thread after each token refresh. In a test that thread reaches whatever
    HTTP mock is active when it runs, maybe the next test's, or none; the Sheets requests the
    tests look at are unaffected either way."""
    manager = getattr(credentials, "CredentialsWithRegionalAccessBoundary", None)
    if manager is not None:
        monkeypatch.setattr(
            manager, "_is_regional_access_boundary_lookup_required", lambda _self: False
        )
