"""``RunFailures`` on AWS: the stack's SQS failure queue.

Three kinds of message land there, and each is read for what the digest shows (which
function, when, what kind of error) and nothing else: never the payload or the message.

* Lambda's on-failure destination for async invocations: a JSON record with
  ``requestContext.functionArn``, ``timestamp`` and ``responsePayload.errorType``;
* EventBridge Scheduler's dead-letter events: message attributes ``TARGET_ARN`` and
  ``ERROR_CODE``, the time SQS received it;
* what a handler records itself (``record``): ``{"sheets_bot_failure": ...}``.

``pending`` receives with a visibility timeout, so messages it returns stay hidden while the
digest is built and sent; ``acknowledge`` deletes them after it went out. If the digest fails
they reappear and the next digest shows them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from sheets_bot.domain.digest import FailedRun, oldest_first
from sheets_bot.ports import PendingFailure

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import MessageTypeDef

MAX_BATCHES: Final = 5
"""At most 50 failures per digest; more wait for the next one."""
VISIBILITY_SECONDS: Final = 300
_OWN: Final = "sheets_bot_failure"


def queue_url(client: SQSClient, queue_arn: str) -> str:
    """``arn:aws:sqs:REGION:ACCOUNT:NAME`` -> the queue's URL."""
    parts = queue_arn.split(":")
    return client.get_queue_url(QueueName=parts[5], QueueOwnerAWSAccountId=parts[4])["QueueUrl"]


def function_name(arn: str) -> str:
    """``arn:aws:lambda:...:function:NAME[:qualifier]`` -> ``NAME``."""
    parts = arn.split(":")
    if len(parts) >= 7 and parts[5] == "function":
        return parts[6]
    return arn.rsplit(":", 1)[-1] or "unknown"


def _when(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _attribute(message: MessageTypeDef, name: str) -> str:
    attribute = message.get("MessageAttributes", {}).get(name)
    return str(attribute.get("StringValue", "")) if attribute else ""


def failure_of(message: MessageTypeDef) -> FailedRun:
    """What one queue message says failed; unknown shapes still count, as ``unknown``."""
    try:
        body: Any = json.loads(message.get("Body", ""))
    except ValueError:
        body = None
    if isinstance(body, Mapping) and isinstance(body.get(_OWN), Mapping):
        own = body[_OWN]
        return FailedRun(
            str(own.get("function", "unknown")),
            _when(own.get("when")),
            str(own.get("error", "")),
            str(own.get("reason", "")),
        )
    if isinstance(body, Mapping) and isinstance(body.get("requestContext"), Mapping):
        context = body["requestContext"]
        response = body.get("responsePayload")
        error = response.get("errorType") if isinstance(response, Mapping) else None
        return FailedRun(
            function_name(str(context.get("functionArn", ""))),
            _when(body.get("timestamp")),
            str(error or context.get("condition") or "unknown error"),
        )
    sent = message.get("Attributes", {}).get("SentTimestamp")
    when = datetime.fromtimestamp(int(sent) / 1000, UTC) if sent else None
    target = _attribute(message, "TARGET_ARN")
    error = _attribute(message, "ERROR_CODE") or "not delivered by the scheduler"
    return FailedRun(function_name(target) if target else "unknown", when, error)


class SqsRunFailures:
    def __init__(self, client: SQSClient, queue_arn: str) -> None:
        self._client = client
        self._arn = queue_arn
        self._url: str | None = None

    def __repr__(self) -> str:
        return f"SqsRunFailures(queue={self._arn!r})"

    @property
    def url(self) -> str:
        if self._url is None:
            self._url = queue_url(self._client, self._arn)
        return self._url

    def record(self, failure: FailedRun) -> None:
        body = {
            _OWN: {
                "function": failure.function,
                "when": failure.when.isoformat() if failure.when else None,
                "error": failure.error_type,
                "reason": failure.reason,
            }
        }
        self._client.send_message(QueueUrl=self.url, MessageBody=json.dumps(body))

    def pending(self) -> list[PendingFailure]:
        found: list[PendingFailure] = []
        for _ in range(MAX_BATCHES):
            messages = self._client.receive_message(
                QueueUrl=self.url,
                MaxNumberOfMessages=10,
                VisibilityTimeout=VISIBILITY_SECONDS,
                WaitTimeSeconds=0,
                MessageAttributeNames=["All"],
                MessageSystemAttributeNames=["SentTimestamp"],
            ).get("Messages", [])
            if not messages:
                break
            found.extend(
                PendingFailure(failure_of(message), message["ReceiptHandle"])
                for message in messages
            )
        return sorted(found, key=lambda pending: oldest_first(pending.failure))

    def acknowledge(self, failures: Sequence[PendingFailure]) -> None:
        handles = [pending.handle for pending in failures]
        for start in range(0, len(handles), 10):
            self._client.delete_message_batch(
                QueueUrl=self.url,
                Entries=[
                    {"Id": str(index), "ReceiptHandle": handle}
                    for index, handle in enumerate(handles[start : start + 10])
                ],
            )
