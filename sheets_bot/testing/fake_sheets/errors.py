"""Google's JSON error envelope, and the errors the fake answers with.

Every error the Sheets API sends has the shape
``{"error": {"code": 404, "message": "...", "status": "NOT_FOUND"}}``; a 400 about the request
body also carries a ``google.rpc.BadRequest`` detail listing the offending fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

STATUS_NAMES: Final[dict[int, str]] = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}

_DEFAULT_MESSAGES: Final[dict[int, str]] = {
    400: "Request contains an invalid argument.",
    401: "Request had invalid authentication credentials.",
    403: "The caller does not have permission",
    404: "Requested entity was not found.",
    409: "The operation was aborted.",
    500: "Internal error encountered.",
    503: "The service is currently unavailable.",
    504: "The request timed out. Please try again.",
}


@dataclass(frozen=True)
class FieldViolation:
    """One entry of a ``google.rpc.BadRequest`` detail."""

    field: str
    description: str


@dataclass(eq=False)
class SheetsApiError(Exception):
    """An error the fake answers with instead of a result; rendered by :meth:`body`.

    ``eq=False`` keeps exceptions hashable, as tracebacks and pytest expect."""

    code: int
    message: str
    violations: Sequence[FieldViolation] = field(default=())

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {
            "code": self.code,
            "message": self.message,
            "status": STATUS_NAMES.get(self.code, "UNKNOWN"),
        }
        if self.violations:
            error["details"] = [
                {
                    "@type": "type.googleapis.com/google.rpc.BadRequest",
                    "fieldViolations": [
                        {"field": v.field, "description": v.description}
                        if v.field
                        else {"description": v.description}
                        for v in self.violations
                    ],
                }
            ]
        return {"error": error}


def invalid_argument(message: str, violations: Sequence[FieldViolation] = ()) -> SheetsApiError:
    return SheetsApiError(400, message, violations)


def not_found() -> SheetsApiError:
    return SheetsApiError(404, _DEFAULT_MESSAGES[404])


def permission_denied() -> SheetsApiError:
    return SheetsApiError(403, _DEFAULT_MESSAGES[403])


def quota_exceeded(write: bool) -> SheetsApiError:
    """The 429 Sheets sends when the per-minute read or write quota is used up."""
    kind = "Write" if write else "Read"
    return SheetsApiError(
        429,
        f"Quota exceeded for quota metric '{kind} requests' and limit '{kind} requests per "
        "minute per user' of service 'sheets.googleapis.com' for consumer "
        "'project_number:000000000000'.",
    )


def error_for_status(code: int, *, write: bool, message: str | None = None) -> SheetsApiError:
    """The error Google would send with ``code``, for fault injection."""
    if message is None and code == 429:
        return quota_exceeded(write)
    default = _DEFAULT_MESSAGES.get(code, f"HTTP {code}")
    return SheetsApiError(code, message if message is not None else default)
