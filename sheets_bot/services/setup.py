"""``init``: give a sheet every tab of the contract, optionally filled with the sample shop."""

from __future__ import annotations

from sheets_bot.ports import SeedRows, Sheet
from sheets_bot.sheet.dashboard import figure_rows
from sheets_bot.sheet.layout import SETTINGS, load_layout
from sheets_bot.sheet.sample_shop import default_settings, sample_rows


def run_init(sheet: Sheet, *, sample: bool) -> list[str]:
    """Prepare ``sheet``; returns the tab names of the layout. Safe to run again."""
    layout = load_layout()
    rows: dict[str, SeedRows] = {SETTINGS: default_settings(layout)}
    rows.update(figure_rows(layout))
    if sample:
        rows.update(sample_rows(layout))
    sheet.prepare(layout, rows)
    return [tab.name for tab in layout.tabs]
