"""The public functions' wiring is held to its allowance (``WEB_LANES``): each reads only its
own variables from the environment, and building a port from a setting outside it stops with
the setting named."""

from __future__ import annotations

from typing import get_args

import pytest
from pydantic import SecretStr

from sheets_bot.adapters.aws import web_wiring
from sheets_bot.adapters.aws.web_wiring import (
    PUBLIC_LANES,
    WEB_ENV,
    WEB_LANES,
    WebLane,
    WebSettings,
    WebWiring,
    web,
)
from sheets_bot.errors import BotError
from sheets_bot.web.confirm_app import CONFIRM_PATH
from sheets_bot.web.pos_webhook import POS_PATH
from tests.aws.moto_support import REGION, aws_session

LINK_KEY = "a-link-signing-key-of-at-least-32-characters"
EVERYTHING = {
    "AWS_REGION": REGION,
    "SHEETS_BOT_LIVE_TABLE": "shop-live",
    "SHEETS_BOT_SHOPIFY_SECRET": "shpss_secret",
    "SHEETS_BOT_SQUARE_SIGNATURE_KEY": "square-key",
    "SHEETS_BOT_SQUARE_NOTIFICATION_URL": "https://pos.example/pos/square",
    "SHEETS_BOT_LINK_KEY": LINK_KEY,
}
"""Every public variable set, as a misconfigured stack might set them for both functions."""


@pytest.fixture(autouse=True)
def fresh() -> None:
    web_wiring.use(None)


def _all_settings() -> WebSettings:
    return WebSettings(
        region=REGION,
        live_table="shop-live",
        shopify_secret=SecretStr("shpss_secret"),
        square_signature_key=SecretStr("square-key"),
        square_notification_url="https://pos.example/pos/square",
        link_key=SecretStr(LINK_KEY),
    )


def test_the_lanes_are_the_public_functions() -> None:
    assert set(get_args(WebLane)) == set(WEB_LANES) == set(PUBLIC_LANES)
    assert {field for fields in WEB_LANES.values() for field in fields} == set(WEB_ENV)


def test_each_function_reads_only_its_own_variables() -> None:
    confirm = WebSettings.from_env("supplier_confirm", EVERYTHING)
    assert confirm.link_key is not None
    assert confirm.shopify_secret is None
    assert confirm.square_signature_key is None
    assert confirm.square_notification_url == ""

    pos = WebSettings.from_env("pos_webhook", EVERYTHING)
    assert pos.shopify_secret is not None
    assert pos.square_notification_url == "https://pos.example/pos/square"
    assert pos.link_key is None


def test_a_bad_variable_of_another_function_is_not_even_read() -> None:
    env = {**EVERYTHING, "SHEETS_BOT_LINK_KEY": "too short"}
    assert WebSettings.from_env("pos_webhook", env).link_key is None
    with pytest.raises(BotError, match="SHEETS_BOT_LINK_KEY is not valid"):
        WebSettings.from_env("supplier_confirm", env)


def test_the_confirmation_pages_wiring_cannot_build_the_pos_webhook() -> None:
    wiring = WebWiring(_all_settings(), lane="supplier_confirm", session=aws_session())
    assert set(wiring.confirm_apps()) == {CONFIRM_PATH}
    with pytest.raises(BotError, match="supplier_confirm function may not read") as refused:
        wiring.pos_apps()
    assert "SHEETS_BOT_SHOPIFY_SECRET" in str(refused.value)
    assert "WEB_LANES['supplier_confirm']" in str(refused.value)


def test_the_pos_webhooks_wiring_cannot_build_the_confirmation_page() -> None:
    wiring = WebWiring(_all_settings(), lane="pos_webhook", session=aws_session())
    assert set(wiring.pos_apps()) == {POS_PATH}
    with pytest.raises(BotError, match="pos_webhook function may not read SHEETS_BOT_LINK_KEY"):
        wiring.confirm_apps()


def test_a_setting_outside_the_allowance_is_named_whatever_its_value() -> None:
    wiring = WebWiring(_all_settings(), lane="pos_webhook")
    assert wiring.setting("live_table") == "shop-live"
    with pytest.raises(BotError, match="SHEETS_BOT_LINK_KEY"):
        wiring.setting("link_key")


def test_an_unknown_lane_is_refused() -> None:
    with pytest.raises(BotError, match="not a public function"):
        WebWiring(_all_settings(), lane="daily_check")  # type: ignore[arg-type]


def test_each_function_gets_its_own_wiring_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in EVERYTHING.items():
        monkeypatch.setenv(name, value)
    pos, confirm = web("pos_webhook"), web("supplier_confirm")
    assert pos is web("pos_webhook")
    assert (pos.lane, confirm.lane) == ("pos_webhook", "supplier_confirm")
    assert pos.settings.link_key is None
    assert confirm.settings.shopify_secret is None
    with pytest.raises(BotError, match="SHEETS_BOT_SHOPIFY_SECRET"):
        confirm.pos_apps()
