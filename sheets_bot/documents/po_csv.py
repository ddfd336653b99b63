"""The purchase order as a CSV file the supplier can open in a spreadsheet or import.

Item names and SKUs come from the owner's sheet and, through it, from supplier files and
forwarded mail, so every text cell is defused against formula injection: a spreadsheet that
opens the file must never run a cell as a formula.
"""

from __future__ import annotations

import csv
import io
from decimal import ROUND_HALF_UP, Decimal

from sheets_bot.domain.models import ShopSettings
from sheets_bot.domain.purchase_order import ApprovedOrder

HEADER = ("PO", "SKU", "Item", "Qty", "Unit cost", "Line total", "Currency")

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


def po_csv(order: ApprovedOrder, settings: ShopSettings) -> bytes:
    """UTF-8 CSV (no BOM, CRLF rows): a header row, one row per line, then a total row.

    A line without a unit cost has blank cost cells, and so has the total row, whose item cell
    then says the total is incomplete.
    """
    po = safe_cell(order.po_number)
    currency = safe_cell(settings.currency)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for line in order.lines:
        writer.writerow(
            (
                po,
                safe_cell(line.sku),
                safe_cell(line.item),
                str(line.quantity),
                "" if line.unit_cost is None else format_amount(line.unit_cost),
                "" if line.total is None else format_amount(line.total),
                currency,
            )
        )
    total = order.total
    if total is None:
        missing = sum(1 for line in order.lines if line.unit_cost is None)
        label = f"Total incomplete: {missing} line(s) without a unit cost"
    else:
        label = "Total"
    writer.writerow(
        (po, "", label, "", "", "" if total is None else format_amount(total), currency)
    )
    return buffer.getvalue().encode("utf-8")
