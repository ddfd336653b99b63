"""``Scheduler`` over EventBridge Scheduler: a one-off ``at(...)`` schedule that invokes the
poller once with a payload and deletes itself after it ran (``ActionAfterCompletion =
DELETE``), so nothing accumulates and nothing is left to clean up.

* The time is written in the shop's timezone (``ScheduleExpressionTimezone``), whole seconds,
  rounded up: the run never starts before the moment asked for.
* The same name again replaces the schedule (``ConflictException`` on create -> update), so a
  caller may repeat itself; a retried create carries a client token derived from its content.
* ``cancel`` of a schedule that is gone (it ran, or never existed) does nothing.
* The target retries a failed invocation for up to an hour, then gives up to the dead-letter
  queue when one is configured.

Requests: ``schedule_once`` one (two when the name exists); ``cancel`` one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final
from zoneinfo import ZoneInfo

from botocore.exceptions import ClientError

from sheets_bot.adapters.local.scheduler import check_aware, check_name

if TYPE_CHECKING:
    from mypy_boto3_scheduler import EventBridgeSchedulerClient
    from mypy_boto3_scheduler.type_defs import CreateScheduleInputTypeDef, TargetTypeDef

MAX_EVENT_AGE: Final = 3600
"""Seconds a scheduled invocation is retried before it is dropped (or dead-lettered)."""
RETRIES: Final = 5


def at_expression(at: datetime, zone: ZoneInfo) -> str:
    """``at(yyyy-mm-ddThh:mm:ss)`` in ``zone``, rounded up to the whole second."""
    moment = check_aware(at)
    if moment.microsecond:
        moment = moment.replace(microsecond=0) + timedelta(seconds=1)
    return f"at({moment.astimezone(zone):%Y-%m-%dT%H:%M:%S})"


class EventBridgeScheduler:
    """One-off runs of ``target_arn`` (the poller) in schedule group ``group``, invoked with
    ``role_arn`` (a role EventBridge Scheduler may assume, allowed to invoke the target)."""

    def __init__(
        self,
        client: EventBridgeSchedulerClient,
        *,
        group: str,
        target_arn: str,
        role_arn: str,
        timezone: str = "UTC",
        dead_letter_arn: str | None = None,
    ) -> None:
        self._client = client
        self.group = group
        self.target_arn = target_arn
        self.role_arn = role_arn
        self.zone = ZoneInfo(timezone)
        self.dead_letter_arn = dead_letter_arn

    def __repr__(self) -> str:
        return f"EventBridgeScheduler(group={self.group!r}, target={self.target_arn!r})"

    def schedule_once(self, name: str, at: datetime, payload: Mapping[str, object]) -> None:
        request = self._request(check_name(name), at, payload)
        try:
            self._client.create_schedule(**request)
        except ClientError as error:
            if _code(error) != "ConflictException":
                raise
            self._client.update_schedule(**request)

    def cancel(self, name: str) -> None:
        try:
            self._client.delete_schedule(Name=check_name(name), GroupName=self.group)
        except ClientError as error:
            if _code(error) != "ResourceNotFoundException":
                raise

    def _request(
        self, name: str, at: datetime, payload: Mapping[str, object]
    ) -> CreateScheduleInputTypeDef:
        expression = at_expression(at, self.zone)
        body = json.dumps(dict(payload), sort_keys=True, default=str)
        target: TargetTypeDef = {
            "Arn": self.target_arn,
            "RoleArn": self.role_arn,
            "Input": body,
            "RetryPolicy": {
                "MaximumEventAgeInSeconds": MAX_EVENT_AGE,
                "MaximumRetryAttempts": RETRIES,
            },
        }
        if self.dead_letter_arn:
            target["DeadLetterConfig"] = {"Arn": self.dead_letter_arn}
        token = hashlib.sha256(f"{self.group}/{name}/{expression}/{body}".encode()).hexdigest()
        return {
            "Name": name,
            "GroupName": self.group,
            "ScheduleExpression": expression,
            "ScheduleExpressionTimezone": self.zone.key,
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "ActionAfterCompletion": "DELETE",
            "State": "ENABLED",
            "Description": "sheets-bot: a one-off poll (sends a PO held for quiet hours)",
            "Target": target,
            "ClientToken": token[:64],
        }


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))
