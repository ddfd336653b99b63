"""`sheets-bot serve` against malformed and hostile clients (issue 18, "POS events and the HTTP
surface" items 3-5), on loopback with an ephemeral port and raw sockets. Timeouts are short and
injected (``ServerLimits``); no test asserts how long anything took."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest

from sheets_bot.adapters.clock import FixedClock
from sheets_bot.testing.memory_live import MemorySalesLog
from sheets_bot.web.http_server import SECURITY_HEADERS, App, WebRequest, WebResponse
from sheets_bot.web.pos_webhook import PosSecrets, pos_webhook_app
from sheets_bot.web.server import ServerLimits, _DeadlineReader, _TooSlow, make_server
from sheets_bot.web.signatures import shopify_signature, square_signature
from tests.live.pos_bodies import SHOPIFY_SECRET, SQUARE_KEY, square_count

WAIT = 20.0
"""How long a test waits for an answer before failing (never reached when all is well)."""


def _hello(request: WebRequest) -> WebResponse:
    return WebResponse(200, f"hello {request.method} {len(request.body)}")


def _broken(request: WebRequest) -> WebResponse:
    raise RuntimeError("a bug in an app")


@contextmanager
def serving(
    apps: Mapping[str, App] | None = None, limits: ServerLimits | None = None
) -> Iterator[tuple[str, int]]:
    server = make_server(
        apps or {"/hello": _hello, "/broken": _broken}, port=0, limits=limits or ServerLimits()
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield "127.0.0.1", server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(WAIT)


def _connect(address: tuple[str, int]) -> socket.socket:
    return socket.create_connection(address, timeout=WAIT)


def _answer(connection: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    data = b""
    while True:
        try:
            chunk = connection.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
    connection.close()
    return data


def _exchange(address: tuple[str, int], raw: bytes) -> bytes:
    connection = _connect(address)
    connection.sendall(raw)
    return _answer(connection)


def _status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def _headers(answer: bytes) -> dict[str, str]:
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    pairs = (line.split(":", 1) for line in head.split("\r\n")[1:] if ":" in line)
    return {name.strip().lower(): value.strip() for name, value in pairs}


def _body(answer: bytes) -> bytes:
    return answer.split(b"\r\n\r\n", 1)[1]


def _assert_secured(answer: bytes) -> None:
    headers = _headers(answer)
    for name, value in SECURITY_HEADERS.items():
        assert headers.get(name.lower()) == value, (name, answer[:300])


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        (b"Content-Length: abc\r\n", 400),
        (b"Content-Length: -1\r\n", 400),
        (b"Content-Length: 1e3\r\n", 400),
        (b"Content-Length: 99999999999999999999\r\n", 400),
        (b"Content-Length: 3\r\nContent-Length: 4\r\n", 400),
        (b"Transfer-Encoding: chunked\r\n", 411),
        (b"Content-Length: 2000000\r\n", 413),
    ],
)
def test_a_bad_content_length_is_refused_before_any_body_is_read(
    headers: bytes, status: int
) -> None:
    with serving() as address:
        answer = _exchange(address, b"POST /hello HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n")

    assert _status(answer) == status
    _assert_secured(answer)


def test_a_body_shorter_than_its_length_is_400() -> None:
    with serving() as address:
        connection = _connect(address)
        connection.sendall(b"POST /hello HTTP/1.0\r\nContent-Length: 10\r\n\r\nabc")
        connection.shutdown(socket.SHUT_WR)
        answer = _answer(connection)

    assert _status(answer) == 400


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"BREW /hello HTTP/1.0\r\n\r\n", 501),
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.0\r\n\r\n", 414),
        (b"GET /hello HTTP/1.0\r\n" + b"X-A: b\r\n" * 101 + b"\r\n", 431),
        (b"GET /hello HTTP/1.0\r\nX-A: " + b"b" * 70_000 + b"\r\n\r\n", 431),
        (b"nonsense\r\n\r\n", 400),
        (b"GET /hello HTTP/9.9\r\n\r\n", 505),
        (b"GET /nowhere HTTP/1.0\r\n\r\n", 404),
    ],
)
def test_the_standard_librarys_error_pages_carry_the_security_headers(
    raw: bytes, status: int
) -> None:
    with serving() as address:
        answer = _exchange(address, raw)

    assert _status(answer) == status
    _assert_secured(answer)
    assert _headers(answer)["content-type"] == "text/html; charset=utf-8"


def test_head_answers_as_get_without_the_body() -> None:
    with serving() as address:
        get = _exchange(address, b"GET /hello HTTP/1.0\r\n\r\n")
        head = _exchange(address, b"HEAD /hello HTTP/1.0\r\n\r\n")

    assert (_status(get), _status(head)) == (200, 200)
    assert _body(get) == b"hello GET 0"
    assert _body(head) == b""
    assert _headers(head)["content-length"] == str(len(b"hello GET 0"))
    _assert_secured(head)


def test_an_app_that_raises_is_a_500_and_the_server_carries_on() -> None:
    with serving() as address:
        broken = _exchange(address, b"GET /broken HTTP/1.0\r\n\r\n")
        after = _exchange(address, b"GET /hello HTTP/1.0\r\n\r\n")

    assert _status(broken) == 500
    _assert_secured(broken)
    assert _status(after) == 200


def test_an_idle_connection_is_closed_with_a_408() -> None:
    limits = ServerLimits(idle_seconds=0.2, request_seconds=60)
    with serving(limits=limits) as address:
        silent = _connect(address)
        half = _connect(address)
        half.sendall(b"POST /hello HTTP/1.0\r\nContent-Length: 10\r\n\r\nabc")

        assert _status(_answer(silent)) == 408
        assert _status(_answer(half)) == 408


def test_a_request_dribbled_past_its_deadline_is_closed() -> None:
    """A header dribbled a byte at a time never lets the idle timeout fire (nor, for minutes,
    the header's length limit); the deadline for the whole request does."""
    limits = ServerLimits(idle_seconds=30, request_seconds=0.3)
    with serving(limits=limits) as address:
        connection = _connect(address)
        connection.sendall(b"GET /hello HTTP/1.0\r\nX-Slow: ")
        pace = threading.Event()
        for _ in range(60_000):
            try:
                connection.sendall(b"a")
            except OSError:
                break
            pace.wait(0.01)  # pacing the client; nothing is asserted about time
            connection.settimeout(0.0)
            try:
                if connection.recv(1, socket.MSG_PEEK):
                    break
            except BlockingIOError:
                pass
            finally:
                connection.settimeout(WAIT)
        else:
            pytest.fail("the server kept reading a request that never ended")
        assert _status(_answer(connection)) == 408


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_reader_stops_at_the_deadline_however_slowly_bytes_come() -> None:
    """Deterministic: a fake clock moves past the deadline between two receives."""
    server_side, client_side = socket.socketpair()
    clock = _Clock()
    reader = _DeadlineReader(server_side, ServerLimits(idle_seconds=5, request_seconds=1), clock)
    try:
        client_side.sendall(b"GET / HTTP/1.0\r\nX-")
        assert reader.readline(65537) == b"GET / HTTP/1.0\r\n"
        clock.now = 0.9
        client_side.sendall(b"A: b")
        clock.now = 1.0
        with pytest.raises(_TooSlow):
            reader.readline(65537)
    finally:
        server_side.close()
        client_side.close()


def test_the_reader_reads_exact_lines_and_bodies() -> None:
    server_side, client_side = socket.socketpair()
    reader = _DeadlineReader(server_side, ServerLimits())
    try:
        client_side.sendall(b"line one\r\nline two\r\nbody-bytes")
        client_side.shutdown(socket.SHUT_WR)
        assert reader.readline(65537) == b"line one\r\n"
        assert reader.readline(4) == b"line"
        assert reader.readline() == b" two\r\n"
        assert reader.read(4) == b"body"
        assert reader.read(100) == b"-bytes"
        assert reader.read(1) == b""
    finally:
        server_side.close()
        client_side.close()


def _serve_threads() -> int:
    return sum(1 for thread in threading.enumerate() if thread.name.startswith("sheets-bot-serve"))


def test_threads_are_bounded_and_connections_past_the_queue_get_a_503() -> None:
    """500 idle connections held 501 threads."""
    limits = ServerLimits(workers=2, pending=3, idle_seconds=WAIT, request_seconds=WAIT)
    with serving(limits=limits) as address:
        held = [_connect(address) for _ in range(5)]
        extra = [_connect(address) for _ in range(20)]
        answers = [_answer(connection) for connection in extra]
        assert {_status(answer) for answer in answers} == {503}
        _assert_secured(answers[0])
        assert _serve_threads() <= 2
        for connection in held:
            # hang up and wait for the server's own close: its slot is free by then (closing
            # and asking at once raced the workers still draining the held connections)
            connection.shutdown(socket.SHUT_WR)
            _answer(connection)
            connection.close()
        after = _exchange(address, b"GET /hello HTTP/1.0\r\n\r\n")
        assert _status(after) == 200


# --- the POS webhook's bad bodies, signed, through the server ------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b'{"id": 1, "note": "caf\xe9"}',
        b"[" * 100_000 + b"]" * 100_000,
        json.dumps(square_count("NaN")).encode(),
    ],
    ids=["invalid utf-8", "nested 100,000 deep", "a NaN quantity"],
)
def test_signed_bad_pos_bodies_get_a_400_reply_from_the_server(body: bytes) -> None:
    sales = MemorySalesLog()
    clock = FixedClock(datetime(2026, 12, 1, tzinfo=UTC))
    app = pos_webhook_app(PosSecrets(SHOPIFY_SECRET, SQUARE_KEY, ""), sales, clock)
    with serving({"/pos": app}) as address:
        url = f"http://127.0.0.1:{address[1]}/pos/square"
        square_signed = square_signature(SQUARE_KEY, url, body)
        shopify = _exchange(
            address,
            b"POST /pos/shopify HTTP/1.0\r\nX-Shopify-Topic: orders/create\r\n"
            + f"X-Shopify-Hmac-Sha256: {shopify_signature(SHOPIFY_SECRET, body)}\r\n".encode()
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body,
        )
        square = _exchange(
            address,
            b"POST /pos/square HTTP/1.0\r\n"
            + f"Host: 127.0.0.1:{address[1]}\r\n".encode()
            + f"X-Square-Hmacsha256-Signature: {square_signed}\r\n".encode()
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body,
        )

    assert _status(shopify) == 400, shopify[:400]
    assert _status(square) == 400, square[:400]
    assert sales.unapplied() == []
