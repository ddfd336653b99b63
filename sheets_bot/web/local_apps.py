"""The apps ``sheets-bot serve`` mounts on this machine, over the run's SQLite state."""

from __future__ import annotations

from sheets_bot.adapters.local.sqlite_live import SqliteMarks, SqliteSalesLog
from sheets_bot.adapters.local.sqlite_store import SqliteStore
from sheets_bot.config import RunConfig
from sheets_bot.domain.confirm_links import ConfirmLinks
from sheets_bot.ports import Clock
from sheets_bot.web.confirm_app import CONFIRM_PATH
from sheets_bot.web.http import App
from sheets_bot.web.live_apps import live_apps, pos_secrets
from sheets_bot.wiring import link_key


def local_apps(config: RunConfig, store: SqliteStore, clock: Clock) -> dict[str, App]:
    base = (config.live.public_url or "http://127.0.0.1").rstrip("/")
    return live_apps(
        secrets=pos_secrets(config.live),
        sales=SqliteSalesLog(store),
        links=ConfirmLinks(base + CONFIRM_PATH, link_key(config)),
        marks=SqliteMarks(store),
        clock=clock,
    )
