from __future__ import annotations

import base64
import threading
import urllib.request
from collections.abc import Iterator

import pytest

from sheets_bot.web.http_server import (
    WebRequest,
    WebResponse,
    from_function_url_event,
    to_function_url_response,
)
from sheets_bot.web.server import make_server, route

# The shape AWS documents for a Function URL invocation (payload format version 2.0).
FUNCTION_URL_EVENT = {
    "version": "2.0",
    "routeKey": "$default",
    "rawPath": "/webhooks/shopify",
    "rawQueryString": "t=abc&x=1",
    "headers": {"Content-Type": "application/json", "X-Shopify-Topic": "orders/create"},
    "queryStringParameters": {"t": "abc", "x": "1"},
    "requestContext": {
        "domainName": "abcdefg.lambda-url.us-east-1.on.aws",
        "http": {"method": "POST", "path": "/webhooks/shopify", "protocol": "HTTP/1.1"},
    },
    "body": base64.b64encode(b'{"id": 1}').decode(),
    "isBase64Encoded": True,
}


def test_a_function_url_event_becomes_a_request_with_the_exact_body() -> None:
    request = from_function_url_event(FUNCTION_URL_EVENT)
    assert request.method == "POST"
    assert request.path == "/webhooks/shopify"
    assert request.query == {"t": "abc", "x": "1"}
    assert request.header("x-shopify-topic") == "orders/create"
    assert request.body == b'{"id": 1}'
    assert request.url == "https://abcdefg.lambda-url.us-east-1.on.aws/webhooks/shopify?t=abc&x=1"


def test_a_plain_text_body_is_kept_as_utf8() -> None:
    event = {**FUNCTION_URL_EVENT, "body": "a=1&b=%C3%A9", "isBase64Encoded": False}
    assert from_function_url_event(event).form() == {"a": "1", "b": "é"}


def test_responses_carry_security_headers_and_binary_is_base64() -> None:
    text = to_function_url_response(WebResponse(200, "<p>ok</p>"))
    assert text["statusCode"] == 200
    assert text["headers"]["Cache-Control"] == "no-store"
    assert text["body"] == "<p>ok</p>"
    png = to_function_url_response(WebResponse(200, b"\x89PNG", content_type="image/png"))
    assert png["isBase64Encoded"] is True
    assert base64.b64decode(png["body"]) == b"\x89PNG"


def _echo(name: str):  # type: ignore[no-untyped-def]
    def app(request: WebRequest) -> WebResponse:
        return WebResponse(200, f"{name} {request.method} {request.path} {request.body!r}")

    return app


def test_route_picks_the_longest_prefix_and_404s_the_rest() -> None:
    apps = {"/": _echo("root"), "/links": _echo("links")}
    assert route(apps, WebRequest("GET", "/links/x")).body == "links GET /links/x b''"
    assert route(apps, WebRequest("GET", "/linksx")).body == "root GET /linksx b''"
    assert route({"/links": _echo("links")}, WebRequest("GET", "/other")).status == 404


@pytest.fixture
def server_url() -> Iterator[str]:
    server = make_server({"/echo": _echo("echo")}, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_the_local_server_hands_apps_the_exact_bytes(server_url: str) -> None:
    request = urllib.request.Request(f"{server_url}/echo/a?q=1", data=b"\x00raw", method="POST")
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.read() == b"echo POST /echo/a b'\\x00raw'"
