"""Formulas of the bot's own making, on every ``Sheet``: the Dashboard's (seeded by
``prepare``) and a ``Sparkline`` in a batch, written as formulas, while every other value in
the same batch stays plain text. And the notes on bot-owned headers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils.cell import get_column_letter, range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

from sheets_bot.ports import BotFormula, CellWrite, SeedRows, SheetBatch, Sparkline
from sheets_bot.sheet.dashboard import figure_rows
from sheets_bot.sheet.layout import DASHBOARD, STOCK
from sheets_bot.testing.fake_sheets_api import FakeSheetsApi
from tests.contract.sheet_fixtures import (
    DEFAULT_ROWS,
    LAYOUT,
    STOCK_HEADERS,
    Backend,
    google_backend,
    grid_of,
    memory_backend,
    stock_record,
    workbook_backend,
)

FIGURES = figure_rows(LAYOUT)
SEED: dict[str, SeedRows] = {**DEFAULT_ROWS, **FIGURES}
FORMULAS = [str(row[1].text) for row in FIGURES[DASHBOARD] if isinstance(row[1], BotFormula)]
TREND = STOCK_HEADERS.index("Trend") + 1
PROBLEM = STOCK_HEADERS.index("Problem") + 1


@pytest.fixture(params=["memory", "workbook", "google"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "google":
        with FakeSheetsApi.running() as fake:
            made = google_backend(fake, tab_rows=60)
            with made.open() as sheet:
                sheet.prepare(LAYOUT, SEED)
            yield made
        return
    made = memory_backend() if request.param == "memory" else workbook_backend(tmp_path)
    with made.open() as sheet:
        sheet.prepare(LAYOUT, SEED)
    yield made


def formulas_of(backend: Backend, tab: str, cells: str) -> list[list[Any]]:
    """What the owner sees in the formula bar: the formula, or the plain value."""
    if backend.kind == "google":
        assert backend.fake is not None
        answer = backend.fake.client().http_client.values_get(
            backend.spreadsheet_id, f"{tab}!{cells}", params={"valueRenderOption": "FORMULA"}
        )
        return list(answer.get("values", []))
    if backend.kind == "workbook":
        assert backend.path is not None
        sheet = load_workbook(backend.path)[tab]
        assert isinstance(sheet, Worksheet)
        return [[cell.value for cell in row] for row in sheet[cells]]
    grid = backend.owner.grid(tab)
    left, top, right, bottom = range_boundaries(cells)
    assert left is not None and top is not None and right is not None and bottom is not None
    return [
        [row[column - 1] if column <= len(row) else None for column in range(left, right + 1)]
        for row in grid[top - 1 : bottom]
    ]


def test_every_figure_expands_to_a_formula() -> None:
    assert len(FORMULAS) == len(LAYOUT.tab(DASHBOARD).figures) >= 10
    for formula in FORMULAS:
        assert formula.startswith("=")
        assert "{Stock" not in formula and "{Orders" not in formula
    assert 'MATCH("Move",Stock!$1:$1,0)' in FORMULAS[1]


def test_prepare_writes_the_dashboard_as_formulas(backend: Backend) -> None:
    rows = formulas_of(backend, DASHBOARD, f"A1:B{len(FORMULAS) + 1}")
    assert rows[0] == ["Figure", "Value"]
    labels = [figure.label for figure in LAYOUT.tab(DASHBOARD).figures]
    assert [row[0] for row in rows[1:]] == labels
    assert [row[1] for row in rows[1:]] == FORMULAS
    if backend.path is not None:
        sheet = load_workbook(backend.path)[DASHBOARD]
        assert isinstance(sheet, Worksheet)
        assert {sheet.cell(row, 2).data_type for row in range(2, len(FORMULAS) + 2)} == {"f"}
        assert sheet.cell(2, 1).data_type == "s"


def test_prepare_again_leaves_the_dashboard_alone(backend: Backend) -> None:
    backend.owner.set_cell(DASHBOARD, 2, "Figure", "My own label")
    with backend.open() as sheet:
        sheet.prepare(LAYOUT, SEED)
    assert backend.owner.get_cell(DASHBOARD, 2, "Figure") == "My own label"


def test_a_sparkline_is_a_formula_and_text_beside_it_stays_text(backend: Backend) -> None:
    backend.owner.set_grid(STOCK, grid_of(STOCK_HEADERS, [stock_record("A-1", "Beans")]))
    batch = SheetBatch(
        writes=[
            CellWrite(STOCK, 2, TREND, Sparkline((12, 10, 8.5, 0))),
            CellWrite(STOCK, 2, PROBLEM, "=SPARKLINE({1,2})"),  # text that looks like one
        ]
    )
    with backend.open() as sheet:
        sheet.read([STOCK])
        sheet.apply(batch)
    with backend.open() as sheet:
        row = sheet.read([STOCK])[STOCK][1]
    assert row[PROBLEM - 1] == "=SPARKLINE({1,2})"
    [[trend]] = formulas_of(backend, STOCK, f"{_letter(TREND)}2:{_letter(TREND)}2")
    if backend.kind == "google":
        assert trend == "=SPARKLINE({12,10,8.5,0})"
        assert row[TREND - 1] is None  # a sparkline has no value, like IMAGE
        assert backend.fake is not None
        problem = backend.fake.client().http_client.values_get(
            backend.spreadsheet_id,
            f"{STOCK}!{_letter(PROBLEM)}2",
            params={"valueRenderOption": "UNFORMATTED_VALUE"},
        )
        assert problem["values"] == [["=SPARKLINE({1,2})"]]
    else:
        assert trend == "█▇▆▁"
        assert row[TREND - 1] == "█▇▆▁"
    if backend.path is not None:
        saved = load_workbook(backend.path)[STOCK]
        assert isinstance(saved, Worksheet)
        assert saved.cell(2, PROBLEM).data_type == "s"


def test_a_formula_batch_is_one_request_on_google(tmp_path: Path) -> None:
    with FakeSheetsApi.running() as fake:
        made = google_backend(fake, tab_rows=60)
        made.prepare()
        made.owner.set_grid(STOCK, grid_of(STOCK_HEADERS, [stock_record("A-1", "Beans")]))
        with made.open() as sheet:
            sheet.read([STOCK])
            fake.reset_counts()
            sheet.apply(
                SheetBatch(
                    writes=[
                        CellWrite(STOCK, 2, TREND, Sparkline((1, 2))),
                        CellWrite(STOCK, 2, PROBLEM, "x"),
                    ]
                )
            )
        assert fake.counts == {"spreadsheets.batchUpdate": 1}


def test_a_formula_must_start_with_an_equals_sign() -> None:
    with pytest.raises(ValueError, match="starts with '='"):
        BotFormula("SUM(1,2)")


def test_workbook_headers_of_bot_columns_carry_their_notes(tmp_path: Path) -> None:
    made = workbook_backend(tmp_path)
    made.prepare()
    assert made.path is not None
    book = load_workbook(made.path)
    noted = 0
    for spec in LAYOUT.tabs:
        sheet = book[spec.name]
        assert isinstance(sheet, Worksheet)
        for index, column in enumerate(spec.columns, start=1):
            comment = sheet.cell(1, index).comment
            if column.note:
                assert column.bot_owned, f"{spec.name}.{column.name}: notes go on bot columns"
                assert comment is not None and comment.text == column.note
                noted += 1
            else:
                assert comment is None
    assert noted >= 8


def _letter(column: int) -> str:
    return get_column_letter(column)


def test_google_headers_of_bot_columns_carry_their_notes() -> None:
    with FakeSheetsApi.running() as fake:
        made = google_backend(fake, tab_rows=60)
        made.prepare()
        for spec in LAYOUT.tabs:
            answer = fake.client().http_client.spreadsheets_get(
                made.spreadsheet_id,
                {"ranges": f"{spec.name}!1:1", "fields": "sheets.data.rowData.values.note"},
            )
            rows = answer["sheets"][0]["data"][0].get("rowData") or [{}]  # absent: no notes
            cells = rows[0].get("values", [])
            notes = [cell.get("note") for cell in cells]
            notes += [None] * (len(spec.columns) - len(notes))
            assert notes == [c.note or None for c in spec.columns], spec.name
