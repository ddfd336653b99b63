"""The apps ``sheets-bot serve`` mounts on this machine, by path prefix. Each lane adds its
own entry here (webhooks, confirmation links); the server routes by the longest prefix."""

from __future__ import annotations

from contextlib import AbstractContextManager

from sheets_bot.adapters.local.link_key import local_link_key
from sheets_bot.config import LocalConfig, SheetConfig
from sheets_bot.domain.decision_links import DECISION_PATH
from sheets_bot.services.shop import Adapters
from sheets_bot.web.decision import decision_app
from sheets_bot.web.http import App
from sheets_bot.wiring import adapters_for


def local_apps(config: LocalConfig | SheetConfig) -> dict[str, App]:
    def open_adapters() -> AbstractContextManager[Adapters]:
        return adapters_for(config)

    return {DECISION_PATH: decision_app(open_adapters, local_link_key(config.state_dir))}
