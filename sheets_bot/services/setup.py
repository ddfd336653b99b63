"""``init``: give a sheet every tab of the contract, optionally filled with the sample shop.

On a sheet that already has items, ``init`` also migrates it: the Supplier items tab (new in
the contract) gets one row per item with the item's Stock ``Supplier``, its figures left blank
(blank means "the Stock row's"), so the shop works exactly as before and the owner adds
second suppliers, purchase units and prices beside the rows already there. Nothing typed is
touched: ``prepare`` only adds missing tabs and headers, and rows to empty tabs; a Settings
tab in use gets the settings added to the contract since, each with its default, below the
owner's rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from sheets_bot.domain.currencies import parse_currency
from sheets_bot.domain.models import ShopSettings
from sheets_bot.errors import BotError, SheetLayoutError
from sheets_bot.ports import Cell, Grid, RowsAppend, SeedRows, Sheet, SheetBatch
from sheets_bot.sheet.dashboard import figure_rows
from sheets_bot.sheet.layout import (
    SETTINGS,
    STOCK,
    SUPPLIER_ITEMS,
    Layout,
    SettingDefault,
    load_layout,
    normalise_header,
)
from sheets_bot.sheet.sample_shop import default_settings, sample_rows
from sheets_bot.sheet.table import Table


def supplier_items_from_stock(layout: Layout, stock: Grid) -> Grid:
    """One Supplier items row per Stock item (SKU and Supplier; the first row of a SKU)."""
    try:
        table = Table.from_grid(layout.tab(STOCK), stock)
    except BotError:
        return []
    headers = layout.tab(SUPPLIER_ITEMS).headers
    rows: Grid = []
    seen: set[str] = set()
    for row in table:
        sku, supplier = row.text("SKU"), row.text("Supplier")
        if not sku or not supplier or sku.casefold() in seen:
            continue
        seen.add(sku.casefold())
        values = {"SKU": sku, "Supplier": supplier}
        rows.append([values.get(header) for header in headers])
    return rows


def _existing(sheet: Sheet, tabs: Sequence[str]) -> Mapping[str, Grid]:
    """The tabs as the sheet has them now, in one read; none without a sheet yet."""
    try:
        return sheet.read(tabs)
    except BotError:  # no workbook yet: nothing to migrate
        return {}


def _absent_settings(layout: Layout, keys: Iterable[str]) -> list[SettingDefault]:
    """The contract's settings whose keys are not among ``keys``."""
    present = {normalise_header(key) for key in keys}
    return [setting for setting in layout.settings if normalise_header(setting.key) not in present]


def missing_settings(layout: Layout, existing: Grid | None) -> list[list[Cell]]:
    """Settings rows the contract has and a Settings tab in use lacks (keys added since the
    shop was set up), with their defaults, in the tab's own column order. An empty or absent
    tab gets every row from ``prepare`` instead."""
    spec = layout.tab(SETTINGS)
    try:
        table = Table.from_grid(spec, existing)
    except SheetLayoutError:
        return []
    keys = [row.text("Setting") for row in table]
    if not any(keys):
        return []
    return [
        table.new_row({"Setting": setting.key, "Value": setting.value})
        for setting in _absent_settings(layout, keys)
    ]


def _with_every_setting(layout: Layout, seed: SeedRows) -> SeedRows:
    """``seed`` (Setting, Value rows) and, after it, each setting of the contract it lacks."""
    keys = [str(row[0]) for row in seed if row and row[0]]
    return [*seed, *([s.key, s.value] for s in _absent_settings(layout, keys))]


def run_init(sheet: Sheet, *, sample: bool) -> list[str]:
    """Prepare ``sheet``; returns the tab names of the layout. Safe to run again."""
    layout = load_layout()
    rows: dict[str, SeedRows] = {SETTINGS: default_settings(layout)}
    rows.update(figure_rows(layout))
    if sample:
        # The sample brings its own Supplier items; on a sheet that already had items they
        # only name SKUs it does not have, which nothing reads, and its items keep their
        # Stock supplier.
        rows.update(sample_rows(layout))
        rows[SETTINGS] = _with_every_setting(layout, rows[SETTINGS])
    existing = _existing(sheet, [SETTINGS] if sample else [STOCK, SETTINGS])
    if not sample:
        migrated = supplier_items_from_stock(layout, list(existing.get(STOCK, [])))
        if migrated:
            rows[SUPPLIER_ITEMS] = migrated
    settings = existing.get(SETTINGS)
    sheet.prepare(layout.with_currency(shop_currency(settings, layout, rows)), rows)
    added = missing_settings(layout, settings)
    if added:
        sheet.apply(SheetBatch(appends=[RowsAppend(SETTINGS, added)]))
    return [tab.name for tab in layout.tabs]


def shop_currency(existing: Grid | None, layout: Layout, rows: Mapping[str, SeedRows]) -> str:
    """The currency money columns are formatted in: the Settings tab's (``existing``), else
    (no tab or no usable Currency there) the Settings rows ``init`` writes, else the default."""
    spec = layout.tab(SETTINGS)
    seed: Grid = [list(spec.headers)]
    for seed_row in rows.get(SETTINGS, []):
        seed.append([value if isinstance(value, str) else None for value in seed_row[:2]])
    grids: tuple[Grid | None, Grid] = (existing, seed)
    for grid in grids:
        try:
            table = Table.from_grid(spec, grid)
        except SheetLayoutError:
            continue
        for row in table:
            if normalise_header(row.text("Setting")) == "currency":
                try:
                    return parse_currency(row.text("Value"))
                except ValueError:
                    break
    return ShopSettings().currency
