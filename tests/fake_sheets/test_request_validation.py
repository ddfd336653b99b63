"""Request bodies and parameters are checked against the official discovery document."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from sheets_bot.testing.fake_sheets_api import BASE_URL, FakeSheetsApi


@pytest.fixture
def key(fake: FakeSheetsApi) -> str:
    return fake.create_spreadsheet("Shop", first_tab="Stock")


def _error(response: requests.Response) -> dict[str, Any]:
    assert response.status_code == 400
    error: dict[str, Any] = response.json()["error"]
    assert error["status"] == "INVALID_ARGUMENT"
    return error


def test_a_misspelled_top_level_field_is_named(fake: FakeSheetsApi, key: str) -> None:
    response = requests.post(
        f"{BASE_URL}/{key}/values:batchUpdate",
        json={"valueInputOptions": "RAW", "data": [{"range": "Stock!A1", "values": [[1]]}]},
        timeout=5,
    )

    error = _error(response)
    assert error["message"] == (
        'Invalid JSON payload received. Unknown name "valueInputOptions": Cannot find field.'
    )
    assert error["details"][0]["@type"] == "type.googleapis.com/google.rpc.BadRequest"
    assert fake.get_values(key, "Stock") == []


def test_a_misspelled_nested_field_is_named_with_its_path(key: str) -> None:
    response = requests.post(
        f"{BASE_URL}/{key}/values:batchUpdate",
        json={
            "valueInputOption": "RAW",
            "data": [{"range": "Stock!A1", "majorDimensions": "ROWS", "values": [[1]]}],
        },
        timeout=5,
    )

    assert _error(response)["message"] == (
        "Invalid JSON payload received. Unknown name \"majorDimensions\" at 'data[0]': "
        "Cannot find field."
    )


def test_unknown_request_kinds_and_deep_typos(key: str) -> None:
    response = requests.post(
        f"{BASE_URL}/{key}:batchUpdate",
        json={
            "requests": [
                {"addSheets": {"properties": {"title": "X"}}},
                {
                    "updateSheetProperties": {
                        "properties": {"sheetId": 0, "gridProperties": {"frozenRows": 1}},
                        "fields": "gridProperties.frozenRowCount",
                    }
                },
            ]
        },
        timeout=5,
    )

    assert _error(response)["message"].split("\n") == [
        "Invalid JSON payload received. Unknown name \"addSheets\" at 'requests[0]': "
        "Cannot find field.",
        'Invalid JSON payload received. Unknown name "frozenRows" at '
        "'requests[1].update_sheet_properties.properties.grid_properties': Cannot find field.",
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"valueInputOption": "RAW", "data": [{"range": "A1", "majorDimension": "ROW"}]},
            "Invalid value at 'data[0].major_dimension' (TYPE_ENUM), \"ROW\"",
        ),
        (
            {"valueInputOption": "RAW", "data": {"range": "A1"}},
            "Invalid value at 'data' (type.googleapis.com/google.apps.sheets.v4.ValueRange), "
            '{"range": "A1"}',
        ),
        (
            {"valueInputOption": "RAW", "includeValuesInResponse": "yes", "data": []},
            "Invalid value at 'include_values_in_response' (TYPE_BOOL), \"yes\"",
        ),
    ],
)
def test_wrong_types_and_enums(key: str, body: dict[str, Any], message: str) -> None:
    response = requests.post(f"{BASE_URL}/{key}/values:batchUpdate", json=body, timeout=5)

    assert _error(response)["message"] == message


def test_query_parameters_are_checked(key: str) -> None:
    unknown = requests.get(
        f"{BASE_URL}/{key}/values/Stock!A1", params={"majorDimensions": "ROWS"}, timeout=5
    )
    bad_enum = requests.get(
        f"{BASE_URL}/{key}/values/Stock!A1", params={"valueRenderOption": "RAW"}, timeout=5
    )

    assert _error(unknown)["message"] == (
        'Invalid JSON payload received. Unknown name "majorDimensions": Cannot bind query '
        "parameter. Field 'majorDimensions' could not be found in request message."
    )
    assert _error(bad_enum)["message"] == (
        "Invalid value at 'value_render_option' (TYPE_ENUM), \"RAW\""
    )


def test_a_fields_mask_naming_nothing_is_refused(key: str) -> None:
    response = requests.get(f"{BASE_URL}/{key}", params={"fields": "sheets.propertys"}, timeout=5)

    error = _error(response)
    assert error["message"] == "Request contains an invalid argument."
    assert error["details"][0]["fieldViolations"] == [
        {
            "field": "sheets.propertys",
            "description": "Error expanding 'fields' parameter. Cannot find matching fields "
            "for path 'sheets.propertys'.",
        }
    ]


def test_a_fields_mask_trims_the_response(key: str) -> None:
    response = requests.get(
        f"{BASE_URL}/{key}", params={"fields": "sheets(properties(sheetId,title))"}, timeout=5
    )

    assert response.json() == {"sheets": [{"properties": {"sheetId": 0, "title": "Stock"}}]}


def test_nulls_are_accepted_as_unset(fake: FakeSheetsApi, key: str) -> None:
    response = requests.put(
        f"{BASE_URL}/{key}/values/Stock!A1",
        params={"valueInputOption": "RAW"},
        json={"values": [[1, None, 3]], "majorDimension": None},
        timeout=5,
    )

    assert response.status_code == 200
    assert fake.get_values(key, "Stock") == [[1, "", 3]]


def test_a_body_that_is_not_json_is_refused(key: str) -> None:
    response = requests.post(
        f"{BASE_URL}/{key}:batchUpdate",
        data=b"{not json",
        headers={"Content-Type": "application/json"},
        timeout=5,
    )

    assert _error(response)["message"].startswith("Invalid JSON payload received.")


def test_an_empty_request_is_refused(key: str) -> None:
    response = requests.post(f"{BASE_URL}/{key}:batchUpdate", json={"requests": [{}]}, timeout=5)

    assert _error(response)["message"] == "Invalid requests[0]: No request set."
