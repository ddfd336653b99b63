"""What is on order per item, from the Orders tab: the check and the poll both net it out.

Its own module so the poll (whose cold start counts) does not load the check to get it.
"""

from __future__ import annotations

from sheets_bot.domain.sheet_numbers import NotANumber, parse_number
from sheets_bot.sheet.table import Table

OPEN_ORDER_STATES = ("", "sent", "confirmed")


def on_order_by_sku(orders: Table) -> dict[str, float]:
    """Open PO quantities per SKU from the Orders tab (sent or confirmed, not yet received)."""
    totals: dict[str, float] = {}
    for row in orders:
        if row.text("Status").lower() not in OPEN_ORDER_STATES:
            continue
        try:
            quantity = parse_number(row["Qty"])
        except NotANumber:
            continue
        if quantity is None:
            continue
        sku = row.text("SKU").casefold()
        totals[sku] = totals.get(sku, 0.0) + float(quantity)
    return totals
