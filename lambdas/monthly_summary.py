"""On the 1st at the digest time: last month's summary emailed to the owner.

The schedule's event sends last month's summary once (a repeated delivery sends nothing);
an event naming a ``month`` (a run by hand) sends that month's again."""

from __future__ import annotations

from typing import Any, Final

from aws_lambda_powertools.utilities.typing import LambdaContext

from lambdas.events import ScheduledRun
from lambdas.log import logger
from lambdas.runs import sheet_run
from lambdas.summaries import monthly_summary
from sheets_bot.adapters.aws.wiring import cloud
from sheets_bot.domain.monthly import Month
from sheets_bot.services.monthly import run_summary

WAIT_FOR_SHEET: Final = 60.0
"""Seconds to wait for a check or poll that is writing the sheet."""


@logger.inject_lambda_context(clear_state=True)
@sheet_run(
    parse=ScheduledRun.parse,
    what="the monthly summary",
    wait=WAIT_FOR_SHEET,
    message="monthly summary sent",
)
def handler(run: ScheduledRun, context: LambdaContext) -> dict[str, Any]:
    month = Month.parse(run.month) if run.month else None
    report = run_summary(cloud().monthly_adapters(), month, once=month is None)
    return monthly_summary(report, run)
