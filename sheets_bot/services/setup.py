"""``init``: give a sheet every tab of the contract, optionally filled with the sample shop."""

from __future__ import annotations

from collections.abc import Mapping

from sheets_bot.domain.currencies import parse_currency
from sheets_bot.domain.models import ShopSettings
from sheets_bot.errors import BotError, SheetLayoutError
from sheets_bot.ports import Grid, SeedRows, Sheet
from sheets_bot.sheet.dashboard import figure_rows
from sheets_bot.sheet.layout import SETTINGS, Layout, load_layout, normalise_header
from sheets_bot.sheet.sample_shop import default_settings, sample_rows
from sheets_bot.sheet.table import Table


def run_init(sheet: Sheet, *, sample: bool) -> list[str]:
    """Prepare ``sheet``; returns the tab names of the layout. Safe to run again."""
    layout = load_layout()
    rows: dict[str, SeedRows] = {SETTINGS: default_settings(layout)}
    rows.update(figure_rows(layout))
    if sample:
        rows.update(sample_rows(layout))
    sheet.prepare(layout.with_currency(shop_currency(sheet, layout, rows)), rows)
    return [tab.name for tab in layout.tabs]


def shop_currency(sheet: Sheet, layout: Layout, rows: Mapping[str, SeedRows]) -> str:
    """The currency money columns are formatted in: the Settings tab's, else (no tab or no
    usable Currency there) the Settings rows ``init`` writes, else the default."""
    spec = layout.tab(SETTINGS)
    seed: Grid = [list(spec.headers)]
    for seed_row in rows.get(SETTINGS, []):
        seed.append([value if isinstance(value, str) else None for value in seed_row[:2]])
    try:
        existing = sheet.read([SETTINGS]).get(SETTINGS)
    except BotError:  # no workbook yet: prepare creates it
        existing = None
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
