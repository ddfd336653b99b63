"""One request/response shape for every HTTP entry point.

A Lambda Function URL hands over an event (payload format 2.0) and wants a dict back; the
local server (``sheets-bot serve``) has a socket. Both convert to and from ``WebRequest`` and
``WebResponse``, so an app (webhooks, link pages) is a plain function, tested without either.
The body is kept as the exact bytes received: webhook signatures are computed over them.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

MAX_BODY_BYTES = 1_000_000
"""Bigger bodies are refused before they are read (Function URLs cap at 6 MB anyway)."""


@dataclass(frozen=True)
class WebRequest:
    method: str
    path: str
    query: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    """Lower-case names."""
    body: bytes = b""
    url: str = ""
    """The full URL the client asked for, scheme and host included (Square signs it)."""

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    def form(self) -> dict[str, str]:
        """An ``application/x-www-form-urlencoded`` body as a dict (last value wins)."""
        return dict(parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))


@dataclass(frozen=True)
class WebResponse:
    status: int
    body: str | bytes = ""
    content_type: str = "text/html; charset=utf-8"
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def body_bytes(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


App = Callable[[WebRequest], WebResponse]

SECURITY_HEADERS: Mapping[str, str] = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    "X-Frame-Options": "DENY",
}
"""Sent with every page: nothing cached (a token is in the URL), no framing, no scripts."""


def from_function_url_event(event: Mapping[str, Any]) -> WebRequest:
    """A Lambda Function URL event (payload format 2.0) as a ``WebRequest``."""
    context = event.get("requestContext") or {}
    http = context.get("http") or {}
    raw_body = event.get("body") or ""
    body = (
        base64.b64decode(raw_body)
        if event.get("isBase64Encoded")
        else str(raw_body).encode("utf-8")
    )
    headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
    raw_query = str(event.get("rawQueryString") or "")
    path = str(event.get("rawPath") or http.get("path") or "/")
    domain = str(context.get("domainName") or headers.get("host", ""))
    url = f"https://{domain}{path}" + (f"?{raw_query}" if raw_query else "")
    return WebRequest(
        method=str(http.get("method") or "GET").upper(),
        path=path,
        query=dict(parse_qsl(raw_query, keep_blank_values=True)),
        headers=headers,
        body=body,
        url=url,
    )


def to_function_url_response(response: WebResponse) -> dict[str, Any]:
    """A ``WebResponse`` as a Function URL wants it; binary bodies base64-encoded."""
    headers = {**SECURITY_HEADERS, "Content-Type": response.content_type, **response.headers}
    if isinstance(response.body, str):
        return {"statusCode": response.status, "headers": headers, "body": response.body}
    return {
        "statusCode": response.status,
        "headers": headers,
        "body": base64.b64encode(response.body).decode("ascii"),
        "isBase64Encoded": True,
    }
