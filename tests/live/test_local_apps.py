"""``sheets-bot serve``'s apps over the local state: the webhook buffers into the SQLite file
the poll reads, and the confirmation page verifies links signed with the state folder's key."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sheets_bot.adapters.clock import FixedClock
from sheets_bot.adapters.local.sqlite_live import SqliteClaims, SqliteSalesLog
from sheets_bot.adapters.local.sqlite_store import SqliteStore
from sheets_bot.config import LocalConfig
from sheets_bot.web.http_server import WebRequest
from sheets_bot.web.local_apps import local_apps
from sheets_bot.web.server import route
from sheets_bot.wiring import build_confirm_links, link_key
from tests.live.pos_bodies import SHOPIFY_SECRET, shopify_order, shopify_request

NOW = datetime(2026, 11, 28, 18, 0, tzinfo=UTC)
"""After the sample order (noon in New York): a POS event is never dated after it arrives."""


def test_serve_buffers_webhooks_and_confirms_links(tmp_path: Path) -> None:
    env = {
        "SHEETS_BOT_SHOPIFY_SECRET": SHOPIFY_SECRET.decode(),
        "SHEETS_BOT_PUBLIC_URL": "https://shop.example/",
    }
    config = LocalConfig.build(str(tmp_path / "shop.xlsx"), None, None, env=env)
    links = build_confirm_links(config)
    assert links is not None
    assert links.base_url == "https://shop.example/confirm"

    with SqliteStore(config.database) as store:
        apps = local_apps(config, store, FixedClock(NOW))
        hook = route(apps, shopify_request("orders/create", shopify_order()))
        token = links.token_for("PO-0007", NOW)
        page = route(apps, WebRequest("POST", "/confirm", body=f"t={token}".encode()))

        assert hook.status == 200
        assert len(SqliteSalesLog(store).unapplied()) == 1
        assert page.status == 200
        assert SqliteClaims(store).claimed_at("confirmed:PO-0007") == NOW


def test_the_link_key_is_made_once_and_kept_private(tmp_path: Path) -> None:
    config = LocalConfig.build(str(tmp_path / "shop.xlsx"), None, None, env={})

    first = link_key(config)

    assert len(first) >= 32
    assert link_key(config) == first
    assert (config.state_dir / "link-key").stat().st_mode & 0o777 == 0o600
    assert build_confirm_links(config) is None
