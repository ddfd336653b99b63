"""Settings of the AWS deployment, built once per Lambda container from the environment
variables the SAM template (``infra/template.yaml``) sets.

Nothing secret is ever held here: with Workload Identity Federation the Google credential
configuration is only a description of where to get a token (no key), and with a stored key
only the secret's id is known; ``aws/secrets.py`` reads the key itself, once per container.

Every variable the deployment needs is listed in ``ENV``; a missing or malformed one stops the
function with one line naming the variable.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from datetime import time
from enum import StrEnum
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SecretStr, ValidationError

from sheets_bot.adapters.aws.tables import TableNames
from sheets_bot.domain.addresses import AddressProblem, validate_address
from sheets_bot.errors import BotError


class GoogleCredentialMode(StrEnum):
    """How the functions authenticate to Google."""

    WIF = "wif"
    """Workload Identity Federation: the function's AWS role is exchanged for a short-lived
    Google token. No key exists anywhere. Recommended."""
    SECRET = "secret"  # noqa: S105 - the name of a mode, not a secret
    """A service-account key stored in Secrets Manager, read once per container."""


ENV: Final = {
    "sheet_id": "SHEETS_BOT_SHEET_ID",
    "region": "AWS_REGION",
    "ledger_table": "SHEETS_BOT_LEDGER_TABLE",
    "audit_table": "SHEETS_BOT_AUDIT_TABLE",
    "memory_table": "SHEETS_BOT_MEMORY_TABLE",
    "bucket": "SHEETS_BOT_BUCKET",
    "from_address": "SHEETS_BOT_FROM_ADDRESS",
    "google_credentials": "SHEETS_BOT_GOOGLE_CREDENTIALS",
    "google_wif_config": "SHEETS_BOT_GOOGLE_WIF_CONFIG",
    "google_secret_id": "SHEETS_BOT_GOOGLE_SECRET_ID",
    "schedule_group": "SHEETS_BOT_SCHEDULE_GROUP",
    "scheduler_role_arn": "SHEETS_BOT_SCHEDULER_ROLE_ARN",
    "timezone": "SHEETS_BOT_TIMEZONE",
    "ses_configuration_set": "SHEETS_BOT_SES_CONFIGURATION_SET",
    "failure_queue_arn": "SHEETS_BOT_FAILURE_QUEUE_ARN",
    "bedrock_model": "SHEETS_BOT_BEDROCK_MODEL",
    "link_key": "SHEETS_BOT_LINK_KEY",
    "links_url": "SHEETS_BOT_LINKS_URL",
    "digest_time": "SHEETS_BOT_DIGEST_TIME",
    "live_table": "SHEETS_BOT_LIVE_TABLE",
    "confirm_url": "SHEETS_BOT_CONFIRM_URL",
    "summary_model": "SHEETS_BOT_SUMMARY_MODEL",
}
"""Field -> environment variable. ``AWS_REGION`` is set by the Lambda runtime itself."""

REQUIRED: Final = ("sheet_id", "region", "google_credentials")
"""What every function that opens the sheet needs; the rest is per lane (``LANES``)."""

_GOOGLE: Final = (
    "sheet_id",
    "region",
    "google_credentials",
    "google_wif_config",
    "google_secret_id",
)
_STATE: Final = ("ledger_table", "audit_table", "memory_table")
_MAIL: Final = ("from_address", "ses_configuration_set")
LANES: Final[dict[str, tuple[str, ...]]] = {
    "daily_check": (
        *_GOOGLE,
        *_STATE,
        *_MAIL,
        "bucket",
        "failure_queue_arn",
        "live_table",
        "link_key",
        "links_url",
        "digest_time",
    ),
    "drive_sync": (*_GOOGLE, "bucket", "timezone"),
    "poll_decisions": (
        *_GOOGLE,
        *_STATE,
        *_MAIL,
        "schedule_group",
        "scheduler_role_arn",
        "timezone",
        "failure_queue_arn",
        "live_table",
        "link_key",
        "confirm_url",
    ),
    "inbound_email": (*_GOOGLE, *_STATE, "bucket", "bedrock_model"),
    "decision_link": (*_GOOGLE, *_STATE, "link_key"),
    "monthly_summary": (*_GOOGLE, *_STATE, *_MAIL, "bucket", "live_table", "summary_model"),
}
"""The settings each function that opens the sheet reads (by its handler module): its
wiring sees only these (``CloudSettings.only``), and the template sets only their variables
(tests/aws/test_template.py compares the two)."""

_SHEET_ID: Final = re.compile(r"[A-Za-z0-9_-]{20,}")
_SCHEDULE_GROUP: Final = re.compile(r"[0-9A-Za-z_.-]{1,64}")


class CloudSettings(BaseModel):
    """Everything a function needs to build its adapters. Frozen: built once, never changed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sheet_id: str = Field(pattern=_SHEET_ID.pattern)
    region: str = Field(min_length=1)
    ledger_table: str | None = Field(default=None, min_length=3)
    audit_table: str | None = Field(default=None, min_length=3)
    memory_table: str | None = Field(default=None, min_length=3)
    bucket: str | None = Field(default=None, min_length=3)
    from_address: str | None = None
    """The SES identity's address every email is sent From; Settings must agree with it."""
    google_credentials: GoogleCredentialMode
    google_wif_config: SecretStr | None = Field(default=None, repr=False)
    """The workload identity configuration JSON (mode ``wif``). Not a key, but kept out of
    ``repr`` all the same: it names the Google project and service account."""
    google_secret_id: str | None = None
    """The Secrets Manager secret holding the service-account key JSON (mode ``secret``)."""
    schedule_group: str | None = Field(default=None, pattern=_SCHEDULE_GROUP.pattern)
    """The EventBridge Scheduler group for one-off sends after quiet hours; none: the next
    regular poll after quiet hours sends them."""
    scheduler_role_arn: str | None = None
    """The role EventBridge Scheduler assumes to invoke the poller."""
    timezone: str = "UTC"
    """The shop's timezone, used to write one-off schedule times in local time."""
    ses_configuration_set: str | None = None
    failure_queue_arn: str | None = None
    """The SQS queue a one-off schedule gives up to after its retries (a dead-letter queue)."""
    bedrock_model: str = Field(
        default="global.anthropic.claude-haiku-4-5-20251001-v1:0",
        pattern=r"^[A-Za-z0-9.:-]{3,120}$",
    )
    """The model (or inference profile) that reads counts that are not spreadsheets, used only
    when the sheet's Settings say ``AI parsing: yes``."""
    link_key: SecretStr | None = Field(default=None, repr=False, min_length=32)
    """Signs the digest's Approve/Skip links and the suppliers' confirmation links (the
    stack's NoEcho parameter)."""
    links_url: str | None = Field(default=None, pattern=r"^https://[^\s]+$")
    """The decision function's URL, where the digest's links point."""
    digest_time: time | None = None
    """The daily check's scheduled time (the stack's DigestTime): when the digest is due."""
    live_table: str | None = Field(default=None, min_length=3)
    """The live lanes' table (POS events, receipts, marks); without it the poll does no
    receiving, POS sales, confirmations or follow-ups."""
    confirm_url: str | None = None
    """The confirmation page's address (the confirm function's URL + ``confirm``)."""
    summary_model: str | None = Field(default=None, pattern=r"^[A-Za-z0-9._:-]{1,200}$")
    """The Bedrock model the monthly narrative is written with, when the stack enables it."""
    _lane: str | None = PrivateAttr(default=None)
    """The function these settings are the view of (``only``), if any."""

    @property
    def tables(self) -> TableNames:
        return TableNames(
            ledger=self.ledger_table or "",
            audit=self.audit_table or "",
            memory=self.memory_table or "",
            live=self.live_table or "",
        )

    def need(self, field: str) -> str:
        """The value of ``field``, which the caller cannot work without: ``BotError`` naming
        its variable when this function's environment lacks it, or when these settings are a
        function's view (``only``) and the field is not among its settings."""
        lane = self._lane
        if lane is not None and field not in LANES[lane]:
            raise BotError(
                f"the {lane} function may not read {ENV[field]}: it is not among its settings"
                f" (LANES[{lane!r}] in sheets_bot/cloud_config.py), so it cannot build what"
                " needs it"
            )
        value = getattr(self, field)
        if value is None or value == "":
            raise BotError(
                f"the function's environment lacks {ENV[field]}: deploy it with"
                " infra/template.yaml, which sets it for the functions that use it"
            )
        return str(value)

    def only(self, lane: str) -> CloudSettings:
        """These settings as function ``lane`` sees them: the settings outside ``LANES[lane]``
        at their defaults (a lane's wiring is built from this, so it cannot read more), and
        ``need`` of one of them an error naming it."""
        fields = LANES[lane]
        cleared = {
            name: info.default
            for name, info in type(self).model_fields.items()
            if name not in fields and not info.is_required()
        }
        view = self.model_copy(update=cleared)
        view._lane = lane
        return view

    @property
    def schedules_sends(self) -> bool:
        """Whether quiet-hours sends get a one-off schedule."""
        return bool(self.schedule_group and self.scheduler_role_arn)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> CloudSettings:
        """From the environment (``os.environ`` unless given); ``BotError`` naming the
        variable that is missing or wrong."""
        env = os.environ if env is None else env
        values = {
            field: env[name].strip()
            for field, name in ENV.items()
            if env.get(name, "").strip() != ""
        }
        missing = [ENV[field] for field in REQUIRED if field not in values]
        if missing:
            raise BotError(
                f"the function's environment lacks {', '.join(missing)}: deploy it with"
                " infra/template.yaml, which sets them"
            )
        try:
            settings = cls.model_validate(values)
        except ValidationError as error:
            first = error.errors()[0]
            field = str(first["loc"][0]) if first["loc"] else ""
            raise BotError(
                f"{ENV.get(field, field)} is not valid: {first['msg']}"
                " (check the stack's parameters)"
            ) from None
        settings.check()
        return settings

    def check(self) -> None:
        """What pydantic's field checks cannot say: addresses, zones, the credential mode."""
        if self.from_address is not None:
            try:
                validate_address(self.from_address)
            except AddressProblem as problem:
                raise BotError(f"{ENV['from_address']} {self.from_address!r} {problem}") from None
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise BotError(
                f"{ENV['timezone']} {self.timezone!r} is not a timezone name such as"
                " Europe/London or America/New_York"
            ) from None
        if self.google_credentials is GoogleCredentialMode.WIF:
            if self.google_wif_config is None:
                raise BotError(
                    f"Google credential mode 'wif' needs the workload identity configuration"
                    f" JSON in {ENV['google_wif_config']}"
                )
            try:
                json.loads(self.google_wif_config.get_secret_value())
            except ValueError:
                raise BotError(
                    f"{ENV['google_wif_config']} is not JSON: paste the configuration file that"
                    " `gcloud iam workload-identity-pools create-cred-config` wrote"
                ) from None
        elif not self.google_secret_id:
            raise BotError(
                f"Google credential mode 'secret' needs the secret's id in"
                f" {ENV['google_secret_id']}"
            )
        if bool(self.schedule_group) != bool(self.scheduler_role_arn):
            raise BotError(
                f"{ENV['schedule_group']} and {ENV['scheduler_role_arn']} go together:"
                " set both, or neither"
            )
