"""Writing through real gspread: input options, grid limits, append, clear, atomicity."""

from __future__ import annotations

import threading

import pytest
from gspread.exceptions import APIError
from gspread.utils import Dimension, InsertDataOption, ValueInputOption, ValueRenderOption

from sheets_bot.testing.fake_sheets_api import UNEVALUATED, FakeSheetsApi

LINK = '=HYPERLINK("https://example.com/po/7","PO 7")'


@pytest.fixture
def key(fake: FakeSheetsApi) -> str:
    key = fake.create_spreadsheet("Shop", first_tab="Stock")
    fake.set_values(key, "Stock!A1", [["SKU", "On hand"], ["A-1", 4], ["B-2", 7]])
    return key


def test_raw_keeps_a_formula_as_text(fake: FakeSheetsApi, key: str) -> None:
    sheet = fake.client().open_by_key(key).worksheet("Stock")

    sheet.update([[LINK, "=SUM(1,2)", "1,234", "TRUE"]], "C2")

    for render in ValueRenderOption:
        assert sheet.get("C2:F2", value_render_option=render) == [
            [LINK, "=SUM(1,2)", "1,234", "TRUE"]
        ]
    assert fake.get_cell(key, "Stock!C2", "FORMULA") == LINK
    assert fake.last_request("values.update").params["valueInputOption"] == ["RAW"]


def test_user_entered_parses_formulas_numbers_and_booleans(fake: FakeSheetsApi, key: str) -> None:
    sheet = fake.client().open_by_key(key).worksheet("Stock")

    sheet.update(
        [[LINK, "=SUM(1,2)", "1,234", "12.5", "TRUE", "'0042", "=A1&B1"]],
        "C2",
        value_input_option=ValueInputOption.user_entered,
    )

    assert sheet.get("C2:I2") == [["PO 7", "3", "1,234", "12.5", "TRUE", "0042", UNEVALUATED]]
    assert sheet.get("C2:I2", value_render_option=ValueRenderOption.unformatted) == [
        ["PO 7", 3, 1234, 12.5, True, "0042", UNEVALUATED]
    ]
    assert sheet.get("C2:D2", value_render_option=ValueRenderOption.formula) == [
        [LINK, "=SUM(1,2)"]
    ]
    assert fake.get_cell(key, "Stock!E2") == 1234


def test_update_beyond_the_grid_is_refused(fake: FakeSheetsApi, key: str) -> None:
    sheet = fake.client().open_by_key(key).worksheet("Stock")

    with pytest.raises(APIError) as beyond:
        sheet.update([["x"]], "A1001")
    with pytest.raises(APIError) as spilling:
        sheet.update([["x"], ["y"]], "A1000")
    with pytest.raises(APIError) as too_wide:
        sheet.update([["a", "b", "c"]], "A2:B2")

    assert beyond.value.code == 400
    assert beyond.value.error["message"] == (
        "Range (Stock!A1001) exceeds grid limits. Max rows: 1000, max columns: 26"
    )
    assert spilling.value.error["message"] == (
        "Requested writing within range ['Stock'!A1000], but tried writing to row [1001]"
    )
    assert "but tried writing to column [C]" in too_wide.value.error["message"]
    assert fake.get_values(key, "Stock") == [["SKU", "On hand"], ["A-1", 4], ["B-2", 7]]


def test_batch_update_is_atomic(fake: FakeSheetsApi, key: str) -> None:
    sheet = fake.client().open_by_key(key).worksheet("Stock")

    with pytest.raises(APIError) as refused:
        sheet.batch_update([{"range": "B2", "values": [[5]]}, {"range": "Z2000", "values": [[1]]}])

    assert refused.value.error["message"].startswith("Invalid data[1]: Range (Stock!Z2000)")
    assert fake.get_cell(key, "Stock!B2") == 4
    response = sheet.batch_update(
        [{"range": "B2", "values": [[5]]}, {"range": "B3:C3", "values": [[8, "ok"]]}]
    )
    assert response["totalUpdatedCells"] == 3
    assert [r["updatedRange"] for r in response["responses"]] == ["Stock!B2", "Stock!B3:C3"]
    assert fake.get_values(key, "Stock") == [["SKU", "On hand"], ["A-1", 5], ["B-2", 8, "ok"]]


def test_append_writes_after_the_table_and_grows_the_grid(fake: FakeSheetsApi) -> None:
    key = fake.create_spreadsheet(first_tab="Audit")
    sheet = fake.client().open_by_key(key).worksheet("Audit")
    sheet.resize(rows=2, cols=2)
    sheet.update([["when", "what"]], "A1")

    first = sheet.append_row(["mon", "sent"])
    second = sheet.append_rows([["tue", "skipped", "extra"]])

    assert first["updates"]["updatedRange"] == "Audit!A2:B2"
    assert "tableRange" in second
    assert second["tableRange"] == "Audit!A1:B2"
    assert second["updates"]["updatedRange"] == "Audit!A3:C3"
    assert fake.grid_size(key, "Audit") == (3, 3)
    assert sheet.get_all_values() == [
        ["when", "what", ""],
        ["mon", "sent", ""],
        ["tue", "skipped", "extra"],
    ]


def test_insert_rows_inserts_then_fills(fake: FakeSheetsApi, key: str) -> None:
    sheet = fake.client().open_by_key(key).worksheet("Stock")

    sheet.insert_rows([["NEW", 1]], row=2)

    assert fake.get_values(key, "Stock") == [["SKU", "On hand"], ["NEW", 1], ["A-1", 4], ["B-2", 7]]
    assert fake.grid_size(key, "Stock") == (1001, 26)
    assert [r.endpoint for r in fake.recorded_requests[-2:]] == [
        "spreadsheets.batchUpdate",
        "values.append",
    ]


def test_unknown_tab_is_unparseable(fake: FakeSheetsApi, key: str) -> None:
    spreadsheet = fake.client().open_by_key(key)

    with pytest.raises(APIError) as refused:
        spreadsheet.values_update("Nope!A1", {"valueInputOption": "RAW"}, {"values": [[1]]})

    assert refused.value.code == 400
    assert refused.value.error == {
        "code": 400,
        "message": "Unable to parse range: Nope!A1",
        "status": "INVALID_ARGUMENT",
    }


def test_clear_and_batch_clear_keep_formats(fake: FakeSheetsApi, key: str) -> None:
    sheet = fake.client().open_by_key(key).worksheet("Stock")
    sheet.format("A1:B1", {"textFormat": {"bold": True}})

    sheet.batch_clear(["A2:B2"])
    assert fake.get_values(key, "Stock") == [["SKU", "On hand"], [], ["B-2", 7]]
    sheet.clear()

    assert fake.get_values(key, "Stock") == []
    assert fake.cell_format(key, "Stock!A1") == {"textFormat": {"bold": True}}
    assert fake.counts["values.batchClear"] == 1
    assert fake.counts["values.clear"] == 1


def test_update_cell_and_cells(fake: FakeSheetsApi, key: str) -> None:
    sheet = fake.client().open_by_key(key).worksheet("Stock")

    sheet.update_acell("B2", "12")
    cells = sheet.range("A3:B3")
    cells[1].value = "9"
    sheet.update_cells(cells)

    assert fake.get_cell(key, "Stock!B2") == 12
    assert fake.get_cell(key, "Stock!B3") == "9"


def test_append_with_insert_rows_pushes_later_data_down(fake: FakeSheetsApi, key: str) -> None:
    fake.set_values(key, "Stock!A6", [["notes below the table"]])
    sheet = fake.client().open_by_key(key).worksheet("Stock")

    sheet.append_row(["C-3", 1], insert_data_option=InsertDataOption.insert_rows)
    sheet.append_row(["D-4", 2], table_range="A1:B1")

    assert fake.get_values(key, "Stock") == [
        ["SKU", "On hand"],
        ["A-1", 4],
        ["B-2", 7],
        ["C-3", 1],
        ["D-4", 2],
        [],
        ["notes below the table"],
    ]
    assert fake.grid_size(key, "Stock") == (1001, 26)


def test_columns_major_writes_and_values_in_the_response(fake: FakeSheetsApi, key: str) -> None:
    sheet = fake.client().open_by_key(key).worksheet("Stock")

    response = sheet.update(
        [["x", "y"], ["z"]],
        "C1",
        major_dimension=Dimension.cols,
        include_values_in_response=True,
        response_value_render_option=ValueRenderOption.unformatted,
    )

    assert response["updatedRange"] == "Stock!C1:D2"
    assert response["updatedData"] == {
        "range": "Stock!C1:D2",
        "majorDimension": "ROWS",
        "values": [["x", "z"], ["y"]],
    }


def test_user_entered_dates_are_serial_numbers(fake: FakeSheetsApi, key: str) -> None:
    sheet = fake.client().open_by_key(key).worksheet("Stock")

    sheet.update([["2024-03-01", "2024-03-01 14:30:00", "3/1/2024"]], "C1", raw=False)

    assert sheet.get("C1:E1") == [["2024-03-01", "2024-03-01 14:30:00", "3/1/2024"]]
    assert sheet.get("C1:E1", value_render_option=ValueRenderOption.unformatted) == [
        [45352, 45352.604166666664, 45352]
    ]


def test_notes_go_through_update_cells(fake: FakeSheetsApi, key: str) -> None:
    sheet = fake.client().open_by_key(key).worksheet("Stock")

    sheet.update_notes({"A2": "counted Monday", "B3": "supplier late"})

    assert sheet.get_note("A2") == "counted Monday"
    assert sheet.get_note("A3") == ""
    assert sheet.get_notes() == [[], ["counted Monday"], ["", "supplier late"]]
    sheet.clear_note("A2")
    assert sheet.get_note("A2") == ""
    assert fake.get_values(key, "Stock")[1] == ["A-1", 4]


def test_concurrent_appends_lose_nothing(fake: FakeSheetsApi, key: str) -> None:
    sheet = fake.client().open_by_key(key).worksheet("Stock")

    def append_five(prefix: str) -> None:
        for n in range(5):
            sheet.append_row([f"{prefix}{n}", n])

    threads = [threading.Thread(target=append_five, args=(p,)) for p in ("X", "Y")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    rows = fake.get_values(key, "Stock")
    assert len(rows) == 13
    assert sorted(str(row[0]) for row in rows[3:]) == [f"{p}{n}" for p in "XY" for n in range(5)]
