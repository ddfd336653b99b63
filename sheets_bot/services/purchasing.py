"""The check's purchasing steps around ``evaluate``: before it, each item's supplier is chosen
(``domain.supplier_choice``) so the policy sees the chosen supplier's lead time, purchase unit,
minimum and cost; after it, each order line is priced at its quantity (price breaks) and given
its purchase unit, and each supplier's draft is shaped (ordering days, minimum order value:
``domain.supplier_drafts``).

One extra read per check where a shop has receipts (``ReceiptLog.receipts``) for the
suppliers' delivery records; none otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from sheets_bot.domain.evaluation import PlannedLine
from sheets_bot.domain.models import Item, ShopSettings, Supplier, supplier_key
from sheets_bot.domain.problems import Problem
from sheets_bot.domain.supplier_choice import (
    DeliveryRecord,
    SupplierChoice,
    choose_supplier,
    delivery_records,
)
from sheets_bot.domain.supplier_items import SupplierItem, offer_for, offers_by_sku
from sheets_bot.ports import ReceiptLog
from sheets_bot.sheet.layout import SUPPLIER_ITEMS
from sheets_bot.sheet.rows import read_supplier_items
from sheets_bot.sheet.table import Table


@dataclass
class Purchasing:
    """What the check knows about buying: the offers, and each item's choice by Stock row."""

    offers: dict[str, list[SupplierItem]] = field(default_factory=dict)
    choices: dict[int, SupplierChoice] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def basis(self, row: int, basis: str) -> str:
        """The learning's basis with the supplier choice after it, for the line's ``Why``."""
        choice = self.choices.get(row)
        why = choice.why if choice is not None else ""
        return f"{basis}; {why}" if basis and why else basis or why

    def finish_line(self, row: int, line: PlannedLine) -> PlannedLine:
        """The line priced at its quantity (price breaks) and in the chosen purchase unit."""
        choice = self.choices.get(row)
        if choice is None:
            return line
        unit_cost = line.unit_cost
        if choice.offer.price is not None:
            unit_cost = choice.offer.stock_unit_cost(line.quantity)
        return replace(line, unit_cost=unit_cost, unit=choice.unit)


def read_offers(
    tables: Mapping[str, Table], suppliers: Mapping[str, Supplier]
) -> tuple[dict[str, list[SupplierItem]], list[Problem]]:
    """The Supplier items tab's offers by SKU; none from a sheet without the tab."""
    table = tables.get(SUPPLIER_ITEMS)
    if table is None:
        return {}, []
    offers, problems = read_supplier_items(table, dict(suppliers))
    return offers_by_sku(offers), problems


def promised_lead(
    offers: Mapping[str, Sequence[SupplierItem]],
    items: Sequence[Item],
    suppliers: Mapping[str, Supplier],
) -> Callable[[str, str], float | None]:
    """``promised(sku, supplier)``: the lead time a receipt is held to (the Supplier items
    row's, else the Stock row's for its own supplier, else the Suppliers tab's)."""
    by_sku = {item.sku.casefold(): item for item in items}

    def promised(sku: str, supplier: str) -> float | None:
        offer = offer_for(offers, sku, supplier)
        if offer is not None and offer.lead_time_days is not None:
            return offer.lead_time_days
        item = by_sku.get(sku.casefold())
        if (
            item is not None
            and item.lead_time_days is not None
            and supplier_key(item.supplier) == supplier_key(supplier)
        ):
            return item.lead_time_days
        known = suppliers.get(supplier_key(supplier))
        return known.lead_time_days if known is not None else None

    return promised


def choose_suppliers(
    items: Sequence[Item],
    tables: Mapping[str, Table],
    suppliers: Mapping[str, Supplier],
    receipts: ReceiptLog | None,
    settings: ShopSettings,
) -> Purchasing:
    """Each item's supplier choice; an item with no second supplier goes through untouched
    (a simple shop), and the receipts are read only when some item has a choice to make."""
    offers, problems = read_offers(tables, suppliers)
    records: dict[str, DeliveryRecord] = {}
    choosing = any(
        len({supplier_key(o.supplier) for o in rows} | {supplier_key(item.supplier)}) > 1
        for item in items
        if (rows := offers.get(item.sku.casefold()))
    )
    if choosing and receipts is not None:
        records = delivery_records(receipts.receipts(), promised_lead(offers, items, suppliers))
    purchasing = Purchasing(offers=offers, problems=problems)
    for item in items:
        purchasing.choices[item.row] = choose_supplier(
            item,
            offers.get(item.sku.casefold(), []),
            suppliers,
            records,
            settings.supplier_score,
        )
    return purchasing
