"""Google credentials for the Sheets API, and the address the owner shares the sheet with.

Two kinds are accepted, both as the JSON Google hands out:

* a service-account key (``"type": "service_account"``), from a file or from the environment;
* a Workload Identity Federation configuration for AWS (``"type": "external_account"`` with
  ``credential_source.environment_id`` ``aws1``): no key is stored anywhere; in a Lambda the
  function's own AWS role is exchanged for a short-lived Google token of the service account
  named in ``service_account_impersonation_url``.

Nothing is fetched here (tokens come on the first request), and no key material is ever put
in an error message. The only scope asked for is the spreadsheets one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from google.auth import aws
from google.auth.credentials import Credentials
from google.oauth2 import service_account

from sheets_bot.adapters.google.errors import GoogleCredentialsError

SCOPES: Final = ("https://www.googleapis.com/auth/spreadsheets",)
AWS_SUBJECT_KIND: Final = "urn:ietf:params:aws:token-type:aws4_request"


@dataclass(frozen=True)
class GoogleIdentity:
    """Credentials, and the service account's email: the address to share the sheet with."""

    credentials: Credentials
    email: str
    kind: str
    """``service account key`` or ``workload identity federation (AWS)``."""


def load_identity(*, path: Path | None = None, json_text: str | None = None) -> GoogleIdentity:
    """From a file (``--credentials`` / ``GOOGLE_APPLICATION_CREDENTIALS``) or JSON text
    (``SHEETS_BOT_GOOGLE_CREDENTIALS_JSON``); the file wins when both are given."""
    if path is not None:
        return identity_from_file(path)
    if json_text is not None and json_text.strip():
        return identity_from_json(json_text, "SHEETS_BOT_GOOGLE_CREDENTIALS_JSON")
    raise GoogleCredentialsError(
        "no Google credentials: pass --credentials PATH (a service-account key or a workload"
        " identity configuration), or set GOOGLE_APPLICATION_CREDENTIALS or"
        " SHEETS_BOT_GOOGLE_CREDENTIALS_JSON"
    )


def identity_from_file(path: Path) -> GoogleIdentity:
    try:
        text = path.expanduser().read_text(encoding="utf-8")
    except OSError as error:
        raise GoogleCredentialsError(
            f"cannot read the Google credentials file {path}: {error.strerror or error}"
        ) from None
    return identity_from_json(text, str(path))


def identity_from_json(text: str, source: str) -> GoogleIdentity:
    try:
        info = json.loads(text)
    except ValueError:
        raise GoogleCredentialsError(
            f"the Google credentials in {source} are not JSON (expected a service-account key"
            " or a workload identity configuration downloaded from Google Cloud)"
        ) from None
    if not isinstance(info, dict):
        raise GoogleCredentialsError(f"the Google credentials in {source} are not a JSON object")
    return identity_from_info(info, source)


def identity_from_info(info: Mapping[str, Any], source: str) -> GoogleIdentity:
    kind = info.get("type")
    if kind == "service_account":
        return _service_account(info, source)
    if kind == "external_account":
        return _aws_federation(info, source)
    raise GoogleCredentialsError(
        f"the Google credentials in {source} have type {kind!r}: expected 'service_account'"
        " (a key file) or 'external_account' (workload identity federation from AWS)"
    )


def _service_account(info: Mapping[str, Any], source: str) -> GoogleIdentity:
    missing = [key for key in ("client_email", "private_key", "token_uri") if not info.get(key)]
    if missing:
        raise GoogleCredentialsError(
            f"the service-account key in {source} lacks {', '.join(missing)}:"
            " download a new JSON key for the service account"
        )
    try:
        credentials = service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
            dict(info), scopes=list(SCOPES)
        )
    except (ValueError, TypeError, IndexError):
        # The library's message may quote the key; ours never does.
        raise GoogleCredentialsError(
            f"the private key of the service-account key in {source} cannot be read:"
            " download a new JSON key for the service account"
        ) from None
    return GoogleIdentity(credentials, str(info["client_email"]), "service account key")


def _aws_federation(info: Mapping[str, Any], source: str) -> GoogleIdentity:
    credential_source = info.get("credential_source")
    environment = (
        credential_source.get("environment_id") if isinstance(credential_source, dict) else None
    )
    if info.get("subject_token_type") != AWS_SUBJECT_KIND or not str(environment or "").startswith(
        "aws"
    ):
        raise GoogleCredentialsError(
            f"the workload identity configuration in {source} is not for AWS: sheets-bot"
            " accepts external_account credentials whose source is AWS (environment_id aws1)"
        )
    try:
        credentials = aws.Credentials.from_info(dict(info), scopes=list(SCOPES))  # type: ignore[no-untyped-call]
    except ValueError as error:
        raise GoogleCredentialsError(
            f"the workload identity configuration in {source} is not valid: {error}"
        ) from None
    email = credentials.service_account_email
    if not email:
        raise GoogleCredentialsError(
            f"the workload identity configuration in {source} impersonates no service account:"
            " create it with --service-account EMAIL, so the sheet can be shared with that"
            " address"
        )
    return GoogleIdentity(credentials, str(email), "workload identity federation (AWS)")
