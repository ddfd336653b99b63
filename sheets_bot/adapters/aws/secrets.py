"""The Google service-account key from Secrets Manager, read once per Lambda container.

A container serves many invocations; the key does not change between them, so the first
read of a secret is kept in this module (keyed by secret id) and later reads make no request.
``forget_secrets`` drops what is kept (for tests, and to pick up a rotated key).

The value never appears in a log line, an error message or a ``repr`` made here. (botocore
itself logs whole response bodies at DEBUG level: keep the ``botocore`` loggers at INFO or
above in production.)
"""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from sheets_bot.errors import BotError

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager import SecretsManagerClient

_kept: dict[str, str] = {}
_lock = threading.Lock()


def read_secret(client: SecretsManagerClient, secret_id: str) -> str:
    """The text of ``secret_id``: fetched on the first call in this process, then kept."""
    with _lock:
        kept = _kept.get(secret_id)
        if kept is None:
            kept = _fetch(client, secret_id)
            _kept[secret_id] = kept
        return kept


def service_account_info(client: SecretsManagerClient, secret_id: str) -> dict[str, Any]:
    """The service-account key JSON in ``secret_id``, as the dict that
    ``google.oauth2.service_account.Credentials.from_service_account_info`` takes."""
    try:
        info = json.loads(read_secret(client, secret_id))
    except json.JSONDecodeError:
        # "from None": the decode error keeps the whole text, which must not reach a log.
        raise BotError(
            f"secret {secret_id!r} is not JSON: store the service account's key file in it"
        ) from None
    if not isinstance(info, dict) or info.get("type") != "service_account":
        raise BotError(
            f'secret {secret_id!r} is not a Google service-account key (no "type":'
            ' "service_account"): store the key file downloaded from Google Cloud in it'
        )
    return info


def forget_secrets() -> None:
    """Drop every kept secret: the next read fetches it again."""
    with _lock:
        _kept.clear()


def _fetch(client: SecretsManagerClient, secret_id: str) -> str:
    try:
        response = client.get_secret_value(SecretId=secret_id)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code == "ResourceNotFoundException":
            raise BotError(
                f"there is no secret {secret_id!r} in Secrets Manager"
                f" ({client.meta.region_name}): create it, or fix the secret id in the settings"
            ) from None
        if code == "AccessDeniedException":
            raise BotError(
                f"this function may not read secret {secret_id!r}: its role needs"
                " secretsmanager:GetSecretValue on that secret"
            ) from None
        raise
    text = response.get("SecretString")
    if text is None:
        raise BotError(
            f"secret {secret_id!r} holds binary data: store the key file's JSON as its text"
        )
    return text
