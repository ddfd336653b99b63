"""The bundled sample shop (``sheet_templates/sample_shop/*.csv``) as rows for ``Sheet.prepare``."""

from __future__ import annotations

import csv
import io
from importlib import resources

from sheets_bot.domain.sheet_numbers import NotANumber, parse_number
from sheets_bot.ports import Cell, Grid
from sheets_bot.sheet.layout import SETTINGS, STOCK, SUPPLIERS, Layout, normalise_header

_FILES = {STOCK: "stock.csv", SUPPLIERS: "suppliers.csv", SETTINGS: "settings.csv"}


def default_settings(layout: Layout) -> Grid:
    return [[setting.key, setting.value] for setting in layout.settings]


def _typed(text: str | None) -> Cell:
    """A CSV text as the owner's sheet would hold it: numbers as numbers, blanks as empty."""
    if not text:
        return None
    try:
        number = parse_number(text)
    except NotANumber:
        return text
    if number is None:
        return None
    return int(number) if number == number.to_integral_value() else float(number)


def _in_layout_order(layout: Layout, tab: str, records: list[dict[str, str]]) -> Grid:
    headers = layout.tab(tab).headers
    rows: Grid = []
    for record in records:
        by_header = {normalise_header(key): value for key, value in record.items()}
        rows.append([_typed(by_header.get(normalise_header(header))) for header in headers])
    return rows


def sample_rows(layout: Layout) -> dict[str, Grid]:
    """Stock, Suppliers and Settings rows of the sample café, in the layout's column order."""
    folder = resources.files("sheet_templates").joinpath("sample_shop")
    rows: dict[str, Grid] = {}
    for tab, name in _FILES.items():
        text = folder.joinpath(name).read_text(encoding="utf-8")
        rows[tab] = _in_layout_order(layout, tab, list(csv.DictReader(io.StringIO(text))))
    return rows
