"""Behind a Function URL (no AWS auth: the signed token in the link is the authority): the
digest's Approve / Skip links. GET shows the confirmation page and changes nothing; the
page's button POSTs, and the decision is written into the Drafts tab for the next poll."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from lambdas.log import logger
from sheets_bot.adapters.aws.wiring import cloud
from sheets_bot.web.decision import decision_app, next_poll_within
from sheets_bot.web.http_server import (
    WebResponse,
    from_function_url_event,
    to_function_url_response,
)
from sheets_bot.web.pages import message_page

POLL_EVERY = "5 minutes"
"""The stack's PollDecisionsSchedule rate (infra/template.yaml): what the page promises."""


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = from_function_url_event(event)
    wiring = cloud()
    key = wiring.link_key
    if key is None:
        response = WebResponse(503, message_page("Links are off", "This deployment has no key."))
    else:
        app = decision_app(
            wiring.link_adapters,
            key,
            open_to_read=wiring.link_reader,
            when_sent=next_poll_within(POLL_EVERY),
        )
        response = app(request)
    # The status only: the URL holds the token, the page the shop's data.
    logger.info("decision link", extra={"method": request.method, "status": response.status})
    return to_function_url_response(response)
