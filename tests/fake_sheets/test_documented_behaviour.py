"""Behaviour Google documents, pinned. Each test quotes the documentation it pins; where the
sentence is in the discovery document itself, the test also checks it is still there, so a
change in Google's wording shows up here.

References:
- ValueRange: https://developers.google.com/sheets/api/reference/rest/v4/spreadsheets.values#ValueRange
- ValueInputOption: https://developers.google.com/sheets/api/reference/rest/v4/ValueInputOption
- spreadsheets.get: https://developers.google.com/sheets/api/reference/rest/v4/spreadsheets/get
- spreadsheets.batchUpdate: https://developers.google.com/sheets/api/reference/rest/v4/spreadsheets/batchUpdate
- Error model: https://cloud.google.com/apis/design/errors#http_mapping
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from sheets_bot.testing.fake_sheets import discovery
from sheets_bot.testing.fake_sheets_api import BASE_URL, FakeSheetsApi


@pytest.fixture
def key(fake: FakeSheetsApi) -> str:
    return fake.create_spreadsheet("Shop", first_tab="Stock")


def _described(schema: str, field: str) -> str:
    description: str = discovery.schema(schema)["properties"][field]["description"]
    return description


def _get(key: str, a1: str, **params: str) -> dict[str, Any]:
    response = requests.get(f"{BASE_URL}/{key}/values/{a1}", params=params, timeout=5)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_trailing_empty_rows_and_columns_are_not_returned(fake: FakeSheetsApi, key: str) -> None:
    # ValueRange.values: "For output, empty trailing rows and columns will not be included."
    assert "empty trailing rows and columns will not be included" in _described(
        "ValueRange", "values"
    )
    fake.set_values(key, "Stock!A1", [["a", "", "c", ""], ["", ""], ["d"], ["", ""]])

    assert _get(key, "Stock!A1:E6")["values"] == [["a", "", "c"], [], ["d"]]
    # ...and an empty range has no values at all.
    assert "values" not in _get(key, "Stock!F1:G4")


def test_the_range_echo_is_the_whole_requested_range(fake: FakeSheetsApi, key: str) -> None:
    # ValueRange.range: "For output, this range indicates the entire requested range, even
    # though the values will exclude trailing rows and columns."
    assert "indicates the entire requested range" in _described("ValueRange", "range")
    fake.set_values(key, "Stock!A1", [["SKU", "On hand"]])

    assert _get(key, "Stock!A1:Q41")["range"] == "Stock!A1:Q41"
    assert _get(key, "Stock!A:Q")["range"] == "Stock!A1:Q1000"


def test_major_dimension_example(fake: FakeSheetsApi, key: str) -> None:
    # ValueRange.majorDimension: "if the spreadsheet data is: A1=1,B1=2,A2=3,B2=4, then
    # requesting range=A1:B2,majorDimension=ROWS will return [[1,2],[3,4]], whereas requesting
    # range=A1:B2,majorDimension=COLUMNS will return [[1,3],[2,4]]."
    assert "A1=1,B1=2,A2=3,B2=4" in _described("ValueRange", "majorDimension")
    fake.set_values(key, "Stock!A1", [[1, 2], [3, 4]])
    unformatted = {"valueRenderOption": "UNFORMATTED_VALUE"}

    assert _get(key, "Stock!A1:B2", majorDimension="ROWS", **unformatted)["values"] == [
        [1, 2],
        [3, 4],
    ]
    assert _get(key, "Stock!A1:B2", majorDimension="COLUMNS", **unformatted)["values"] == [
        [1, 3],
        [2, 4],
    ]


@pytest.mark.parametrize(
    ("option", "typed", "formatted", "unformatted", "formula"),
    [
        # RAW: "The values the user has entered will not be parsed and will be stored as-is."
        ("RAW", "=SUM(1,2)", "=SUM(1,2)", "=SUM(1,2)", "=SUM(1,2)"),
        ("RAW", "1,234", "1,234", "1,234", "1,234"),
        # USER_ENTERED: "The values will be parsed as if the user typed them into the UI.
        # Numbers will stay as numbers, but strings may be converted to numbers, dates, etc."
        ("USER_ENTERED", "=SUM(1,2)", "3", 3, "=SUM(1,2)"),
        ("USER_ENTERED", "1,234", "1,234", 1234, 1234),
        ("USER_ENTERED", "TRUE", "TRUE", True, True),
    ],
)
def test_raw_versus_user_entered(
    key: str, option: str, typed: str, formatted: str, unformatted: object, formula: object
) -> None:
    written = requests.put(
        f"{BASE_URL}/{key}/values/Stock!A1",
        params={"valueInputOption": option},
        json={"values": [[typed]]},
        timeout=5,
    )
    assert written.status_code == 200

    assert _get(key, "Stock!A1")["values"] == [[formatted]]
    assert _get(key, "Stock!A1", valueRenderOption="UNFORMATTED_VALUE")["values"] == [[unformatted]]
    assert _get(key, "Stock!A1", valueRenderOption="FORMULA")["values"] == [[formula]]


def test_nulls_are_skipped_and_empty_strings_clear(fake: FakeSheetsApi, key: str) -> None:
    # ValueRange.values: "Null values will be skipped. To set a cell to an empty value, set
    # the string value to an empty string."
    assert "Null values will be skipped" in _described("ValueRange", "values")
    fake.set_values(key, "Stock!A1", [["keep", "clear"]])

    requests.put(
        f"{BASE_URL}/{key}/values/Stock!A1:B1",
        params={"valueInputOption": "RAW"},
        json={"values": [[None, ""]]},
        timeout=5,
    )

    assert fake.get_values(key, "Stock") == [["keep"]]


def test_the_error_body_shape(key: str) -> None:
    # Google's error model: {"error": {"code": <HTTP status>, "message": ..., "status":
    # <canonical code name>}}; 404 maps to NOT_FOUND, 400 to INVALID_ARGUMENT.
    missing = requests.get(f"{BASE_URL}/no-such-id", timeout=5)
    unparseable = requests.get(f"{BASE_URL}/{key}/values/Nope!A1", timeout=5)

    assert missing.status_code == 404
    assert missing.json() == {
        "error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}
    }
    assert unparseable.status_code == 400
    assert unparseable.json() == {
        "error": {
            "code": 400,
            "message": "Unable to parse range: Nope!A1",
            "status": "INVALID_ARGUMENT",
        }
    }


def test_include_grid_data_is_ignored_once_a_field_mask_is_set(key: str) -> None:
    # spreadsheets.get includeGridData: "This parameter is ignored if a field mask was set in
    # the request."
    parameter = discovery.method("spreadsheets.get").parameters["includeGridData"]
    assert "ignored if a field mask was set" in parameter["description"]

    masked = requests.get(
        f"{BASE_URL}/{key}",
        params={"includeGridData": "true", "fields": "sheets.properties.title"},
        timeout=5,
    )

    assert masked.json() == {"sheets": [{"properties": {"title": "Stock"}}]}


def test_batch_update_applies_all_or_nothing(fake: FakeSheetsApi, key: str) -> None:
    # spreadsheets.batchUpdate: "if any request is not valid then the entire request will
    # fail and nothing will be applied."
    description = discovery.document()["resources"]["spreadsheets"]["methods"]["batchUpdate"]
    assert "nothing will be applied" in description["description"]
    response = requests.post(
        f"{BASE_URL}/{key}:batchUpdate",
        json={
            "requests": [
                {"addSheet": {"properties": {"title": "Orders"}}},
                {"addSheet": {"properties": {"title": "Orders"}}},
            ]
        },
        timeout=5,
    )

    assert response.status_code == 400
    assert fake.tab_titles(key) == ["Stock"]
