"""CloudSettings: built once from the environment the SAM template sets; a missing or wrong
variable is named; nothing secret is shown."""

from __future__ import annotations

import json

import pytest

from sheets_bot.cloud_config import ENV, CloudSettings, GoogleCredentialMode
from sheets_bot.errors import BotError

SHEET_ID = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde"
SECRET_ID = "shop/google-key"  # noqa: S105 - a secret's name, not its value
WIF = {
    "type": "external_account",
    "audience": "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/x",
    "subject_token_type": "urn:ietf:params:aws:token-type:aws4_request",
    "credential_source": {"environment_id": "aws1"},
}


def environment(**changes: str | None) -> dict[str, str]:
    env = {
        "SHEETS_BOT_SHEET_ID": SHEET_ID,
        "AWS_REGION": "eu-west-1",
        "SHEETS_BOT_LEDGER_TABLE": "shop-ledger",
        "SHEETS_BOT_AUDIT_TABLE": "shop-audit",
        "SHEETS_BOT_MEMORY_TABLE": "shop-cell-memory",
        "SHEETS_BOT_BUCKET": "shop-snapshots-123",
        "SHEETS_BOT_FROM_ADDRESS": "orders@corner-cafe.example",
        "SHEETS_BOT_GOOGLE_CREDENTIALS": "wif",
        "SHEETS_BOT_GOOGLE_WIF_CONFIG": json.dumps(WIF),
        "SHEETS_BOT_TIMEZONE": "Europe/London",
    }
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def test_everything_from_the_environment() -> None:
    settings = CloudSettings.from_env(
        environment(
            SHEETS_BOT_SCHEDULE_GROUP="shop-sends",
            SHEETS_BOT_SCHEDULER_ROLE_ARN="arn:aws:iam::1:role/shop-scheduler",
        )
    )

    assert settings.sheet_id == SHEET_ID
    assert settings.tables.ledger == "shop-ledger"
    assert settings.tables.memory == "shop-cell-memory"
    assert settings.google_credentials is GoogleCredentialMode.WIF
    assert settings.schedules_sends
    assert settings.timezone == "Europe/London"
    assert "external_account" not in repr(settings)


def test_without_a_schedule_group_no_one_off_sends() -> None:
    assert not CloudSettings.from_env(environment()).schedules_sends


def test_the_secret_mode_needs_only_the_secret_id() -> None:
    settings = CloudSettings.from_env(
        environment(
            SHEETS_BOT_GOOGLE_CREDENTIALS="secret",
            SHEETS_BOT_GOOGLE_WIF_CONFIG=None,
            SHEETS_BOT_GOOGLE_SECRET_ID=SECRET_ID,
        )
    )
    assert settings.google_secret_id == SECRET_ID


def test_every_missing_variable_is_named() -> None:
    env = environment(SHEETS_BOT_GOOGLE_CREDENTIALS=None, SHEETS_BOT_SHEET_ID="  ")
    with pytest.raises(BotError, match="lacks SHEETS_BOT_SHEET_ID, SHEETS_BOT_GOOGLE_CREDENTIALS"):
        CloudSettings.from_env(env)


def test_a_lane_sees_only_its_settings_and_names_what_it_lacks() -> None:
    """A function gets only its lane's variables (LANES): what its wiring reads is those. A
    port built from a setting outside them is refused, naming it; one of its own settings
    that its environment lacks is named as lacking."""
    settings = CloudSettings.from_env(environment())
    sync = settings.only("drive_sync")

    assert sync.bucket == settings.bucket
    assert sync.ledger_table is None
    with pytest.raises(BotError, match="drive_sync function may not read SHEETS_BOT_LEDGER_TABLE"):
        sync.need("ledger_table")
    with pytest.raises(BotError, match=r"LANES\['drive_sync'\]"):
        sync.need("ledger_table")
    assert settings.need("ledger_table") == "shop-ledger"  # the whole settings: the CLI's
    unset = CloudSettings.from_env(environment(SHEETS_BOT_BUCKET=None)).only("drive_sync")
    with pytest.raises(BotError, match="lacks SHEETS_BOT_BUCKET"):
        unset.need("bucket")
    assert settings.only("poll_decisions").timezone == settings.timezone
    assert settings.only("daily_check").timezone == "UTC"  # the default: not its own


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"SHEETS_BOT_GOOGLE_CREDENTIALS": "key"}, "SHEETS_BOT_GOOGLE_CREDENTIALS is not valid"),
        ({"SHEETS_BOT_SHEET_ID": "short"}, "SHEETS_BOT_SHEET_ID is not valid"),
        ({"SHEETS_BOT_FROM_ADDRESS": "orders at cafe"}, "SHEETS_BOT_FROM_ADDRESS"),
        ({"SHEETS_BOT_TIMEZONE": "Mars/Olympus"}, "not a timezone name"),
        ({"SHEETS_BOT_GOOGLE_WIF_CONFIG": None}, "needs the workload identity configuration"),
        ({"SHEETS_BOT_GOOGLE_WIF_CONFIG": "{not json"}, "SHEETS_BOT_GOOGLE_WIF_CONFIG is not JSON"),
        (
            {"SHEETS_BOT_GOOGLE_CREDENTIALS": "secret"},
            "needs the secret's id in SHEETS_BOT_GOOGLE_SECRET_ID",
        ),
        ({"SHEETS_BOT_SCHEDULE_GROUP": "sends"}, "go together"),
    ],
)
def test_a_wrong_setting_is_named(changes: dict[str, str | None], message: str) -> None:
    with pytest.raises(BotError, match=message):
        CloudSettings.from_env(environment(**changes))


def test_the_wif_configuration_never_reaches_an_error_message() -> None:
    with pytest.raises(BotError) as caught:
        CloudSettings.from_env(environment(SHEETS_BOT_GOOGLE_WIF_CONFIG='{"a": "PRIVATE'))
    assert "PRIVATE" not in str(caught.value)


def test_every_field_has_its_variable() -> None:
    assert set(ENV) == set(CloudSettings.model_fields)
