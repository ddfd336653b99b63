"""What went wrong talking to Google, as errors a user can act on (one line each).

:func:`failure_kind` says whether a failed request may be retried, and whether Google may
have applied it anyway; :func:`user_error` turns a final failure into a ``BotError`` naming
the sheet, and the address to share it with when access is the problem. Messages carry
Google's short reason, never request bodies, tokens or keys.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import requests
from google.auth import exceptions as auth_exceptions
from gspread.exceptions import APIError

from sheets_bot.errors import AdapterError, BotError


class GoogleSheetsError(AdapterError):
    """A Google Sheets request failed for a reason the user can act on."""


class SheetNotSharedError(GoogleSheetsError):
    """403: the service account has no access to the sheet."""


class SheetsApiDisabledError(GoogleSheetsError):
    """403: the Sheets API is not enabled for the service account's Cloud project."""


class SheetNotFoundError(GoogleSheetsError):
    """404: no spreadsheet has that id."""


class SheetsQuotaError(GoogleSheetsError):
    """429 on every attempt: the per-minute quota stayed used up."""


class SheetsUnavailableError(GoogleSheetsError):
    """5xx or timeouts on every attempt."""


class SheetsRequestError(GoogleSheetsError):
    """Google refused the request itself (400 and other 4xx)."""


class GoogleCredentialsError(GoogleSheetsError):
    """The credentials could not be loaded, or Google refused them."""


class WriteOutcomeUnknownError(GoogleSheetsError):
    """A write that cannot be repeated safely failed in a way that leaves its outcome open."""


class FailureKind(Enum):
    REJECTED = "rejected"
    """Google certainly did not apply the request (quota, never connected): retry it."""
    AMBIGUOUS = "ambiguous"
    """A server error or a read timeout: Google may or may not have applied it."""


_RETRIED_STATUSES = {408: FailureKind.AMBIGUOUS, 429: FailureKind.REJECTED}


def status_of(error: APIError) -> int:
    """The HTTP status (gspread's ``code`` is -1 when the error body is not Google's JSON)."""
    status: int = error.response.status_code
    return status


def failure_kind(error: BaseException) -> FailureKind | None:
    """How a failed request may be retried; ``None`` when retrying cannot help."""
    if isinstance(error, APIError):
        status = status_of(error)
        if status in _RETRIED_STATUSES:
            return _RETRIED_STATUSES[status]
        return FailureKind.AMBIGUOUS if 500 <= status < 600 else None
    if isinstance(error, requests.ConnectTimeout | auth_exceptions.TransportError):
        return FailureKind.REJECTED
    if isinstance(error, auth_exceptions.RefreshError):
        # No token, so the Sheets request was never sent; google-auth says whether the token
        # endpoint's failure is worth another try (a 5xx, a 429).
        return FailureKind.REJECTED if getattr(error, "retryable", False) else None
    if isinstance(error, requests.Timeout | requests.ConnectionError):
        return FailureKind.AMBIGUOUS
    return None


def _google_message(error: APIError) -> str:
    message: Any = error.error.get("message") if isinstance(error.error, dict) else None
    text = str(message or f"HTTP {status_of(error)}")
    return " ".join(text.split())[:300]


def _reasons(error: APIError) -> set[str]:
    details: Any = error.error.get("details") if isinstance(error.error, dict) else None
    found: set[str] = set()
    for detail in details or []:
        if isinstance(detail, dict) and isinstance(detail.get("reason"), str):
            found.add(detail["reason"])
    return found


def user_error(
    error: BaseException, *, spreadsheet_id: str, account: str, attempts: int = 1
) -> BotError:
    """The one-line error for a request that failed for good."""
    if isinstance(error, APIError):
        return _api_error(error, spreadsheet_id, account, attempts)
    if isinstance(error, auth_exceptions.RefreshError):
        return GoogleCredentialsError(
            f"Google refused the credentials of {account}: {_first_line(error)}"
            " (check the key or the workload identity configuration)"
        )
    if isinstance(error, requests.Timeout | requests.ConnectionError):
        return SheetsUnavailableError(
            f"could not reach the Google Sheets API ({type(error).__name__}) after"
            f" {_tries(attempts)}; nothing was written, run again later"
        )
    if isinstance(error, auth_exceptions.GoogleAuthError):
        return GoogleCredentialsError(
            f"could not get a Google access token for {account}: {_first_line(error)}"
        )
    return GoogleSheetsError(f"Google Sheets request failed: {_first_line(error)}")


def _api_error(error: APIError, spreadsheet_id: str, account: str, attempts: int) -> BotError:
    status = status_of(error)
    message = _google_message(error)
    if status == 403:
        if "SERVICE_DISABLED" in _reasons(error) or "has not been used" in message:
            return SheetsApiDisabledError(
                "the Google Sheets API is not enabled for the Cloud project of"
                f" {account}: enable it in the Cloud console, then run again ({message})"
            )
        return SheetNotSharedError(
            f"no access to the Google Sheet {spreadsheet_id}:"
            f" share the sheet with {account} as Editor"
        )
    if status == 404:
        return SheetNotFoundError(
            f"the Google Sheet {spreadsheet_id} was not found: check the id or URL passed to"
            " --sheet"
        )
    if status == 401:
        return GoogleCredentialsError(
            f"Google refused the credentials of {account} (401): {message}"
        )
    if status == 429:
        return SheetsQuotaError(
            "the Google Sheets API quota is used up (429) after"
            f" {_tries(attempts)}; nothing was written: wait a minute, then run again"
        )
    if status == 408 or status >= 500:
        return SheetsUnavailableError(
            f"Google Sheets kept failing ({status}) after {_tries(attempts)};"
            " nothing was written: run again later"
        )
    return SheetsRequestError(f"Google Sheets refused the request ({status}): {message}")


def _tries(attempts: int) -> str:
    return "1 attempt" if attempts == 1 else f"{attempts} attempts"


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return (text.splitlines()[0] if text else type(error).__name__)[:300]
