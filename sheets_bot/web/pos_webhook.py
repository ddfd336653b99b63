"""The POS webhook: verify, buffer, acknowledge. Applying to the sheet is the poller's job.

``POST /pos/shopify`` and ``POST /pos/square``. The signature is checked first, over the exact
raw body; a missing or wrong one gets 401 and a log line without the body. Then the body is
parsed into ``SaleEvent``s and added to the buffer (``SalesLog.add``), which ignores events it
has seen (a replay, or the POS retrying after a slow answer). The answer is 200 as soon as the
events are stored, well inside Shopify's 5 s and Square's 10 s: nothing here touches the sheet.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

from sheets_bot.domain.history import SaleEvent
from sheets_bot.ports import Clock, SalesLog
from sheets_bot.web.http_server import App, WebRequest, WebResponse
from sheets_bot.web.pos_payloads import (
    PayloadError,
    refused_events,
    shopify_events,
    square_events,
)
from sheets_bot.web.signatures import SHOPIFY_HEADER, SQUARE_HEADER, shopify_valid, square_valid

POS_PATH = "/pos"
log = logging.getLogger("sheets_bot.web.pos")


@dataclass(frozen=True)
class PosSecrets:
    shopify_secret: bytes = field(default=b"", repr=False)
    square_signature_key: bytes = field(default=b"", repr=False)
    square_notification_url: str = ""
    """Exactly as entered in Square's subscription; empty: the URL the request came to."""


def _json(status: int, body: dict[str, object]) -> WebResponse:
    return WebResponse(status, json.dumps(body), content_type="application/json")


def pos_webhook_app(secrets: PosSecrets, sales: SalesLog, clock: Clock) -> App:
    """``clock``: when a webhook arrives; an event dated well after that is refused."""

    def unauthorised(source: str, request: WebRequest) -> WebResponse:
        log.warning(
            "refused a %s webhook: missing or wrong signature (%d bytes, path %s)",
            source,
            len(request.body),
            request.path,
        )
        return _json(401, {"error": "signature"})

    def store(source: str, kind: str, events: list[SaleEvent] | None) -> WebResponse:
        if events is None:
            log.info("ignored a %s %s webhook: not a topic the bot uses", source, kind)
            return _json(200, {"accepted": 0, "ignored": 0, "topic": "unused"})
        refused = refused_events(events, clock.now())
        if refused is not None:
            log.warning("refused a %s %s webhook: %s", source, kind, refused)
            return _json(400, {"error": f"{source} {kind}: {refused}"})
        added = sales.add(events)
        log.info(
            "%s %s: %d event(s) buffered, %d seen before",
            source,
            kind,
            len(added),
            len(events) - len(added),
        )
        return _json(200, {"accepted": len(added), "ignored": len(events) - len(added)})

    def shopify(request: WebRequest) -> WebResponse:
        if not shopify_valid(secrets.shopify_secret, request.body, request.header(SHOPIFY_HEADER)):
            return unauthorised("Shopify", request)
        topic = request.header("x-shopify-topic")
        try:
            events = shopify_events(topic, request.body)
        except PayloadError as error:
            log.warning("refused a Shopify webhook: %s", error)
            return _json(400, {"error": str(error)})
        return store("Shopify", topic, events)

    def square(request: WebRequest) -> WebResponse:
        url = secrets.square_notification_url or request.url
        if not square_valid(
            secrets.square_signature_key, url, request.body, request.header(SQUARE_HEADER)
        ):
            return unauthorised("Square", request)
        try:
            kind, events = square_events(request.body)
        except PayloadError as error:
            log.warning("refused a Square webhook: %s", error)
            return _json(400, {"error": str(error)})
        return store("Square", kind, events)

    routes = {f"{POS_PATH}/shopify": shopify, f"{POS_PATH}/square": square}

    def app(request: WebRequest) -> WebResponse:
        handler = routes.get(request.path.rstrip("/"))
        if handler is None:
            return _json(404, {"error": "not found"})
        if request.method != "POST":
            return _json(405, {"error": "POST only"})
        return handler(request)

    return app
