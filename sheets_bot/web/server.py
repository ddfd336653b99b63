"""``sheets-bot serve``: the HTTP apps on this machine, for local mode and development.

Standard library only (``http.server``), one thread per request. Apps are mounted by path
prefix; the longest prefix that matches wins. The body is read whole (up to
``MAX_BODY_BYTES``) and handed over as the exact bytes received.
"""

from __future__ import annotations

from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from sheets_bot.web.http_server import (
    MAX_BODY_BYTES,
    SECURITY_HEADERS,
    App,
    WebRequest,
    WebResponse,
)
from sheets_bot.web.pages import message_page


def route(apps: Mapping[str, App], request: WebRequest) -> WebResponse:
    """The response of the app mounted at the longest prefix of the request's path."""
    matches = [
        prefix
        for prefix in apps
        if request.path == prefix or request.path.startswith(prefix.rstrip("/") + "/")
    ]
    if not matches:
        return WebResponse(404, message_page("Not found", "There is nothing at this address."))
    return apps[max(matches, key=len)](request)


class _Server(ThreadingHTTPServer):
    request_queue_size = 128
    """Connections waiting to be accepted: a burst of webhooks queues instead of being reset
    (the standard library's default is 5)."""


def make_server(
    apps: Mapping[str, App], host: str = "127.0.0.1", port: int = 8080
) -> ThreadingHTTPServer:
    """A server ready for ``serve_forever`` (port 0 picks a free one: tests use that)."""

    class Handler(BaseHTTPRequestHandler):
        server_version = "sheets-bot"
        sys_version = ""

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY_BYTES:
                self._send(WebResponse(413, message_page("Too large", "The request is too large.")))
                return
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            host_header = self.headers.get("Host") or f"{host}:{port}"
            request = WebRequest(
                method=self.command,
                path=parts.path or "/",
                query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
                url=f"http://{host_header}{self.path}",
            )
            self._send(route(apps, request))

        def _send(self, response: WebResponse) -> None:
            data = response.body_bytes
            self.send_response(response.status)
            headers = {**SECURITY_HEADERS, "Content-Type": response.content_type}
            headers.update(response.headers)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = _handle
        do_POST = _handle

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: request lines carry tokens in their query strings."""

    return _Server((host, port), Handler)
