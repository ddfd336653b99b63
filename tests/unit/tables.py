"""Build tables and domain objects for unit tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from sheets_bot.domain.models import Item, ItemStatus, PoFormat, Supplier
from sheets_bot.ports import Cell
from sheets_bot.sheet.layout import load_layout
from sheets_bot.sheet.table import Table


def table(tab: str, records: Sequence[Mapping[str, Cell]]) -> Table:
    spec = load_layout().tab(tab)
    headers = spec.headers
    grid: list[list[Cell]] = [list(headers)]
    grid += [[record.get(header) for header in headers] for record in records]
    return Table.from_grid(spec, grid)


def item(sku: str = "COF-1", **changes: object) -> Item:
    values: dict[str, object] = {
        "sku": sku,
        "name": f"Item {sku}",
        "supplier": "Bean Bros",
        "on_hand": 412.0,
        "daily_sales": 18.0,
        "lead_time_days": 20.0,
        "safety_buffer": 238.0,
        "pack_size": 1,
        "unit_cost": Decimal("2.50"),
        "min_order": None,
        "max_order": None,
        "status": ItemStatus.ACTIVE,
        "row": 2,
    }
    values.update(changes)
    return Item(**values)  # type: ignore[arg-type]


def supplier(name: str = "Bean Bros", **changes: object) -> Supplier:
    values: dict[str, object] = {
        "name": name,
        "email": "orders@beanbros.example",
        "contact": "Marco",
        "lead_time_days": 5.0,
        "po_format": PoFormat.CSV,
        "active": True,
        "row": 2,
    }
    values.update(changes)
    return Supplier(**values)  # type: ignore[arg-type]
