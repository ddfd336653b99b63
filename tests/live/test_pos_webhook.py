"""The POS webhook app: signatures first, then the documented bodies into the buffer."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import pytest

from sheets_bot.adapters.clock import FixedClock
from sheets_bot.testing.memory_live import MemorySalesLog
from sheets_bot.web.http_server import WebRequest, WebResponse
from sheets_bot.web.pos_webhook import PosSecrets, pos_webhook_app
from sheets_bot.web.signatures import shopify_signature
from tests.live.pos_bodies import (
    SHOPIFY_SECRET,
    SQUARE_KEY,
    SQUARE_URL,
    body_of,
    shopify_level,
    shopify_order,
    shopify_refund,
    shopify_request,
    square_count,
    square_order_updated,
    square_request,
)

SECRETS = PosSecrets(SHOPIFY_SECRET, SQUARE_KEY, SQUARE_URL)
ARRIVED = FixedClock(datetime(2026, 12, 1, 9, tzinfo=UTC))
"""When the webhooks arrive: after every time the sample bodies carry."""


@pytest.fixture
def sales() -> MemorySalesLog:
    return MemorySalesLog()


def _send(sales: MemorySalesLog, request: WebRequest) -> tuple[int, dict[str, object]]:
    response: WebResponse = pos_webhook_app(SECRETS, sales, ARRIVED)(request)
    return response.status, json.loads(response.body_bytes)


def test_a_signed_shopify_order_is_buffered_line_by_line(sales: MemorySalesLog) -> None:
    order = shopify_order(lines=((1, "COF-ESP-1K", 2), (2, "DAI-MLK-4L", 3), (3, None, 1)))

    status, answer = _send(sales, shopify_request("orders/create", order))

    assert (status, answer) == (200, {"accepted": 3, "ignored": 0})
    events = sales.unapplied()
    assert [(e.sku, e.quantity, e.kind) for e in events] == [
        ("COF-ESP-1K", 2, "sale"),
        ("DAI-MLK-4L", 3, "sale"),
        ("642667041472713922", 1, "sale"),
    ]
    assert events[0].event_id == "shopify:order:820982911946154508:1"
    assert events[0].at.isoformat() == "2026-11-28T12:00:00-05:00"


def test_a_replayed_webhook_is_acknowledged_and_ignored(sales: MemorySalesLog) -> None:
    request = shopify_request("orders/create", shopify_order())
    _send(sales, request)

    status, answer = _send(sales, request)

    assert (status, answer) == (200, {"accepted": 0, "ignored": 1})
    assert len(sales.unapplied()) == 1


@pytest.mark.parametrize(
    "signature",
    [
        "",
        "not base64 at all",
        shopify_signature(b"another app's secret", body_of(shopify_order())),
        shopify_signature(SHOPIFY_SECRET, body_of(shopify_order()) + b" "),
    ],
    ids=["missing", "garbage", "other secret", "other body"],
)
def test_a_bad_or_missing_signature_is_401_and_logged_without_the_body(
    sales: MemorySalesLog, signature: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "sheets_bot.web.pos")

    status, answer = _send(
        sales, shopify_request("orders/create", shopify_order(), signature=signature)
    )

    assert (status, answer) == (401, {"error": "signature"})
    assert sales.unapplied() == []
    assert "refused a Shopify webhook: missing or wrong signature" in caplog.text
    assert "COF-ESP-1K" not in caplog.text
    assert "line_items" not in caplog.text


def test_a_body_changed_after_signing_is_refused(sales: MemorySalesLog) -> None:
    request = shopify_request("orders/create", shopify_order())
    tampered = WebRequest(
        "POST",
        request.path,
        headers=request.headers,
        body=request.body.replace(b'"quantity":2', b'"quantity":20'),
    )

    assert _send(sales, tampered)[0] == 401


def test_refunds_with_a_restock_add_back_and_money_only_refunds_do_not(
    sales: MemorySalesLog,
) -> None:
    _send(sales, shopify_request("refunds/create", shopify_refund("return", 1)))
    _send(sales, shopify_request("refunds/create", shopify_refund("no_restock", 1, refund_id=5)))

    [event] = sales.unapplied()
    assert (event.sku, event.quantity, event.kind) == ("COF-ESP-1K", -1, "refund")
    assert event.event_id == "shopify:refund:929361462:866550311766439020"


def test_a_shopify_inventory_level_is_an_absolute_count(sales: MemorySalesLog) -> None:
    _send(sales, shopify_request("inventory_levels/update", shopify_level(40)))
    _send(sales, shopify_request("inventory_levels/update", shopify_level(None)))

    [event] = sales.unapplied()
    assert (event.sku, event.quantity, event.kind) == ("271878346596884015", 40, "level")


def test_a_topic_the_bot_does_not_use_is_acknowledged(sales: MemorySalesLog) -> None:
    status, answer = _send(sales, shopify_request("products/update", {"id": 1}))

    assert (status, answer["topic"]) == (200, "unused")


def test_a_signed_body_that_is_not_the_documented_shape_is_400_naming_the_field(
    sales: MemorySalesLog, caplog: pytest.LogCaptureFixture
) -> None:
    order = shopify_order()
    del order["line_items"][0]["quantity"]

    status, answer = _send(sales, shopify_request("orders/create", order))
    not_json = _send(sales, shopify_request("orders/create", b"{not json"))

    assert status == 400
    assert answer["error"] == (
        "Shopify orders/create: field line_items[0] (id 466157049).quantity: Field required"
    )
    assert not_json[0] == 400
    assert "House espresso" not in caplog.text


def test_a_signed_square_count_is_buffered_as_a_level(sales: MemorySalesLog) -> None:
    status, answer = _send(sales, square_request(square_count("15")))

    assert (status, answer) == (200, {"accepted": 1, "ignored": 0})
    [event] = sales.unapplied()
    assert (event.source, event.sku, event.quantity, event.kind) == (
        "square",
        "FGQ5JJWT2PYTHF35CKZ2DSKP",
        15,
        "level",
    )
    assert event.at.isoformat() == "2026-11-28T18:38:45.102960+00:00"


def test_square_signs_the_notification_url_too(sales: MemorySalesLog) -> None:
    signed_for_elsewhere = square_request(square_count(), url="https://elsewhere.example/hook")

    assert _send(sales, signed_for_elsewhere)[0] == 401
    assert _send(sales, square_request(square_count(), signature=""))[0] == 401


def test_square_counts_not_in_stock_and_order_updates_change_nothing(
    sales: MemorySalesLog,
) -> None:
    sold = _send(sales, square_request(square_count(state="SOLD")))
    updated = _send(sales, square_request(square_order_updated()))

    assert sold == (200, {"accepted": 0, "ignored": 0})
    assert updated == (200, {"accepted": 0, "ignored": 0})
    assert sales.unapplied() == []


def test_only_post_on_the_two_paths(sales: MemorySalesLog) -> None:
    app = pos_webhook_app(SECRETS, sales, ARRIVED)

    assert app(WebRequest("GET", "/pos/shopify")).status == 405
    assert app(WebRequest("POST", "/pos/clover")).status == 404


def test_without_a_configured_secret_everything_is_refused(sales: MemorySalesLog) -> None:
    app = pos_webhook_app(PosSecrets(), sales, ARRIVED)
    empty_key_signature = shopify_signature(b"", body_of(shopify_order()))

    request = shopify_request("orders/create", shopify_order(), signature=empty_key_signature)

    assert app(request).status == 401
