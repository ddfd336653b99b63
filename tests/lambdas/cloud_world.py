"""A whole deployment in one process, for the handler tests and ``benchmarks/lambda_costs.py``:
moto for DynamoDB, S3 (versioned), SES, Secrets Manager and EventBridge Scheduler, the fake
Sheets API for Google (real gspread and google-auth, with a generated service-account key kept
in Secrets Manager), and the handlers invoked as Lambda would invoke them.

Nothing leaves the process: moto answers every AWS call, and ``responses`` every HTTP request
(the Sheets API and Google's token endpoint; anything else fails).
"""

from __future__ import annotations

import functools
import json
import pickle
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final

import boto3
import responses
from moto import mock_aws
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ses.models import RawMessage, ses_backends
from pydantic import SecretStr

from sheets_bot.adapters.aws.secrets import forget_secrets
from sheets_bot.adapters.aws.tables import TableNames, create_tables
from sheets_bot.adapters.aws.wiring import AwsWiring, use
from sheets_bot.adapters.clock import FixedClock
from sheets_bot.cloud_config import CloudSettings, GoogleCredentialMode
from sheets_bot.documents.digest_email import DIGEST_HEADER
from sheets_bot.services.setup import run_init
from sheets_bot.sheet.layout import DRAFTS, SETTINGS, load_layout
from sheets_bot.testing.fake_sheets.spreadsheet import Spreadsheet
from sheets_bot.testing.fake_sheets_api import FakeSheetsApi
from sheets_bot.testing.google_credentials import serve_tokens, service_account_key
from sheets_bot.testing.google_sheet_owner import FakeSheetOwner, fake_google_sheet
from tests.aws.moto_support import REGION, aws_session

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_scheduler import EventBridgeSchedulerClient

    from sheets_bot.ports import Grid

ACCOUNT: Final = "corner-cafe-bot@corner-cafe.iam.gserviceaccount.com"
PREFIX: Final = "sheets-bot-test"
BUCKET: Final = f"{PREFIX}-snapshots"
SECRET_ID: Final = f"{PREFIX}/google-service-account"
GROUP: Final = f"{PREFIX}-sends"
FROM_ADDRESS: Final = "orders@cornercafe.example"
OWNER: Final = "owner@cornercafe.example"
SCHEDULER_ROLE: Final = f"arn:aws:iam::{DEFAULT_ACCOUNT_ID}:role/{PREFIX}-scheduler"
FAILURES: Final = f"arn:aws:sqs:{REGION}:{DEFAULT_ACCOUNT_ID}:{PREFIX}-failures"
MORNING: Final = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
LINK_KEY: Final = "test-link-key-of-at-least-thirty-two-characters"
LINKS_URL: Final = "https://links.lambda-url.eu-west-2.on.aws"


def function_arn(name: str) -> str:
    return f"arn:aws:lambda:{REGION}:{DEFAULT_ACCOUNT_ID}:function:{PREFIX}-{name}"


@dataclass
class LambdaContext:
    """What the Lambda runtime hands a handler, as far as the handlers and Powertools read it."""

    function_name: str
    memory_limit_in_mb: int = 256
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = "/aws/lambda/test"
    log_stream_name: str = "test"

    @property
    def invoked_function_arn(self) -> str:
        return function_arn(self.function_name)

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


@dataclass
class SheetsMeter:
    """What the (fake) Sheets API served: requests, seconds inside it including the added
    latency, and request body bytes."""

    requests: int = 0
    seconds: float = 0.0
    bytes_sent: int = 0


@dataclass
class CloudWorld:
    fake: FakeSheetsApi
    sheet_id: str
    settings: CloudSettings
    clock: FixedClock
    sheets: SheetsMeter = field(default_factory=SheetsMeter)
    wiring: AwsWiring = field(init=False)

    def __post_init__(self) -> None:
        self.new_container()

    # --- running functions ------------------------------------------------------------------

    def new_container(self, *, fresh_session: bool = False) -> AwsWiring:
        """Start a fresh container: new clients, secret read again, tokens fetched again.
        ``fresh_session`` also loads the service models anew, as a real cold start does."""
        forget_secrets()
        session = aws_session() if fresh_session else _session()
        self.wiring = AwsWiring(self.settings, session=session, clock=self.clock)
        use(self.wiring)
        return self.wiring

    def invoke(self, module: ModuleType, event: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Invoke ``module.handler`` as Lambda would, with a scheduler-style event."""
        name = module.__name__.rsplit(".", 1)[-1].replace("_", "-")
        handler: Callable[[dict[str, Any], LambdaContext], dict[str, Any]] = module.handler
        result = handler(dict(event or {"reason": "test"}), LambdaContext(name))
        json.dumps(result)  # what a handler returns must be JSON-able
        return result

    def at(self, moment: datetime) -> None:
        self.clock.instant = moment

    # --- the owner --------------------------------------------------------------------------

    @property
    def owner(self) -> FakeSheetOwner:
        return FakeSheetOwner(self.fake, self.sheet_id)

    def drafts(self) -> list[str]:
        return sorted({str(row["Draft"]) for row in self.owner.records(DRAFTS) if row["Draft"]})

    def approve(self, draft: str) -> None:
        """Pick approve in the Decision dropdown of every line of ``draft``."""
        grid = self.owner.grid(DRAFTS)
        decision = grid[0].index("Decision") + 1
        for number, row in enumerate(grid[1:], start=2):
            if row and row[0] == draft:
                self.owner.type_in(DRAFTS, number, decision, "approve")

    def statuses(self, draft: str) -> list[str]:
        return [str(row["Status"]) for row in self.owner.records(DRAFTS) if row["Draft"] == draft]

    # --- what AWS holds ---------------------------------------------------------------------

    def _accepted(self) -> list[EmailMessage]:
        sent = ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages
        messages = []
        for message in sent:
            if isinstance(message, RawMessage):
                parsed = message_from_bytes(message.raw_data.encode(), policy=policy.default)
                assert isinstance(parsed, EmailMessage)
                messages.append(parsed)
        return messages

    def emails(self) -> list[EmailMessage]:
        """The PO emails SES (moto) accepted, in order (the owner's digests: ``digests``)."""
        return [m for m in self._accepted() if m[DIGEST_HEADER] is None]

    def digests(self) -> list[EmailMessage]:
        """The owner's daily digests SES (moto) accepted, in order."""
        return [m for m in self._accepted() if m[DIGEST_HEADER] is not None]

    def fail_a_run(self, function: str, error_type: str) -> None:
        """What Lambda's on-failure destination puts in the failure queue."""
        sqs = self.wiring.sqs
        url = sqs.get_queue_url(QueueName=FAILURES.rsplit(":", 1)[-1])["QueueUrl"]
        record = {
            "version": "1.0",
            "timestamp": self.clock.now().isoformat(),
            "requestContext": {
                "requestId": str(uuid.uuid4()),
                "functionArn": function_arn(function) + ":$LATEST",
                "condition": "RetriesExhausted",
                "approximateInvokeCount": 1,
            },
            "requestPayload": {"reason": "every 5 minutes"},
            "responseContext": {"statusCode": 200, "functionError": "Unhandled"},
            "responsePayload": {"errorType": error_type, "errorMessage": "private detail"},
        }
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps(record))

    def queued_failures(self) -> int:
        sqs = self.wiring.sqs
        url = sqs.get_queue_url(QueueName=FAILURES.rsplit(":", 1)[-1])["QueueUrl"]
        attributes = sqs.get_queue_attributes(
            QueueUrl=url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return sum(int(value) for value in attributes.values())

    @property
    def s3(self) -> S3Client:
        return self.wiring.s3

    @property
    def scheduler(self) -> EventBridgeSchedulerClient:
        return self.wiring.scheduler_client

    def snapshot_versions(self) -> int:
        found = self.s3.list_object_versions(Bucket=BUCKET, Prefix="snapshots/")
        return sum(1 for v in found.get("Versions", []) if v["Key"].endswith(".csv.gz"))

    def schedules(self) -> dict[str, dict[str, Any]]:
        """One-off schedules in the sends group: name -> its ``at`` expression and payload."""
        found = {}
        for summary in self.scheduler.list_schedules(GroupName=GROUP)["Schedules"]:
            schedule = self.scheduler.get_schedule(Name=summary["Name"], GroupName=GROUP)
            found[summary["Name"]] = {
                "expression": schedule["ScheduleExpression"],
                "zone": schedule["ScheduleExpressionTimezone"],
                "target": schedule["Target"]["Arn"],
                "payload": json.loads(schedule["Target"]["Input"]),
            }
        return found

    def ran(self, name: str) -> None:
        """A one-off schedule ran: EventBridge deletes it (ActionAfterCompletion DELETE)."""
        self.scheduler.delete_schedule(Name=name, GroupName=GROUP)


def _settings(sheet_id: str) -> CloudSettings:
    names = TableNames.with_prefix(PREFIX)
    return CloudSettings(
        sheet_id=sheet_id,
        region=REGION,
        ledger_table=names.ledger,
        audit_table=names.audit,
        memory_table=names.memory,
        bucket=BUCKET,
        from_address=FROM_ADDRESS,
        google_credentials=GoogleCredentialMode.SECRET,
        google_secret_id=SECRET_ID,
        schedule_group=GROUP,
        scheduler_role_arn=SCHEDULER_ROLE,
        timezone="Europe/London",
        failure_queue_arn=FAILURES,
        link_key=SecretStr(LINK_KEY),
        links_url=LINKS_URL,
    )


@functools.cache
def _session() -> boto3.session.Session:
    """One session for the process: it caches the service models its clients load (a new
    container's clients are still new clients)."""
    return aws_session()


def _provision() -> None:
    """What the SAM template creates, in moto."""
    session = _session()
    create_tables(session.client("dynamodb"), TableNames.with_prefix(PREFIX))
    s3 = session.client("s3")
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    session.client("sesv2").create_email_identity(EmailIdentity="cornercafe.example")
    session.client("scheduler").create_schedule_group(Name=GROUP)
    session.client("sqs").create_queue(QueueName=FAILURES.rsplit(":", 1)[-1])
    session.client("secretsmanager").create_secret(
        Name=SECRET_ID, SecretString=json.dumps(service_account_key(ACCOUNT))
    )


def _settings_rows(world: CloudWorld, values: Mapping[str, str]) -> None:
    grid = world.owner.grid(SETTINGS)
    for number, row in enumerate(grid[1:], start=2):
        if row and str(row[0]) in values:
            world.owner.set_cell(SETTINGS, number, "Value", values[str(row[0])])


@functools.cache
def _sample_template() -> tuple[str, bytes]:
    """The sample café initialised once per test session (``init`` on the fake takes a second)."""
    with FakeSheetsApi.running() as fake:
        sheet_id = fake.create_spreadsheet("Corner Café")
        run_init(fake_google_sheet(fake, sheet_id), sample=True)
        return sheet_id, pickle.dumps(fake._spreadsheets[sheet_id])


def _sample_cafe(fake: FakeSheetsApi) -> str:
    """A copy of the initialised sample café in ``fake``; its id."""
    sheet_id, template = _sample_template()
    copied: Spreadsheet = pickle.loads(template)  # noqa: S301 - our own bytes, this process
    fake._spreadsheets[sheet_id] = copied
    return sheet_id


@contextmanager
def cloud_world(
    *,
    rows: Mapping[str, Grid] | None = None,
    sheets_latency: float = 0.0,
    now: datetime = MORNING,
) -> Iterator[CloudWorld]:
    """The deployment with the sample café in its sheet, or the tabs in ``rows`` (a synthetic
    shop) with the café's Settings. ``sheets_latency`` seconds are added to every Sheets API
    request, as a real network round trip would."""
    fake = FakeSheetsApi(history=5)
    meter = SheetsMeter()
    handle = fake._handle

    def served(request: Any) -> Any:
        started = time.perf_counter()
        if sheets_latency:
            time.sleep(sheets_latency)
        try:
            return handle(request)
        finally:
            meter.requests += 1
            meter.seconds += time.perf_counter() - started
            meter.bytes_sent += len(request.body or b"")

    fake._handle = served  # type: ignore[method-assign]
    with mock_aws(), responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake.install(rsps)
        serve_tokens(rsps)
        _provision()
        if rows is None:
            sheet_id = _sample_cafe(fake)
        else:
            sheet_id = fake.create_spreadsheet("Corner Café")
            run_init(fake_google_sheet(fake, sheet_id), sample=False)
        world = CloudWorld(fake, sheet_id, _settings(sheet_id), FixedClock(now), meter)
        if rows is not None:
            fake_google_sheet(fake, sheet_id).prepare(load_layout(), rows)
            _settings_rows(
                world,
                {
                    "From address": FROM_ADDRESS,
                    "Owner email": OWNER,
                    "Timezone": "Europe/London",
                    "Quiet hours": "22:00-06:00",
                },
            )
        try:
            yield world
        finally:
            use(None)
            forget_secrets()
