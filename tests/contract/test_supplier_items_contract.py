"""The Supplier items tab on every Sheet adapter (memory, local workbook, Google on the fake
Sheets API): ``init`` migrates a sheet made before the tab existed, copying each item's single
supplier, losing nothing typed; the bot reads the tab by header, whatever the column order."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import nullcontext
from decimal import Decimal
from pathlib import Path

import pytest

from sheets_bot.ports import Cell, Grid
from sheets_bot.services.setup import run_init
from sheets_bot.sheet.layout import (
    SETTINGS,
    STOCK,
    SUPPLIER_ITEMS,
    SUPPLIERS,
    Layout,
    TabSpec,
)
from sheets_bot.sheet.rows import read_supplier_items, read_suppliers
from sheets_bot.sheet.table import Table
from sheets_bot.testing.fake_sheets_api import FakeSheetsApi
from sheets_bot.testing.google_sheet_owner import FakeSheetOwner, fake_google_sheet
from tests.contract.sheet_fixtures import (
    LAYOUT,
    Backend,
    grid_of,
    memory_backend,
    workbook_backend,
)

NEW_COLUMNS = {
    STOCK: {"Unit"},
    SUPPLIERS: {"Status", "Order days", "Min order value", "Code"},
    "Drafts": {"Purchase qty"},
    "Orders": {"Purchase qty", "Expected"},
}
GOOGLE_TAB_ROWS = 40


def _old(spec: TabSpec) -> TabSpec:
    dropped = NEW_COLUMNS.get(spec.name, set())
    return spec.model_copy(
        update={
            "columns": tuple(c for c in spec.columns if c.name not in dropped),
            "dropdowns": tuple(d for d in spec.dropdowns if d.column not in dropped),
        }
    )


OLD_LAYOUT = Layout.model_construct(
    tabs=tuple(_old(spec) for spec in LAYOUT.tabs if spec.name != SUPPLIER_ITEMS),
    settings=LAYOUT.settings,
)
"""The sheet contract as it was before purchasing: no Supplier items tab, no new columns."""

OLD_SUPPLIER_HEADERS = OLD_LAYOUT.tab(SUPPLIERS).headers
STOCK_ROWS: list[dict[str, Cell]] = [
    {"Item": "Beans", "SKU": "B-1", "Supplier": "Beanco", "On hand": 10, "Daily sales": 2},
    {"Item": "Tea", "SKU": "T-1", "Supplier": "Leafco", "On hand": 4, "Daily sales": 1},
    {"Item": "No supplier yet", "SKU": "X-1", "On hand": 1, "Daily sales": 1},
]
SUPPLIER_ROWS: list[dict[str, Cell]] = [
    {"Supplier": "Beanco", "Email": "o@beanco.example", "Lead time (days)": 3, "Active": "yes"},
    {"Supplier": "Leafco", "Email": "o@leafco.example", "Lead time (days)": 5, "Active": "no"},
]


@pytest.fixture(params=["memory", "workbook", "google"])
def old_sheet(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """A sheet set up before purchasing existed, with the owner's Stock and Suppliers."""

    def fill(backend: Backend) -> Backend:
        with backend.open() as sheet:
            sheet.prepare(OLD_LAYOUT, {SETTINGS: [["Business name", "Old shop"]]})
        backend.owner.set_grid(STOCK, grid_of(OLD_LAYOUT.tab(STOCK).headers, STOCK_ROWS))
        backend.owner.set_grid(SUPPLIERS, grid_of(OLD_SUPPLIER_HEADERS, SUPPLIER_ROWS))
        return backend

    if request.param == "google":
        with FakeSheetsApi.running() as fake:
            key = fake.create_spreadsheet("Shop")
            for spec in OLD_LAYOUT.tabs:
                fake.add_tab(key, spec.name, rows=GOOGLE_TAB_ROWS)
            yield fill(
                Backend(
                    "google",
                    FakeSheetOwner(fake, key),
                    lambda: nullcontext(fake_google_sheet(fake, key)),
                    fake=fake,
                    spreadsheet_id=key,
                )
            )
        return
    yield fill(memory_backend() if request.param == "memory" else workbook_backend(tmp_path))


def _without_trailing_blanks(grid: Grid) -> Grid:
    rows = []
    for row in grid:
        cells = list(row)
        while cells and cells[-1] in (None, ""):
            cells.pop()
        rows.append(cells)
    return rows


def test_init_copies_each_items_supplier_and_loses_nothing(old_sheet: Backend) -> None:
    owner = old_sheet.owner
    stock_before = _without_trailing_blanks(owner.grid(STOCK))
    suppliers_before = _without_trailing_blanks(owner.grid(SUPPLIERS))

    with old_sheet.open() as sheet:
        run_init(sheet, sample=False)

    items = owner.grid(SUPPLIER_ITEMS)
    assert items[0] == LAYOUT.tab(SUPPLIER_ITEMS).headers
    assert _without_trailing_blanks(items[1:]) == [["B-1", "Beanco"], ["T-1", "Leafco"]]
    # Nothing typed is lost: the old columns keep their values; new headers come after.
    stock_after = _without_trailing_blanks(owner.grid(STOCK))
    assert stock_after[0][: len(stock_before[0])] == stock_before[0]
    assert stock_after[0][len(stock_before[0]) :] == ["Unit"]
    assert stock_after[1:] == stock_before[1:]
    suppliers_after = _without_trailing_blanks(owner.grid(SUPPLIERS))
    assert suppliers_after[0] == [
        *OLD_SUPPLIER_HEADERS,
        "Status",
        "Order days",
        "Min order value",
        "Code",
    ]
    assert suppliers_after[1:] == suppliers_before[1:]

    # Running it again changes nothing.
    with old_sheet.open() as sheet:
        run_init(sheet, sample=False)
    assert owner.grid(SUPPLIER_ITEMS) == items

    # The migrated sheet reads as before: Leafco stays inactive (Active no, Status blank).
    with old_sheet.open() as sheet:
        grids = sheet.read([SUPPLIERS, SUPPLIER_ITEMS])
    suppliers, problems = read_suppliers(Table.from_grid(LAYOUT.tab(SUPPLIERS), grids[SUPPLIERS]))
    assert problems == []
    assert suppliers["leafco"].active is False and suppliers["leafco"].paused is False
    offers, problems = read_supplier_items(
        Table.from_grid(LAYOUT.tab(SUPPLIER_ITEMS), grids[SUPPLIER_ITEMS]), suppliers
    )
    assert problems == []
    assert [(o.sku, o.supplier, o.per, o.price, o.lead_time_days) for o in offers] == [
        ("B-1", "Beanco", None, None, None),
        ("T-1", "Leafco", None, None, None),
    ]


def test_the_tab_is_read_by_header_in_any_column_order(old_sheet: Backend) -> None:
    with old_sheet.open() as sheet:
        run_init(sheet, sample=False)
    headers = list(reversed(LAYOUT.tab(SUPPLIER_ITEMS).headers))
    rows: list[dict[str, Cell]] = [
        {
            "SKU": "B-1",
            "Supplier": "Beanco",
            "Supplier code": "BC-100",
            "Purchase unit": "case",
            "Units per purchase unit": 12,
            "Price": "£24.00",
            "Price breaks": "10: 22; 50: 20",
            "MOQ": 2,
            "Lead time (days)": 4,
            "Pin": "yes",
        },
        {"SKU": "B-1", "Supplier": "Leafco", "Units per purchase unit": "a dozen"},
    ]
    old_sheet.owner.set_grid(SUPPLIER_ITEMS, grid_of(headers, rows))
    with old_sheet.open() as sheet:
        grid = sheet.read([SUPPLIER_ITEMS])[SUPPLIER_ITEMS]
    offers, problems = read_supplier_items(Table.from_grid(LAYOUT.tab(SUPPLIER_ITEMS), grid))
    assert len(offers) == 1
    offer = offers[0]
    assert (offer.code, offer.unit_name, offer.per, offer.price, offer.moq) == (
        "BC-100",
        "case",
        Decimal(12),
        Decimal("24.00"),
        2,
    )
    assert offer.pinned and offer.lead_time_days == 4
    assert [b.from_quantity for b in offer.breaks] == [10, 50]
    assert len(problems) == 1
    assert str(problems[0]).startswith("Supplier items row 3, column ")
    assert str(problems[0]).endswith("'Units per purchase unit': 'a dozen' is not a number")


def test_init_adds_the_settings_added_since_below_the_owners_rows(old_sheet: Backend) -> None:
    """A Settings tab in use gets each key of the contract it lacks, with its default (the
    purchasing and policy settings among them); the owner's rows stay as typed, and a second
    init adds nothing."""
    owner = old_sheet.owner
    with old_sheet.open() as sheet:
        run_init(sheet, sample=False)
    rows = [row[:2] for row in _without_trailing_blanks(owner.grid(SETTINGS))[1:] if row]
    assert rows[0] == ["Business name", "Old shop"]
    keys = [str(row[0]) for row in rows]
    assert keys.count("Business name") == 1
    expected = [s.key for s in LAYOUT.settings if s.key != "Business name"]
    assert keys[1:] == expected
    assert {"Delivery address", "Fill target A", "Count location"} <= set(keys)
    fill_a = next(row for row in rows if row[0] == "Fill target A")
    assert str(fill_a[1]) == next(s.value for s in LAYOUT.settings if s.key == "Fill target A")

    with old_sheet.open() as sheet:
        run_init(sheet, sample=False)
    again = [row[:2] for row in _without_trailing_blanks(owner.grid(SETTINGS))[1:] if row]
    assert again == rows
