"""The monthly summary email: headers, text and HTML bodies, escaping, the inline chart."""

from __future__ import annotations

import base64
import io
from dataclasses import replace
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import TYPE_CHECKING

import pytest
from PIL import Image

from sheets_bot.documents.monthly_email import CHART_FILENAME, compose_summary
from sheets_bot.documents.monthly_narrative import (
    clean_narrative,
    summary_facts,
    template_narrative,
)
from sheets_bot.documents.stock_chart import stock_chart_png
from sheets_bot.domain.models import ShopSettings
from sheets_bot.domain.monthly import ItemInfo, MonthlyFigures, monthly_figures
from tests.browser import screenshot
from tests.unit.monthly_script import (
    ITEMS,
    LINES,
    NOVEMBER,
    SUPPLIER_LEAD_DAYS,
    november_history,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

NOW = datetime(2026, 12, 1, 7, 30, tzinfo=UTC)
SETTINGS = ShopSettings(
    business_name="Corner <Café> & Pantry",
    owner_email="owner@cornercafe.example",
    from_address="orders@cornercafe.example",
    timezone="Europe/London",
    currency="GBP",
)
HOSTILE_ITEMS = tuple(
    replace(item, name='Strawberry jam <img src=x onerror="alert(1)">')
    if item.sku == "JAM-1"
    else item
    for item in ITEMS
)


def figures(items: tuple[ItemInfo, ...] = HOSTILE_ITEMS, *, history: bool = True) -> MonthlyFigures:
    return monthly_figures(
        NOVEMBER,
        LINES,
        items,
        supplier_lead_days=SUPPLIER_LEAD_DAYS,
        history=november_history() if history else None,
    )


def compose(result: MonthlyFigures, narrative: str = "", ai: bool = False) -> EmailMessage:
    movers = result.stock.movers if result.stock else ()
    return compose_summary(
        result,
        SETTINGS,
        narrative or template_narrative(result, "GBP"),
        now=NOW,
        chart_png=stock_chart_png(movers) if movers else None,
        ai_written=ai,
        where="/home/café/shop.xlsx",
    )


def part(message: EmailMessage, subtype: str) -> str:
    found = message.get_body(preferencelist=(subtype,))
    assert found is not None
    return str(found.get_content())


def test_headers_come_from_validated_addresses() -> None:
    message = compose(figures())
    assert message["From"] == "orders@cornercafe.example"
    assert message["To"] == "owner@cornercafe.example"
    assert message["X-Sheets-Bot-Summary"] == "2026-11"
    assert str(message["Message-ID"]).endswith("@cornercafe.example>")
    with pytest.raises(ValueError, match="Owner email"):
        compose_summary(figures(), replace(SETTINGS, owner_email=None), "x", now=NOW)
    with pytest.raises(ValueError, match="timezone-aware"):
        compose_summary(figures(), SETTINGS, "x", now=datetime(2026, 12, 1))


def test_text_body_has_every_figure() -> None:
    text = part(compose(figures()), "plain")
    assert text.startswith("Corner <Café> & Pantry - monthly summary, November 2026\n")
    for expected in (
        "In November 2026 the bot sent 3 purchase orders for £132.00.",
        "3 deliveries were late, from Bean Bros, Dairy Co.",
        "- Bean Bros: 1 PO, £84.00",
        "Total: 3 POs, £132.00",
        "In stock 95.6% of 90 item-days (4 stockout days).",
        "Average days of supply: 10.2.",
        "- Coffee beans 1kg (SKU COF-1): out on 4 days",
        "- PO-0003 from Dairy Co: expected 27 Nov, not received, 3 days late",
        '- Strawberry jam <img src=x onerror="alert(1)"> (SKU JAM-1): 12 on hand',
        f"({CHART_FILENAME})",
        "Sheet: /home/café/shop.xlsx",
    ):
        assert expected in text, expected


def test_html_escapes_every_untrusted_text() -> None:
    message = compose(figures(), narrative="Jam <b>never</b> sold & that's that.", ai=True)
    html = part(message, "html")
    assert "<img src=x" not in html
    assert "Strawberry jam &lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert "Corner &lt;Café&gt; &amp; Pantry" in html
    assert "Jam &lt;b&gt;never&lt;/b&gt; sold &amp; that&#x27;s that." in html
    assert "<script" not in html and "http://" not in html and "https://" not in html
    assert "Written by AI" in html


def test_the_chart_is_inline_and_attached() -> None:
    message = compose(figures())
    raw = message_from_bytes(message.as_bytes(), policy=policy.default)
    assert isinstance(raw, EmailMessage)
    assert raw.get_content_type() == "multipart/mixed"
    related = raw.get_body(preferencelist=("related",))
    assert related is not None
    html = part(raw, "html")
    images = [p for p in raw.walk() if p.get_content_type() == "image/png"]
    assert len(images) == 2
    inline = next(p for p in images if p["Content-ID"])
    cid = str(inline["Content-ID"]).strip("<>")
    assert f'src="cid:{cid}"' in html
    attached = [p for p in images if p.get_content_disposition() == "attachment"]
    assert [p.get_filename() for p in attached] == [CHART_FILENAME]
    png = inline.get_content()
    assert isinstance(png, bytes)
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        assert image.size == (600, 2 * 130)  # two movers: milk and coffee


def test_no_history_no_chart_no_invented_figures() -> None:
    message = compose(figures(history=False))
    assert not [p for p in message.walk() if p.get_content_type() == "image/png"]
    html = part(message, "html")
    assert "No stock history yet" in html
    assert "In-stock rate" not in html
    facts = summary_facts(figures(history=False), "GBP")
    assert facts[-1] == "Stock history: none yet, so no stockout or in-stock figures."


def test_the_chart_is_deterministic() -> None:
    stock = figures().stock
    assert stock is not None
    assert stock_chart_png(stock.movers) == stock_chart_png(stock.movers)
    with pytest.raises(ValueError, match="at least one"):
        stock_chart_png(())


def test_clean_narrative() -> None:
    assert clean_narrative("  one\ttwo \r\n\n three\u200b\x07 ") == "one two\n\nthree"
    assert clean_narrative("\x00\x01  \n") is None
    long = clean_narrative("word " * 500)
    assert long is not None and long.endswith("…") and len(long) <= 901


def test_the_email_in_a_browser(page: Page) -> None:
    message = compose(figures(), narrative="A steady month. Coffee ran out for 4 days.", ai=True)
    html = part(message, "html")
    inline = next(p for p in message.walk() if p["Content-ID"])
    png = inline.get_content()
    assert isinstance(png, bytes)
    cid = str(inline["Content-ID"]).strip("<>")
    # What a mail client does with cid: - here the part's bytes as a data: URL.
    page.set_content(
        html.replace(f"cid:{cid}", "data:image/png;base64," + base64.b64encode(png).decode())
    )
    assert page.locator("h1").inner_text() == "Corner <Café> & Pantry"
    assert page.locator("script").count() == 0
    assert page.locator("img[onerror]").count() == 0
    headings = page.locator("h2").all_inner_texts()
    assert headings == [
        "Spend by supplier",
        "Stock",
        "Late suppliers",
        "Did not sell (dead stock candidates)",
    ]
    assert "£132.00" in page.locator("table").first.inner_text()
    assert page.locator("img").evaluate("image => image.naturalWidth") == 600
    alt = page.locator("img").get_attribute("alt") or ""
    assert alt.startswith("Stock against reorder point: Milk 4L, Coffee beans 1kg")
    assert screenshot(page, "monthly-summary").stat().st_size > 0
