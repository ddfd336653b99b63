"""The four Sheets API calls the adapter makes, typed, retried and with user-facing errors.

Every call goes through gspread's HTTP client to one spreadsheet: ``spreadsheets.get``,
``values.batchGet``, ``values.batchUpdate`` and ``spreadsheets.batchUpdate``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar, cast

from gspread.http_client import HTTPClient

from sheets_bot.adapters.google.errors import WriteOutcomeUnknownError, user_error
from sheets_bot.adapters.google.retry import OutcomeUnknown, RetriesExhausted, RetryPolicy
from sheets_bot.adapters.google.spreadsheet_id import sheet_url
from sheets_bot.errors import BotError

JsonObject = dict[str, Any]
_T = TypeVar("_T")


class SheetsApi:
    """One spreadsheet's API. ``account`` is the service account's email, for error messages."""

    def __init__(
        self,
        http: HTTPClient,
        spreadsheet_id: str,
        *,
        account: str,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.http = http
        self.spreadsheet_id = spreadsheet_id
        self.account = account
        self.retry = retry or RetryPolicy()

    @property
    def url(self) -> str:
        return sheet_url(self.spreadsheet_id)

    def get(self, *, fields: str, ranges: Sequence[str] = ()) -> JsonObject:
        """``spreadsheets.get`` with a ``fields`` mask (grid data only if the mask asks)."""
        params: dict[str, Any] = {"fields": fields}
        if ranges:
            params["ranges"] = list(ranges)
        return self._read(
            "spreadsheets.get", lambda: self.http.spreadsheets_get(self.spreadsheet_id, params)
        )

    def batch_get(self, ranges: Sequence[str], params: Mapping[str, str]) -> list[JsonObject]:
        """``values.batchGet``: one ``ValueRange`` per range, in order."""
        result = self._read(
            "values.batchGet",
            lambda: self.http.values_batch_get(self.spreadsheet_id, list(ranges), dict(params)),
        )
        return cast(list[JsonObject], result.get("valueRanges") or [])

    def values_batch_update(self, body: JsonObject) -> None:
        """``values.batchUpdate``: writing values is repeatable, so any transient failure is
        retried."""
        self._run(
            "values.batchUpdate",
            lambda: self.http.values_batch_update(self.spreadsheet_id, body),
            idempotent=True,
        )

    def batch_update(
        self, requests: list[JsonObject], *, applied: Callable[[], bool | None] | None = None
    ) -> JsonObject | None:
        """``spreadsheets.batchUpdate``, applied by Google all or nothing. Not repeatable
        blindly (rows are deleted by number): after an ambiguous failure ``applied`` decides;
        ``None`` is returned when the request went through but its reply was lost."""
        return self._run(
            "spreadsheets.batchUpdate",
            lambda: self.http.batch_update(self.spreadsheet_id, {"requests": requests}),
            idempotent=False,
            applied=applied,
        )

    def _read(self, what: str, call: Callable[[], Any]) -> JsonObject:
        result = self._run(what, call, idempotent=True)
        return cast(JsonObject, result or {})

    def _run(
        self,
        what: str,
        call: Callable[[], _T],
        *,
        idempotent: bool,
        applied: Callable[[], bool | None] | None = None,
    ) -> _T | None:
        try:
            return self.retry.run(call, what=what, idempotent=idempotent, applied=applied)
        except RetriesExhausted as exhausted:
            raise self._user_error(exhausted.error, exhausted.attempts) from exhausted.error
        except OutcomeUnknown as unknown:
            raise WriteOutcomeUnknownError(
                f"a write to the Google Sheet {self.spreadsheet_id} failed"
                f" ({type(unknown.error).__name__}) and it is not known whether Google applied"
                " it: look at the sheet, then run again"
            ) from unknown.error
        except BotError:
            raise
        except Exception as error:
            if _is_ours(error):
                raise self._user_error(error, 1) from error
            raise

    def _user_error(self, error: BaseException, attempts: int) -> BotError:
        return user_error(
            error, spreadsheet_id=self.spreadsheet_id, account=self.account, attempts=attempts
        )


def _is_ours(error: BaseException) -> bool:
    """Errors of the HTTP or auth layers are translated; programming errors are not."""
    module = type(error).__module__
    return module.startswith(("gspread", "google.auth", "requests", "urllib3"))
