"""The events the functions are invoked with: EventBridge Scheduler's ``Input``, as the SAM
template and ``EventBridgeScheduler`` write it. A direct test invocation with ``{}`` works too."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ScheduledRun(BaseModel):
    """``{"reason": "every 5 minutes"}`` from a recurring schedule, or ``{"reason": "quiet
    hours ended", "po": "PO-0001", "draft": "D-0001"}`` from a one-off one."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    reason: str = Field(default="invoked", max_length=200)
    po: str | None = Field(default=None, max_length=64)
    draft: str | None = Field(default=None, max_length=64)
    month: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}$")
    """``2026-11``: the monthly summary of that month (a re-run by hand); none, last month."""

    @classmethod
    def parse(cls, event: Mapping[str, Any] | None) -> ScheduledRun:
        return cls.model_validate(dict(event or {}))
