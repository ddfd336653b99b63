"""What the two public functions (the POS webhook and the supplier confirmation page) run
against: the live table and their secrets, nothing else. They never open the sheet, so they
need no Google credentials, and their roles name only the live table.

Each function's wiring is held to its allowance (``WEB_LANES``, which the template's test
compares with what the template sets): ``WebSettings.from_env(lane)`` reads only the lane's
variables, and a ``WebWiring`` asked to build a port from a setting outside its lane's
allowance (the confirmation page's wiring asked for the POS webhook) stops with a
``BotError`` naming the setting, instead of running with what the function should not see.

Built once per container from the environment (``web(lane)``); tests install their own
(``use``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Final, Literal

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

WebLane = Literal["pos_webhook", "supplier_confirm"]
"""A public function, by its handler module's name."""
PUBLIC_LANES: Final[tuple[WebLane, ...]] = ("pos_webhook", "supplier_confirm")

WEB_LANES: Final[dict[str, tuple[str, ...]]] = {
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
    def from_env(cls, lane: WebLane, env: Mapping[str, str] | None = None) -> WebSettings:
        """The settings of function ``lane``, from its allowed variables only: any other
        variable in the environment is not read."""
        env = os.environ if env is None else env
        names = {field: WEB_ENV[field] for field in WEB_LANES[lane]}
        values = {f: env[n].strip() for f, n in names.items() if env.get(n, "").strip()}
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
    """The ports of public function ``lane``, built only from the settings it may read."""

    def __init__(
        self,
        settings: WebSettings,
        *,
        lane: WebLane,
        session: boto3.session.Session | None = None,
        clock: Clock | None = None,
    ) -> None:
        if lane not in WEB_LANES:
            raise BotError(f"{lane!r} is not a public function: one of {', '.join(WEB_LANES)}")
        self.settings = settings
        self.lane: WebLane = lane
        self._session = session
        self.clock: Clock = clock or SystemClock()

    def __repr__(self) -> str:
        return f"WebWiring(lane={self.lane!r}, table={self.settings.live_table!r})"

    def setting(self, field: str) -> object:
        """The value of ``field``, which this function must be allowed to read: a
        ``BotError`` naming its variable when ``WEB_LANES`` does not give it to this lane."""
        if field not in WEB_LANES[self.lane]:
            raise BotError(
                f"the {self.lane} function may not read {WEB_ENV.get(field, field)}: it is not"
                f" among its settings (WEB_LANES[{self.lane!r}] in"
                " sheets_bot/adapters/aws/web_wiring.py), so it cannot build what needs it"
            )
        return getattr(self.settings, field)

    def _text(self, field: str) -> str:
        value = self.setting(field)
        return value if isinstance(value, str) else ""

    def _secret(self, field: str) -> SecretStr | None:
        value = self.setting(field)
        return value if isinstance(value, SecretStr) else None

    @cached_property
    def dynamodb(self) -> DynamoDBClient:
        region = self._text("region")
        session = self._session or boto3.session.Session(region_name=region)
        return session.client("dynamodb", region_name=region)

    def pos_apps(self) -> dict[str, App]:
        """The POS webhook: the vendors' signing secrets and the sales buffer."""
        secrets = PosSecrets(
            _bytes(self._secret("shopify_secret")),
            _bytes(self._secret("square_signature_key")),
            self._text("square_notification_url"),
        )
        sales = DynamoSalesLog(self.dynamodb, self._text("live_table"))
        return {POS_PATH: pos_webhook_app(secrets, sales, self.clock)}

    def confirm_apps(self) -> dict[str, App]:
        """The confirmation page: the link key and the claims."""
        key = self._secret("link_key")
        if key is None:
            raise BotError(
                f"{WEB_ENV['link_key']} is not set: deploy with the LinkSigningKey parameter"
            )
        links = ConfirmLinks(CONFIRM_PATH, _bytes(key))
        claims = DynamoClaims(self.dynamodb, self._text("live_table"))
        return {CONFIRM_PATH: confirm_app(links, claims, self.clock)}


_current: dict[WebLane, WebWiring] = {}


def web(lane: WebLane) -> WebWiring:
    """This container's wiring of public function ``lane``, built from the environment (the
    lane's variables only) on first use."""
    if lane not in _current:
        _current[lane] = WebWiring(WebSettings.from_env(lane), lane=lane)
    return _current[lane]


def use(*wirings: WebWiring | None) -> None:
    """Install ``wirings`` as their lanes' (tests); ``use(None)`` forgets them all, so each is
    built afresh next time."""
    if None in wirings:
        _current.clear()
    for wiring in wirings:
        if wiring is not None:
            _current[wiring.lane] = wiring
