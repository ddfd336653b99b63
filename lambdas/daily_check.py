"""Once a day at the owner's digest time: every item through the rules, drafts in the sheet."""

from __future__ import annotations

from typing import Any, Final

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from lambdas.events import ScheduledRun
from lambdas.summaries import check_summary
from sheets_bot.adapters.aws.wiring import cloud
from sheets_bot.services.check import run_check

WAIT_FOR_SHEET: Final = 60.0
"""Seconds to wait for a poll that is writing the sheet (it takes a few)."""

logger = Logger(service="sheets-bot")


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    run = ScheduledRun.parse(event)
    wiring = cloud()
    with wiring.sheet_lock(context.aws_request_id, "the daily check", wait=WAIT_FOR_SHEET):
        report = run_check(wiring.adapters())
    summary = check_summary(report, run)
    logger.info("daily check done", extra=summary)
    return summary
