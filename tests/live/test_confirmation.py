"""Supplier confirmation: the link in the PO email, the page, the button, the poll marking the
Orders lines confirmed; the one follow-up after 24 hours."""

from __future__ import annotations

import re
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import pytest

from sheets_bot.domain.confirm_links import ConfirmLinks
from sheets_bot.domain.tokens import TokenClaims, sign_token
from sheets_bot.web.confirm_app import confirm_app
from sheets_bot.web.http_server import App, WebRequest, WebResponse
from sheets_bot.web.server import make_server
from tests.browser import screenshot
from tests.live.live_shop import LINK_KEY, LiveShop

if TYPE_CHECKING:
    from playwright.sync_api import Page

PO = "PO-0001"


@pytest.fixture
def shop() -> LiveShop:
    return LiveShop.with_sent_po()


def _body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def _link(text: str) -> str:
    found = re.search(r"https?://\S+/confirm\?t=\S+", text)
    assert found is not None, text
    return found.group(0)


def _token(url: str) -> str:
    return parse_qs(urlsplit(url).query)["t"][0]


def test_the_po_email_carries_a_link_bound_to_its_po() -> None:
    shop = LiveShop.sample()
    live = LiveShop(shop.sheet, shop.store, shop.mailer, shop.clock)
    live.check()
    live.decide(live.draft_of("Bean Brothers Roasters"), "approve")
    live.poll()

    [message] = live.mailer.sent
    url = _link(_body(message))
    assert url.startswith("https://links.example/confirm?t=")
    assert live.links is not None
    assert live.links.po_of(_token(url), live.clock.now()) == PO
    html_part = message.get_body(("html",))
    assert html_part is not None
    assert f"Confirm {PO}</a>" in str(html_part.get_content())


def test_without_links_the_po_email_has_none() -> None:
    shop = LiveShop.sample()
    live = LiveShop(shop.sheet, shop.store, shop.mailer, shop.clock, links=None)
    live.check()
    live.decide(live.draft_of("Bean Brothers Roasters"), "approve")
    live.poll()

    assert "/confirm" not in _body(live.mailer.sent[0])


def _app(shop: LiveShop) -> tuple[ConfirmLinks, App]:
    assert shop.links is not None
    return shop.links, confirm_app(shop.links, shop.claims, shop.clock)


def test_a_get_shows_the_page_and_changes_nothing(shop: LiveShop) -> None:
    links, app = _app(shop)
    token = links.token_for(PO, shop.clock.now())

    response = app(WebRequest("GET", "/confirm", query={"t": token}))

    assert response.status == 200
    assert f"Confirm {PO}" in response.body
    assert shop.claims.claimed_at(f"confirmed:{PO}") is None


def test_the_post_confirms_once(shop: LiveShop) -> None:
    links, app = _app(shop)
    body = f"t={links.token_for(PO, shop.clock.now())}".encode()

    first = app(WebRequest("POST", "/confirm", body=body))
    second = app(WebRequest("POST", "/confirm", body=body))

    assert "is confirmed" in first.body
    assert "already confirmed" in second.body
    assert shop.claims.claimed_at(f"confirmed:{PO}") == shop.clock.now()


@pytest.mark.parametrize(
    ("token", "status", "title"),
    [
        ("", 403, "This link is not valid"),
        ("abc.def", 403, "This link is not valid"),
        (
            ConfirmLinks("https://x/confirm", b"z" * 32).token_for(
                PO, datetime(2026, 11, 23, tzinfo=UTC)
            ),
            403,
            "This link is not valid",
        ),
        (
            sign_token(TokenClaims("decision", PO, "approve", "", 2_000_000_000, "n"), LINK_KEY),
            403,
            "This link is not valid",
        ),
        (
            ConfirmLinks("https://x/confirm", LINK_KEY, days=1).token_for(
                PO, datetime(2026, 11, 1, tzinfo=UTC)
            ),
            410,
            "This link has expired",
        ),
    ],
    ids=["missing", "malformed", "forged", "wrong purpose", "expired"],
)
def test_a_bad_token_gets_a_clear_page_and_changes_nothing(
    shop: LiveShop, token: str, status: int, title: str
) -> None:
    _, app = _app(shop)

    response = app(WebRequest("POST", "/confirm", body=f"t={token}".encode()))

    assert (response.status, title in response.body) == (status, True)
    assert shop.claims.claimed_at(f"confirmed:{PO}") is None


def test_the_poll_marks_the_po_confirmed_in_orders(shop: LiveShop) -> None:
    shop.claims.claim(f"confirmed:{PO}", shop.clock.now() + timedelta(hours=1))
    shop.clock.advance(hours=2)

    report = shop.poll()

    assert [r["Status"] for r in shop.rows("Orders")] == ["confirmed", "confirmed"]
    assert shop.rows("Orders")[0]["Note"] == "confirmed by the supplier on 2026-11-23 11:00"
    assert report.live.confirmed == [f"{PO} (Bean Brothers Roasters) at 2026-11-23 11:00"]
    assert shop.stock("COF-ESP-1K")["On order"] == 24
    [entry] = [e for e in shop.store.audit.entries() if e.action == "po confirmed"]
    assert entry.who == "supplier (confirmation link)"
    applies = shop.sheet.applies
    shop.poll()
    assert shop.sheet.applies == applies


def test_one_follow_up_after_a_day_outside_quiet_hours(shop: LiveShop) -> None:
    shop.clock.advance(hours=23)
    shop.poll()
    assert shop.mailer.sent == []

    shop.clock.advance(hours=13)  # 22:00 London: quiet hours (22:00-06:00)
    shop.poll()
    assert shop.mailer.sent == []

    shop.clock.advance(hours=8)  # 06:00 the next day: quiet hours are over
    report = shop.poll()
    shop.clock.advance(hours=1)
    shop.poll()

    [message] = shop.mailer.sent
    assert message["To"] == "orders@beanbrothers.example"
    assert message["Subject"] == "Purchase order PO-0001 from Corner Café & Pantry: received?"
    text = _body(message)
    assert "We sent you purchase order PO-0001 on 23 November 2026" in text
    assert shop.links is not None
    assert shop.links.po_of(_token(_link(text)), shop.clock.now()) == PO
    assert report.live.followed_up == [
        f"{PO} to Bean Brothers Roasters <orders@beanbrothers.example>"
    ]
    assert str(shop.rows("Orders")[0]["Note"]).startswith("follow-up sent 2026-11-25 06:00")
    assert [e.action for e in shop.store.audit.entries()].count("follow-up sent") == 1


def test_a_cleared_note_does_not_send_a_second_follow_up(shop: LiveShop) -> None:
    shop.clock.advance(hours=25)
    shop.poll()
    for number in (2, 3):
        shop.sheet.set_cell("Orders", number, "Note", "")
    shop.clock.advance(hours=1)

    shop.poll()

    assert len(shop.mailer.sent) == 1


def test_a_confirmed_po_gets_no_follow_up_and_after_48_hours_a_sent_one_needs_you(
    shop: LiveShop,
) -> None:
    other = LiveShop.with_sent_po()
    other.claims.claim(f"confirmed:{PO}", other.clock.now())
    other.clock.advance(hours=50)
    assert other.poll().live.attention == []
    assert other.mailer.sent == []

    shop.clock.advance(hours=50)
    report = shop.poll()
    assert report.live.attention == [
        f"{PO} to Bean Brothers Roasters: sent 2026-11-23 10:00, no confirmation after 50 hours"
    ]


def test_the_page_in_a_browser_and_its_button(page: Page, shop: LiveShop) -> None:
    holder: dict[str, App] = {}

    def app(request: WebRequest) -> WebResponse:
        return holder["app"](request)

    server = make_server({"/confirm": app}, port=0)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    live = replace(shop, links=ConfirmLinks(f"{base}/confirm", LINK_KEY))
    assert live.links is not None
    holder["app"] = confirm_app(live.links, live.claims, live.clock)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = live.links.url_for(PO, live.clock.now())
        page.goto(url)
        assert page.locator("h1").inner_text() == f"Purchase order {PO}"
        assert live.claims.claimed_at(f"confirmed:{PO}") is None
        screenshot(page, "confirm-page")

        page.get_by_role("button", name=f"Confirm {PO}").click()
        page.wait_for_selector("text=is confirmed")
        screenshot(page, "confirm-done")
        assert page.locator("h1").inner_text() == "Confirmed"

        page.goto(url)
        assert "already confirmed" in page.locator("p").inner_text()
        page.goto(f"{base}/confirm?t=forged.token")
        assert page.locator("h1").inner_text() == "This link is not valid"
    finally:
        server.shutdown()
        server.server_close()

    live.clock.advance(minutes=5)
    live.poll()
    assert [r["Status"] for r in live.rows("Orders")] == ["confirmed", "confirmed"]


def test_a_po_with_a_line_received_needs_no_reminder(shop: LiveShop) -> None:
    shop.set_order(PO, "COF-ESP-1K", status="received")
    shop.clock.advance(hours=50)

    report = shop.poll()

    assert shop.mailer.sent == []
    assert report.live.attention == []
    assert shop.order(PO, "COF-DEC-1K")["Status"] == "sent"
