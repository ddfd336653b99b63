"""Backoff with full jitter within bounded attempts and time, writes that are never half
applied nor applied twice, and errors a user can act on: all through real gspread on the fake."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
import requests
from google.auth import exceptions as auth_exceptions
from gspread.exceptions import APIError
from requests import PreparedRequest

from sheets_bot.adapters.google.errors import (
    FailureKind,
    GoogleCredentialsError,
    SheetNotFoundError,
    SheetNotSharedError,
    SheetsApiDisabledError,
    SheetsQuotaError,
    SheetsRequestError,
    SheetsUnavailableError,
    WriteOutcomeUnknownError,
    failure_kind,
    user_error,
)
from sheets_bot.adapters.google.retry import RetryPolicy
from sheets_bot.adapters.google.sheet import GoogleSheet
from sheets_bot.ports import CellWrite, Grid, RowsAppend, RowsDelete, SheetBatch, Sparkline
from sheets_bot.sheet.layout import AUDIT, DRAFTS, load_layout
from sheets_bot.testing.fake_sheets_api import FakeSheetsApi
from sheets_bot.testing.google_sheet_owner import FAKE_ACCOUNT, FakeSheetOwner, fake_google_sheet

LAYOUT = load_layout()
DRAFT_HEADERS = LAYOUT.tab(DRAFTS).headers
AUDIT_HEADERS = LAYOUT.tab(AUDIT).headers


class Timeline:
    """A clock that only moves when the code under test sleeps."""

    def __init__(self, jitter: float = 0.5) -> None:
        self.now = 0.0
        self.pauses: list[float] = []
        self.jitter = jitter

    def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds

    def policy(self) -> RetryPolicy:
        return RetryPolicy(sleep=self.sleep, random=lambda: self.jitter, clock=lambda: self.now)


@pytest.fixture
def key(fake: FakeSheetsApi) -> str:
    key = fake.create_spreadsheet("Shop", first_tab=DRAFTS)
    fake.add_tab(key, AUDIT, rows=5)
    grid: list[list[object]] = [list(DRAFT_HEADERS)]
    grid.extend([f"D-{n}", "Beanco"] for n in range(1, 6))
    fake.set_values(key, f"{DRAFTS}!A1", grid)
    fake.set_values(key, f"{AUDIT}!A1", [AUDIT_HEADERS, ["t1", "bot"]])
    return key


@pytest.fixture
def timeline() -> Timeline:
    return Timeline()


@pytest.fixture
def sheet(fake: FakeSheetsApi, key: str, timeline: Timeline) -> GoogleSheet:
    return fake_google_sheet(fake, key, retry=timeline.policy())


def snapshot(fake: FakeSheetsApi, key: str) -> tuple[Grid, Grid, tuple[int, int], tuple[int, int]]:
    owner = FakeSheetOwner(fake, key)
    return (
        owner.grid(DRAFTS),
        owner.grid(AUDIT),
        fake.grid_size(key, DRAFTS),
        fake.grid_size(key, AUDIT),
    )


def values_batch() -> SheetBatch:
    return SheetBatch(
        writes=[CellWrite(DRAFTS, 2, 16, "sent")], appends=[RowsAppend(AUDIT, [["t2", "bot"]])]
    )


def structural_batch() -> SheetBatch:
    """Deletes, and appends past the end of Audit's 5-row grid: one spreadsheets.batchUpdate."""
    return SheetBatch(
        writes=[CellWrite(DRAFTS, 2, 16, "sent")],
        appends=[RowsAppend(AUDIT, [[f"t{n}", "bot"] for n in range(2, 8)])],
        deletes=[RowsDelete(DRAFTS, [3, 5])],
    )


# --- the retry policy -------------------------------------------------------------------


def test_pauses_are_full_jitter_under_a_growing_cap() -> None:
    maximal = RetryPolicy(random=lambda: 1.0)
    assert [maximal.pause(n) for n in range(1, 8)] == [2, 4, 8, 16, 32, 32, 32]
    assert RetryPolicy(random=lambda: 0.0).pause(5) == 0
    assert RetryPolicy(random=lambda: 0.25).pause(3) == 2


def test_a_429_burst_is_waited_out(
    fake: FakeSheetsApi, sheet: GoogleSheet, timeline: Timeline
) -> None:
    fake.fail_next(429, times=3, endpoint="values.batchGet")

    grids = sheet.read([DRAFTS])

    assert grids[DRAFTS][1] == ["D-1", "Beanco"]
    assert fake.counts["values.batchGet"] == 4
    assert timeline.pauses == [1.0, 2.0, 4.0]


def test_quota_used_up_for_good_fails_clearly_and_writes_nothing(
    fake: FakeSheetsApi, key: str, sheet: GoogleSheet, timeline: Timeline
) -> None:
    before = snapshot(fake, key)
    sheet.read([DRAFTS, AUDIT], append_only=[AUDIT])
    fake.fail_next(429, times=1000, endpoint="values.batchUpdate")

    with pytest.raises(SheetsQuotaError) as raised:
        sheet.apply(values_batch())

    message = str(raised.value)
    assert message == (
        "the Google Sheets API quota is used up (429) after 6 attempts; nothing was written:"
        " wait a minute, then run again"
    )
    assert fake.counts["values.batchUpdate"] == 6
    assert len(timeline.pauses) == 5
    assert timeline.now <= 60
    assert snapshot(fake, key) == before


def test_a_structural_write_refused_for_good_writes_nothing(
    fake: FakeSheetsApi, key: str, sheet: GoogleSheet
) -> None:
    before = snapshot(fake, key)
    sheet.read([DRAFTS, AUDIT])
    fake.fail_next(429, times=1000, endpoint="spreadsheets.batchUpdate")

    with pytest.raises(SheetsQuotaError, match="nothing was written"):
        sheet.apply(structural_batch())

    assert fake.counts["spreadsheets.batchUpdate"] == 6
    assert snapshot(fake, key) == before


def test_retrying_stops_before_the_time_budget_runs_out(fake: FakeSheetsApi, key: str) -> None:
    slow = Timeline(jitter=1.0)
    sheet = fake_google_sheet(fake, key, retry=slow.policy())
    fake.fail_next(503, times=1000, endpoint="spreadsheets.get")

    with pytest.raises(SheetsUnavailableError, match=r"kept failing \(503\) after 5 attempts"):
        sheet.read([DRAFTS])

    assert slow.pauses == [2, 4, 8, 16]
    assert slow.now + 32 > 60


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_on_reads_and_value_writes_are_retried(
    fake: FakeSheetsApi, key: str, sheet: GoogleSheet, status: int
) -> None:
    fake.fail_next(status, times=2, endpoint="values.batchGet")
    fake.fail_next(status, times=2, endpoint="values.batchUpdate")

    sheet.read([DRAFTS, AUDIT], append_only=[AUDIT])
    sheet.apply(values_batch())

    assert fake.counts["values.batchGet"] == 3
    assert fake.counts["values.batchUpdate"] == 3
    assert FakeSheetOwner(fake, key).grid(AUDIT)[-1] == ["t2", "bot"]


@pytest.mark.parametrize("connect", [False, True])
def test_timeouts_are_retried(
    fake: FakeSheetsApi, key: str, sheet: GoogleSheet, connect: bool
) -> None:
    fake.timeout_next(times=2, endpoint="values.batchGet", connect=connect)
    fake.timeout_next(times=1, endpoint="values.batchUpdate", connect=connect)

    sheet.read([DRAFTS, AUDIT])
    sheet.apply(values_batch())

    assert fake.counts["values.batchGet"] == 3
    assert FakeSheetOwner(fake, key).grid(DRAFTS)[1][15] == "sent"


def test_timeouts_for_good_are_a_clear_error(fake: FakeSheetsApi, sheet: GoogleSheet) -> None:
    fake.timeout_next(times=1000)
    with pytest.raises(SheetsUnavailableError, match="could not reach the Google Sheets API"):
        sheet.read([DRAFTS])


# --- structural writes: never applied twice ---------------------------------------------


def test_a_structural_write_that_failed_before_applying_is_sent_again(
    fake: FakeSheetsApi, key: str, sheet: GoogleSheet
) -> None:
    sheet.read([DRAFTS, AUDIT])
    fake.reset_counts()
    fake.fail_next(500, times=1, endpoint="spreadsheets.batchUpdate")

    sheet.apply(structural_batch())

    assert fake.counts["spreadsheets.batchUpdate"] == 2
    assert fake.counts["spreadsheets.get"] == 1
    drafts = FakeSheetOwner(fake, key).grid(DRAFTS)
    assert [row[0] for row in drafts[1:]] == ["D-1", "D-3", "D-5"]


def _lose_replies(
    fake: FakeSheetsApi,
    monkeypatch: pytest.MonkeyPatch,
    after: Callable[[], None] = lambda: None,
) -> None:
    """The next spreadsheets.batchUpdate is applied, then answered with a 500 (a reply lost
    on the way back); ``after`` runs in between."""
    serve = fake._handle_locked
    lost = [False]

    def handle(request: PreparedRequest) -> Any:
        result = serve(request)
        if not lost[0] and (request.url or "").endswith(":batchUpdate"):
            lost[0] = True
            after()
            error = {"error": {"code": 500, "message": "Internal error", "status": "INTERNAL"}}
            return 500, {"Content-Type": "application/json"}, json.dumps(error)
        return result

    monkeypatch.setattr(fake, "_handle_locked", handle)


def test_a_structural_write_whose_reply_was_lost_is_not_applied_twice(
    fake: FakeSheetsApi, key: str, sheet: GoogleSheet, monkeypatch: pytest.MonkeyPatch
) -> None:
    sheet.read([DRAFTS, AUDIT])
    _lose_replies(fake, monkeypatch)

    sheet.apply(structural_batch())

    assert fake.counts["spreadsheets.batchUpdate"] == 1
    drafts = FakeSheetOwner(fake, key).grid(DRAFTS)
    assert [row[0] for row in drafts[1:]] == ["D-1", "D-3", "D-5"]
    assert [row[0] for row in FakeSheetOwner(fake, key).grid(AUDIT)[1:]] == [
        f"t{n}" for n in range(1, 8)
    ]


def test_a_lost_reply_with_the_grid_changed_meanwhile_is_an_unknown_outcome(
    fake: FakeSheetsApi, key: str, sheet: GoogleSheet, monkeypatch: pytest.MonkeyPatch
) -> None:
    sheet.read([DRAFTS, AUDIT])
    drafts_id = fake.sheet_id(key, DRAFTS)

    def owner_inserts_rows() -> None:
        body = {
            "requests": [
                {
                    "insertDimension": {
                        "range": {
                            "sheetId": drafts_id,
                            "dimension": "ROWS",
                            "startIndex": 1,
                            "endIndex": 4,
                        }
                    }
                }
            ]
        }
        fake.client().http_client.batch_update(key, body)

    _lose_replies(fake, monkeypatch, owner_inserts_rows)

    with pytest.raises(WriteOutcomeUnknownError, match="look at the sheet, then run again"):
        sheet.apply(structural_batch())


def test_a_lost_reply_that_cannot_be_checked_is_an_unknown_outcome(
    fake: FakeSheetsApi, key: str, sheet: GoogleSheet, monkeypatch: pytest.MonkeyPatch
) -> None:
    sheet.read([DRAFTS, AUDIT])

    def google_goes_away() -> None:
        fake.fail_next(503, times=1000, endpoint="spreadsheets.get")

    _lose_replies(fake, monkeypatch, google_goes_away)

    with pytest.raises(WriteOutcomeUnknownError, match="not known whether Google applied it"):
        sheet.apply(structural_batch())
    assert fake.counts["spreadsheets.batchUpdate"] == 1


def refresh_error(message: str, *, retryable: bool = False) -> auth_exceptions.RefreshError:
    return auth_exceptions.RefreshError(message, retryable=retryable)  # type: ignore[no-untyped-call]


def test_token_failures_are_retried_only_when_google_auth_says_so() -> None:
    no_route = auth_exceptions.TransportError("no route")  # type: ignore[no-untyped-call]
    assert failure_kind(no_route) is FailureKind.REJECTED
    assert failure_kind(refresh_error("invalid_grant")) is None
    assert failure_kind(refresh_error("backend error", retryable=True)) is FailureKind.REJECTED
    mapped = user_error(
        refresh_error("invalid_grant: Invalid JWT"), spreadsheet_id="a", account=FAKE_ACCOUNT
    )
    assert isinstance(mapped, GoogleCredentialsError)
    assert str(mapped) == (
        f"Google refused the credentials of {FAKE_ACCOUNT}: invalid_grant: Invalid JWT"
        " (check the key or the workload identity configuration)"
    )


# --- errors a user can act on -----------------------------------------------------------


def test_a_sheet_not_shared_names_the_address_to_share_it_with(
    fake: FakeSheetsApi, key: str, sheet: GoogleSheet
) -> None:
    fake.set_shared(key, False)

    with pytest.raises(SheetNotSharedError) as raised:
        sheet.read([DRAFTS])

    assert str(raised.value) == (
        f"no access to the Google Sheet {key}: share the sheet with {FAKE_ACCOUNT} as Editor"
    )
    assert fake.total == 1


def test_a_wrong_id_is_named(fake: FakeSheetsApi) -> None:
    wrong = "1" + "x" * 43
    with pytest.raises(SheetNotFoundError) as raised:
        fake_google_sheet(fake, wrong).read([DRAFTS])
    assert str(raised.value) == (
        f"the Google Sheet {wrong} was not found: check the id or URL passed to --sheet"
    )


def test_the_sheets_api_not_enabled_says_so(fake: FakeSheetsApi, sheet: GoogleSheet) -> None:
    fake.fail_next(
        403,
        message="Google Sheets API has not been used in project 123456789012 before or it is"
        " disabled. Enable it by visiting https://console.developers.google.com/apis/api/"
        "sheets.googleapis.com/overview?project=123456789012 then retry.",
    )
    with pytest.raises(SheetsApiDisabledError, match=f"Cloud project of {FAKE_ACCOUNT}"):
        sheet.read([DRAFTS])


def test_refused_credentials_say_whose(fake: FakeSheetsApi, sheet: GoogleSheet) -> None:
    """On a 401 google-auth refreshes the token and tries once more; the fake's anonymous
    credentials cannot refresh, which is a credentials error too."""
    fake.fail_next(401)
    with pytest.raises(GoogleCredentialsError, match=FAKE_ACCOUNT):
        sheet.read([DRAFTS])


def _api_error(status: int, body: bytes) -> APIError:
    response = requests.Response()
    response.status_code = status
    response._content = body
    return APIError(response)


def test_an_error_page_that_is_not_googles_json_is_judged_by_its_status() -> None:
    error = _api_error(502, b"<html><body>Bad Gateway</body></html>")

    assert error.code == -1
    assert failure_kind(error) is FailureKind.AMBIGUOUS
    mapped = user_error(error, spreadsheet_id="abc", account=FAKE_ACCOUNT, attempts=6)
    assert isinstance(mapped, SheetsUnavailableError)
    assert str(mapped) == (
        "Google Sheets kept failing (502) after 6 attempts; nothing was written: run again later"
    )


def test_a_401_after_the_token_refresh_names_the_account() -> None:
    error = {
        "code": 401,
        "message": "Request had invalid authentication credentials.",
        "status": "UNAUTHENTICATED",
    }
    body = json.dumps({"error": error}).encode()
    mapped = user_error(_api_error(401, body), spreadsheet_id="abc", account=FAKE_ACCOUNT)
    assert isinstance(mapped, GoogleCredentialsError)
    assert str(mapped) == (
        f"Google refused the credentials of {FAKE_ACCOUNT} (401):"
        " Request had invalid authentication credentials."
    )


def test_a_bad_request_is_not_retried(fake: FakeSheetsApi, sheet: GoogleSheet) -> None:
    fake.fail_next(400, message="Unable to parse range: Nope!A1")
    with pytest.raises(SheetsRequestError, match=r"refused the request \(400\): Unable to parse"):
        sheet.read([DRAFTS])
    assert fake.total == 1


def test_retries_are_logged_without_secrets(
    fake: FakeSheetsApi, sheet: GoogleSheet, caplog: pytest.LogCaptureFixture
) -> None:
    fake.fail_next(429, times=2)
    with caplog.at_level(logging.INFO, logger="sheets_bot"):
        sheet.read([DRAFTS])

    lines = [record.getMessage() for record in caplog.records]
    assert lines == [
        "spreadsheets.get: HTTP 429; try 2 of 6 in 1.0 s",
        "spreadsheets.get: HTTP 429; try 3 of 6 in 2.0 s",
    ]


def test_a_formula_write_whose_reply_was_lost_is_sent_again_and_lands_once(
    fake: FakeSheetsApi, key: str, sheet: GoogleSheet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cells only (a formula, so a spreadsheets.batchUpdate, but no grid change): sending it
    again sets the same cells, so a lost reply is simply sent again."""
    sheet.read([DRAFTS, AUDIT])
    _lose_replies(fake, monkeypatch)
    batch = SheetBatch(
        writes=[CellWrite(DRAFTS, 2, 16, Sparkline((1, 2))), CellWrite(DRAFTS, 3, 16, "sent")],
        appends=[RowsAppend(AUDIT, [["t2", "bot"]])],
    )

    sheet.apply(batch)

    assert fake.counts["spreadsheets.batchUpdate"] == 2
    owner = FakeSheetOwner(fake, key)
    assert [row[0] for row in owner.grid(AUDIT)[1:]] == ["t1", "t2"]
    assert owner.grid(DRAFTS)[2][15] == "sent"
