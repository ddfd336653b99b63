"""On the 1st at the digest time: last month's summary emailed to the owner.

The schedule's event sends last month's summary once (a repeated delivery sends nothing);
an event naming a ``month`` (a run by hand) sends that month's again."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Final

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from lambdas.events import ScheduledRun
from lambdas.summaries import monthly_summary
from sheets_bot.adapters.aws.wiring import cloud
from sheets_bot.domain.monthly import Month
from sheets_bot.services.monthly import run_summary

WAIT_FOR_SHEET: Final = 60.0
"""Seconds to wait for a check or poll that is writing the sheet."""

logger = Logger(service="sheets-bot")


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    run = ScheduledRun.parse(event)
    wiring = cloud()
    month = Month.parse(run.month) if run.month else None
    with wiring.sheet_lock(context.aws_request_id, "the monthly summary", wait=WAIT_FOR_SHEET):
        adapters = replace(wiring.adapters(history=True), narrator=wiring.narrator())
        report = run_summary(adapters, month, once=month is None)
    summary = monthly_summary(report, run)
    logger.info("monthly summary sent", extra=summary)
    return summary
