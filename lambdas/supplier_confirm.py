"""The supplier confirmation page behind a Function URL: the link in a PO email opens it, its
button records the confirmation; the poller claims the Orders lines confirmed."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from lambdas.log import logger
from sheets_bot.adapters.aws.web_wiring import web
from sheets_bot.web.http_server import from_function_url_event, to_function_url_response
from sheets_bot.web.server import route


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    response = route(web("supplier_confirm").confirm_apps(), from_function_url_event(event))
    logger.info("confirmation page", extra={"status": response.status})
    return to_function_url_response(response)
