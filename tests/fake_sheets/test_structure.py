"""Tabs, rows and columns, validation, protection, formats: spreadsheets.batchUpdate and
spreadsheets.get through real gspread."""

from __future__ import annotations

from typing import Any

import gspread
import pytest
from gspread.exceptions import APIError
from gspread.utils import ValidationConditionType

from sheets_bot.testing.fake_sheets_api import FakeSheetsApi


@pytest.fixture
def key(fake: FakeSheetsApi) -> str:
    key = fake.create_spreadsheet("Shop", first_tab="Drafts")
    fake.set_values(
        key,
        "Drafts!A1",
        [["Draft", "Decision"], ["D-1", "approve"], ["D-2", ""], ["D-3", "skip"], ["D-4", ""]],
    )
    return key


@pytest.fixture
def drafts(fake: FakeSheetsApi, key: str) -> gspread.Worksheet:
    return fake.client().open_by_key(key).worksheet("Drafts")


def _add_dropdown(sheet: gspread.Worksheet) -> None:
    sheet.add_validation(
        "B2:B5",
        ValidationConditionType.one_of_list,
        ["approve", "edit", "skip"],
        strict=True,
        showCustomUi=True,
    )


def test_set_data_validation_is_returned_per_cell_in_grid_data(
    fake: FakeSheetsApi, key: str, drafts: gspread.Worksheet
) -> None:
    _add_dropdown(drafts)

    meta = drafts.spreadsheet.fetch_sheet_metadata(
        {
            "ranges": "Drafts!B2:B3",
            "fields": "sheets(properties.title,data.rowData.values.dataValidation)",
        }
    )

    rule = {
        "condition": {
            "type": "ONE_OF_LIST",
            "values": [
                {"userEnteredValue": "approve"},
                {"userEnteredValue": "edit"},
                {"userEnteredValue": "skip"},
            ],
        },
        "strict": True,
        "showCustomUi": True,
    }
    assert meta == {
        "sheets": [
            {
                "properties": {"title": "Drafts"},
                "data": [{"rowData": [{"values": [{"dataValidation": rule}]}] * 2}],
            }
        ]
    }
    assert "data" not in drafts.spreadsheet.fetch_sheet_metadata()["sheets"][0]
    [validation] = fake.data_validations(key, "Drafts")
    assert (validation.range, validation.condition_type) == ("B2:B5", "ONE_OF_LIST")
    assert validation.values == ["approve", "edit", "skip"]
    assert validation.strict
    assert validation.show_custom_ui


def test_include_grid_data_returns_values_and_validation(
    drafts: gspread.Worksheet,
) -> None:
    _add_dropdown(drafts)

    meta = drafts.spreadsheet.fetch_sheet_metadata(
        {"includeGridData": "true", "ranges": "Drafts!A2:B2"}
    )

    [data] = meta["sheets"][0]["data"]
    assert data["startRow"] == 1
    assert "startColumn" not in data
    first, second = data["rowData"][0]["values"]
    assert first == {
        "userEnteredValue": {"stringValue": "D-1"},
        "effectiveValue": {"stringValue": "D-1"},
        "formattedValue": "D-1",
    }
    assert second["formattedValue"] == "approve"
    assert second["dataValidation"]["condition"]["type"] == "ONE_OF_LIST"
    assert len(data["rowMetadata"]) == 1
    assert data["columnMetadata"] == [{"pixelSize": 100}, {"pixelSize": 100}]


def test_delete_rows_shifts_values_validation_and_protection(
    fake: FakeSheetsApi, key: str, drafts: gspread.Worksheet
) -> None:
    _add_dropdown(drafts)
    drafts.add_protected_range("A4:B5", warning_only=True)

    drafts.delete_rows(2, 3)

    assert fake.get_values(key, "Drafts") == [["Draft", "Decision"], ["D-3", "skip"], ["D-4"]]
    assert [v.range for v in fake.data_validations(key, "Drafts")] == ["B2:B3"]
    assert fake.protected_ranges(key, "Drafts")[0]["range"] == {
        "startRowIndex": 1,
        "endRowIndex": 3,
        "startColumnIndex": 0,
        "endColumnIndex": 2,
    }
    assert fake.grid_size(key, "Drafts") == (998, 26)


def test_delete_and_insert_columns_shift_validation(
    fake: FakeSheetsApi, key: str, drafts: gspread.Worksheet
) -> None:
    _add_dropdown(drafts)

    drafts.delete_columns(1)
    assert [v.range for v in fake.data_validations(key, "Drafts")] == ["A2:A5"]
    assert fake.get_values(key, "Drafts")[:2] == [["Decision"], ["approve"]]
    drafts.insert_cols([["Note"]], col=1)

    assert [v.range for v in fake.data_validations(key, "Drafts")] == ["B2:B5"]
    assert fake.get_values(key, "Drafts")[:2] == [["Note", "Decision"], ["", "approve"]]


def test_protected_ranges_are_listed_and_deleted(
    fake: FakeSheetsApi, key: str, drafts: gspread.Worksheet
) -> None:
    reply = drafts.add_protected_range("C1:D", warning_only=True, description="bot columns")

    protected = reply["replies"][0]["addProtectedRange"]["protectedRange"]
    listed = drafts.spreadsheet.list_protected_ranges(drafts.id)
    assert listed == [protected]
    assert protected["warningOnly"] is True
    assert protected["range"] == {"startRowIndex": 0, "startColumnIndex": 2, "endColumnIndex": 4}
    assert "editors" not in protected
    drafts.delete_protected_range(protected["protectedRangeId"])
    assert drafts.spreadsheet.list_protected_ranges(drafts.id) == []
    with pytest.raises(APIError, match="No protected range with id"):
        drafts.delete_protected_range(protected["protectedRangeId"])


def test_conditional_formats_round_trip(
    fake: FakeSheetsApi, key: str, drafts: gspread.Worksheet
) -> None:
    rule: dict[str, Any] = {
        "ranges": [
            {"sheetId": drafts.id, "startRowIndex": 1, "startColumnIndex": 1, "endColumnIndex": 2}
        ],
        "booleanRule": {
            "condition": {"type": "TEXT_EQ", "values": [{"userEnteredValue": "skip"}]},
            "format": {"backgroundColor": {"red": 1, "green": 0.8, "blue": 0.8}},
        },
    }
    drafts.spreadsheet.batch_update(
        {"requests": [{"addConditionalFormatRule": {"rule": rule, "index": 0}}]}
    )

    stored = fake.conditional_formats(key, "Drafts")
    assert stored[0]["ranges"] == [{"startRowIndex": 1, "startColumnIndex": 1, "endColumnIndex": 2}]
    meta = drafts.spreadsheet.fetch_sheet_metadata({"fields": "sheets.conditionalFormats"})
    assert meta["sheets"][0]["conditionalFormats"] == stored
    reply = drafts.spreadsheet.batch_update(
        {"requests": [{"deleteConditionalFormatRule": {"sheetId": drafts.id, "index": 0}}]}
    )
    assert reply["replies"][0]["deleteConditionalFormatRule"]["rule"] == stored[0]
    assert fake.conditional_formats(key, "Drafts") == []


def test_tabs_are_added_renamed_frozen_resized_and_deleted(
    fake: FakeSheetsApi, key: str, drafts: gspread.Worksheet
) -> None:
    spreadsheet = drafts.spreadsheet
    orders = spreadsheet.add_worksheet("Orders", rows=20, cols=5, index=0)

    assert (orders.index, orders.row_count, orders.col_count) == (0, 20, 5)
    assert fake.tab_titles(key) == ["Orders", "Drafts"]
    with pytest.raises(APIError, match='A sheet with the name "orders" already exists'):
        spreadsheet.add_worksheet("orders", rows=1, cols=1)
    orders.update_title("Sent")
    orders.freeze(rows=1)
    orders.resize(rows=40)
    props = spreadsheet.worksheet("Sent")._properties
    assert props["gridProperties"] == {"rowCount": 40, "columnCount": 5, "frozenRowCount": 1}
    assert fake.frozen_rows(key, "Sent") == 1
    assert (
        "frozenRowCount" not in drafts.spreadsheet.worksheet("Drafts")._properties["gridProperties"]
    )
    spreadsheet.del_worksheet(orders)
    assert fake.tab_titles(key) == ["Drafts"]
    with pytest.raises(APIError, match="You can't remove all the sheets"):
        spreadsheet.del_worksheet(drafts)


def test_repeat_cell_stores_background_and_bold(
    fake: FakeSheetsApi, key: str, drafts: gspread.Worksheet
) -> None:
    drafts.format("B1:B2", {"backgroundColor": {"red": 0.9, "green": 0.9, "blue": 1}})
    drafts.format("B1", {"textFormat": {"bold": True}})

    assert fake.cell_format(key, "Drafts!B1") == {
        "backgroundColor": {"red": 0.9, "green": 0.9, "blue": 1},
        "textFormat": {"bold": True},
    }
    assert fake.cell_format(key, "Drafts!B2") == {
        "backgroundColor": {"red": 0.9, "green": 0.9, "blue": 1}
    }
    assert fake.cell_format(key, "Drafts!A1") is None


def test_auto_resize_and_dimension_properties_are_accepted(
    fake: FakeSheetsApi, key: str, drafts: gspread.Worksheet
) -> None:
    drafts.columns_auto_resize(0, 2)
    drafts.hide_columns(1, 2)

    meta = drafts.spreadsheet.fetch_sheet_metadata(
        {"ranges": "Drafts!A1:B1", "fields": "sheets.data.columnMetadata"}
    )
    assert meta["sheets"][0]["data"][0]["columnMetadata"] == [
        {"pixelSize": 100},
        {"pixelSize": 100, "hiddenByUser": True},
    ]
    assert fake.counts["spreadsheets.batchUpdate"] == 2


def test_a_failed_request_rolls_back_the_whole_batch(
    fake: FakeSheetsApi, key: str, drafts: gspread.Worksheet
) -> None:
    with pytest.raises(APIError, match=r"Invalid requests\[1\]\.deleteSheet: No grid with id: 99"):
        drafts.spreadsheet.batch_update(
            {
                "requests": [
                    {"addSheet": {"properties": {"title": "Orders"}}},
                    {"deleteSheet": {"sheetId": 99}},
                ]
            }
        )

    assert fake.tab_titles(key) == ["Drafts"]


def test_request_kinds_the_fake_does_not_model_fail_loudly(drafts: gspread.Worksheet) -> None:
    with pytest.raises(NotImplementedError, match="mergeCells"):
        drafts.merge_cells("A1:B1")


def test_dimension_requests_and_update_cells(
    fake: FakeSheetsApi, key: str, drafts: gspread.Worksheet
) -> None:
    sheet_id = drafts.id
    drafts.spreadsheet.batch_update(
        {
            "requests": [
                {"appendDimension": {"sheetId": sheet_id, "dimension": "COLUMNS", "length": 4}},
                {
                    "insertDimension": {
                        "range": {
                            "sheetId": sheet_id,
                            "dimension": "ROWS",
                            "startIndex": 1,
                            "endIndex": 2,
                        }
                    }
                },
                {
                    "updateCells": {
                        "start": {"sheetId": sheet_id, "rowIndex": 1, "columnIndex": 0},
                        "rows": [
                            {
                                "values": [
                                    {"userEnteredValue": {"stringValue": "D-0"}},
                                    {"userEnteredValue": {"formulaValue": "=SUM(2, 3)"}},
                                ]
                            }
                        ],
                        "fields": "userEnteredValue",
                    }
                },
            ]
        }
    )

    assert fake.grid_size(key, "Drafts") == (1001, 30)
    assert fake.get_values(key, "Drafts")[:3] == [
        ["Draft", "Decision"],
        ["D-0", 5],
        ["D-1", "approve"],
    ]
    assert fake.get_cell(key, "Drafts!B2", "FORMULA") == "=SUM(2, 3)"
    with pytest.raises(APIError, match="You can't delete all the rows on the sheet"):
        drafts.delete_rows(1, 1001)


def test_spreadsheet_properties_and_tab_order(
    fake: FakeSheetsApi, key: str, drafts: gspread.Worksheet
) -> None:
    spreadsheet = drafts.spreadsheet
    stock = spreadsheet.add_worksheet("Stock", rows=10, cols=10)

    spreadsheet.update_title("Corner Shop")
    spreadsheet.update_timezone("Europe/London")
    spreadsheet.reorder_worksheets([stock, drafts])
    stock.hide()

    reopened = fake.client().open_by_key(key)
    assert (reopened.title, reopened.timezone) == ("Corner Shop", "Europe/London")
    assert [w.title for w in reopened.worksheets()] == ["Stock", "Drafts"]
    assert [w.title for w in reopened.worksheets(exclude_hidden=True)] == ["Drafts"]
