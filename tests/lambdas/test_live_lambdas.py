"""The live lanes through the Lambda handlers, on moto and the fake Sheets API: a Shopify
webhook arrives at the pos-webhook Function URL, the poller applies it to the Google Sheet; the
PO email's link opens the supplier-confirm page, its button confirms, the poller claims the
Orders lines confirmed."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from pydantic import SecretStr

from lambdas import daily_check, poll_decisions, pos_webhook, supplier_confirm
from sheets_bot.adapters.aws import web_wiring
from sheets_bot.adapters.aws.dynamodb_live import DynamoSalesLog
from sheets_bot.adapters.aws.tables import TableNames
from sheets_bot.adapters.aws.web_wiring import PUBLIC_LANES, WebSettings, WebWiring
from tests.aws.moto_support import REGION, aws_session
from tests.lambdas.cloud_world import PREFIX, CloudWorld, cloud_world
from tests.live.pos_bodies import SHOPIFY_SECRET, shopify_order, shopify_request

LINK_KEY = "a-link-signing-key-of-at-least-32-characters"
DOMAIN = "abcdefgh.lambda-url.eu-west-1.on.aws"
LIVE = TableNames.with_prefix(PREFIX).live


@pytest.fixture
def world() -> Iterator[CloudWorld]:
    with cloud_world() as world:
        world.settings = world.settings.model_copy(
            update={
                "live_table": LIVE,
                "link_key": SecretStr(LINK_KEY),
                "confirm_url": f"https://{DOMAIN}/confirm",
            }
        )
        world.new_container()
        settings = WebSettings(
            region=REGION,
            live_table=LIVE,
            shopify_secret=SecretStr(SHOPIFY_SECRET.decode()),
            link_key=SecretStr(LINK_KEY),
        )
        session = aws_session()
        web_wiring.use(
            *(
                WebWiring(settings, lane=lane, session=session, clock=world.clock)
                for lane in PUBLIC_LANES
            )
        )
        try:
            yield world
        finally:
            web_wiring.use(None)


def url_event(method: str, path: str, body: bytes = b"", **more: Any) -> dict[str, Any]:
    """A Function URL event, payload format 2.0, the body base64-encoded as Lambda sends JSON."""
    return {
        "version": "2.0",
        "rawPath": path,
        "rawQueryString": more.get("query", ""),
        "headers": {"host": DOMAIN, **more.get("headers", {})},
        "requestContext": {"domainName": DOMAIN, "http": {"method": method, "path": path}},
        "body": base64.b64encode(body).decode(),
        "isBase64Encoded": True,
    }


def test_a_shopify_sale_through_the_function_url_reaches_the_sheet(world: CloudWorld) -> None:
    sold = (world.clock.now() - timedelta(minutes=30)).isoformat()
    order = shopify_order(lines=((1, "COF-ESP-1K", 2),), created_at=sold)
    request = shopify_request("orders/create", order)
    event = url_event("POST", "/pos/shopify", request.body, headers=dict(request.headers))

    first = world.invoke(pos_webhook, event)
    replay = world.invoke(pos_webhook, event)
    forged_headers = {**request.headers, "x-shopify-hmac-sha256": "AAAA"}
    forged = world.invoke(
        pos_webhook, url_event("POST", "/pos/shopify", request.body, headers=forged_headers)
    )

    assert (first["statusCode"], first["body"]) == (200, '{"accepted": 1, "ignored": 0}')
    assert replay["body"] == '{"accepted": 0, "ignored": 1}'
    assert forged["statusCode"] == 401
    sales = DynamoSalesLog(world.wiring.dynamodb, LIVE)
    assert len(sales.unapplied()) == 1

    before = next(r for r in world.owner.records("Stock") if r["SKU"] == "COF-ESP-1K")["On hand"]
    summary = world.invoke(poll_decisions)

    after = next(r for r in world.owner.records("Stock") if r["SKU"] == "COF-ESP-1K")["On hand"]
    assert (before, after) == (6, 4)
    assert sales.unapplied() == []
    assert "pos applied" in [r["Action"] for r in world.owner.records("Audit")]
    assert (summary["live"]["pos_events"], summary["live"]["pos_items"]) == (1, 1)
    assert sales.unsettled(world.clock.now() + timedelta(days=1)) == []


def test_the_supplier_confirms_through_the_link_in_the_po_email(world: CloudWorld) -> None:
    world.invoke(daily_check)
    world.approve("D-0001")
    world.invoke(poll_decisions)
    [message] = world.emails()
    plain = message.get_body(("plain",))
    assert plain is not None
    found = re.search(r"https://\S+/confirm\?t=\S+", str(plain.get_content()))
    assert found is not None
    link = urlsplit(found.group(0))
    token = parse_qs(link.query)["t"][0]

    page = world.invoke(supplier_confirm, url_event("GET", link.path, query=link.query))
    assert page["statusCode"] == 200
    assert "Confirm PO-0001" in page["body"]
    clicked = world.invoke(
        supplier_confirm,
        url_event(
            "POST",
            link.path,
            f"t={token}".encode(),
            headers={"content-type": "application/x-www-form-urlencoded"},
        ),
    )
    assert "is confirmed" in clicked["body"]

    world.at(world.clock.now() + timedelta(minutes=5))
    world.invoke(poll_decisions)

    assert [r["Status"] for r in world.owner.records("Orders")] == ["confirmed", "confirmed"]
    assert "po confirmed" in [r["Action"] for r in world.owner.records("Audit")]


@pytest.mark.parametrize(
    "body",
    [
        b'{"id": 1, "note": "caf\xe9"}',
        b"[" * 100_000 + b"]" * 100_000,
        b'{"id":1,"created_at":"2026-11-23T08:00:00Z","line_items":'
        b'[{"id":1,"sku":"COF-ESP-1K","quantity":2},{"id":2,"sku":"DAI-MLK-4L","quantity":1e400}]}',
        b'{"id":1,"created_at":"2026-11-23T08:00:00Z","line_items":'
        b'[{"id":2,"sku":"DAI-MLK-4L","quantity":NaN}]}',
        b'{"id":1,"created_at":"2099-01-01T00:00:00Z","line_items":'
        b'[{"id":2,"sku":"DAI-MLK-4L","quantity":1}]}',
    ],
    ids=["invalid utf-8", "nested 100,000 deep", "1e400", "NaN", "dated 2099"],
)
def test_a_signed_bad_body_through_the_function_url_is_a_400_and_nothing_is_stored(
    world: CloudWorld, body: bytes
) -> None:
    """Was an exception on Lambda (the POS retries forever), or a DynamoDB write refusing inf
    and losing the whole webhook."""
    request = shopify_request("orders/create", body)
    event = url_event("POST", "/pos/shopify", request.body, headers=dict(request.headers))

    answer = world.invoke(pos_webhook, event)

    assert answer["statusCode"] == 400, answer
    assert "error" in answer["body"]
    assert DynamoSalesLog(world.wiring.dynamodb, LIVE).unapplied() == []
