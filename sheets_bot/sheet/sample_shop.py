"""The bundled sample shop (``sheet_templates/sample_shop/*.csv``) as rows for ``Sheet.prepare``."""

from __future__ import annotations

import csv
import io
from importlib import resources

from sheets_bot.ports import Cell, Grid
from sheets_bot.sheet.layout import SETTINGS, STOCK, SUPPLIERS, Layout, normalise_header

_FILES = {STOCK: "stock.csv", SUPPLIERS: "suppliers.csv", SETTINGS: "settings.csv"}


def default_settings(layout: Layout) -> Grid:
    return [[setting.key, setting.value] for setting in layout.settings]


def _in_layout_order(layout: Layout, tab: str, records: list[dict[str, str]]) -> Grid:
    headers = layout.tab(tab).headers
    rows: Grid = []
    for record in records:
        by_header = {normalise_header(key): value for key, value in record.items()}
        row: list[Cell] = [by_header.get(normalise_header(header)) or None for header in headers]
        rows.append(row)
    return rows


def sample_rows(layout: Layout) -> dict[str, Grid]:
    """Stock, Suppliers and Settings rows of the sample café, in the layout's column order."""
    folder = resources.files("sheet_templates").joinpath("sample_shop")
    rows: dict[str, Grid] = {}
    for tab, name in _FILES.items():
        text = folder.joinpath(name).read_text(encoding="utf-8")
        rows[tab] = _in_layout_order(layout, tab, list(csv.DictReader(io.StringIO(text))))
    return rows
