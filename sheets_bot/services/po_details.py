"""What an approved order carries besides its lines' quantities, so the supplier can act on it
without asking: each line's supplier code and purchase unit (the quantity is checked to be a
whole number of them), the supplier's contact and the shop's code with it, the lead time and
ordering days for the requested delivery date. Read at approval from the Supplier items,
Stock and Suppliers tabs, and stored with the approval in the ledger.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from sheets_bot.domain.models import Item, Supplier, supplier_key
from sheets_bot.domain.purchase_order import ApprovedOrder, OrderLine
from sheets_bot.domain.purchase_units import UnitMismatch
from sheets_bot.domain.supplier_items import SupplierItem, offer_for, offers_by_sku
from sheets_bot.sheet.layout import STOCK, SUPPLIER_ITEMS
from sheets_bot.sheet.rows import read_stock, read_supplier_items
from sheets_bot.sheet.table import Table


def _line_lead(
    line: OrderLine,
    offer: SupplierItem | None,
    item: Item | None,
    supplier: Supplier | None,
    supplier_name: str,
) -> float | None:
    if offer is not None and offer.lead_time_days is not None:
        return offer.lead_time_days
    if (
        item is not None
        and item.lead_time_days is not None
        and supplier_key(item.supplier) == supplier_key(supplier_name)
    ):
        return item.lead_time_days
    return supplier.lead_time_days if supplier is not None else None


def complete_order(
    order: ApprovedOrder,
    tables: Mapping[str, Table],
    suppliers: Mapping[str, Supplier],
    rows_by_sku: Mapping[str, int],
) -> tuple[ApprovedOrder, list[str]]:
    """``order`` with its purchase details, and the located problems that stop it (an Order
    qty that is not a whole number of the supplier's purchase units)."""
    offers: dict[str, list[SupplierItem]] = {}
    if SUPPLIER_ITEMS in tables:
        offers = offers_by_sku(read_supplier_items(tables[SUPPLIER_ITEMS])[0])
    items: dict[str, Item] = {}
    if STOCK in tables:
        items = {item.sku.casefold(): item for item in read_stock(tables[STOCK])[0]}
    supplier = suppliers.get(supplier_key(order.supplier))
    lines: list[OrderLine] = []
    leads: list[float] = []
    problems: list[str] = []
    for line in order.lines:
        offer = offer_for(offers, line.sku, order.supplier)
        item = items.get(line.sku.casefold())
        stock_unit = item.unit if item is not None else ""
        unit = offer.purchase_unit(stock_unit) if offer is not None else None
        lead = _line_lead(line, offer, item, supplier, order.supplier)
        if lead is not None:
            leads.append(lead)
        if unit is not None:
            try:
                unit.purchase_quantity(line.quantity)
            except UnitMismatch as error:
                row = rows_by_sku.get(line.sku.casefold())
                where = f"Drafts row {row}" if row is not None else "Drafts"
                problems.append(f"{where}, column 'Order qty' ({line.sku}): {error}")
        lines.append(
            replace(
                line,
                supplier_code=offer.code if offer is not None else "",
                unit_name=unit.name if unit is not None else "",
                per=str(unit.per) if unit is not None else "",
                stock_unit=stock_unit,
            )
        )
    completed = replace(
        order,
        lines=tuple(lines),
        supplier_contact=supplier.contact if supplier is not None else "",
        supplier_code=supplier.code if supplier is not None else "",
        lead_time_days=max(leads) if leads else None,
        ordering_days=""
        if supplier is None or supplier.ordering_days.every_day
        else str(supplier.ordering_days),
    )
    return completed, problems


def draft_rows_by_sku(rows: Sequence[tuple[int, str]]) -> dict[str, int]:
    """(row number, SKU) pairs as a lookup by case-folded SKU."""
    return {sku.casefold(): number for number, sku in rows}
