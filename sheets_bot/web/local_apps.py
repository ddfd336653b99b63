"""The apps ``sheets-bot serve`` mounts on this machine, by path prefix: the digest's
Approve/Skip links, the POS webhooks and the suppliers' confirmation page. The server routes
by the longest prefix."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sheets_bot.adapters.local.sqlite_live import SqliteClaims, SqliteSalesLog
from sheets_bot.adapters.local.sqlite_store import SqliteStore
from sheets_bot.config import LocalConfig, SheetConfig
from sheets_bot.domain.confirm_links import ConfirmLinks
from sheets_bot.domain.decision_links import DECISION_PATH
from sheets_bot.ports import Clock
from sheets_bot.services.lanes import LinkPorts
from sheets_bot.web.confirm_app import CONFIRM_PATH
from sheets_bot.web.decision import NEXT_POLL_UNKNOWN, decision_app
from sheets_bot.web.http_server import App
from sheets_bot.web.live_apps import live_apps, pos_secrets
from sheets_bot.wiring import link_key, open_machine


def local_apps(
    config: LocalConfig | SheetConfig,
    store: SqliteStore,
    clock: Clock,
    *,
    when_sent: str = NEXT_POLL_UNKNOWN,
) -> dict[str, App]:
    @contextmanager
    def open_link_ports() -> Iterator[LinkPorts]:
        with open_machine(config) as machine:
            yield machine.link_ports()

    key = link_key(config)
    base = (config.live.public_url or "http://127.0.0.1").rstrip("/")
    return {
        DECISION_PATH: decision_app(open_link_ports, key, when_sent=when_sent),
        **live_apps(
            secrets=pos_secrets(config.live),
            sales=SqliteSalesLog(store),
            links=ConfirmLinks(base + CONFIRM_PATH, key),
            claims=SqliteClaims(store),
            clock=clock,
        ),
    }
