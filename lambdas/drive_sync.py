"""Every 15 minutes: a snapshot of the Stock tab to S3 when it changed, folded into the stock
history (one blob of StockDay rows per month) the learning reads."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from lambdas.events import ScheduledRun
from lambdas.log import logger
from lambdas.summaries import snapshot_summary
from sheets_bot.adapters.aws.wiring import cloud
from sheets_bot.services.snapshot import run_snapshot


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    run = ScheduledRun.parse(event)
    wiring = cloud()
    view = wiring.view("drive_sync")
    sheet, blobs = wiring.sync_ports()
    report = run_snapshot(
        sheet, blobs, view.sheet_id, now=wiring.clock.now(), timezone=view.timezone
    )
    summary = snapshot_summary(report, run)
    logger.info("drive sync done", extra=summary)
    return summary
