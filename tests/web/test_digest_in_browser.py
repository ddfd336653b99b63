"""What the owner sees, in headless Chromium: the HTML digest with its Approve/Skip buttons,
the confirmation page, and a click on its button against ``sheets-bot serve``'s server on
loopback that changes the Decision cells in the workbook. Screenshots in test-artifacts/."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from sheets_bot.cli import main
from sheets_bot.config import LocalConfig
from sheets_bot.testing.sheet_helpers import WorkbookOwner
from sheets_bot.web.local_apps import local_apps
from sheets_bot.web.server import make_server
from sheets_bot.wiring import build_clock, state_store
from tests.browser import screenshot
from tests.outbox import digests

if TYPE_CHECKING:
    from http.server import HTTPServer

    from playwright.sync_api import Page

NOW = "2026-11-23T07:45:00Z"
OAT_BARISTA = "DAI-OATB-1L"


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    workbook = tmp_path / "shop" / "shop.xlsx"
    assert main(["init", "--workbook", str(workbook), "--sample"]) == 0
    # A line flagged on purpose, to see the flag in the digest: a safety buffer of 70 (14 days
    # of sales) for the oat milk barista makes its need 90, 2.57× a week of its sales.
    owner = WorkbookOwner(workbook)
    row = next(n for n, r in enumerate(owner.records("Stock"), start=2) if r["SKU"] == OAT_BARISTA)
    owner.set_cell("Stock", row, "Safety buffer", 70)
    return workbook


@pytest.fixture
def server(shop: Path) -> Iterator[HTTPServer]:
    config = LocalConfig.build(str(shop), None, NOW)
    with state_store(config) as store:
        httpd = make_server(local_apps(config, store, build_clock(config)), port=0)
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield httpd
        finally:
            httpd.shutdown()
            httpd.server_close()


def _digest(shop: Path, base: str) -> EmailMessage:
    assert main(["check", "--workbook", str(shop), "--now", NOW, "--links-url", base]) == 0
    [path] = digests(shop.parent / "sheets-bot-state" / "outbox")
    message = message_from_bytes(path.read_bytes(), policy=default)
    assert isinstance(message, EmailMessage)
    return message


def _html(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None
    html: str = part.get_content()
    return html


def _decisions(shop: Path, draft: str) -> list[str]:
    return [
        str(row["Decision"] or "")
        for row in WorkbookOwner(shop).records("Drafts")
        if row["Draft"] == draft
    ]


def test_the_html_digest_renders_with_its_buttons(
    page: Page, shop: Path, server: HTTPServer
) -> None:
    message = _digest(shop, f"http://127.0.0.1:{server.server_address[1]}")
    page.set_content(_html(message))
    assert page.locator("h1").inner_text() == "Corner Café & Pantry"
    headings = page.locator("h2").all_inner_texts()
    assert headings[:2] == ["Urgent", "Drafts waiting for your decision"]
    assert "Problem rows" in headings
    approve = page.get_by_role("link", name="Approve")
    assert approve.count() == 5
    assert re.match(
        r"http://127\.0\.0\.1:\d+/decision\?t=", approve.first.get_attribute("href") or ""
    )
    assert page.locator("script, img").count() == 0
    assert screenshot(page, "digest-email").stat().st_size > 10_000


def test_clicking_confirm_writes_the_decision_cells(
    page: Page, shop: Path, server: HTTPServer
) -> None:
    message = _digest(shop, f"http://127.0.0.1:{server.server_address[1]}")
    page.set_content(_html(message))
    href = page.get_by_role("link", name="Approve").first.get_attribute("href")
    assert href is not None

    page.goto(href)
    assert page.locator("h1").inner_text() == "Approve D-0001 for Bean Brothers Roasters?"
    assert "£482.00" in page.locator("body").inner_text()
    assert page.locator("table tbody tr").count() == 2
    screenshot(page, "decision-confirm")
    assert _decisions(shop, "D-0001") == ["", ""]  # opening the page changed nothing

    page.get_by_role("button", name="Approve and send").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Approved: D-0001"
    screenshot(page, "decision-recorded")
    assert _decisions(shop, "D-0001") == ["approve", "approve"]
    audit = WorkbookOwner(shop).records("Audit")
    assert [r["Who"] for r in audit if r["Action"] == "approve"] == ["owner (digest link)"]

    page.goto(href)
    assert page.locator("h1").inner_text() == "This link was already used"
    screenshot(page, "decision-used")


@pytest.mark.parametrize("width", [360, 390, 1280])
def test_the_digest_fits_the_screen_from_phone_to_desktop(
    page: Page, shop: Path, server: HTTPServer, width: int
) -> None:
    """No horizontal scrolling in the page at phone width: measured in the page, not only
    photographed. Money with its symbol, out-of-stock items in words, every header named."""
    message = _digest(shop, f"http://127.0.0.1:{server.server_address[1]}")
    page.set_viewport_size({"width": width, "height": 900})
    page.set_content(_html(message))
    scroll, client = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= client, f"{scroll}px of content in a {client}px wide page"
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .map(e => e.tagName + ': ' + e.textContent.slice(0, 40))"""
    )
    assert wide == []
    text = page.locator("body").inner_text()
    assert "£" in text and " GBP" not in text
    assert "0.0 days" not in text
    assert "out of stock" in text  # the sample's oat milk barista has none on hand
    assert "CHECK QTY: needs 90, 2.57× the usual order" in " ".join(text.split())
    assert all(name.strip() for name in page.locator("th").all_inner_texts())
    screenshot(page, f"digest-{width}px")
