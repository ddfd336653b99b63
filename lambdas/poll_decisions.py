"""Every 5 minutes, and once when quiet hours end for a PO that waited: act on the owner's
decisions. Runs with reserved concurrency 1 and holds the sheet's lease while it works, so it
never overlaps the daily check either; the ledger's claim keeps every send at most once even
if two runs did overlap."""

from __future__ import annotations

from typing import Any, Final

from aws_lambda_powertools.utilities.typing import LambdaContext

from lambdas.events import ScheduledRun
from lambdas.log import logger
from lambdas.runs import sheet_run
from lambdas.summaries import poll_summary
from sheets_bot.adapters.aws.wiring import cloud
from sheets_bot.services.poll import run_poll

WAIT_FOR_SHEET: Final = 20.0
"""Seconds to wait for the daily check to finish writing the sheet."""


@logger.inject_lambda_context(clear_state=True)
@sheet_run(parse=ScheduledRun.parse, what="the poll", wait=WAIT_FOR_SHEET, message="poll done")
def handler(run: ScheduledRun, context: LambdaContext) -> dict[str, Any]:
    report = run_poll(cloud().poll_adapters(context.invoked_function_arn))
    return poll_summary(report, run)
