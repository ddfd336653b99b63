"""A complete PO, read back the way a supplier's system and a person would: the CSV parsed,
the PDF's text extracted (pypdf), and every field found; the PDF fits A4 and Letter."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

from pypdf import PdfReader

from sheets_bot.documents.po_csv import HEADER, po_csv
from sheets_bot.documents.po_email import compose_po_email
from sheets_bot.documents.po_pdf import po_pdf
from sheets_bot.domain.models import PoFormat, ShopSettings
from sheets_bot.domain.purchase_order import ApprovedOrder, OrderLine

TUESDAY = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
SETTINGS = ShopSettings(
    business_name="Corner Cafe & Pantry",
    owner_email="owner@cornercafe.example",
    from_address="orders@cornercafe.example",
    timezone="Europe/London",
    currency="GBP",
    delivery_address="12 Harbour Street, Bristol BS1 4RN",
    phone="+44 117 496 0123",
    tax_number="GB 123 4567 89",
    payment_terms="30 days from invoice",
)
ORDER = ApprovedOrder(
    draft_id="D-0007",
    po_number="CAFE-0003",
    supplier="Milk Direct",
    send_to="trade@milkdirect.example",
    po_format=PoFormat.BOTH,
    lines=(
        OrderLine(
            "DAI-OAT-1L",
            "Oat milk 1L",
            36,
            Decimal("1.40"),
            supplier_code="MD-OAT-12",
            unit_name="case",
            per="12",
            stock_unit="bottle",
        ),
        OrderLine("DAI-CRM-1L", "Double cream 1L", 5, Decimal("3.80"), supplier_code="MD-CRM"),
    ),
    note="Back door before 9am please.",
    supplier_contact="Sam Patel",
    supplier_code="ACC-5521",
    lead_time_days=3,
    ordering_days="Tue, Fri",
)
FIELDS = (
    "CAFE-0003",
    "Corner Cafe & Pantry",
    "12 Harbour Street, Bristol BS1 4RN",
    "+44 117 496 0123",
    "GB 123 4567 89",
    "30 days from invoice",
    "Milk Direct",
    "Sam Patel",
    "ACC-5521",
    "MD-OAT-12",
    "DAI-OAT-1L",
    "Oat milk 1L",
    "case of 12 bottles",
    "16.80",  # per case
    "50.40",
    "MD-CRM",
    "Double cream 1L",
    "19.00",
    "Back door before 9am please.",
)


def test_the_csv_reads_back_with_every_field() -> None:
    data = po_csv(ORDER, SETTINGS, issued=TUESDAY)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    assert list(rows[0]) == list(HEADER)
    oat, cream = rows
    assert oat["PO number"] == "CAFE-0003"
    assert oat["PO date"] == "2026-11-24"
    # Placed Tuesday (an ordering day) + 3 days lead.
    assert oat["Requested delivery"] == "2026-11-27"
    assert (oat["Supplier"], oat["Supplier contact"], oat["Account"]) == (
        "Milk Direct",
        "Sam Patel",
        "ACC-5521",
    )
    assert oat["Buyer"] == "Corner Cafe & Pantry"
    assert oat["Delivery address"] == "12 Harbour Street, Bristol BS1 4RN"
    # A leading + could run as a formula in a spreadsheet: defused like every text cell.
    assert (oat["Buyer phone"], oat["Buyer tax number"]) == ("'+44 117 496 0123", "GB 123 4567 89")
    assert oat["Payment terms"] == "30 days from invoice"
    assert (oat["Line"], oat["Supplier code"], oat["SKU"], oat["Description"]) == (
        "1",
        "MD-OAT-12",
        "DAI-OAT-1L",
        "Oat milk 1L",
    )
    assert (oat["Quantity"], oat["Unit"], oat["Unit price"], oat["Line total"]) == (
        "3",
        "case of 12 bottles",
        "16.80",
        "50.40",
    )
    assert (oat["Stock units"], oat["Currency"]) == ("36", "GBP")
    assert oat["Note"] == "Back door before 9am please."
    assert (cream["Quantity"], cream["Unit"], cream["Unit price"], cream["Line total"]) == (
        "5",
        "unit",
        "3.80",
        "19.00",
    )


def _pdf_text_and_extent(data: bytes) -> tuple[str, list[tuple[float, float]]]:
    reader = PdfReader(io.BytesIO(data))
    points: list[tuple[float, float]] = []
    texts: list[str] = []
    for page in reader.pages:

        def visit(text: str, _cm: object, tm: list[float], *_: object) -> None:
            if text.strip():
                points.append((tm[4], tm[5]))

        texts.append(page.extract_text(visitor_text=visit))
    return "\n".join(texts), points


def test_the_pdf_reads_back_with_every_field_and_fits_a4_and_letter() -> None:
    data = po_pdf(ORDER, SETTINGS, issued=TUESDAY)
    text, points = _pdf_text_and_extent(data)
    flat = " ".join(text.split())
    for field in FIELDS:
        assert field in flat, field
    assert "Requested delivery: 27 November 2026" in flat
    assert "Date: 24 November 2026" in flat
    assert "Total: 69.40 GBP" in flat
    page = PdfReader(io.BytesIO(data)).pages[0]
    width_mm = float(page.mediabox.width) * 25.4 / 72
    height_mm = float(page.mediabox.height) * 25.4 / 72
    assert (round(width_mm), round(height_mm)) == (210, 297)  # A4 paper
    mm = 25.4 / 72
    letter_top_gap = 297 - 279.4  # Letter is 17.6 mm shorter: nothing below it
    for x, y in points:
        assert 9.9 <= x * mm <= 200, (x * mm, y * mm)
        assert y * mm >= letter_top_gap, (x * mm, y * mm)


def test_a_long_pdf_stays_inside_letter_on_every_page() -> None:
    lines = tuple(
        OrderLine(f"SKU-{n}", f"Item {n}", 12, Decimal("1.00"), unit_name="case", per="12")
        for n in range(80)
    )
    data = po_pdf(ORDER.__class__(**{**ORDER.__dict__, "lines": lines}), SETTINGS, issued=TUESDAY)
    text, points = _pdf_text_and_extent(data)
    assert len(PdfReader(io.BytesIO(data)).pages) > 1
    assert all(y * 25.4 / 72 >= 297 - 279.4 for _, y in points)
    assert "Item 79" in text


def test_the_email_body_says_it_all_too() -> None:
    message = compose_po_email(ORDER, SETTINGS, now=TUESDAY)
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    body = part.get_content()
    for field in FIELDS:
        if field != "case of 12 bottles":  # said as "3 cases (36 bottles)" and "a case"
            assert field in body, field
    assert (
        "- 3 cases (36 bottles) Oat milk 1L (your code MD-OAT-12, our SKU DAI-OAT-1L)"
        " at 16.80 GBP a case = 50.40 GBP"
    ) in body
    assert "Requested delivery: 27 November 2026" in body
