"""The Google service-account key from Secrets Manager, read once per Lambda container.

Powertools' ``SecretsProvider`` (what ``parameters.get_secret`` uses, here given the wiring's
client) fetches a secret and keeps it for ``KEEP_SECONDS``, far longer than a container lives:
the first read of a secret makes the request, later reads make none. ``forget_secrets`` drops
what is kept (for tests, and to pick up a rotated key).

The value never appears in a log line, an error message or a ``repr`` made here. (botocore
itself logs whole response bodies at DEBUG level: keep the ``botocore`` loggers at INFO or
above in production.)
"""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING, Any, Final

from botocore.exceptions import ClientError

from sheets_bot.errors import BotError

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.parameters import SecretsProvider
    from mypy_boto3_secretsmanager import SecretsManagerClient

KEEP_SECONDS: Final = 7 * 24 * 3600
"""How long a read secret is kept: longer than any Lambda container lives."""

_provider: SecretsProvider | None = None
_lock = threading.Lock()


def read_secret(client: SecretsManagerClient, secret_id: str) -> str:
    """The text of ``secret_id``: fetched on the first call in this process, then kept.
    (Powertools is imported here: only the ``secret`` credential mode reads a secret.)"""
    from aws_lambda_powertools.utilities.parameters import SecretsProvider
    from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError

    global _provider
    with _lock:
        if _provider is None:
            _provider = SecretsProvider(boto3_client=client)
        try:
            value = _provider.get(secret_id, max_age=KEEP_SECONDS)
        except GetParameterError as error:
            # "from None": the provider's message repeats the service's, never the value,
            # but the chain is of no use to the owner.
            raise _explained(error, client, secret_id) from None
    if not isinstance(value, str):
        raise BotError(
            f"secret {secret_id!r} holds binary data: store the key file's JSON as its text"
        )
    return value


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
    """Drop every kept secret (and the client they were read with): the next read fetches."""
    global _provider
    with _lock:
        _provider = None


def _explained(error: Exception, client: SecretsManagerClient, secret_id: str) -> Exception:
    """What to do about a failed read, from the service's error code; else the error."""
    cause = error.__context__
    code = cause.response.get("Error", {}).get("Code", "") if isinstance(cause, ClientError) else ""
    if code == "ResourceNotFoundException":
        return BotError(
            f"there is no secret {secret_id!r} in Secrets Manager"
            f" ({client.meta.region_name}): create it, or fix the secret id in the settings"
        )
    if code == "AccessDeniedException":
        return BotError(
            f"this function may not read secret {secret_id!r}: its role needs"
            " secretsmanager:GetSecretValue on that secret"
        )
    return error
