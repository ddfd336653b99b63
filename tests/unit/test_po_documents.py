"""The purchase order as CSV, PDF and email: content, escaping and injection defences."""

from __future__ import annotations

import csv
import io
import re
import zlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime

import pytest

from sheets_bot.documents.dates import shop_date
from sheets_bot.documents.po_csv import HEADER, format_money, po_csv, safe_cell, total_text
from sheets_bot.documents.po_email import PO_HEADER, attachment_stem, compose_po_email
from sheets_bot.documents.po_pdf import latin1_text, po_pdf
from sheets_bot.domain.models import PoFormat, ShopSettings
from sheets_bot.domain.purchase_order import ApprovedOrder, OrderLine

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
INJECTION = "\r\nBcc: evil@x"


def make_order(**changes: object) -> ApprovedOrder:
    order = ApprovedOrder(
        draft_id="D-0001",
        po_number="PO-0001",
        supplier="Bean Bros",
        send_to="orders@beanbros.example",
        po_format=PoFormat.BOTH,
        lines=(
            OrderLine("BEAN-1", "House blend 1kg", 12, Decimal("8.5")),
            OrderLine("CUP-8", "Paper cups 8oz", 500, Decimal("0.045")),
        ),
        note="Please deliver before Friday.",
    )
    return replace(order, **changes)  # type: ignore[arg-type]


def make_settings(**changes: object) -> ShopSettings:
    settings = ShopSettings(
        business_name="Corner Café",
        owner_email="owner@corner.example",
        from_address="bot@corner.example",
        timezone="Europe/London",
        currency="EUR",
    )
    return replace(settings, **changes)  # type: ignore[arg-type]


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def pdf_text(data: bytes) -> str:
    """The page content streams of a PDF, inflated: enough to find the drawn strings."""
    parts = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.DOTALL):
        try:
            parts.append(zlib.decompress(match.group(1)).decode("latin-1"))
        except zlib.error:
            parts.append(match.group(1).decode("latin-1"))
    return "\n".join(parts)


def parsed(message: EmailMessage) -> EmailMessage:
    """The message as a receiving mail client sees it."""
    result = message_from_bytes(message.as_bytes(policy=policy.SMTP), policy=policy.default)
    assert isinstance(result, EmailMessage)
    return result


def body(message: EmailMessage, kind: str) -> str:
    part = message.get_body(preferencelist=(kind,))
    assert part is not None
    content = part.get_content()
    assert isinstance(content, str)
    return content


def attachments(message: EmailMessage) -> dict[str, tuple[str, bytes]]:
    found: dict[str, tuple[str, bytes]] = {}
    for part in message.iter_attachments():
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        found[str(part.get_filename())] = (part.get_content_type(), payload)
    return found


# --- CSV ------------------------------------------------------------------------------------


def _column(rows: list[list[str]], name: str) -> list[str]:
    index = rows[0].index(name)
    return [row[index] for row in rows[1:]]


def test_csv_has_a_header_and_one_complete_row_per_line_and_no_total_row() -> None:
    rows = csv_rows(po_csv(make_order(), make_settings(), issued=NOW))

    assert rows[0] == list(HEADER)
    assert len(rows) == 3
    assert all(len(row) == len(HEADER) for row in rows)
    assert _column(rows, "PO number") == ["PO-0001", "PO-0001"]
    assert _column(rows, "PO date") == ["2026-11-23", "2026-11-23"]
    assert _column(rows, "SKU") == ["BEAN-1", "CUP-8"]
    assert _column(rows, "Quantity") == ["12", "500"]
    assert _column(rows, "Unit price") == ["8.50", "0.05"]
    assert _column(rows, "Line total") == ["102.00", "22.50"]
    assert _column(rows, "Currency") == ["EUR", "EUR"]


def test_csv_is_utf8_with_crlf_rows() -> None:
    order = make_order(lines=(OrderLine("C-1", "Café crème – 1kg", 2, Decimal(3)),))

    data = po_csv(order, make_settings(), issued=NOW)

    assert "Café crème – 1kg".encode() in data
    assert not data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") == 2
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_csv_defuses_formula_injection_in_every_text_cell() -> None:
    lines = (
        OrderLine("=1+1", '=HYPERLINK("http://evil.example","x")', 1, Decimal(1)),
        OrderLine("+SKU", "-2+3", 1, Decimal(1)),
        OrderLine("@SUM", "@SUM(A1:A2)", 1, Decimal(1)),
        OrderLine("\tTAB", "\rcarriage", 1, Decimal(1)),
        OrderLine("OK-1", "Plain = fine", 1, Decimal(1)),
    )

    rows = csv_rows(po_csv(make_order(po_number="=PO", lines=lines), make_settings(), issued=NOW))

    assert _column(rows, "SKU") == ["'=1+1", "'+SKU", "'@SUM", "'\tTAB", "OK-1"]
    assert _column(rows, "Description") == [
        '\'=HYPERLINK("http://evil.example","x")',
        "'-2+3",
        "'@SUM(A1:A2)",
        "'\rcarriage",
        "Plain = fine",
    ]
    assert set(_column(rows, "PO number")) == {"'=PO"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=cmd", "'=cmd"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("x=1", "x=1"),
        ("", ""),
        ("Café", "Café"),
    ],
)
def test_safe_cell(text: str, expected: str) -> None:
    assert safe_cell(text) == expected


def test_csv_leaves_costs_blank_without_a_unit_cost() -> None:
    lines = (
        OrderLine("BEAN-1", "House blend 1kg", 12, Decimal("8.50")),
        OrderLine("NEW-1", "New item", 3, None),
    )

    rows = csv_rows(po_csv(make_order(lines=lines), make_settings(), issued=NOW))

    assert _column(rows, "Unit price") == ["8.50", ""]
    assert _column(rows, "Line total") == ["102.00", ""]


def test_money_is_two_decimals_with_the_currency() -> None:
    assert format_money(Decimal("1234.5"), "USD") == "1,234.50 USD"
    assert format_money(Decimal("0.005"), "USD") == "0.01 USD"
    assert format_money(None, "USD") == "-"


def test_total_text_when_no_line_has_a_cost() -> None:
    order = make_order(lines=(OrderLine("A", "a", 1, None),))

    assert total_text(order, "EUR") == "Total: unknown - no line has a unit cost"


# --- PDF ------------------------------------------------------------------------------------


def test_pdf_is_a_pdf_with_the_order_on_it() -> None:
    data = po_pdf(make_order(), make_settings(), issued=NOW)

    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    text = pdf_text(data)
    for expected in (
        "Corner Café",
        "Purchase order PO-0001",
        "Date: 23 November 2026",
        "Supplier: Bean Bros",
        "Send to: orders@beanbros.example",
        "BEAN-1",
        "House blend 1kg",
        "8.50 EUR",
        "102.00 EUR",
        "Total: 124.50 EUR",
        "Please deliver before Friday.",
        "Reply to owner@corner.example",
    ):
        assert f"({expected})" in text, expected


def test_pdf_date_is_the_shops_calendar_date() -> None:
    late_evening_utc = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)
    settings = make_settings(timezone="Pacific/Auckland")

    text = pdf_text(po_pdf(make_order(), settings, issued=late_evening_utc))

    assert "(Date: 24 November 2026)" in text


def test_pdf_survives_text_outside_latin1() -> None:
    lines = (
        OrderLine("CAF-1", "Café crème – 1kg “best” …", 1, Decimal(1)),
        OrderLine("PL-1", "Łódź rye ő", 1, Decimal(1)),
        OrderLine("JP-1", "東京 tea 🍵", 1, Decimal(1)),
    )
    settings = make_settings(business_name="Ann’s Café — Łódź", currency="€")

    text = pdf_text(po_pdf(make_order(lines=lines, note="Merci – à bientôt"), settings, issued=NOW))

    assert '(Café crème - 1kg "best" ...)' in text
    assert "(Lódz rye o)" in text
    assert "(?? tea ?)" in text
    assert "(Ann's Café - Lódz)" in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Café crème – 1kg", "Café crème - 1kg"),
        ("‘quoted’ “twice”", "'quoted' \"twice\""),
        ("5 €", "5 EUR"),
        ("Łódź", "Lódz"),
        ("東京", "??"),
        ("tab\there", "tab here"),
        ("two\nlines", "two\nlines"),
    ],
)
def test_latin1_text(text: str, expected: str) -> None:
    assert latin1_text(text) == expected
    latin1_text(text).encode("latin-1")


def test_pdf_marks_unknown_costs_and_an_incomplete_total() -> None:
    lines = (
        OrderLine("BEAN-1", "House blend 1kg", 2, Decimal(5)),
        OrderLine("NEW-1", "New item", 3, None),
    )

    text = pdf_text(po_pdf(make_order(lines=lines), make_settings(), issued=NOW))

    assert "(-)" in text
    assert "Total: incomplete - 1 of 2 lines have no unit cost" in text


def test_pdf_runs_onto_more_pages_for_a_long_order() -> None:
    lines = tuple(OrderLine(f"SKU-{n}", f"Item {n}", n, Decimal(1)) for n in range(1, 120))

    data = po_pdf(make_order(lines=lines), make_settings(), issued=NOW)

    assert len(re.findall(rb"/Type /Page\b", data)) > 1
    text = pdf_text(data)
    assert "(SKU-119)" in text
    assert "Total: 7,140.00 EUR" in text


def test_pdf_is_the_same_for_the_same_inputs() -> None:
    first = po_pdf(make_order(), make_settings(), issued=NOW)
    again = po_pdf(make_order(), make_settings(), issued=NOW)

    assert first == again


def test_pdf_needs_an_aware_issue_time() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        po_pdf(make_order(), make_settings(), issued=datetime(2026, 11, 23, 9))


def test_shop_date_uses_english_month_names() -> None:
    assert shop_date(datetime(2026, 1, 1, 0, 30, tzinfo=UTC), "America/New_York") == (
        "31 December 2025"
    )


# --- Email ----------------------------------------------------------------------------------


def test_email_headers() -> None:
    message = parsed(compose_po_email(make_order(), make_settings(), now=NOW))

    assert message["From"] == "bot@corner.example"
    assert message["To"] == "orders@beanbros.example"
    assert message["Reply-To"] == "owner@corner.example"
    assert message["Subject"] == "Purchase order PO-0001 from Corner Café"
    assert parsedate_to_datetime(str(message["Date"])) == NOW
    assert re.fullmatch(r"<[^<>@\s]+@corner\.example>", str(message["Message-ID"]))
    assert message[PO_HEADER] == "PO-0001"
    assert message.get_all("Bcc") is None
    assert message.get_all("Cc") is None


def test_email_date_keeps_the_given_offset() -> None:
    now = datetime(2026, 11, 23, 10, 0, tzinfo=timezone(timedelta(hours=1)))

    message = compose_po_email(make_order(), make_settings(), now=now)

    assert str(message["Date"]) == "Mon, 23 Nov 2026 10:00:00 +0100"


def test_email_has_no_reply_to_without_an_owner_email() -> None:
    message = compose_po_email(make_order(), make_settings(owner_email=None), now=NOW)

    assert message["Reply-To"] is None


def test_email_message_ids_are_unique() -> None:
    first = compose_po_email(make_order(), make_settings(), now=NOW)
    again = compose_po_email(make_order(), make_settings(), now=NOW)

    assert first["Message-ID"] != again["Message-ID"]


def test_email_text_and_html_bodies_show_the_order() -> None:
    message = parsed(compose_po_email(make_order(), make_settings(), now=NOW))

    text = body(message, "plain")
    assert "Hello Bean Bros," in text
    assert "purchase order PO-0001 from Corner Café, dated 23 November 2026" in text
    assert "- 12 House blend 1kg (SKU BEAN-1) at 8.50 EUR a unit = 102.00 EUR" in text
    assert "Total: 124.50 EUR" in text
    assert "Please deliver before Friday." in text
    assert "replies go to owner@corner.example" in text

    page = body(message, "html")
    assert page.startswith("<!DOCTYPE html>")
    assert "<table" in page
    assert page.count("<tr>") == 3
    assert ">House blend 1kg</td>" in page
    assert ">102.00 EUR</td>" in page
    assert ">8.50 EUR a unit</td>" in page
    assert "Total: 124.50 EUR" in page
    assert "Please deliver before Friday." in page


def test_email_html_has_no_scripts_remote_content_or_style_sheets() -> None:
    page = body(parsed(compose_po_email(make_order(), make_settings(), now=NOW)), "html")

    lowered = page.lower()
    for forbidden in ("<script", "<img", "<link", "<style", "src=", "href=", "http"):
        assert forbidden not in lowered


def test_email_escapes_untrusted_text_in_html() -> None:
    lines = (OrderLine("<b>SKU</b>", '<script>alert("x")</script>', 1, Decimal(1)),)
    order = make_order(
        lines=lines,
        supplier="Bean & <Co>",
        note='<img src="http://evil.example/x.png">\nsecond line',
    )
    settings = make_settings(business_name="Tom & Jerry's <Shop>")

    page = body(parsed(compose_po_email(order, settings, now=NOW)), "html")

    assert "<script" not in page
    assert "<img" not in page
    assert "<b>SKU" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "&lt;img src=&quot;http://evil.example/x.png&quot;&gt;<br>second line" in page
    assert "Hello Bean &amp; &lt;Co&gt;," in page
    assert "Tom &amp; Jerry&#x27;s &lt;Shop&gt;" in page


def test_a_line_break_in_untrusted_text_cannot_add_a_header() -> None:
    lines = (OrderLine("SKU-1" + INJECTION, "Beans" + INJECTION, 1, Decimal(1)),)
    order = make_order(lines=lines, note="Thanks" + INJECTION, supplier="Bean" + INJECTION)
    settings = make_settings(business_name="Corner" + INJECTION)

    original = compose_po_email(order, settings, now=NOW)
    message = parsed(original)

    assert message.get_all("Bcc") is None
    assert original.get_all("Bcc") is None
    assert message["Subject"] == "Purchase order PO-0001 from Corner Bcc: evil@x"
    headers = message.as_bytes(policy=policy.SMTP).split(b"\r\n\r\n", 1)[0]
    assert not re.search(rb"^bcc:", headers, re.IGNORECASE | re.MULTILINE)
    assert [str(value) for value in message.get_all("To", [])] == ["orders@beanbros.example"]


def test_a_line_break_in_the_po_number_is_refused() -> None:
    with pytest.raises(ValueError, match="one line"):
        compose_po_email(make_order(po_number="PO-1" + INJECTION), make_settings(), now=NOW)


@pytest.mark.parametrize(
    ("po_format", "expected"),
    [
        (PoFormat.CSV, {"PO-0001.csv": "text/csv"}),
        (PoFormat.PDF, {"PO-0001.pdf": "application/pdf"}),
        (PoFormat.BOTH, {"PO-0001.pdf": "application/pdf", "PO-0001.csv": "text/csv"}),
    ],
)
def test_email_attachments_follow_the_po_format(
    po_format: PoFormat, expected: dict[str, str]
) -> None:
    order = make_order(po_format=po_format)
    settings = make_settings()

    found = attachments(parsed(compose_po_email(order, settings, now=NOW)))

    assert {name: kind for name, (kind, _) in found.items()} == expected
    if "PO-0001.csv" in found:
        assert found["PO-0001.csv"][1] == po_csv(order, settings, issued=NOW)
    if "PO-0001.pdf" in found:
        assert found["PO-0001.pdf"][1] == po_pdf(order, settings, issued=NOW)


def test_email_body_names_what_is_attached() -> None:
    text = body(
        compose_po_email(make_order(po_format=PoFormat.CSV), make_settings(), now=NOW), "plain"
    )

    assert "The order is attached as a CSV file." in text


def test_attachment_names_are_safe_file_names() -> None:
    order = make_order(po_number="PO/2026 7", po_format=PoFormat.CSV)

    found = attachments(parsed(compose_po_email(order, make_settings(), now=NOW)))

    assert list(found) == ["PO_2026_7.csv"]
    assert attachment_stem("../..") == "purchase-order"


@pytest.mark.parametrize("from_address", [None, "", "   "])
def test_a_missing_from_address_is_a_clear_error(from_address: str | None) -> None:
    settings = make_settings(from_address=from_address)

    with pytest.raises(ValueError, match=r"From address.*not set.*Settings tab"):
        compose_po_email(make_order(), settings, now=NOW)


def test_an_invalid_from_address_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"From address.*not a valid email address"):
        compose_po_email(make_order(), make_settings(from_address="bot@"), now=NOW)


@pytest.mark.parametrize(
    "send_to",
    ["", "not-an-address", "orders@beanbros.example" + INJECTION, "a@x.example, b@y.example"],
)
def test_an_invalid_supplier_address_is_a_clear_error(send_to: str) -> None:
    with pytest.raises(ValueError, match=r"supplier 'Bean Bros'.*Suppliers tab"):
        compose_po_email(make_order(send_to=send_to), make_settings(), now=NOW)


def test_an_invalid_owner_email_is_a_clear_error() -> None:
    settings = make_settings(owner_email="owner@corner.example\nBcc: evil@x")

    with pytest.raises(ValueError, match=r"owner email.*Owner email"):
        compose_po_email(make_order(), settings, now=NOW)


def test_email_needs_an_aware_time_and_some_lines() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        compose_po_email(make_order(), make_settings(), now=datetime(2026, 11, 23, 9))
    with pytest.raises(ValueError, match="no lines"):
        compose_po_email(make_order(lines=()), make_settings(), now=NOW)
