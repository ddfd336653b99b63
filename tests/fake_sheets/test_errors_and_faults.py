"""Access errors, injected faults and request counting, seen through real gspread."""

from __future__ import annotations

import gspread
import pytest
import requests
from gspread.exceptions import APIError, SpreadsheetNotFound

from sheets_bot.testing.fake_sheets_api import FakeSheetsApi


@pytest.fixture
def key(fake: FakeSheetsApi) -> str:
    key = fake.create_spreadsheet("Shop", first_tab="Stock")
    fake.set_values(key, "Stock!A1", [["SKU"], ["A-1"]])
    return key


def test_an_unknown_id_is_spreadsheet_not_found(fake: FakeSheetsApi) -> None:
    with pytest.raises(SpreadsheetNotFound) as missing:
        fake.client().open_by_key("1" + "x" * 43)

    cause = missing.value.__cause__
    assert isinstance(cause, APIError)
    assert cause.error == {
        "code": 404,
        "message": "Requested entity was not found.",
        "status": "NOT_FOUND",
    }


def test_a_spreadsheet_not_shared_answers_403_everywhere(fake: FakeSheetsApi, key: str) -> None:
    sheet = fake.client().open_by_key(key).worksheet("Stock")
    fake.set_shared(key, False)

    with pytest.raises(PermissionError) as denied:
        fake.client().open_by_key(key)
    with pytest.raises(APIError) as read:
        sheet.get("A1")
    with pytest.raises(APIError) as write:
        sheet.update([["x"]], "A1")

    assert isinstance(denied.value.__cause__, APIError)
    for error in (denied.value.__cause__, read.value, write.value):
        assert isinstance(error, APIError)
        assert error.error == {
            "code": 403,
            "message": "The caller does not have permission",
            "status": "PERMISSION_DENIED",
        }
    assert fake.get_cell(key, "Stock!A1") == "SKU"


def test_injected_429_surfaces_as_api_error(fake: FakeSheetsApi, key: str) -> None:
    sheet = fake.client().open_by_key(key).worksheet("Stock")
    fake.fail_next(status=429, times=1, endpoint="values.update")

    sheet.get("A1")
    with pytest.raises(APIError) as throttled:
        sheet.update([["x"]], "B1")
    sheet.update([["x"]], "B1")

    assert throttled.value.code == 429
    assert throttled.value.error["status"] == "RESOURCE_EXHAUSTED"
    assert throttled.value.error["message"].startswith(
        "Quota exceeded for quota metric 'Write requests'"
    )
    assert fake.counts["values.update"] == 2
    assert fake.get_cell(key, "Stock!B1") == "x"


def test_gspread_backoff_client_retries_through_429s(
    fake: FakeSheetsApi, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("gspread.http_client.time.sleep", lambda _seconds: None)
    fake.fail_next(status=429, times=2)

    spreadsheet = fake.client(gspread.http_client.BackOffHTTPClient).open_by_key(key)

    assert spreadsheet.title == "Shop"
    assert fake.counts == {"spreadsheets.get": 3}


def test_injected_500(fake: FakeSheetsApi, key: str) -> None:
    sheet = fake.client().open_by_key(key).worksheet("Stock")
    fake.fail_next(status=500)

    with pytest.raises(APIError) as failed:
        sheet.get_all_values()

    assert failed.value.error == {
        "code": 500,
        "message": "Internal error encountered.",
        "status": "INTERNAL",
    }


def test_timeouts_raise_requests_timeouts(fake: FakeSheetsApi, key: str) -> None:
    sheet = fake.client().open_by_key(key).worksheet("Stock")
    fake.timeout_next(endpoint="values.get")
    fake.timeout_next(endpoint="values.append", connect=True)

    with pytest.raises(requests.exceptions.ReadTimeout):
        sheet.get_all_values()
    with pytest.raises(requests.exceptions.ConnectTimeout):
        sheet.append_row(["B-2"])

    assert sheet.get_all_values() == [["SKU"], ["A-1"]]
    assert fake.counts["values.get"] == 2
    assert fake.counts["values.append"] == 1


def test_requests_are_counted_per_endpoint_and_recorded(fake: FakeSheetsApi, key: str) -> None:
    sheet = fake.client().open_by_key(key).worksheet("Stock")
    fake.reset_counts()

    sheet.batch_get(["A1", "A2"])
    sheet.batch_update([{"range": "B1", "values": [["On hand"]]}])
    sheet.freeze(rows=1)

    assert fake.counts == {
        "values.batchGet": 1,
        "values.batchUpdate": 1,
        "spreadsheets.batchUpdate": 1,
    }
    assert fake.total == 3
    assert fake.last_request("values.batchGet").params["ranges"] == ["'Stock'!A1", "'Stock'!A2"]
    body = fake.last_request("values.batchUpdate").body
    assert body["valueInputOption"] == "RAW"
    assert body["data"] == [{"range": "'Stock'!B1", "values": [["On hand"]]}]
    assert fake.last_request().endpoint == "spreadsheets.batchUpdate"
    fake.reset_counts()
    assert fake.total == 0
    assert fake.recorded_requests == []


def test_history_keeps_the_last_n_requests() -> None:
    with FakeSheetsApi.running(history=2) as fake:
        key = fake.create_spreadsheet()
        sheet = fake.client().open_by_key(key).sheet1
        sheet.get("A1")
        sheet.get("A2")

        assert [r.range for r in fake.recorded_requests] == ["'Sheet1'!A1", "'Sheet1'!A2"]
        assert fake.total == 4  # open_by_key and .sheet1 each fetch the metadata


def test_unknown_endpoint_names_are_refused(fake: FakeSheetsApi) -> None:
    with pytest.raises(ValueError, match=r"unknown endpoint 'values\.batchget'"):
        fake.fail_next(endpoint="values.batchget")


def test_other_hosts_get_no_network(fake: FakeSheetsApi) -> None:
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get("https://oauth2.googleapis.com/token", timeout=1)
