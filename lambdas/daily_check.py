"""Once a day at the owner's digest time: every item through the rules, drafts in the sheet,
then the owner's digest (with failed runs from the failure queue)."""

from __future__ import annotations

from typing import Any, Final

from aws_lambda_powertools.utilities.typing import LambdaContext

from lambdas.events import ScheduledRun
from lambdas.log import logger
from lambdas.runs import sheet_run
from lambdas.summaries import check_summary, digest_summary
from sheets_bot.adapters.aws.wiring import cloud
from sheets_bot.services.daily import run_daily

WAIT_FOR_SHEET: Final = 60.0
"""Seconds to wait for a poll that is writing the sheet (it takes a few)."""


@logger.inject_lambda_context(clear_state=True)
@sheet_run(
    parse=ScheduledRun.parse,
    what="the daily check",
    wait=WAIT_FOR_SHEET,
    message="daily check done",
)
def handler(run: ScheduledRun, context: LambdaContext) -> dict[str, Any]:
    daily = run_daily(cloud().daily_adapters())
    return check_summary(daily.check, run) | digest_summary(daily.digest)
