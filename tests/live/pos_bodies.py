"""Webhook bodies shaped like the vendors' documented examples (Shopify's webhook reference
for ``orders/create``, ``refunds/create`` and ``inventory_levels/update``; Square's
``inventory.count.updated`` and ``order.updated`` event payloads), with the fields the bot
ignores left in, and signed the way each vendor signs them."""

from __future__ import annotations

import json
from typing import Any

from sheets_bot.web.http_server import WebRequest
from sheets_bot.web.signatures import shopify_signature, square_signature

SHOPIFY_SECRET = b"shopify-app-secret-for-tests"
SQUARE_KEY = b"square-signature-key-for-tests"
SQUARE_URL = "https://hooks.cornercafe.example/pos/square"


def shopify_order(
    order_id: int = 820982911946154508,
    lines: tuple[tuple[int, str | None, int], ...] = ((466157049, "COF-ESP-1K", 2),),
    created_at: str = "2026-11-28T12:00:00-05:00",
) -> dict[str, Any]:
    return {
        "id": order_id,
        "admin_graphql_api_id": f"gid://shopify/Order/{order_id}",
        "app_id": None,
        "browser_ip": None,
        "cancel_reason": None,
        "cancelled_at": None,
        "confirmed": True,
        "created_at": created_at,
        "currency": "GBP",
        "financial_status": "paid",
        "fulfillment_status": None,
        "name": "#9999",
        "note": None,
        "order_number": 1234,
        "processed_at": created_at,
        "source_name": "pos",
        "total_price": "36.00",
        "line_items": [
            {
                "id": line_id,
                "admin_graphql_api_id": f"gid://shopify/LineItem/{line_id}",
                "fulfillable_quantity": quantity,
                "fulfillment_service": "manual",
                "gift_card": False,
                "grams": 1000,
                "name": "House espresso blend 1kg",
                "price": "18.00",
                "product_exists": True,
                "product_id": 788032119674292922,
                "quantity": quantity,
                "requires_shipping": True,
                "sku": sku,
                "taxable": True,
                "title": "House espresso blend",
                "variant_id": 642667041472713922,
                "variant_title": "1kg",
                "vendor": None,
                "tax_lines": [],
                "discount_allocations": [],
            }
            for line_id, sku, quantity in lines
        ],
    }


def shopify_refund(
    restock_type: str = "return", quantity: int = 1, refund_id: int = 929361462
) -> dict[str, Any]:
    return {
        "id": refund_id,
        "order_id": 820982911946154508,
        "created_at": "2026-11-29T09:00:00-05:00",
        "note": "customer changed their mind",
        "user_id": None,
        "processed_at": "2026-11-29T09:00:00-05:00",
        "restock": restock_type != "no_restock",
        "duties": [],
        "admin_graphql_api_id": f"gid://shopify/Refund/{refund_id}",
        "refund_line_items": [
            {
                "id": 866550311766439020,
                "line_item_id": 466157049,
                "location_id": 24826418,
                "quantity": quantity,
                "restock_type": restock_type,
                "subtotal": 18.0,
                "total_tax": 0.0,
                "line_item": {
                    "id": 466157049,
                    "variant_id": 642667041472713922,
                    "title": "House espresso blend",
                    "quantity": 2,
                    "sku": "COF-ESP-1K",
                    "price": "18.00",
                },
            }
        ],
        "transactions": [],
        "order_adjustments": [],
    }


def shopify_level(
    available: int | None = 40,
    updated_at: str = "2026-11-28T19:00:00-05:00",
    inventory_item_id: int = 271878346596884015,
) -> dict[str, Any]:
    return {
        "inventory_item_id": inventory_item_id,
        "location_id": 24826418,
        "available": available,
        "updated_at": updated_at,
        "admin_graphql_api_id": f"gid://shopify/InventoryLevel/24826418?inventory_item_id={inventory_item_id}",
    }


def square_count(
    quantity: str = "15",
    calculated_at: str = "2026-11-28T18:38:45.10296Z",
    catalog_object_id: str = "FGQ5JJWT2PYTHF35CKZ2DSKP",
    state: str = "IN_STOCK",
    event_id: str = "df5f3813-a913-45a1-94e9-fdc3f7d5e3b6",
) -> dict[str, Any]:
    return {
        "merchant_id": "6SSW7HV8K2ST5",
        "type": "inventory.count.updated",
        "event_id": event_id,
        "created_at": "2026-11-28T18:38:45.455006797Z",
        "data": {
            "type": "inventory",
            "id": "84e4ac73-d605-4dbd-a9e5-ffff794ddb9d",
            "object": {
                "inventory_counts": [
                    {
                        "calculated_at": calculated_at,
                        "catalog_object_id": catalog_object_id,
                        "catalog_object_type": "ITEM_VARIATION",
                        "location_id": "YYQR1AXZAHNZE",
                        "quantity": quantity,
                        "state": state,
                    }
                ]
            },
        },
    }


def square_order_updated() -> dict[str, Any]:
    return {
        "merchant_id": "5S9MXCS9Y99KK",
        "type": "order.updated",
        "event_id": "4b8e5c91-9f17-4f3a-9c5e-8d0f3c3a1b2e",
        "created_at": "2026-11-28T17:31:43.5Z",
        "data": {
            "type": "order_updated",
            "id": "eA3vssLHKJrv9H0IdJCM3gNqfdcZY",
            "object": {
                "order_updated": {
                    "created_at": "2026-11-28T17:26:21.856Z",
                    "location_id": "FPYCBCHYMXFK1",
                    "order_id": "eA3vssLHKJrv9H0IdJCM3gNqfdcZY",
                    "state": "COMPLETED",
                    "updated_at": "2026-11-28T17:31:43.5Z",
                    "version": 4,
                }
            },
        },
    }


def body_of(payload: dict[str, Any]) -> bytes:
    """As the vendors send it: compact JSON, UTF-8."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def shopify_request(
    topic: str, payload: dict[str, Any] | bytes, *, signature: str | None = None
) -> WebRequest:
    body = payload if isinstance(payload, bytes) else body_of(payload)
    headers = {
        "content-type": "application/json",
        "x-shopify-topic": topic,
        "x-shopify-shop-domain": "corner-cafe.myshopify.com",
        "x-shopify-api-version": "2025-10",
        "x-shopify-webhook-id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
        "x-shopify-hmac-sha256": shopify_signature(SHOPIFY_SECRET, body)
        if signature is None
        else signature,
    }
    if signature == "":
        del headers["x-shopify-hmac-sha256"]
    return WebRequest("POST", "/pos/shopify", headers=headers, body=body)


def square_request(
    payload: dict[str, Any] | bytes, *, signature: str | None = None, url: str = SQUARE_URL
) -> WebRequest:
    body = payload if isinstance(payload, bytes) else body_of(payload)
    headers = {
        "content-type": "application/json",
        "square-version": "2025-10-16",
        "x-square-hmacsha256-signature": square_signature(SQUARE_KEY, url, body)
        if signature is None
        else signature,
    }
    return WebRequest("POST", "/pos/square", headers=headers, body=body, url=SQUARE_URL)
