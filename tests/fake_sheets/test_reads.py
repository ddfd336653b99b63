"""Reading through real gspread: listing tabs, trimming, ranges, render options."""

from __future__ import annotations

import gspread
import pytest
from gspread.utils import Dimension, ValueRenderOption

from sheets_bot.testing.fake_sheets_api import FakeSheetsApi


@pytest.fixture
def key(fake: FakeSheetsApi) -> str:
    key = fake.create_spreadsheet("Shop", first_tab="Stock")
    fake.add_tab(key, "Drafts 2")
    fake.add_tab(key, "It's")
    fake.set_values(
        key,
        "Stock!A1",
        [["SKU", "On hand", "Price", ""], ["A-1", 4, "1,234", ""], ["B-2", "", "12.5"], [], []],
    )
    return key


def test_open_by_key_and_list_worksheets(fake: FakeSheetsApi, key: str) -> None:
    spreadsheet = fake.client().open_by_key(key)

    assert spreadsheet.title == "Shop"
    assert len(key) == 44
    assert spreadsheet.locale == "en_US"
    sheets = spreadsheet.worksheets()
    assert [(w.title, w.index, w.row_count, w.col_count) for w in sheets] == [
        ("Stock", 0, 1000, 26),
        ("Drafts 2", 1, 1000, 26),
        ("It's", 2, 1000, 26),
    ]
    assert sheets[0].id == 0
    assert spreadsheet.worksheet("Drafts 2").id == fake.sheet_id(key, "Drafts 2")
    with pytest.raises(gspread.exceptions.WorksheetNotFound):
        spreadsheet.worksheet("Nope")


def test_values_are_trimmed_and_padded_only_by_gspread(fake: FakeSheetsApi, key: str) -> None:
    sheet = fake.client().open_by_key(key).worksheet("Stock")

    raw = sheet.spreadsheet.values_get("Stock!A1:Z100")
    assert raw["values"] == [
        ["SKU", "On hand", "Price"],
        ["A-1", "4", "1,234"],
        ["B-2", "", "12.5"],
    ]
    assert sheet.get_all_values() == raw["values"]
    assert sheet.get_all_records() == [
        {"SKU": "A-1", "On hand": 4, "Price": 1234},
        {"SKU": "B-2", "On hand": "", "Price": 12.5},
    ]


def test_batch_get_trims_each_range_and_echoes_it(fake: FakeSheetsApi, key: str) -> None:
    sheet = fake.client().open_by_key(key).worksheet("Stock")

    first, second, empty = sheet.batch_get(["A1:Q", "B2", "F1:G9"])

    assert first.range == "Stock!A1:Q1000"
    assert first == [["SKU", "On hand", "Price"], ["A-1", "4", "1,234"], ["B-2", "", "12.5"]]
    assert second.range == "Stock!B2"
    assert second == [["4"]]
    assert empty.range == "Stock!F1:G9"
    assert empty == []
    assert fake.counts["values.batchGet"] == 1


def test_quoted_titles_whole_columns_and_bare_names(fake: FakeSheetsApi, key: str) -> None:
    fake.set_values(key, "'Drafts 2'!B2", [["draft"]])
    fake.set_values(key, "'It''s'!A3", [["quoted"]])
    spreadsheet = fake.client().open_by_key(key)

    drafts = spreadsheet.values_get("'Drafts 2'!A1:C")
    assert drafts == {
        "range": "'Drafts 2'!A1:C1000",
        "majorDimension": "ROWS",
        "values": [[], ["", "draft"]],
    }
    its = spreadsheet.values_get("'It''s'!A:A")
    assert its["range"] == "'It''s'!A1:A1000"
    assert its["values"] == [[], [], ["quoted"]]
    assert spreadsheet.values_get("Stock")["range"] == "Stock!A1:Z1000"
    assert spreadsheet.values_get("Stock!A2:Q")["range"] == "Stock!A2:Q1000"
    assert spreadsheet.values_get("A1:B1")["range"] == "Stock!A1:B1"


def test_formatted_and_unformatted_numbers(fake: FakeSheetsApi, key: str) -> None:
    fake.set_values(key, "Stock!E1", [[1234, 12.5, True, "0.1", "12%", "$5", "2024-01-15"]])
    sheet = fake.client().open_by_key(key).worksheet("Stock")

    formatted = sheet.get("E1:K1")
    unformatted = sheet.get("E1:K1", value_render_option=ValueRenderOption.unformatted)

    assert formatted == [["1234", "12.5", "TRUE", "0.1", "12%", "$5.00", "2024-01-15"]]
    assert unformatted == [[1234, 12.5, True, 0.1, 0.12, 5, 45306]]
    assert type(unformatted[0][0]) is int
    dates = sheet.get(
        "K1",
        value_render_option=ValueRenderOption.unformatted,
        date_time_render_option=gspread.utils.DateTimeOption.formatted_string,
    )
    assert dates == [["2024-01-15"]]


def test_cells_rows_and_columns(fake: FakeSheetsApi, key: str) -> None:
    sheet = fake.client().open_by_key(key).worksheet("Stock")

    assert sheet.acell("C2").value == "1,234"
    assert sheet.cell(9, 9).value is None
    assert sheet.row_values(3) == ["B-2", "", "12.5"]
    assert sheet.col_values(2) == ["On hand", "4"]
    assert sheet.get("A1:B2", major_dimension=Dimension.cols) == [["SKU", "A-1"], ["On hand", "4"]]
    assert [c.value for c in sheet.range("A2:C2")] == ["A-1", "4", "1,234"]
    found = sheet.find("B-2")
    assert found is not None
    assert (found.row, found.col) == (3, 1)


def test_an_empty_tab_reads_as_nothing(fake: FakeSheetsApi, key: str) -> None:
    sheet = fake.client().open_by_key(key).worksheet("Drafts 2")

    assert "values" not in sheet.spreadsheet.values_get("'Drafts 2'!A1:C10")
    assert sheet.get_all_values() == [[]]
    assert sheet.get_all_records() == []
