"""What the two public functions (the POS webhook and the supplier confirmation page) run
against: the live table and their secrets, nothing else. They never open the sheet, so they
need no Google credentials, and their roles name only the live table.

Built once per container from the environment (``web()``); tests install their own (``use``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Final

import boto3
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from sheets_bot.adapters.aws.dynamodb_live import DynamoClaims, DynamoSalesLog
from sheets_bot.adapters.clock import SystemClock
from sheets_bot.domain.confirm_links import ConfirmLinks
from sheets_bot.errors import BotError
from sheets_bot.ports import Clock
from sheets_bot.web.confirm_app import CONFIRM_PATH, confirm_app
from sheets_bot.web.http_server import App
from sheets_bot.web.pos_webhook import POS_PATH, PosSecrets, pos_webhook_app

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

WEB_ENV: Final = {
    "region": "AWS_REGION",
    "live_table": "SHEETS_BOT_LIVE_TABLE",
    "shopify_secret": "SHEETS_BOT_SHOPIFY_SECRET",
    "square_signature_key": "SHEETS_BOT_SQUARE_SIGNATURE_KEY",
    "square_notification_url": "SHEETS_BOT_SQUARE_NOTIFICATION_URL",
    "link_key": "SHEETS_BOT_LINK_KEY",
}

WEB_LANES: Final = {
    "pos_webhook": (
        "region",
        "live_table",
        "shopify_secret",
        "square_signature_key",
        "square_notification_url",
    ),
    "supplier_confirm": ("region", "live_table", "link_key"),
}
"""What each public function reads (by its handler module); the template sets only these."""


class WebSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    region: str = Field(min_length=1)
    live_table: str = Field(min_length=3)
    shopify_secret: SecretStr | None = Field(default=None, repr=False)
    square_signature_key: SecretStr | None = Field(default=None, repr=False)
    square_notification_url: str = ""
    link_key: SecretStr | None = Field(default=None, repr=False, min_length=32)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> WebSettings:
        env = os.environ if env is None else env
        values = {f: env[n].strip() for f, n in WEB_ENV.items() if env.get(n, "").strip()}
        try:
            return cls.model_validate(values)
        except ValidationError as error:
            first = error.errors()[0]
            field = str(first["loc"][0]) if first["loc"] else ""
            raise BotError(
                f"{WEB_ENV.get(field, field)} is not valid: {first['msg']}"
                " (check the stack's parameters)"
            ) from None


def _bytes(secret: SecretStr | None) -> bytes:
    return secret.get_secret_value().encode("utf-8") if secret else b""


class WebWiring:
    def __init__(
        self,
        settings: WebSettings,
        *,
        session: boto3.session.Session | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.settings = settings
        self._session = session
        self.clock: Clock = clock or SystemClock()

    def __repr__(self) -> str:
        return f"WebWiring(table={self.settings.live_table!r})"

    @cached_property
    def dynamodb(self) -> DynamoDBClient:
        session = self._session or boto3.session.Session(region_name=self.settings.region)
        return session.client("dynamodb", region_name=self.settings.region)

    def pos_apps(self) -> dict[str, App]:
        settings = self.settings
        secrets = PosSecrets(
            _bytes(settings.shopify_secret),
            _bytes(settings.square_signature_key),
            settings.square_notification_url,
        )
        return {
            POS_PATH: pos_webhook_app(
                secrets, DynamoSalesLog(self.dynamodb, settings.live_table), self.clock
            )
        }

    def confirm_apps(self) -> dict[str, App]:
        if self.settings.link_key is None:
            raise BotError(
                f"{WEB_ENV['link_key']} is not set: deploy with the LinkSigningKey parameter"
            )
        links = ConfirmLinks(CONFIRM_PATH, _bytes(self.settings.link_key))
        claims = DynamoClaims(self.dynamodb, self.settings.live_table)
        return {CONFIRM_PATH: confirm_app(links, claims, self.clock)}


_current: WebWiring | None = None


def web() -> WebWiring:
    global _current
    if _current is None:
        _current = WebWiring(WebSettings.from_env())
    return _current


def use(wiring: WebWiring | None) -> None:
    global _current
    _current = wiring
