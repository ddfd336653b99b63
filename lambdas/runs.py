"""What every handler that writes the sheet does around its service, in one place: parse the
event, hold the sheet's lease for the run, call the service (the handler's body), log its
one-line summary. A Powertools middleware (``lambda_handler_decorator``), so a handler is::

    @logger.inject_lambda_context(clear_state=True)
    @sheet_run(parse=ScheduledRun.parse, what="the poll", wait=20.0, message="poll done")
    def handler(run: ScheduledRun, context: LambdaContext) -> dict[str, Any]:
        return poll_summary(run_poll(cloud().poll_adapters(context.invoked_function_arn)), run)

``logger`` (``lambdas.log``) is the functions' one Powertools logger.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from aws_lambda_powertools.middleware_factory import lambda_handler_decorator
from aws_lambda_powertools.utilities.typing import LambdaContext

from lambdas.log import logger
from sheets_bot.adapters.aws.wiring import cloud

Summary = dict[str, Any]
E = TypeVar("E")


Handler = Callable[[Mapping[str, Any], LambdaContext], Summary]


def _sheet_run(
    handler: Callable[[Any, LambdaContext], Summary],
    event: Mapping[str, Any],
    context: LambdaContext,
    *,
    parse: Callable[[Mapping[str, Any]], Any],
    what: str,
    wait: float,
    message: str,
) -> Summary:
    parsed = parse(event)
    with cloud().sheet_lock(context.aws_request_id, what, wait=wait):
        summary = handler(parsed, context)
    logger.info(message, extra=summary)
    return summary


_middleware: Callable[..., Any] = lambda_handler_decorator(_sheet_run)


def sheet_run(
    *, parse: Callable[[Mapping[str, Any]], E], what: str, wait: float, message: str
) -> Callable[[Callable[[E, LambdaContext], Summary]], Handler]:
    """Parse the event with ``parse`` (a malformed one fails before the lease is taken), run
    the handler with the parsed event and the sheet's lease held for ``what`` (waiting up to
    ``wait`` seconds for another run's), then log ``message`` with the summary it returned."""

    def decorate(handler: Callable[[E, LambdaContext], Summary]) -> Handler:
        wrapped: Handler = _middleware(parse=parse, what=what, wait=wait, message=message)(handler)
        return wrapped

    return decorate
