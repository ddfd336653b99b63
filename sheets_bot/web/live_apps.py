"""The live lanes' HTTP apps over a run's state: the POS webhook and the supplier
confirmation page. ``sheets-bot serve`` mounts them locally; the Lambda handlers build the same
apps over DynamoDB. Neither touches the sheet: the poller applies what they record."""

from __future__ import annotations

from sheets_bot.config import LiveConfig
from sheets_bot.domain.confirm_links import ConfirmLinks
from sheets_bot.ports import Claims, Clock, SalesLog
from sheets_bot.web.confirm_app import CONFIRM_PATH, confirm_app
from sheets_bot.web.http_server import App
from sheets_bot.web.pos_webhook import POS_PATH, PosSecrets, pos_webhook_app


def pos_secrets(live: LiveConfig) -> PosSecrets:
    return PosSecrets(
        shopify_secret=live.shopify_secret.get_secret_value().encode("utf-8")
        if live.shopify_secret
        else b"",
        square_signature_key=live.square_signature_key.get_secret_value().encode("utf-8")
        if live.square_signature_key
        else b"",
        square_notification_url=live.square_notification_url,
    )


def live_apps(
    *, secrets: PosSecrets, sales: SalesLog, links: ConfirmLinks, claims: Claims, clock: Clock
) -> dict[str, App]:
    return {
        POS_PATH: pos_webhook_app(secrets, sales, clock),
        CONFIRM_PATH: confirm_app(links, claims, clock),
    }
