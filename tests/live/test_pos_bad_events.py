"""Bad POS events (issue 18, "POS events and the HTTP surface" items 1-3): every quantity is
checked at the door, times beyond a small skew into the future are refused, a body that is not
UTF-8, not JSON or nested too deep is a 4xx; and what reached the buffer anyway never crashes
the poll."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta

import pytest

from sheets_bot.adapters.clock import FixedClock
from sheets_bot.domain.history import SaleEvent
from sheets_bot.domain.sale_checks import MAX_FUTURE_SKEW, event_problem
from sheets_bot.testing.memory_live import MemorySalesLog
from sheets_bot.web.http_server import WebRequest
from sheets_bot.web.pos_webhook import PosSecrets, pos_webhook_app
from tests.live.live_shop import LiveShop
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
    square_request,
)

SECRETS = PosSecrets(SHOPIFY_SECRET, SQUARE_KEY, SQUARE_URL)
ARRIVED = datetime(2026, 12, 1, 9, tzinfo=UTC)
ESP = "COF-ESP-1K"


@pytest.fixture
def sales() -> MemorySalesLog:
    return MemorySalesLog()


def _send(sales: MemorySalesLog, request: WebRequest) -> tuple[int, str]:
    response = pos_webhook_app(SECRETS, sales, FixedClock(ARRIVED))(request)
    answer = json.loads(response.body_bytes)
    return response.status, str(answer.get("error", ""))


def _order_with_second_quantity(raw: str) -> bytes:
    """A signed-able Shopify order whose second line's quantity is ``raw`` JSON text (json.dumps
    cannot write ``1e400``)."""
    order = shopify_order(lines=((1, "COF-ESP-1K", 2), (2, "DAI-MLK-4L", 777)))
    return body_of(order).replace(b'"quantity":777', b'"quantity":' + raw.encode())


@pytest.mark.parametrize(
    "raw",
    ["1e400", "Infinity", "-Infinity", "NaN", "1e308", "1" + "0" * 400, "-1", "2000001", '"abc"'],
)
def test_a_shopify_line_quantity_that_is_not_sane_is_400_naming_the_line(
    sales: MemorySalesLog, raw: str
) -> None:
    status, error = _send(sales, shopify_request("orders/create", _order_with_second_quantity(raw)))

    assert status == 400
    assert error.startswith("Shopify orders/create: field line_items[1] (id 2).quantity")
    assert sales.unapplied() == []  # the whole webhook, valid lines included: the POS resends


@pytest.mark.parametrize("quantity", ["Infinity", "NaN", "1e400", "-Infinity", "1e10", "abc"])
def test_a_square_count_that_is_not_sane_is_400_naming_the_count(
    sales: MemorySalesLog, quantity: str
) -> None:
    status, error = _send(sales, square_request(square_count(quantity)))

    assert status == 400
    assert "data.object.inventory_counts[0].quantity" in error
    assert sales.unapplied() == []


@pytest.mark.parametrize("raw", ["1e400", "NaN", "-1e12"])
def test_a_shopify_level_or_refund_that_is_not_sane_is_400(sales: MemorySalesLog, raw: str) -> None:
    level = body_of(shopify_level(available=777)).replace(b"777", raw.encode())
    refund = body_of(shopify_refund(quantity=777)).replace(
        b'"quantity":777', f'"quantity":{raw}'.encode()
    )

    assert _send(sales, shopify_request("inventory_levels/update", level))[0] == 400
    assert _send(sales, shopify_request("refunds/create", refund))[0] == 400
    assert sales.unapplied() == []


def test_quantities_at_the_edge_of_the_range_are_accepted(sales: MemorySalesLog) -> None:
    order = _order_with_second_quantity("1000000")
    assert _send(sales, shopify_request("orders/create", order)) == (200, "")
    assert _send(sales, square_request(square_count("-3")))[0] == 200  # oversold: below 0
    assert len(sales.unapplied()) == 3


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"id": 1, "line_items": [], "note": "caf\xe9"}', "the body is not UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deep"),
        (b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "nested too deep"),
        (b"", "the body is not JSON"),
        (b"\xef\xbb\xbf{}", "the body is not JSON"),
        (b"null", "field (body)"),
    ],
)
def test_a_signed_body_that_is_not_utf8_json_is_400(
    sales: MemorySalesLog, body: bytes, expected: str
) -> None:
    shopify = _send(sales, shopify_request("orders/create", body))
    square = _send(sales, square_request(body))

    assert shopify[0] == 400 and expected in shopify[1], shopify
    assert square[0] == 400 and expected in square[1], square


def test_an_event_dated_beyond_the_skew_into_the_future_is_refused(
    sales: MemorySalesLog,
) -> None:
    """A Square count dated 2099 set an item to 1, and every later sale and newer count was
    then marked applied but changed nothing."""
    in_2099 = square_request(square_count("1", calculated_at="2099-01-01T00:00:00Z"))
    just_ahead = (ARRIVED + MAX_FUTURE_SKEW - timedelta(seconds=1)).isoformat()
    too_far = (ARRIVED + MAX_FUTURE_SKEW + timedelta(seconds=1)).isoformat()

    status, error = _send(sales, in_2099)
    assert status == 400
    assert "is dated 2099-01-01T00:00:00+00:00, after it arrived" in error
    assert "square:count:FGQ5JJWT2PYTHF35CKZ2DSKP" in error
    assert _send(sales, shopify_request("orders/create", shopify_order(created_at=too_far)))[0] == (
        400
    )
    assert sales.unapplied() == []
    assert _send(sales, shopify_request("orders/create", shopify_order(created_at=just_ahead))) == (
        200,
        "",
    )


# --- what reached the buffer anyway: the poll sets it aside and carries on ------------------


@pytest.fixture
def shop() -> LiveShop:
    base = LiveShop.sample()
    shop = LiveShop(base.sheet, base.store, base.mailer, base.clock)
    shop.check()
    return shop


def _event(n: int, quantity: float, *, kind: str = "sale", at: datetime | None = None) -> SaleEvent:
    when = at or datetime(2026, 11, 23, 9, tzinfo=UTC)
    return SaleEvent(f"e{n}", "shopify", ESP, quantity, when, kind)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "bad",
    [
        _event(1, math.inf),
        _event(1, math.nan),
        _event(1, -math.inf, kind="refund"),
        _event(1, 1e308),
        _event(1, math.inf, kind="level"),
        _event(1, 1, kind="level", at=datetime(2099, 1, 1, tzinfo=UTC)),
    ],
)
def test_a_bad_event_in_the_buffer_is_set_aside_and_the_poll_carries_on(
    shop: LiveShop, bad: SaleEvent
) -> None:
    """Was `OverflowError` in `on_hand.as_cell` mid-poll, after POs were emailed."""
    assert shop.stock(ESP)["On hand"] == 6
    shop.sales.add([bad, _event(2, 2)])

    report = shop.poll()

    assert shop.stock(ESP)["On hand"] == 4
    assert shop.sales.unapplied() == []
    assert any("set aside, not applied" in line for line in report.live.attention)
    refused = [e for e in shop.store.audit.entries() if e.action == "pos event refused"]
    assert [e.subject for e in refused] == [ESP]

    shop.sales.add([_event(3, 10, kind="level", at=datetime(2026, 11, 23, 9, 30, tzinfo=UTC))])
    shop.poll()
    assert shop.stock(ESP)["On hand"] == 10  # a count dated 2099 does not outrank it


def test_event_problem_names_the_event() -> None:
    now = datetime(2026, 11, 23, 9, tzinfo=UTC)
    assert event_problem(_event(1, 3), now) is None
    assert event_problem(_event(1, -3, kind="refund"), now) is None
    assert event_problem(_event(1, -3, kind="level"), now) is None
    problem = event_problem(_event(7, math.inf), now)
    assert problem is not None and problem.startswith("event e7: its quantity inf is not")
