"""The purchase order as a PDF that prints whole on A4 and on Letter, drawn with fpdf2 and a
core font.

Core fonts only cover Latin-1, and a PO must never fail because an item is called
"Café crème – 1kg" or "Łódź rye": text is mapped to Latin-1 first (typographic punctuation to
its plain twin, accented letters outside Latin-1 to their base letter, anything else to "?").
That keeps the document dependency-free; the email body and the CSV carry the exact text.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from sheets_bot.documents.po_csv import format_money, total_text
from sheets_bot.documents.po_fields import header_fields
from sheets_bot.domain.models import ShopSettings
from sheets_bot.domain.purchase_order import ApprovedOrder

_PLAIN = str.maketrans(
    {
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "―": "-",
        "−": "-",
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "′": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "″": '"',
        "…": "...",
        "•": "*",
        "€": "EUR",
        "™": "(TM)",
        "≤": "<=",
        "≥": ">=",
        "Ł": "L",
        "ł": "l",
        "Đ": "D",
        "đ": "d",
        "Œ": "OE",
        "œ": "oe",
        "ı": "i",
        "\u2009": " ",
        "\u202f": " ",
        "\u2007": " ",
        "\u200b": "",
        "\ufeff": "",
    }
)
_COLUMNS = ("Code", "SKU", "Description", "Qty", "Unit", "Unit price", "Total")
_WIDTHS = (22, 24, 50, 12, 30, 26, 26)
_ALIGN = ("LEFT", "LEFT", "LEFT", "RIGHT", "LEFT", "RIGHT", "RIGHT")
_MARGIN = 10.0
_LETTER_HEIGHT = 279.4
"""The page is A4 (210 × 297 mm) and everything is drawn inside Letter's height (and 190 mm
wide, inside both widths), so it prints whole on either paper."""
_BOTTOM = 297.0 - _LETTER_HEIGHT + 18.0


class _PoDocument(FPDF):
    """An A4 page drawn to fit Letter too, with a small footer naming the PO and the page."""

    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self._footer_text = footer_text

    def footer(self) -> None:
        self.set_y(-(297.0 - _LETTER_HEIGHT + 12))
        self.set_font("Helvetica", size=8)
        self.cell(0, 5, f"{self._footer_text} - page {self.page_no()} of {{nb}}", align="C")


def latin1_text(text: str) -> str:
    """``text`` as the PDF core fonts can draw it, never raising.

    Line breaks are kept; other control characters become spaces.
    """
    out: list[str] = []
    for char in text.translate(_PLAIN):
        if char == "\n":
            out.append(char)
        elif unicodedata.category(char).startswith("C"):
            out.append(" ")
        elif ord(char) < 256:
            out.append(char)
        else:
            base = "".join(
                part
                for part in unicodedata.normalize("NFKD", char)
                if ord(part) < 256 and not unicodedata.combining(part)
            )
            out.append(base or "?")
    return "".join(out)


def po_pdf(order: ApprovedOrder, settings: ShopSettings, *, issued: datetime) -> bytes:
    """The purchase order as PDF bytes: A4, one page or more (the table breaks across pages
    and repeats its headings).

    ``issued`` is also the document's creation date, so the same inputs give the same bytes.
    """
    title = f"Purchase order {order.po_number}"
    pdf = _PoDocument(latin1_text(title))
    pdf.set_creation_date(issued)
    pdf.set_title(latin1_text(title))
    pdf.set_author(latin1_text(settings.business_name))
    pdf.set_creator("sheets-bot")
    pdf.set_margins(left=_MARGIN, top=12, right=_MARGIN)
    pdf.set_auto_page_break(auto=True, margin=_BOTTOM)
    pdf.add_page()

    def paragraph(text: str, *, size: float = 10, style: str = "", gap: float = 0) -> None:
        pdf.set_font("Helvetica", style=style, size=size)
        pdf.multi_cell(
            0, size * 0.5, latin1_text(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        if gap:
            pdf.ln(gap)

    paragraph(settings.business_name, size=18, style="B", gap=2)
    paragraph(title, size=14, style="B", gap=1)
    for label, value in header_fields(order, settings, issued):
        if label in ("PO number", "From"):
            continue
        paragraph(f"{label}: {value}")
    paragraph(f"Send to: {order.send_to}", gap=4)

    currency = settings.currency
    pdf.set_font("Helvetica", size=9)
    with pdf.table(
        col_widths=_WIDTHS,
        text_align=_ALIGN,
        width=sum(_WIDTHS),
        align="LEFT",
        line_height=4.5,
        repeat_headings=1,
    ) as table:
        heading = table.row()
        for column in _COLUMNS:
            heading.cell(column)
        for line in order.lines:
            row = table.row()
            row.cell(latin1_text(line.supplier_code))
            row.cell(latin1_text(line.sku))
            row.cell(latin1_text(line.item))
            row.cell(str(line.purchase_quantity))
            row.cell(latin1_text(line.unit_name_text))
            row.cell(latin1_text(format_money(line.unit_price, currency)))
            row.cell(latin1_text(format_money(line.total, currency)))
    pdf.ln(3)

    paragraph(total_text(order, currency), size=12, style="B", gap=3)

    if order.note.strip():
        paragraph("Note", style="B")
        paragraph(order.note.strip(), gap=3)
    reply_to = settings.owner_email or settings.from_address
    if reply_to:
        paragraph(f"Reply to {reply_to}")
    return bytes(pdf.output())
