"""What only the Google Sheet adapter has to show: the dropdowns, colours, protections and
notes ``prepare`` sets up (and sets up once), the request counts of a run, and writes that
need the grid to change shape. Everything runs through real gspread on the fake Sheets API."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sheets_bot.adapters.google.formatting import pixels, rgb
from sheets_bot.adapters.google.ranges import column_letters
from sheets_bot.adapters.google.writes import GROWTH_ROWS
from sheets_bot.ports import Cell, CellWrite, Grid, RowsAppend, RowsDelete, SheetBatch
from sheets_bot.services.setup import run_init
from sheets_bot.sheet.formats import PROBLEM_TINT
from sheets_bot.sheet.layout import AUDIT, DRAFTS, ORDERS, SETTINGS, STOCK, TabSpec
from sheets_bot.sheet.palette import BOT_TINT, EDITABLE_TINT, MOVE_COLOURS
from sheets_bot.testing.fake_sheets_api import FakeSheetsApi
from sheets_bot.testing.google_sheet_owner import fake_google_sheet
from tests.contract.sheet_fixtures import (
    DEFAULT_ROWS,
    LAYOUT,
    STOCK_HEADERS,
    Backend,
    google_backend,
    grid_of,
    stock_record,
)

ALL_TABS = [spec.name for spec in LAYOUT.tabs]
UNTRUSTED = ['=HYPERLINK("http://x","y")', "=1+1", "+1", "'quoted", "TRUE", "0012"]


TAB_ROWS = 60


@pytest.fixture
def fresh() -> Iterator[Backend]:
    """A new spreadsheet ("Sheet1" only) that ``prepare`` completed, as ``init`` would."""
    with FakeSheetsApi.running() as fake:
        made = google_backend(fake)
        made.prepare()
        fake.reset_counts()
        yield made


@pytest.fixture
def google() -> Iterator[Backend]:
    """A prepared spreadsheet whose tabs the owner had added, ``TAB_ROWS`` rows each."""
    with FakeSheetsApi.running() as fake:
        made = google_backend(fake, tab_rows=TAB_ROWS)
        made.prepare()
        fake.reset_counts()
        yield made


def fake_of(backend: Backend) -> FakeSheetsApi:
    assert backend.fake is not None
    return backend.fake


def column(spec: TabSpec, name: str) -> str:
    return column_letters(spec.headers.index(name) + 1)


def drafts_headers() -> list[Cell]:
    return list(LAYOUT.tab(DRAFTS).headers)


def formats_of(backend: Backend) -> dict[str, tuple[object, ...]]:
    fake, key = fake_of(backend), backend.spreadsheet_id
    return {
        tab: (
            fake.data_validations(key, tab),
            fake.protected_ranges(key, tab),
            fake.conditional_formats(key, tab),
            fake.frozen_rows(key, tab),
            [fake.cell_format(key, f"{tab}!{column_letters(i)}1") for i in range(1, 20)],
        )
        for tab in ALL_TABS
    }


# --- prepare ----------------------------------------------------------------------------


def test_dropdowns_are_strict_as_the_layout_says_with_the_arrow_shown(fresh: Backend) -> None:
    fake, key = fake_of(fresh), fresh.spreadsheet_id
    for spec in LAYOUT.tabs:
        rules = {rule.range: rule for rule in fake.data_validations(key, spec.name)}
        assert len(rules) == len(spec.dropdowns), spec.name
        for dropdown in spec.dropdowns:
            letter = column(spec, dropdown.column)
            rule = rules[f"{letter}2:{letter}1000"]
            assert rule.condition_type == "ONE_OF_LIST"
            assert rule.values == list(dropdown.values)
            assert (rule.strict, rule.show_custom_ui) == (dropdown.strict, True)


def test_every_move_column_gets_a_colour_per_move(fresh: Backend) -> None:
    fake, key = fake_of(fresh), fresh.spreadsheet_id
    for spec in LAYOUT.tabs:
        rules = fake.conditional_formats(key, spec.name)
        if "Move" not in spec.headers:
            assert rules == []
            continue
        move = spec.headers.index("Move")
        found = {
            rule["booleanRule"]["condition"]["values"][0]["userEnteredValue"]: rule
            for rule in rules
            if rule["booleanRule"]["condition"]["type"] == "TEXT_EQ"
        }
        assert set(found) == set(MOVE_COLOURS)
        for name, rule in found.items():
            assert rule["booleanRule"]["condition"]["type"] == "TEXT_EQ"
            assert rule["booleanRule"]["format"]["backgroundColor"] == rgb(MOVE_COLOURS[name])
            [cells] = rule["ranges"]
            assert (cells["startColumnIndex"], cells["endColumnIndex"]) == (move, move + 1)
            assert cells["startRowIndex"] == 1
            assert "endRowIndex" not in cells


def test_only_columns_the_bot_alone_writes_are_protected_and_only_with_a_warning(
    fresh: Backend,
) -> None:
    fake, key = fake_of(fresh), fresh.spreadsheet_id
    for spec in LAYOUT.tabs:
        protected: set[int] = set()
        for item in fake.protected_ranges(key, spec.name):
            assert item["warningOnly"] is True
            assert item["description"].startswith("sheets-bot writes ")
            cells = item["range"]
            assert "startRowIndex" not in cells
            protected.update(range(cells["startColumnIndex"], cells["endColumnIndex"]))
        wanted = {index for index, c in enumerate(spec.columns) if c.bot_owned and not c.editable}
        assert protected == wanted, spec.name


def test_headers_are_bold_frozen_tinted_and_noted(fresh: Backend) -> None:
    fake, key = fake_of(fresh), fresh.spreadsheet_id
    for spec in LAYOUT.tabs:
        assert fake.frozen_rows(key, spec.name) == 1
        for index, spec_column in enumerate(spec.columns, start=1):
            cell = f"{spec.name}!{column_letters(index)}"
            header = fake.cell_format(key, f"{cell}1") or {}
            below = fake.cell_format(key, f"{cell}999") or {}
            assert header["textFormat"]["bold"] is True
            tint = (
                None if spec_column.owner else EDITABLE_TINT if spec_column.editable else BOT_TINT
            )
            expected = None if tint is None else rgb(tint)
            assert header.get("backgroundColor") == expected, cell
            assert below.get("backgroundColor") == expected, cell
    notes = fake.client().http_client.spreadsheets_get(
        key, {"ranges": f"{STOCK}!1:1", "fields": "sheets.data.rowData.values.note"}
    )
    header = notes["sheets"][0]["data"][0]["rowData"][0]["values"]
    stock = LAYOUT.tab(STOCK)
    assert [cell.get("note") for cell in header] == [c.note or None for c in stock.columns]


def test_prepare_again_reads_and_changes_nothing(fresh: Backend) -> None:
    fake = fake_of(fresh)
    before = formats_of(fresh)
    fresh.owner.set_cell(SETTINGS, 2, "Value", "Owner's Shop")

    fresh.prepare()

    assert formats_of(fresh) == before
    assert fake.counts["spreadsheets.batchUpdate"] == 0
    assert fake.total <= 3
    assert fresh.owner.get_cell(SETTINGS, 2, "Value") == "Owner's Shop"


def test_prepare_completes_an_owners_sheet_without_touching_their_data(google: Backend) -> None:
    fake, key = fake_of(google), google.spreadsheet_id
    headers = [h for h in reversed(STOCK_HEADERS) if h not in ("Move", "Problem")]
    owners = grid_of(headers, [stock_record("B-1", "Beans"), stock_record("T-1", "Tea")])
    google.owner.set_grid(STOCK, owners)
    move = len(headers) + 1

    google.prepare({**DEFAULT_ROWS, STOCK: [["Coffee", "C-1"]]})

    assert google.owner.grid(STOCK) == [[*headers, "Move", "Problem"], *owners[1:]]
    colours = [
        rule
        for rule in fake.conditional_formats(key, STOCK)
        if rule["booleanRule"]["condition"]["type"] == "TEXT_EQ"
    ]
    assert {r["ranges"][0]["startColumnIndex"] for r in colours} == {
        STOCK_HEADERS.index("Move"),
        move - 1,
    }
    assert all(r["warningOnly"] for r in fake.protected_ranges(key, STOCK))


def test_prepare_adds_missing_tabs_at_the_end_and_keeps_the_owners_tabs(fresh: Backend) -> None:
    fake, key = fake_of(fresh), fresh.spreadsheet_id
    assert fake.tab_titles(key) == ["Sheet1", *ALL_TABS]


def test_a_large_first_fill_grows_the_tab_and_its_formats(google: Backend) -> None:
    fake, key = fake_of(google), google.spreadsheet_id
    google.owner.set_grid(STOCK, [list[Cell](STOCK_HEADERS)])
    rows: Grid = [[f"Item {n}", f"S-{n}", "Beanco", n, 1] for n in range(1500)]

    google.prepare({**DEFAULT_ROWS, STOCK: rows})

    assert fake.grid_size(key, STOCK)[0] >= 1501
    assert len(google.owner.grid(STOCK)) == 1501
    status = column(LAYOUT.tab(STOCK), "Status")
    rules = {rule.range.partition("2:")[0]: rule for rule in fake.data_validations(key, STOCK)}
    assert rules[status].range == f"{status}2:{status}{fake.grid_size(key, STOCK)[0]}"


# --- requests per run -------------------------------------------------------------------


def test_a_run_reads_every_tab_in_one_request_after_one_metadata_request(
    google: Backend,
) -> None:
    fake = fake_of(google)
    with google.open() as sheet:
        sheet.read(ALL_TABS, append_only=[AUDIT])
        sheet.read([STOCK])

    assert dict(fake.counts) == {"spreadsheets.get": 1, "values.batchGet": 2}
    ranges = fake.recorded_requests[1].params["ranges"]
    assert "'Audit'!1:1" in ranges
    assert "'Audit'!A:A" in ranges
    assert "'Stock'" in ranges
    params = fake.recorded_requests[1].params
    assert params["valueRenderOption"] == ["UNFORMATTED_VALUE"]
    assert params["dateTimeRenderOption"] == ["FORMATTED_STRING"]


def test_a_batch_of_values_is_one_raw_values_batch_update(google: Backend) -> None:
    fake = fake_of(google)
    with google.open() as sheet:
        sheet.read([STOCK, AUDIT], append_only=[AUDIT])
        fake.reset_counts()
        sheet.apply(
            SheetBatch(
                writes=[CellWrite(STOCK, 2, 13, 5), CellWrite(STOCK, 3, 13, 6)],
                appends=[RowsAppend(AUDIT, [["today", "bot"], ["today", "bot"]])],
            )
        )

    assert dict(fake.counts) == {"values.batchUpdate": 1}
    body = fake.last_request("values.batchUpdate").body
    assert body["valueInputOption"] == "RAW"
    assert [item["range"] for item in body["data"]] == ["'Stock'!M2:M3", "'Audit'!A2:B3"]


def test_deletes_and_values_are_one_batch_update(google: Backend) -> None:
    fake = fake_of(google)
    drafts: Grid = [drafts_headers()]
    drafts.extend([f"D-{n}"] for n in range(6))
    google.owner.set_grid(DRAFTS, drafts)
    with google.open() as sheet:
        sheet.read([DRAFTS, ORDERS])
        fake.reset_counts()
        sheet.apply(
            SheetBatch(
                writes=[CellWrite(DRAFTS, 2, 16, "sent")],
                appends=[RowsAppend(ORDERS, [["PO-1", "Beanco"]])],
                deletes=[RowsDelete(DRAFTS, [3, 4, 6])],
            )
        )

    assert dict(fake.counts) == {"spreadsheets.batchUpdate": 1}
    kinds = [next(iter(r)) for r in fake.last_request("spreadsheets.batchUpdate").body["requests"]]
    assert kinds == ["updateCells", "updateCells", "deleteDimension", "deleteDimension"]
    assert [row[:1] for row in google.owner.grid(DRAFTS)[1:]] == [["D-0"], ["D-3"], ["D-5"]]
    assert google.owner.grid(DRAFTS)[1][15] == "sent"
    assert google.owner.grid(ORDERS)[1] == ["PO-1", "Beanco"]


def test_appends_past_the_grid_grow_it_with_tints_and_dropdowns(google: Backend) -> None:
    fake, key = fake_of(google), google.spreadsheet_id
    spec = LAYOUT.tab(DRAFTS)
    rows: Grid = [[f"D-{n}", "Beanco"] for n in range(1200)]
    with google.open() as sheet:
        sheet.read([DRAFTS])
        sheet.apply(SheetBatch(appends=[RowsAppend(DRAFTS, rows)]))

    assert fake.counts["spreadsheets.batchUpdate"] == 1
    assert len(google.owner.grid(DRAFTS)) == 1201
    size = fake.grid_size(key, DRAFTS)[0]
    assert size == TAB_ROWS + max(1201 - TAB_ROWS, GROWTH_ROWS)
    decision = column(spec, "Decision")
    [rule] = fake.data_validations(key, DRAFTS)
    assert rule.range == f"{decision}2:{decision}{size}"
    draft = fake.cell_format(key, f"{DRAFTS}!A{size}") or {}
    assert draft.get("backgroundColor") == rgb(BOT_TINT)


@pytest.mark.parametrize("text", UNTRUSTED)
def test_untrusted_text_stays_text_when_rows_are_also_deleted(google: Backend, text: str) -> None:
    fake, key = fake_of(google), google.spreadsheet_id
    google.owner.set_grid(DRAFTS, [drafts_headers(), ["D-1"], ["D-2"]])
    with google.open() as sheet:
        sheet.read([DRAFTS, AUDIT])
        sheet.apply(
            SheetBatch(
                writes=[CellWrite(DRAFTS, 3, 14, text)],
                appends=[RowsAppend(AUDIT, [[text]])],
                deletes=[RowsDelete(DRAFTS, [2])],
            )
        )

    assert fake.get_cell(key, f"{DRAFTS}!N2") == text
    assert fake.get_cell(key, f"{DRAFTS}!N2", value_render="FORMULA") == text
    assert fake.get_cell(key, f"{AUDIT}!A2") == text


def test_deleting_rows_past_the_grid_is_nothing_to_do(google: Backend) -> None:
    fake = fake_of(google)
    with google.open() as sheet:
        sheet.read([DRAFTS])
        fake.reset_counts()
        sheet.apply(SheetBatch(deletes=[RowsDelete(DRAFTS, [TAB_ROWS + 1, 5000])]))
        sheet.apply(
            SheetBatch(
                writes=[CellWrite(DRAFTS, 2, 1, "D-9")],
                deletes=[RowsDelete(DRAFTS, [TAB_ROWS + 7])],
            )
        )

    assert dict(fake.counts) == {"values.batchUpdate": 1}
    assert google.owner.grid(DRAFTS)[1] == ["D-9"]


def test_prepare_gives_a_one_row_tab_a_second_row_for_its_dropdowns() -> None:
    with FakeSheetsApi.running() as fake:
        backend = google_backend(fake, tab_rows=TAB_ROWS)
        fake.add_tab(backend.spreadsheet_id, "Scratch")
        key = backend.spreadsheet_id
        drafts_id = fake.sheet_id(key, DRAFTS)
        shrink = {
            "updateSheetProperties": {
                "properties": {"sheetId": drafts_id, "gridProperties": {"rowCount": 1}},
                "fields": "gridProperties.rowCount",
            }
        }
        fake.client().http_client.batch_update(key, {"requests": [shrink]})

        backend.prepare()

        assert fake.grid_size(key, DRAFTS)[0] == 2
        decision = column(LAYOUT.tab(DRAFTS), "Decision")
        assert [rule.range for rule in fake.data_validations(key, DRAFTS)] == [f"{decision}2"]


def test_reading_a_tab_case_insensitively(google: Backend) -> None:
    with google.open() as sheet:
        grids = sheet.read(["settings"])
    assert grids["settings"][0] == ["Setting", "Value"]


def test_a_second_run_sees_the_first_runs_appends(google: Backend) -> None:
    for text in ("one", "two"):
        with google.open() as sheet:
            sheet.read([AUDIT], append_only=[AUDIT])
            sheet.apply(SheetBatch(appends=[RowsAppend(AUDIT, [[text]])]))
    with google.open() as sheet:
        assert sheet.read([AUDIT])[AUDIT][1:] == [["one"], ["two"]]


def test_location_is_the_sheet_url(google: Backend) -> None:
    sheet = fake_google_sheet(fake_of(google), google.spreadsheet_id)
    assert sheet.location == f"https://docs.google.com/spreadsheets/d/{google.spreadsheet_id}/edit"


def test_the_sheet_is_formatted_for_reading(fresh: Backend) -> None:
    """Widths from the layout, money in the Settings currency, wrapped long text and tinted
    problem rows, through batchUpdate; a second ``init`` plans nothing more."""
    fake, key = fake_of(fresh), fresh.spreadsheet_id
    with fresh.open() as sheet:
        run_init(sheet, sample=True)  # the sample café's Currency is GBP
    drafts, stock = LAYOUT.tab(DRAFTS), LAYOUT.tab(STOCK)
    for spec in (drafts, stock):
        for index, spec_column in enumerate(spec.columns, start=1):
            assert fake.column_pixels(key, spec.name, index) == pixels(spec_column), spec_column
    assert fake.column_pixels(key, DRAFTS, drafts.headers.index("Why") + 1) >= 400

    def data_format(spec: TabSpec, name: str) -> dict[str, object]:
        found = fake.cell_format(key, f"{spec.name}!{column(spec, name)}2")
        assert found is not None, name
        return found

    for name in ("Unit cost", "Line total"):
        assert data_format(drafts, name)["numberFormat"] == {
            "type": "NUMBER",
            "pattern": '"£"#,##0.00',
        }
    assert data_format(stock, "Unit cost")["numberFormat"]["pattern"] == '"£"#,##0.00'  # type: ignore[index]
    assert data_format(stock, "Days left")["numberFormat"]["pattern"] == "0.0"  # type: ignore[index]
    assert data_format(drafts, "Why")["wrapStrategy"] == "WRAP"
    assert data_format(stock, "Problem")["wrapStrategy"] == "WRAP"
    formula = f'=${column(stock, "Problem")}2<>""'
    [problem_rule] = [
        rule
        for rule in fake.conditional_formats(key, STOCK)
        if rule["booleanRule"]["condition"]["type"] == "CUSTOM_FORMULA"
    ]
    assert problem_rule["booleanRule"]["condition"]["values"] == [{"userEnteredValue": formula}]
    assert problem_rule["booleanRule"]["format"]["backgroundColor"] == rgb(PROBLEM_TINT)
    [cells] = problem_rule["ranges"]
    assert (cells["startColumnIndex"], cells["endColumnIndex"]) == (0, len(stock.columns))

    writes = fake.counts["spreadsheets.batchUpdate"]
    with fresh.open() as sheet:
        run_init(sheet, sample=True)
    assert fake.counts["spreadsheets.batchUpdate"] == writes
