"""For each email to the shop's intake address: the SES receipt rule stores the raw message
in S3, then invokes this with SES's verdicts; the forwarded counts become Proposed rows."""

from __future__ import annotations

from typing import Any, Final

from aws_lambda_powertools.utilities.typing import LambdaContext

from lambdas.log import logger
from lambdas.runs import sheet_run
from lambdas.ses_events import InboundMail
from lambdas.summaries import ingest_summary
from sheets_bot.adapters.aws.wiring import cloud
from sheets_bot.services.ingest import ingest_message

WAIT_FOR_SHEET: Final = 60.0
"""Seconds to wait for a check or poll that is writing the sheet."""


@logger.inject_lambda_context(clear_state=True)
@sheet_run(
    parse=InboundMail.parse, what="the email intake", wait=WAIT_FOR_SHEET, message="email ingested"
)
def handler(mail: InboundMail, context: LambdaContext) -> dict[str, Any]:
    ports = cloud().intake_adapters()
    report = ingest_message(ports, ports.blobs.get(mail.object_key), verdicts=mail.verdicts)
    return ingest_summary(report)
