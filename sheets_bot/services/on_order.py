"""What is on order per item, from the Orders tab: the check and the poll both net it out.

Its own module so the poll (whose cold start counts) does not load the check to get it.
"""

from __future__ import annotations

from decimal import Decimal

from sheets_bot.domain.number_ranges import COUNT, OutOfRange
from sheets_bot.domain.problems import Problem
from sheets_bot.domain.sheet_numbers import NotANumber, parse_number
from sheets_bot.sheet.table import Row, Table

OPEN_ORDER_STATES = ("", "sent", "confirmed")


def _open_quantity(row: Row) -> Decimal | str | None:
    """An open line's Qty, None for a line that is not open or has none, or why it cannot be
    read (not a number, or outside ``COUNT``)."""
    if row.text("Status").lower() not in OPEN_ORDER_STATES:
        return None
    try:
        quantity = parse_number(row["Qty"])
    except NotANumber:
        return "is not a number"
    if quantity is None:
        return None
    try:
        return COUNT.check(quantity)
    except OutOfRange as error:
        return str(error)


def on_order_by_sku(orders: Table) -> dict[str, float]:
    """Open PO quantities per SKU from the Orders tab (sent or confirmed, not yet received);
    a Qty that cannot be read counts for nothing (``on_order_problems`` says where)."""
    totals: dict[str, float] = {}
    for row in orders:
        quantity = _open_quantity(row)
        if not isinstance(quantity, Decimal):
            continue
        sku = row.text("SKU").casefold()
        totals[sku] = totals.get(sku, 0.0) + float(quantity)
    return totals


def on_order_problems(orders: Table) -> list[Problem]:
    """A located Problem for each open line whose Qty cannot be read."""
    problems = []
    for row in orders:
        quantity = _open_quantity(row)
        if isinstance(quantity, str):
            problems.append(
                Problem(
                    orders.name,
                    row.number,
                    "Qty",
                    f"{quantity}; not counted as on order",
                    value=row["Qty"],
                    column_index=orders.columns.get("Qty"),
                )
            )
    return problems
