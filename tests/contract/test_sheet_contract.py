"""The ``Sheet`` contract, run against every implementation: the in-memory fake, the local
``.xlsx`` workbook, and the Google Sheet adapter on the fake Sheets API (real gspread). The
workbook-only tests at the end cover locking, formulas and formats; the Google-only ones are in
``test_google_sheet_contract.py``."""

from __future__ import annotations

import itertools
import os
import time
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import PatternFill
from openpyxl.utils.cell import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.dimensions import ColumnDimension
from openpyxl.worksheet.worksheet import Worksheet

from sheets_bot.adapters.local.workbook import LocalWorkbook
from sheets_bot.errors import BotError, SheetLayoutError, WorkbookBusyError
from sheets_bot.ports import Cell, CellWrite, Grid, RowsAppend, RowsDelete, Sheet, SheetBatch
from sheets_bot.services.setup import run_init
from sheets_bot.sheet.layout import AUDIT, DRAFTS, SETTINGS, STOCK
from sheets_bot.sheet.palette import BOT_TINT, EDITABLE_TINT, MOVE_COLOURS
from sheets_bot.sheet.table import Table
from sheets_bot.testing.fake_sheets_api import FakeSheetsApi
from sheets_bot.testing.memory_sheet import MemorySheet
from sheets_bot.testing.sheet_helpers import with_cell
from tests.contract.sheet_fixtures import (
    DEFAULT_ROWS,
    LAYOUT,
    STOCK_HEADERS,
    Backend,
    google_backend,
    grid_of,
    memory_backend,
    put_cached_value,
    stock_record,
    workbook_backend,
)

ALL_TABS = [spec.name for spec in LAYOUT.tabs]
STOCK_SPEC = LAYOUT.tab(STOCK)
AUDIT_HEADERS = LAYOUT.tab(AUDIT).headers
SKUS = ["A-1", "B-1", "C-1", "D-1", "E-1"]
GOOGLE_TAB_ROWS = 60
"""Rows of each tab of the Google backend (see ``google_backend``)."""
UNTRUSTED = ['=HYPERLINK("http://x","y")', "+1", "-2", "@foo", "=1+1", "#N/A", "0012", "TRUE"]


@pytest.fixture(params=["memory", "workbook", "google"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """A prepared sheet of each kind (the workbook in ``tmp_path``, the Google Sheet on the
    fake Sheets API)."""
    if request.param == "google":
        with FakeSheetsApi.running() as fake:
            made = google_backend(fake, tab_rows=GOOGLE_TAB_ROWS)
            made.prepare()
            yield made
        return
    made = memory_backend() if request.param == "memory" else workbook_backend(tmp_path)
    made.prepare()
    yield made


@pytest.fixture
def sheet(backend: Backend) -> Iterator[Sheet]:
    """A bot session on the prepared sheet."""
    with backend.open() as opened:
        yield opened


@pytest.fixture
def workbook(tmp_path: Path) -> Backend:
    made = workbook_backend(tmp_path, lock_timeout=0.2)
    made.prepare()
    return made


def stock_column(name: str) -> int:
    return STOCK_HEADERS.index(name) + 1


def set_stock(backend: Backend, skus: list[str], headers: list[str] = STOCK_HEADERS) -> Grid:
    """The owner fills Stock with one row per SKU; returns the grid as typed."""
    grid = grid_of(headers, [stock_record(sku, f"Item {sku}") for sku in skus])
    backend.owner.set_grid(STOCK, grid)
    return grid


def stock_table(grid: Grid) -> Table:
    return Table.from_grid(STOCK_SPEC, grid)


def by_sku(table: Table) -> dict[str, dict[str, Cell]]:
    return {row.text("SKU"): dict(row.values) for row in table}


def read_then_apply(backend: Backend, batch: SheetBatch, tabs: list[str]) -> None:
    with backend.open() as sheet:
        sheet.read(tabs)
        sheet.apply(batch)


def open_xlsx(backend: Backend) -> Workbook:
    assert backend.path is not None
    return load_workbook(backend.path)


def tab_of(book: Workbook, name: str) -> Worksheet:
    sheet = book[name]
    assert isinstance(sheet, Worksheet)
    return sheet


# --- prepare ----------------------------------------------------------------------------


def test_prepare_creates_every_layout_tab_with_its_headers(sheet: Sheet) -> None:
    grids = sheet.read(ALL_TABS)

    assert list(grids) == ALL_TABS
    for spec in LAYOUT.tabs:
        assert grids[spec.name][0] == spec.headers
    assert grids[SETTINGS][1:] == DEFAULT_ROWS[SETTINGS]
    assert all(len(grids[tab]) == 1 for tab in ALL_TABS if tab != SETTINGS)


def test_prepare_twice_changes_nothing(backend: Backend) -> None:
    before = {tab: backend.owner.grid(tab) for tab in ALL_TABS}

    backend.prepare()

    assert {tab: backend.owner.grid(tab) for tab in ALL_TABS} == before


def test_prepare_keeps_owner_rows_and_columns_and_adds_a_missing_header(backend: Backend) -> None:
    headers = [header for header in STOCK_HEADERS if header != "Problem"]
    headers.insert(2, "My notes")
    owners = grid_of(headers, [stock_record("B-1", "Beans") | {"My notes": "keep me"}])
    backend.owner.set_grid(STOCK, owners)

    backend.prepare({**DEFAULT_ROWS, STOCK: [["Tea", "T-1", "Leafco", 5, 1]]})

    grid = backend.owner.grid(STOCK)
    assert grid[0] == [*headers, "Problem"]
    assert grid[1:] == owners[1:]


def test_prepare_fills_an_empty_tab_by_its_actual_column_order(backend: Backend) -> None:
    backend.owner.set_grid(STOCK, [list[Cell](reversed(STOCK_HEADERS))])
    record = stock_record("T-1", "Tea", on_hand=5)

    backend.prepare({**DEFAULT_ROWS, STOCK: [[record.get(name) for name in STOCK_HEADERS]]})

    rows = stock_table(backend.owner.grid(STOCK)).rows
    assert [(row.number, row["SKU"], row["Item"], row["On hand"]) for row in rows] == [
        (2, "T-1", "Tea", 5)
    ]


def test_prepare_adds_rows_only_to_empty_tabs(backend: Backend) -> None:
    backend.prepare({SETTINGS: [["Extra", "1"]], STOCK: [["Tea", "T-1"]]})

    assert backend.owner.grid(SETTINGS)[1:] == DEFAULT_ROWS[SETTINGS]
    assert backend.owner.grid(STOCK)[1:] == [["Tea", "T-1"]]


# --- read -------------------------------------------------------------------------------


def test_read_leaves_absent_tabs_out(sheet: Sheet) -> None:
    assert set(sheet.read([STOCK, "Nope"])) == {STOCK}


def test_read_trims_trailing_empty_cells_and_rows(backend: Backend) -> None:
    backend.owner.set_grid(
        AUDIT,
        [[*AUDIT_HEADERS, None], ["a", None, None], [None], ["b", "c", None], [None, None], []],
    )

    with backend.open() as sheet:
        grid = sheet.read([AUDIT])[AUDIT]

    assert grid == [AUDIT_HEADERS, ["a"], [], ["b", "c"]]


def test_an_append_only_read_has_the_headers_and_first_column_and_appends_go_below(
    backend: Backend,
) -> None:
    rows: Grid = [["t1", "bot", "checked"], ["t2", "bot", "sent"], [], ["t4", None, "late"]]
    backend.owner.set_grid(AUDIT, [list[Cell](AUDIT_HEADERS), *rows])

    with backend.open() as sheet:
        grid = sheet.read([STOCK, AUDIT], append_only=[AUDIT])[AUDIT]
        assert grid[0] == AUDIT_HEADERS
        assert [row[:1] for row in grid[1:]] == [["t1"], ["t2"], [], ["t4"]]
        sheet.apply(SheetBatch(appends=[RowsAppend(AUDIT, [["t5", "bot", "new"]])]))

    assert backend.owner.grid(AUDIT)[1:] == [*rows, ["t5", "bot", "new"]]


# --- apply ------------------------------------------------------------------------------


def test_writes_land_in_their_cells_and_touch_nothing_else(backend: Backend) -> None:
    before = set_stock(backend, SKUS[:2])
    move, on_order = stock_column("Move"), stock_column("On order")

    writes = [CellWrite(STOCK, 3, move, "urgent"), CellWrite(STOCK, 2, on_order, 12)]
    read_then_apply(backend, SheetBatch(writes=writes), [STOCK])

    expected = with_cell(with_cell(before, 3, move, "urgent"), 2, on_order, 12)
    assert backend.owner.grid(STOCK) == expected


def test_columns_are_found_by_header_after_the_owner_reorders_and_renames(
    backend: Backend,
) -> None:
    headers = ["on  HAND" if header == "On hand" else header for header in reversed(STOCK_HEADERS)]
    records = [stock_record(sku, f"Item {sku}", on_hand=4) for sku in SKUS[:3]]
    before = grid_of(headers, [{"on  HAND": r.pop("On hand")} | r for r in records])
    backend.owner.set_grid(STOCK, before)

    with backend.open() as sheet:
        table = stock_table(sheet.read([STOCK])[STOCK])
        row = next(row for row in table if row.text("SKU") == "B-1")
        assert row["On hand"] == 4
        writes = [table.write(row.number, "On hand", 40), table.write(row.number, "Move", "watch")]
        sheet.apply(SheetBatch(writes=writes))

    on_hand, move = headers.index("on  HAND") + 1, headers.index("Move") + 1
    expected = with_cell(with_cell(before, row.number, on_hand, 40), row.number, move, "watch")
    assert backend.owner.grid(STOCK) == expected


def test_append_lands_after_the_last_row(backend: Backend) -> None:
    backend.owner.set_grid(
        STOCK, grid_of(STOCK_HEADERS, [stock_record("A-1", "Apples"), {}, stock_record("C-1", "C")])
    )
    before = backend.owner.grid(STOCK)
    batch = SheetBatch(
        appends=[
            RowsAppend(STOCK, [["Dates", "D-1"]]),
            RowsAppend(STOCK, [["Eggs", "E-1"], ["Figs", "F-1"]]),
            RowsAppend(AUDIT, [["today", "bot", "checked"]]),
        ]
    )

    read_then_apply(backend, batch, [STOCK, AUDIT])

    after = backend.owner.grid(STOCK)
    assert after[: len(before)] == before
    assert after[len(before) :] == [["Dates", "D-1"], ["Eggs", "E-1"], ["Figs", "F-1"]]
    assert backend.owner.grid(AUDIT) == [AUDIT_HEADERS, ["today", "bot", "checked"]]


def test_delete_removes_the_right_rows(backend: Backend) -> None:
    set_stock(backend, SKUS)

    batch = SheetBatch(deletes=[RowsDelete(STOCK, [2, 5]), RowsDelete(STOCK, [4])])
    read_then_apply(backend, batch, [STOCK])

    assert list(by_sku(stock_table(backend.owner.grid(STOCK)))) == ["B-1", "E-1"]


def test_one_batch_writes_then_appends_then_deletes_by_pre_batch_rows(backend: Backend) -> None:
    set_stock(backend, SKUS)
    move = stock_column("Move")
    batch = SheetBatch(
        writes=[CellWrite(STOCK, 3, move, "urgent"), CellWrite(STOCK, 6, move, "watch")],
        appends=[RowsAppend(STOCK, [["Item F-1", "F-1"]])],
        deletes=[RowsDelete(STOCK, [5, 2])],
    )

    read_then_apply(backend, batch, [STOCK])

    table = stock_table(backend.owner.grid(STOCK))
    assert {sku: values["Move"] for sku, values in by_sku(table).items()} == {
        "B-1": "urgent",
        "C-1": None,
        "E-1": "watch",
        "F-1": None,
    }
    assert [row.number for row in table] == [2, 3, 4, 5]


def test_a_row_is_found_by_its_id_after_the_owner_sorts_and_inserts(backend: Backend) -> None:
    set_stock(backend, SKUS[:3])
    records = [stock_record(sku, f"Item {sku}") for sku in ["Z-9", "", "C-1", "B-1", "A-1"]]
    backend.owner.set_grid(STOCK, grid_of(STOCK_HEADERS, [r if r["SKU"] else {} for r in records]))

    with backend.open() as sheet:
        table = stock_table(sheet.read([STOCK])[STOCK])
        row = next(row for row in table if row.text("SKU") == "B-1")
        sheet.apply(SheetBatch(writes=[table.write(row.number, "Move", "reorder")]))

    after = by_sku(stock_table(backend.owner.grid(STOCK)))
    moves = {sku: values["Move"] for sku, values in after.items()}
    assert moves == {"Z-9": None, "C-1": None, "B-1": "reorder", "A-1": None}


@pytest.mark.parametrize("text", UNTRUSTED)
def test_untrusted_text_is_written_and_read_back_as_plain_text(backend: Backend, text: str) -> None:
    set_stock(backend, SKUS[:1])
    problem = stock_column("Problem")
    batch = SheetBatch(
        writes=[CellWrite(STOCK, 2, problem, text)], appends=[RowsAppend(AUDIT, [[text, text]])]
    )

    read_then_apply(backend, batch, [STOCK, AUDIT])

    with backend.open() as sheet:
        grids = sheet.read([STOCK, AUDIT])
    assert grids[STOCK][1][problem - 1] == text
    assert grids[AUDIT][1] == [text, text]
    if backend.path is not None:
        cell = tab_of(open_xlsx(backend), STOCK).cell(2, problem)
        assert (cell.value, cell.data_type) == (text, "s")
        with zipfile.ZipFile(backend.path) as saved:
            xml = saved.read("xl/worksheets/sheet1.xml").decode()
        assert "<f>" not in xml
        assert "<f " not in xml


def test_drafts_decision_has_an_approve_edit_skip_dropdown(backend: Backend) -> None:
    if isinstance(backend.owner, MemorySheet):
        dropdown = backend.owner.dropdowns[DRAFTS]["Decision"]
        assert (dropdown.values, dropdown.strict) == (("approve", "edit", "skip"), True)
        return
    if backend.fake is not None:
        column = get_column_letter(LAYOUT.tab(DRAFTS).headers.index("Decision") + 1)
        rules = backend.fake.data_validations(backend.spreadsheet_id, DRAFTS)
        [rule] = [rule for rule in rules if rule.range.startswith(f"{column}2:")]
        assert rule.condition_type == "ONE_OF_LIST"
        assert (rule.values, rule.strict, rule.show_custom_ui) == (
            ["approve", "edit", "skip"],
            True,
            True,
        )
        assert rule.range == f"{column}2:{column}{GOOGLE_TAB_ROWS}"
        return
    decision = LAYOUT.tab(DRAFTS).headers.index("Decision") + 1
    validation = validation_at(tab_of(open_xlsx(backend), DRAFTS), decision)
    assert validation.type == "list"
    assert validation.formula1 == '"approve,edit,skip"'
    assert not validation.showDropDown  # openpyxl's True would hide the in-cell arrow
    assert validation.allow_blank
    assert validation.errorStyle == "stop"
    assert "approve, edit, skip" in (validation.error or "")
    assert f"{get_column_letter(decision)}5000" in validation.sqref


def validation_at(sheet: Worksheet, column: int) -> DataValidation:
    cell = f"{get_column_letter(column)}2"
    found: list[DataValidation] = [
        dv for dv in sheet.data_validations.dataValidation if cell in dv.sqref
    ]
    assert len(found) == 1, found
    return found[0]


# --- the local workbook only ------------------------------------------------------------


@pytest.mark.parametrize("lock_name", [".~lock.shop.xlsx#", "~$shop.xlsx"])
def test_workbook_refuses_while_open_in_an_office_app(workbook: Backend, lock_name: str) -> None:
    assert workbook.path is not None
    (workbook.path.parent / lock_name).write_text("owner,host", encoding="utf-8")

    with (
        pytest.raises(WorkbookBusyError, match="save and close it, then run again") as raised,
        workbook.open(),
    ):
        pass

    assert str(workbook.path) in str(raised.value)
    assert "LibreOffice or Excel" in str(raised.value)


def test_workbook_refuses_to_save_once_opened_in_an_office_app(workbook: Backend) -> None:
    assert workbook.path is not None
    with workbook.open() as sheet:
        sheet.read([STOCK])
        (workbook.path.parent / ".~lock.shop.xlsx#").write_text("x", encoding="utf-8")
        with pytest.raises(WorkbookBusyError, match="save and close it"):
            sheet.apply(SheetBatch(appends=[RowsAppend(STOCK, [["Tea"]])]))


def test_a_second_run_waits_then_refuses(workbook: Backend) -> None:
    with workbook.open():
        started = time.monotonic()
        with (
            pytest.raises(WorkbookBusyError, match="another sheets-bot run is using"),
            workbook.open(),
        ):
            pass
        assert time.monotonic() - started >= 0.2

    with workbook.open() as sheet:
        assert STOCK in sheet.read([STOCK])


def test_a_missing_workbook_says_to_run_init(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.xlsx"
    with (
        LocalWorkbook(path, lock_dir=tmp_path) as sheet,
        pytest.raises(BotError, match="sheets-bot init") as raised,
    ):
        sheet.read([STOCK])
    assert str(path) in str(raised.value)


def test_workbook_is_used_only_inside_a_with_block(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="with"):
        LocalWorkbook(tmp_path / "shop.xlsx", lock_dir=tmp_path).read([STOCK])


def test_an_owner_save_during_a_run_is_never_overwritten(workbook: Backend) -> None:
    with workbook.open() as sheet:
        sheet.read([SETTINGS])
        workbook.owner.set_cell(SETTINGS, 2, "Value", "Owner's Shop")
        with pytest.raises(WorkbookBusyError, match="changed on disk"):
            sheet.apply(SheetBatch(writes=[CellWrite(SETTINGS, 2, 2, "Bot's Shop")]))

    assert workbook.owner.get_cell(SETTINGS, 2, "Value") == "Owner's Shop"


def test_new_workbook_has_exactly_the_layout_tabs_in_order(workbook: Backend) -> None:
    assert open_xlsx(workbook).sheetnames == ALL_TABS


def test_nothing_to_do_saves_nothing(workbook: Backend) -> None:
    assert workbook.path is not None
    stamp = workbook.path.stat().st_mtime_ns
    os.utime(workbook.path, ns=(stamp - 10**9, stamp - 10**9))
    stamp = workbook.path.stat().st_mtime_ns

    workbook.prepare()
    with workbook.open() as sheet:
        sheet.read([STOCK])
        sheet.apply(SheetBatch())

    assert workbook.path.stat().st_mtime_ns == stamp


def test_prepare_twice_adds_no_duplicate_validations_or_colours(workbook: Backend) -> None:
    def formats() -> dict[str, tuple[int, int]]:
        book = open_xlsx(workbook)
        return {
            name: (
                len(tab_of(book, name).data_validations.dataValidation),
                sum(len(cf.rules) for cf in tab_of(book, name).conditional_formatting),
            )
            for name in ALL_TABS
        }

    before = formats()
    workbook.owner.set_cell(SETTINGS, 2, "Value", "Changed")
    workbook.prepare()

    assert formats() == before
    assert before[DRAFTS] == (1, len(MOVE_COLOURS))
    assert before[STOCK] == (len(LAYOUT.tab(STOCK).dropdowns), len(MOVE_COLOURS) + 1)


def test_workbook_formats_headers_bot_columns_and_moves(workbook: Backend) -> None:
    book = open_xlsx(workbook)
    drafts = tab_of(book, DRAFTS)
    spec = LAYOUT.tab(DRAFTS)
    for index, column in enumerate(spec.columns, start=1):
        header = drafts.cell(1, index)
        assert header.font.bold
        expected = None if column.owner else EDITABLE_TINT if column.editable else BOT_TINT
        fill = header.fill.fgColor.rgb if header.fill.fill_type == "solid" else None
        assert fill == (None if expected is None else f"00{expected}"), column.name
    assert drafts.freeze_panes == "A2"
    assert dimension_fill(drafts, spec.headers.index("Draft") + 1) == f"00{BOT_TINT}"
    assert dimension_fill(drafts, spec.headers.index("Note") + 1) == f"00{EDITABLE_TINT}"
    assert dimension_fill(drafts, spec.headers.index("Decision") + 1) is None
    for tab in (STOCK, DRAFTS):
        sheet = tab_of(book, tab)
        first = f"{get_column_letter(LAYOUT.tab(tab).headers.index('Move') + 1)}2"
        formulas = {
            rule.formula[0]: rule.dxf.fill.bgColor.rgb
            for cf in sheet.conditional_formatting
            if first in cf.sqref
            for rule in cf.rules
            if rule.type == "cellIs"
        }
        assert formulas == {f'"{move}"': f"00{colour}" for move, colour in MOVE_COLOURS.items()}


def test_workbook_columns_read_well(workbook: Backend) -> None:
    """Widths from the layout, money in the shop's currency, wrapped long text, problem
    rows tinted; `init` formats in the Settings currency (GBP here)."""
    with workbook.open() as sheet:
        run_init(sheet, sample=False)
    book = open_xlsx(workbook)
    drafts, stock = tab_of(book, DRAFTS), tab_of(book, STOCK)
    spec = LAYOUT.tab(DRAFTS)

    def letter(tab: str, name: str) -> str:
        return get_column_letter(LAYOUT.tab(tab).headers.index(name) + 1)

    for column in spec.columns:
        assert drafts.column_dimensions[letter(DRAFTS, column.name)].width == column.chars
    assert drafts.column_dimensions[letter(DRAFTS, "Why")].width >= 60
    assert drafts.column_dimensions[letter(DRAFTS, "Why")].alignment.wrap_text
    assert drafts.column_dimensions[letter(DRAFTS, "Unit cost")].number_format == '"£"#,##0.00'
    assert stock.column_dimensions[letter(STOCK, "Unit cost")].number_format == '"£"#,##0.00'
    total = drafts.column_dimensions[letter(DRAFTS, "Line total")]
    assert total.number_format == '"£"#,##0.00'
    assert stock.column_dimensions[letter(STOCK, "Days left")].number_format == "0.0"
    assert LAYOUT.tab(STOCK).headers[:5] == ["Item", "SKU", "Move", "Days left", "Reorder point"]
    problem = letter(STOCK, "Problem")
    rules = [
        (str(cf.sqref), rule.formula[0], rule.dxf.fill.bgColor.rgb)
        for cf in stock.conditional_formatting
        for rule in cf.rules
        if rule.type == "expression"
    ]
    last = get_column_letter(len(LAYOUT.tab(STOCK).columns))
    assert rules == [(f"A2:{last}5000", f'${problem}2<>""', "00FDE2E1")]

    row: list[Cell] = [None] * len(spec.columns)
    row[spec.headers.index("Unit cost")] = 18.5
    row[spec.headers.index("Why")] = "a long reason " * 10
    with workbook.open() as sheet:
        sheet.read([DRAFTS])
        sheet.apply(SheetBatch(appends=[RowsAppend(DRAFTS, [row])]))
    drafts = tab_of(open_xlsx(workbook), DRAFTS)
    assert drafts[f"{letter(DRAFTS, 'Unit cost')}2"].number_format == '"£"#,##0.00'
    assert drafts[f"{letter(DRAFTS, 'Why')}2"].alignment.wrap_text


def dimension_fill(sheet: Worksheet, index: int) -> str | None:
    dimension = sheet.column_dimensions[get_column_letter(index)]
    return dimension.fill.fgColor.rgb if dimension.fill.fill_type == "solid" else None


def test_non_strict_dropdowns_only_warn(workbook: Backend) -> None:
    status = STOCK_HEADERS.index("Status") + 1
    validation = validation_at(tab_of(open_xlsx(workbook), STOCK), status)

    assert validation.errorStyle == "warning"
    assert validation.formula1 == '"active,discontinued,paused"'


def test_cells_the_bot_writes_in_a_bot_column_carry_its_tint(workbook: Backend) -> None:
    set_stock(workbook, SKUS[:1])
    move = stock_column("Move")

    read_then_apply(workbook, SheetBatch(writes=[CellWrite(STOCK, 2, move, "watch")]), [STOCK])

    sheet = tab_of(open_xlsx(workbook), STOCK)
    assert sheet.cell(2, move).fill.fgColor.rgb == f"00{BOT_TINT}"
    assert sheet.cell(2, stock_column("SKU")).fill.fill_type is None


def test_formula_cells_read_their_cached_value_and_survive_a_save(workbook: Backend) -> None:
    assert workbook.path is not None
    set_stock(workbook, SKUS[:1])
    book = open_xlsx(workbook)
    tab_of(book, STOCK).cell(2, stock_column("On hand")).value = "=2+3"
    book.save(workbook.path)
    put_cached_value(workbook.path, "xl/worksheets/sheet1.xml", "2+3", "5")

    with workbook.open() as sheet:
        assert sheet.read([STOCK])[STOCK][1][stock_column("On hand") - 1] == 5
        sheet.apply(SheetBatch(writes=[CellWrite(STOCK, 2, stock_column("Move"), "watch")]))
        assert sheet.read([STOCK])[STOCK][1][stock_column("On hand") - 1] is None

    cell = tab_of(open_xlsx(workbook), STOCK).cell(2, stock_column("On hand"))
    assert (cell.value, cell.data_type) == ("=2+3", "f")


def test_append_never_overwrites_a_formula_row_that_reads_blank(workbook: Backend) -> None:
    book = open_xlsx(workbook)
    tab_of(book, AUDIT).cell(2, 1).value = '=""'
    assert workbook.path is not None
    book.save(workbook.path)

    with workbook.open() as sheet:
        assert sheet.read([AUDIT])[AUDIT] == [AUDIT_HEADERS]
        sheet.apply(SheetBatch(appends=[RowsAppend(AUDIT, [["today", "bot"]])]))

    audit = tab_of(open_xlsx(workbook), AUDIT)
    assert audit.cell(2, 1).value == '=""'
    assert [audit.cell(3, 1).value, audit.cell(3, 2).value] == ["today", "bot"]


def test_dates_read_as_iso_text(workbook: Backend) -> None:
    book = open_xlsx(workbook)
    audit = tab_of(book, AUDIT)
    audit.cell(2, 1).value = datetime(2024, 5, 1, 9, 30)
    audit.cell(2, 2).value = date(2024, 5, 2)
    assert workbook.path is not None
    book.save(workbook.path)

    with workbook.open() as sheet:
        assert sheet.read([AUDIT])[AUDIT][1] == ["2024-05-01T09:30:00", "2024-05-02"]


def test_office_column_groups_are_split_not_overlapped(tmp_path: Path) -> None:
    path = tmp_path / "shop.xlsx"
    book = Workbook()
    stock = book.active
    assert isinstance(stock, Worksheet)
    stock.title = STOCK
    stock.append(list(reversed(STOCK_HEADERS)))
    stock.column_dimensions["A"] = ColumnDimension(stock, index="A", width=21, min=1, max=1024)
    book.save(path)

    with LocalWorkbook(path, lock_dir=tmp_path) as sheet:
        sheet.prepare(LAYOUT, DEFAULT_ROWS)

    saved = tab_of(load_workbook(path), STOCK)
    spans = sorted((d.min or 0, d.max or 0) for d in saved.column_dimensions.values())
    assert all(low <= high < after for (low, high), (after, _) in itertools.pairwise(spans))
    assert spans[0][0] == 1
    assert spans[-1][1] == 1024
    assert all(d.width == 21 for d in saved.column_dimensions.values())
    move = len(STOCK_HEADERS) - STOCK_HEADERS.index("Move")
    assert dimension_fill(saved, move) == f"00{BOT_TINT}"
    status = len(STOCK_HEADERS) - STOCK_HEADERS.index("Status")
    assert validation_at(saved, status).formula1 == '"active,discontinued,paused"'


def test_without_create_prepare_will_not_make_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "shop.xlsx"
    with (
        LocalWorkbook(path, lock_dir=tmp_path, create=False) as sheet,
        pytest.raises(BotError, match="sheets-bot init"),
    ):
        sheet.prepare(LAYOUT, DEFAULT_ROWS)
    assert not path.exists()


def test_append_ignores_rows_that_only_hold_formatting(workbook: Backend) -> None:
    book = open_xlsx(workbook)
    tab_of(book, AUDIT).cell(60, 3).fill = PatternFill(fill_type="solid", start_color="FFFF00")
    assert workbook.path is not None
    book.save(workbook.path)

    read_then_apply(workbook, SheetBatch(appends=[RowsAppend(AUDIT, [["today"]])]), [AUDIT])

    assert workbook.owner.grid(AUDIT) == [AUDIT_HEADERS, ["today"]]


def test_a_batch_naming_a_missing_tab_changes_nothing(backend: Backend) -> None:
    before = set_stock(backend, SKUS[:2])
    batch = SheetBatch(
        writes=[CellWrite(STOCK, 2, stock_column("Move"), "urgent")],
        appends=[RowsAppend("Nope", [["x"]])],
    )

    with backend.open() as sheet:
        sheet.read([STOCK])
        with pytest.raises(SheetLayoutError, match="Nope"):
            sheet.apply(batch)
        sheet.apply(SheetBatch(writes=[CellWrite(STOCK, 3, stock_column("Move"), "watch")]))

    assert backend.owner.grid(STOCK) == with_cell(before, 3, stock_column("Move"), "watch")


def test_owner_helpers_find_cells_by_header(backend: Backend) -> None:
    set_stock(backend, SKUS[:2])

    backend.owner.set_cell(STOCK, 3, "  on HAND ", 0)

    assert backend.owner.get_cell(STOCK, 3, "On hand") == 0
    assert backend.owner.get_cell(STOCK, 9, "On hand") is None
    records = backend.owner.records(STOCK)
    assert [(r["SKU"], r["On hand"]) for r in records] == [("A-1", 10), ("B-1", 0)]
    with pytest.raises(KeyError, match="Colour"):
        backend.owner.get_cell(STOCK, 2, "Colour")


def test_memory_sheet_counts_calls_and_keeps_batches() -> None:
    memory = MemorySheet.from_tabs({AUDIT: [list[Cell](AUDIT_HEADERS)]})
    batch = SheetBatch(appends=[RowsAppend(AUDIT, [["today"]])])

    memory.read([AUDIT])
    memory.apply(batch)
    batch.appends.clear()

    assert (memory.reads, memory.applies) == (1, 1)
    assert memory.batches == [SheetBatch(appends=[RowsAppend(AUDIT, [["today"]])])]
    assert memory.records(AUDIT) == [dict.fromkeys(AUDIT_HEADERS) | {"When": "today"}]
    assert memory.location == "memory://sheet"


def test_one_run_loads_the_workbook_once_and_leaves_no_temp_files(
    workbook: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert workbook.path is not None
    loads: list[bool] = []

    def counting_load(path: Path, *, data_only: bool = False) -> Workbook:
        loads.append(data_only)
        return load_workbook(path, data_only=data_only)

    monkeypatch.setattr("sheets_bot.adapters.local.workbook.load_workbook", counting_load)
    with workbook.open() as sheet:
        sheet.read([STOCK])
        sheet.read([AUDIT])
        sheet.apply(SheetBatch(appends=[RowsAppend(AUDIT, [["today"]])]))

    assert sorted(loads) == [False, True]
    assert sorted(p.name for p in workbook.path.parent.iterdir()) == ["locks", "shop.xlsx"]
