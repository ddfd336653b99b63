"""The purchase order as a CSV file a supplier's system can import: one header row, then one
row per line, every row complete on its own (the order's fields repeated), no total row.

Item names and SKUs come from the owner's sheet and, through it, from supplier files and
forwarded mail, so every text cell is defused against formula injection: a spreadsheet that
opens the file must never run a cell as a formula.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from sheets_bot.documents.po_fields import requested_delivery_iso
from sheets_bot.domain.models import ShopSettings
from sheets_bot.domain.purchase_order import ApprovedOrder
from sheets_bot.domain.sheet_numbers import plain

HEADER = (
    "PO number",
    "PO date",
    "Requested delivery",
    "Supplier",
    "Supplier contact",
    "Account",
    "Buyer",
    "Delivery address",
    "Buyer phone",
    "Buyer tax number",
    "Payment terms",
    "Line",
    "Supplier code",
    "SKU",
    "Description",
    "Quantity",
    "Unit",
    "Unit price",
    "Line total",
    "Stock units",
    "Currency",
    "Note",
)

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_CENT = Decimal("0.01")


def format_amount(value: Decimal) -> str:
    """An amount with exactly 2 decimals, rounded half up (``4.5`` -> ``4.50``), no grouping."""
    return f"{value.quantize(_CENT, rounding=ROUND_HALF_UP):.2f}"


def format_money(value: Decimal | None, currency: str) -> str:
    """An amount for people: ``1,234.50 USD``; ``-`` when it is not known."""
    if value is None:
        return "-"
    return f"{value.quantize(_CENT, rounding=ROUND_HALF_UP):,.2f} {currency}"


def total_text(order: ApprovedOrder, currency: str) -> str:
    """The order total for people, saying plainly when it is incomplete."""
    total = order.total
    if total is not None:
        return f"Total: {format_money(total, currency)}"
    missing = sum(1 for line in order.lines if line.unit_cost is None)
    priced = [line.total for line in order.lines if line.total is not None]
    if not priced:
        return "Total: unknown - no line has a unit cost"
    known = sum(priced, Decimal(0))
    return (
        f"Total: incomplete - {missing} of {len(order.lines)} lines have no unit cost; "
        f"the priced lines come to {format_money(known, currency)}"
    )


def safe_cell(text: str) -> str:
    """``text`` with a leading ``'`` if a spreadsheet could read it as a formula."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def po_csv(order: ApprovedOrder, settings: ShopSettings, *, issued: datetime) -> bytes:
    """UTF-8 CSV (no BOM, CRLF rows). A line without a unit cost has blank price cells.

    ``Quantity`` and ``Unit price`` are in the supplier's purchase unit (``Unit``: ``case of 12
    bottles``); ``Stock units`` is the same quantity as the shop counts it."""
    if issued.tzinfo is None:
        raise ValueError("the issue time must be timezone-aware")
    one_line = " ".join
    fixed = [
        order.po_number,
        issued.astimezone(ZoneInfo(settings.timezone)).date().isoformat(),
        requested_delivery_iso(order, settings, issued),
        order.supplier,
        order.supplier_contact,
        order.supplier_code,
        settings.business_name,
        one_line(settings.delivery_address.split()),
        settings.phone,
        settings.tax_number,
        settings.payment_terms,
    ]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for number, line in enumerate(order.lines, start=1):
        price = line.unit_price
        writer.writerow(
            [
                *(safe_cell(text) for text in fixed),
                str(number),
                safe_cell(line.supplier_code),
                safe_cell(line.sku),
                safe_cell(line.item),
                str(line.purchase_quantity),
                safe_cell(line.unit_name_text),
                "" if price is None else format_amount(price),
                "" if line.total is None else format_amount(line.total),
                plain(line.quantity),
                safe_cell(settings.currency),
                safe_cell(one_line(order.note.split())),
            ]
        )
    return buffer.getvalue().encode("utf-8")
