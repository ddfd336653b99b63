"""Backends for the Sheet contract suite: each opens a bot session and offers an owner view."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from sheets_bot.adapters.local.workbook import LocalWorkbook
from sheets_bot.ports import Cell, Grid, Sheet
from sheets_bot.sheet.layout import SETTINGS, STOCK, load_layout
from sheets_bot.testing.fake_sheets_api import FakeSheetsApi
from sheets_bot.testing.google_sheet_owner import FakeSheetOwner, fake_google_sheet
from sheets_bot.testing.memory_sheet import MemorySheet
from sheets_bot.testing.sheet_helpers import SheetOwner, WorkbookOwner

LAYOUT = load_layout()
STOCK_HEADERS = LAYOUT.tab(STOCK).headers
DEFAULT_ROWS: dict[str, Grid] = {
    # A blank default (Delivery address, ...) reads back trimmed, as every trailing blank does.
    SETTINGS: [
        [setting.key, setting.value] if setting.value else [setting.key]
        for setting in LAYOUT.settings
    ]
}


@dataclass
class Backend:
    """One Sheet implementation under test: ``open()`` starts a bot session (for the workbook a
    fresh ``with`` block, so it sees the owner's edits), ``owner`` edits like the owner would."""

    kind: str
    owner: SheetOwner
    opener: Callable[[], AbstractContextManager[Sheet]]
    path: Path | None = None
    fake: FakeSheetsApi | None = None
    """The fake Sheets API behind a ``google`` backend."""
    spreadsheet_id: str = ""

    def open(self) -> AbstractContextManager[Sheet]:
        return self.opener()

    def prepare(self, rows: Mapping[str, Grid] | None = None) -> None:
        with self.open() as sheet:
            sheet.prepare(LAYOUT, DEFAULT_ROWS if rows is None else rows)


def memory_backend() -> Backend:
    memory = MemorySheet()
    return Backend("memory", memory, lambda: nullcontext(memory))


def workbook_backend(folder: Path, lock_timeout: float = 30.0) -> Backend:
    path = folder / "shop.xlsx"
    locks = folder / "locks"
    return Backend(
        "workbook",
        WorkbookOwner(path),
        lambda: LocalWorkbook(path, lock_dir=locks, lock_timeout=lock_timeout),
        path,
    )


def google_backend(fake: FakeSheetsApi, tab_rows: int | None = None) -> Backend:
    """A new spreadsheet on the running fake (one "Sheet1" tab, as Google creates them); each
    ``open()`` is a new ``GoogleSheet``, as each bot run is.

    With ``tab_rows`` the owner has already added the layout's tabs, empty and ``tab_rows``
    rows tall: ``prepare`` then completes them rather than adding them, and formats fewer
    rows, which keeps the fake fast (it formats every cell of a column one by one)."""
    key = fake.create_spreadsheet("Shop")
    if tab_rows is not None:
        for spec in LAYOUT.tabs:
            fake.add_tab(key, spec.name, rows=tab_rows)
    return Backend(
        "google",
        FakeSheetOwner(fake, key),
        lambda: nullcontext(fake_google_sheet(fake, key)),
        fake=fake,
        spreadsheet_id=key,
    )


def stock_record(sku: str, item: str, on_hand: Cell = 10) -> dict[str, Cell]:
    """A Stock row by layout column name."""
    return {"Item": item, "SKU": sku, "Supplier": "Beanco", "On hand": on_hand, "Daily sales": 2}


def grid_of(headers: list[str], records: list[dict[str, Cell]]) -> Grid:
    """Headers then one row per record, laid out in ``headers`` order, trailing blanks trimmed."""
    rows: Grid = [list[Cell](headers)]
    for record in records:
        row: list[Cell] = [record.get(header) for header in headers]
        while row and row[-1] is None:
            row.pop()
        rows.append(row)
    return rows


def put_cached_value(path: Path, sheet_xml: str, formula: str, cached: str) -> None:
    """Give a formula openpyxl saved (no result) the result LibreOffice would have cached."""
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    text = parts[sheet_xml].decode()
    saved = f"<f>{formula}</f><v />"
    if saved not in text:
        raise AssertionError(f"{formula!r} not found in {sheet_xml}")
    parts[sheet_xml] = text.replace(saved, f"<f>{formula}</f><v>{cached}</v>").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
