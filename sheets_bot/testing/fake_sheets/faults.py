"""Faults a test asks for: the next N requests (optionally to one endpoint) fail with an HTTP
error in Google's envelope, or time out."""

from __future__ import annotations

from dataclasses import dataclass

import requests

from .errors import SheetsApiError, error_for_status


@dataclass
class _Fault:
    endpoint: str | None
    remaining: int
    status: int | None = None
    message: str | None = None
    connect_timeout: bool = False


class FaultPlan:
    """Queued faults, consumed first come first served by matching requests."""

    def __init__(self) -> None:
        self._faults: list[_Fault] = []

    def fail(self, status: int, times: int, endpoint: str | None, message: str | None) -> None:
        self._faults.append(_Fault(endpoint, times, status=status, message=message))

    def time_out(self, times: int, endpoint: str | None, connect: bool) -> None:
        self._faults.append(_Fault(endpoint, times, connect_timeout=connect))

    def clear(self) -> None:
        self._faults.clear()

    def next_for(self, endpoint: str, *, write: bool) -> SheetsApiError | requests.Timeout | None:
        """The fault this request suffers, if one is queued for it (and use one up)."""
        for fault in self._faults:
            if fault.remaining > 0 and fault.endpoint in (None, endpoint):
                fault.remaining -= 1
                if fault.remaining == 0:
                    self._faults.remove(fault)
                if fault.status is not None:
                    return error_for_status(fault.status, write=write, message=fault.message)
                kind = (
                    requests.exceptions.ConnectTimeout
                    if fault.connect_timeout
                    else requests.exceptions.ReadTimeout
                )
                return kind(f"FakeSheetsApi: injected {kind.__name__} on {endpoint}")
        return None
