from __future__ import annotations

from typing import TYPE_CHECKING

from sheets_bot.web.pages import message_page
from tests.browser import screenshot

if TYPE_CHECKING:
    from playwright.sync_api import Page


def test_a_message_page_renders_escaped_text(page: Page) -> None:
    page.set_content(message_page("Done <b>", "PO-0001 <script>alert(1)</script> confirmed"))
    assert page.locator("h1").inner_text() == "Done <b>"
    assert "<script>" in page.locator("p").inner_text()
    assert page.locator("script").count() == 0
    assert screenshot(page, "message-page").stat().st_size > 0
