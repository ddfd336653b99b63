"""``sheets-bot serve``: the HTTP apps on this machine, for local mode and development.

Standard library only (``http.server``). Apps are mounted by path prefix; the longest prefix
that matches wins. The body is read whole (up to ``MAX_BODY_BYTES``) and handed over as the
exact bytes received. One request per connection (HTTP/1.0), so a connection's life is one
request's.

What a client on the network cannot do to it:

* hold threads: a fixed pool of ``workers`` serves connections; up to ``pending`` more wait
  for a worker, and beyond that a connection is answered 503 at once;
* hold a worker: a connection that sends nothing for ``idle_seconds``, or has not sent its
  whole request (line, headers, body) within ``request_seconds`` however slowly it dribbles,
  gets a 408 and is closed;
* read a body it never sends: a ``Content-Length`` that is not a number (``abc``, ``-1``), two
  that disagree, or a chunked body get a 400 (411 for chunked) before anything is read;
* get a bare page: the standard library's own error pages (400, 408, 414, 431, 501) carry the
  app's security headers; HEAD answers as GET without the body;
* crash a worker with an app's bug: any exception is a 500, logged without the body or query.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from sheets_bot.errors import BotError
from sheets_bot.web.http_server import (
    MAX_BODY_BYTES,
    SECURITY_HEADERS,
    App,
    WebRequest,
    WebResponse,
)
from sheets_bot.web.pages import message_page

log = logging.getLogger("sheets_bot.web.server")


@dataclass(frozen=True)
class ServerLimits:
    workers: int = 16
    """Threads serving connections: never more, however many connect."""
    pending: int = 128
    """Accepted connections that may wait for a worker; more are answered 503."""
    idle_seconds: float = 10.0
    """A connection silent this long (reading its request, or taking the answer) is closed."""
    request_seconds: float = 30.0
    """The whole request must have arrived within this long of the connection."""


def route(apps: Mapping[str, App], request: WebRequest) -> WebResponse:
    """The response of the app mounted at the longest prefix of the request's path; a 500 page,
    never an exception, when the app fails (the Lambda handlers route through here too)."""
    matches = [
        prefix
        for prefix in apps
        if request.path == prefix or request.path.startswith(prefix.rstrip("/") + "/")
    ]
    if not matches:
        return WebResponse(404, message_page("Not found", "There is nothing at this address."))
    try:
        return apps[max(matches, key=len)](request)
    except Exception:
        log.exception("%s %s failed", request.method, request.path)
        return WebResponse(
            500,
            message_page("Something went wrong", "Nothing was changed. Try again in a minute."),
        )


class _TooSlow(BotError):
    """The request did not arrive in time (idle, or dribbled past the deadline)."""


class _DeadlineReader:
    """The connection's input for ``http.server``: ``readline`` and ``read`` straight from the
    socket, each receive waiting at most the idle time and never past the request's deadline,
    so no rate of dribbling keeps a worker longer than ``request_seconds``."""

    def __init__(
        self,
        connection: socket.socket,
        limits: ServerLimits,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._connection = connection
        self._idle = limits.idle_seconds
        self._clock = clock
        self._deadline = clock() + limits.request_seconds
        self._buffer = bytearray()
        self._ended = False

    def _receive(self) -> bool:
        """Wait for more bytes; False once the client has closed its side."""
        if self._ended:
            return False
        remaining = self._deadline - self._clock()
        if remaining <= 0:
            raise _TooSlow("the request did not arrive in time")
        self._connection.settimeout(min(self._idle, remaining))
        try:
            chunk = self._connection.recv(65536)
        except TimeoutError:
            raise _TooSlow("the connection was idle too long") from None
        if not chunk:
            self._ended = True
            return False
        self._buffer += chunk
        return True

    def _take(self, size: int) -> bytes:
        taken = bytes(self._buffer[:size])
        del self._buffer[:size]
        return taken

    def readline(self, limit: int = -1) -> bytes:
        while True:
            end = self._buffer.find(b"\n")
            if end >= 0 and (limit < 0 or end < limit):
                return self._take(end + 1)
            if 0 <= limit <= len(self._buffer):
                return self._take(limit)
            if not self._receive():
                return self._take(len(self._buffer))

    def read(self, size: int) -> bytes:
        while len(self._buffer) < size and self._receive():
            pass
        return self._take(min(size, len(self._buffer)))

    def close(self) -> None:
        self._buffer.clear()


def _content_length(values: list[str]) -> int | str:
    """The body's length, or why the header is refused."""
    if not values:
        return 0
    texts = {value.strip() for value in values}
    if len(texts) > 1:
        return "the request has two different Content-Length headers"
    [text] = texts
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        return "Content-Length must be a whole number of bytes"
    return int(text)


class _Server(HTTPServer):
    """A fixed pool of workers instead of a thread per connection."""

    request_queue_size = 128
    """Connections waiting to be accepted: a burst of webhooks queues instead of being reset
    (the standard library's default is 5)."""

    def __init__(
        self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], limits: ServerLimits
    ) -> None:
        self.limits = limits
        self._pool = ThreadPoolExecutor(limits.workers, thread_name_prefix="sheets-bot-serve")
        self._slots = threading.BoundedSemaphore(limits.workers + limits.pending)
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            _answer_busy(request)
            self.shutdown_request(request)
            return
        try:
            self._pool.submit(self._serve, request, client_address)
        except RuntimeError:  # the pool is shut down: the server is closing
            self._slots.release()
            self.shutdown_request(request)

    def _serve(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            # the slot is free before the client sees the connection close, so a client that
            # waited for the close can count on the slot
            self._slots.release()
            self.shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A connection that broke (reset, closed mid-answer): logged, never a traceback on
        the console."""
        log.debug("connection from %s failed", client_address, exc_info=True)

    def server_close(self) -> None:
        super().server_close()
        self._pool.shutdown(wait=True)


def _answer_busy(connection: socket.socket) -> None:
    body = message_page("Busy", "Too many connections; try again in a moment.").encode()
    headers = {**SECURITY_HEADERS, "Content-Type": "text/html; charset=utf-8", "Retry-After": "5"}
    head = "HTTP/1.0 503 Service Unavailable\r\n" + "".join(
        f"{name}: {value}\r\n" for name, value in headers.items()
    )
    head += f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    try:
        connection.settimeout(1.0)
        connection.sendall(head.encode("latin-1") + body)
    except OSError:
        pass


def make_server(
    apps: Mapping[str, App],
    host: str = "127.0.0.1",
    port: int = 8080,
    limits: ServerLimits | None = None,
) -> HTTPServer:
    """A server ready for ``serve_forever`` (port 0 picks a free one: tests use that)."""
    limits = limits or ServerLimits()
    return _Server((host, port), _handler(apps, host, port, limits), limits)


def _handler(
    apps: Mapping[str, App], host: str, port: int, limits: ServerLimits
) -> type[BaseHTTPRequestHandler]:

    class Handler(BaseHTTPRequestHandler):
        server_version = "sheets-bot"
        sys_version = ""
        default_request_version = "HTTP/1.0"
        """Not 0.9: an answer to a request line without a version still has headers."""
        timeout = limits.idle_seconds

        def setup(self) -> None:
            super().setup()
            # what send_error needs if the request line never arrives
            self.command, self.requestline, self.request_version = "", "", ""
            self.rfile.close()
            self.rfile = _DeadlineReader(self.connection, limits)  # type: ignore[assignment]

        def handle_one_request(self) -> None:
            try:
                super().handle_one_request()
            except _TooSlow as error:
                self.close_connection = True
                self.connection.settimeout(limits.idle_seconds)
                self.send_error(HTTPStatus.REQUEST_TIMEOUT, str(error))

        def _handle(self) -> None:
            length = _content_length(self.headers.get_all("Content-Length") or [])
            if self.headers.get("Transfer-Encoding"):
                self.send_error(HTTPStatus.LENGTH_REQUIRED, "Send the body with a Content-Length")
                return
            if isinstance(length, str):
                self.send_error(HTTPStatus.BAD_REQUEST, length)
                return
            if length > MAX_BODY_BYTES:
                self.close_connection = True
                self._send(WebResponse(413, message_page("Too large", "The request is too large.")))
                return
            body = self.rfile.read(length) if length else b""
            if len(body) < length:
                self.send_error(HTTPStatus.BAD_REQUEST, "The body is shorter than its length")
                return
            self.connection.settimeout(limits.idle_seconds)
            parts = urlsplit(self.path)
            host_header = self.headers.get("Host") or f"{host}:{port}"
            request = WebRequest(
                method="GET" if self.command == "HEAD" else self.command,
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
            if self.command != "HEAD":
                self.wfile.write(data)

        def send_error(
            self, code: int, message: str | None = None, explain: str | None = None
        ) -> None:
            """The standard library's error answers (400, 408, 414, 431, 501...) as the app's
            pages, with its security headers."""
            try:
                short, long = self.responses[HTTPStatus(code)]
            except (KeyError, ValueError):
                short, long = "Error", ""
            self.close_connection = True
            self._send(WebResponse(code, message_page(short, message or explain or long)))

        do_GET = _handle
        do_POST = _handle
        do_HEAD = _handle

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: request lines carry tokens in their query strings."""

    return Handler
