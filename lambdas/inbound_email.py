"""For each email to the shop's intake address: the SES receipt rule stores the raw message
in S3, then invokes this with SES's verdicts; the forwarded counts become Proposed rows."""

from __future__ import annotations

from typing import Any, Final

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from lambdas.ses_events import InboundMail
from lambdas.summaries import ingest_summary
from sheets_bot.adapters.aws.wiring import cloud
from sheets_bot.services.ingest import ingest_message

WAIT_FOR_SHEET: Final = 60.0
"""Seconds to wait for a check or poll that is writing the sheet."""

logger = Logger(service="sheets-bot")


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    mail = InboundMail.parse(event)
    wiring = cloud()
    blobs = wiring.blobs()
    raw = blobs.get(mail.object_key)
    with wiring.sheet_lock(context.aws_request_id, "the email intake", wait=WAIT_FOR_SHEET):
        report = ingest_message(
            wiring.adapters(), blobs, raw, verdicts=mail.verdicts, parser=wiring.parser()
        )
    summary = ingest_summary(report)
    logger.info("email ingested", extra=summary)
    return summary
