"""Webhook signatures, checked before anything in the body is read.

Both vendors send base64 HMAC-SHA256: Shopify over the raw body with the app's secret
(``X-Shopify-Hmac-Sha256``), Square over the notification URL followed by the raw body with the
subscription's signature key (``x-square-hmacsha256-signature``). The comparison is
``hmac.compare_digest`` (constant time) on the exact bytes received: a body re-encoded by
anything on the way would no longer verify, which is the point.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

SHOPIFY_HEADER = "x-shopify-hmac-sha256"
SQUARE_HEADER = "x-square-hmacsha256-signature"


def _b64_hmac(key: bytes, message: bytes) -> bytes:
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest())


def shopify_signature(secret: bytes, body: bytes) -> str:
    return _b64_hmac(secret, body).decode("ascii")


def square_signature(key: bytes, notification_url: str, body: bytes) -> str:
    return _b64_hmac(key, notification_url.encode("utf-8") + body).decode("ascii")


def _same(expected: str, given: str) -> bool:
    return bool(given) and hmac.compare_digest(
        expected.encode("ascii"), given.strip().encode("utf-8", "replace")
    )


def shopify_valid(secret: bytes, body: bytes, header: str) -> bool:
    return bool(secret) and _same(shopify_signature(secret, body), header)


def square_valid(key: bytes, notification_url: str, body: bytes, header: str) -> bool:
    return bool(key) and _same(square_signature(key, notification_url, body), header)
