"""What a Lambda function runs against: the AWS adapters and the owner's Google Sheet, built
from ``CloudSettings``.

A Lambda container serves many invocations one at a time. Everything that costs time to make
and does not change between them is made once per container, on first use, and kept: the
boto3 session and clients, the Google identity (so its access token is reused until it
expires) and the HTTP client to the Sheets API (so its connection is reused). What belongs to
one run is made per run: the ``GoogleSheet`` (it keeps what it read), the lane's bundle of
ports (``services/lanes.py``), one entry point per function: ``daily_adapters()``,
``poll_adapters(arn)``, ``intake_adapters()``, ``monthly_adapters()``, ``decision_adapters()``
and ``sync_ports()``, each built from only the settings its function reads (``LANES``).

``cloud()`` is the container's wiring, built from the environment the first time a handler
asks; tests install their own with ``use``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from email.message import EmailMessage
from email.utils import parseaddr
from functools import cached_property
from typing import TYPE_CHECKING

import boto3

from sheets_bot.adapters.aws.dynamodb_audit import DynamoAuditLog
from sheets_bot.adapters.aws.dynamodb_ledger import DynamoLedger
from sheets_bot.adapters.aws.dynamodb_live import DynamoClaims, DynamoReceiptLog, DynamoSalesLog
from sheets_bot.adapters.aws.dynamodb_memory import DynamoCellMemory
from sheets_bot.adapters.aws.run_lock import RunLock
from sheets_bot.adapters.aws.s3_blobs import S3Blobs
from sheets_bot.adapters.aws.scheduler import EventBridgeScheduler
from sheets_bot.adapters.aws.secrets import service_account_info
from sheets_bot.adapters.aws.ses_mailer import SesMailer, ses_client
from sheets_bot.adapters.clock import SystemClock
from sheets_bot.adapters.off import NoReceiptLog, NoSalesLog
from sheets_bot.cloud_config import CloudSettings, GoogleCredentialMode
from sheets_bot.domain.confirm_links import ConfirmLinks
from sheets_bot.errors import MailRejected
from sheets_bot.ports import Clock, Mailer, Parser, ReceiptLog, SalesLog
from sheets_bot.services.lanes import (
    DailyPorts,
    IntakePorts,
    LinkPorts,
    MonthlyPorts,
    PollPorts,
)
from sheets_bot.services.shop import CoreFields

if TYPE_CHECKING:
    from gspread.http_client import HTTPClient
    from mypy_boto3_bedrock_runtime import BedrockRuntimeClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_scheduler import EventBridgeSchedulerClient
    from mypy_boto3_secretsmanager import SecretsManagerClient
    from mypy_boto3_sesv2 import SESV2Client
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_textract import TextractClient

    from sheets_bot.adapters.aws.bedrock_narrator import BedrockNarrator
    from sheets_bot.adapters.aws.dynamodb_marks import DynamoMarks
    from sheets_bot.adapters.aws.sqs_failures import SqsRunFailures
    from sheets_bot.adapters.google.credentials import GoogleIdentity
    from sheets_bot.adapters.google.sheet import GoogleSheet
    from sheets_bot.services.decision_links import LinkSigner
    from sheets_bot.services.learner_states import BlobLearnerStates
    from sheets_bot.services.stock_history import BlobStockHistory


class VerifiedSenderMailer:
    """Sends only From the deployment's verified SES address.

    The functions may send only as that identity (their IAM policy names it), and SES answers
    any other From with AccessDenied, which reads as "outcome unknown". A From address in
    Settings that differs is certainly not sent: ``MailRejected``, with what to change.
    """

    def __init__(self, inner: Mailer, from_address: str) -> None:
        self.inner = inner
        self.from_address = from_address

    def __repr__(self) -> str:
        return f"VerifiedSenderMailer({self.inner!r}, from_address={self.from_address!r})"

    def send(self, message: EmailMessage) -> str:
        sender = parseaddr(str(message["From"] or ""))[1]
        if sender.casefold() != self.from_address.casefold():
            raise MailRejected(
                f"the From address {sender or '(none)'!r} is not this deployment's verified"
                f" SES sender: set 'From address' in Settings to {self.from_address}"
            )
        return self.inner.send(message)


def function_arn(invoked_arn: str) -> str:
    """A Lambda function's ARN without the version or alias it was invoked through."""
    parts = invoked_arn.split(":")
    return ":".join(parts[:7]) if len(parts) > 7 else invoked_arn


class AwsWiring:
    """The adapters of one deployment. ``session`` and ``clock`` are for tests."""

    def __init__(
        self,
        settings: CloudSettings,
        *,
        session: boto3.session.Session | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.settings = settings
        self._session = session
        self.clock: Clock = clock or SystemClock()

    def __repr__(self) -> str:
        return f"AwsWiring(sheet={self.settings.sheet_id!r}, region={self.settings.region!r})"

    # --- clients: one each per container ---------------------------------------------------

    @cached_property
    def session(self) -> boto3.session.Session:
        return self._session or boto3.session.Session(region_name=self.settings.region)

    @cached_property
    def dynamodb(self) -> DynamoDBClient:
        return self.session.client("dynamodb", region_name=self.settings.region)

    @cached_property
    def s3(self) -> S3Client:
        return self.session.client("s3", region_name=self.settings.region)

    @cached_property
    def ses(self) -> SESV2Client:
        return ses_client(self.session, self.settings.region)

    @cached_property
    def secrets(self) -> SecretsManagerClient:
        return self.session.client("secretsmanager", region_name=self.settings.region)

    @cached_property
    def bedrock(self) -> BedrockRuntimeClient:
        return self.session.client("bedrock-runtime", region_name=self.settings.region)

    @cached_property
    def textract(self) -> TextractClient:
        return self.session.client("textract", region_name=self.settings.region)

    @cached_property
    def scheduler_client(self) -> EventBridgeSchedulerClient:
        return self.session.client("scheduler", region_name=self.settings.region)

    @cached_property
    def sqs(self) -> SQSClient:
        return self.session.client("sqs", region_name=self.settings.region)

    # --- the container's adapters (full settings: the CLI and tests) -----------------------

    def view(self, lane: str) -> CloudSettings:
        """The settings as function ``lane`` (a handler module's name) reads them."""
        return self.settings.only(lane)

    @property
    def link_key(self) -> bytes | None:
        key = self.settings.link_key
        return key.get_secret_value().encode("utf-8") if key is not None else None

    @cached_property
    def ledger(self) -> DynamoLedger:
        return DynamoLedger(self.dynamodb, self.settings.need("ledger_table"))

    @cached_property
    def audit(self) -> DynamoAuditLog:
        return DynamoAuditLog(self.dynamodb, self.settings.need("audit_table"))

    @cached_property
    def memory(self) -> DynamoCellMemory:
        return DynamoCellMemory(self.dynamodb, self.settings.need("memory_table"))

    @cached_property
    def mailer(self) -> Mailer:
        return self._mailer(self.settings)

    @cached_property
    def run_lock(self) -> RunLock:
        return RunLock(self.dynamodb, self.settings.need("ledger_table"))

    def sheet_lock(self, holder: str, what: str, *, wait: float) -> AbstractContextManager[None]:
        """Hold the sheet for one run (see ``run_lock``): ``with cloud().sheet_lock(...):``."""
        return self.run_lock.held(holder, what, wait=wait)

    # --- one entry point per lane: the bundle of ports its function runs with -------------

    def daily_adapters(self) -> DailyPorts:
        """The daily check and its digest: the Stock history, the POS sales and receipts the
        learning reads, the learned demand it keeps, the digest's marks, the failure queue,
        the links' signer and the stack's digest time."""
        view = self.view("daily_check")
        sales, receipts = self._live_logs(view)
        return DailyPorts(
            **self._core(view),
            history=self._history(view),
            sales=sales,
            receipts=receipts,
            learned=self._learned(view),
            mailer=self._mailer(view),
            marks=self._marks(view),
            failures=self._failures(view),
            links=self._signer(view),
            digest_time=view.digest_time,
        )

    def poll_adapters(self, invoked_arn: str) -> PollPorts:
        """The poll: one-off schedules of itself (``invoked_arn``) and every live lane."""
        view = self.view("poll_decisions")
        sales, receipts = self._live_logs(view)
        return PollPorts(
            **self._core(view),
            mailer=self._mailer(view),
            sales=sales,
            receipts=receipts,
            claims=DynamoClaims(self.dynamodb, view.live_table) if view.live_table else None,
            scheduler=self._scheduler(view, invoked_arn),
            confirm_links=self._confirm_links(view),
        )

    def intake_adapters(self) -> IntakePorts:
        """A forwarded email's run: the bucket (the raw message is there) and the parser; it
        writes Proposed rows and sends no mail."""
        view = self.view("inbound_email")
        return IntakePorts(
            **self._core(view),
            blobs=S3Blobs(self.s3, view.need("bucket")),
            parser=self._parser(view),
        )

    def monthly_adapters(self) -> MonthlyPorts:
        """The monthly summary: the Stock history, the receipts, the narrative model."""
        view = self.view("monthly_summary")
        _, receipts = self._live_logs(view)
        return MonthlyPorts(
            **self._core(view),
            mailer=self._mailer(view),
            history=self._history(view),
            receipts=receipts,
            narrator=self._narrator(view),
        )

    def decision_adapters(self) -> LinkPorts:
        """A digest link's run: the digest marks (its nonces); it writes the Drafts tab only."""
        view = self.view("decision_link")
        return LinkPorts(**self._core(view), marks=self._marks(view))

    @contextmanager
    def link_adapters(self, wait: float = 10.0) -> Iterator[LinkPorts]:
        """A digest link's run: the sheet's lease held, so it never writes during a poll."""
        with self.sheet_lock(uuid.uuid4().hex, "a digest link", wait=wait):
            yield self.decision_adapters()

    @contextmanager
    def link_reader(self) -> Iterator[LinkPorts]:
        """A digest link's confirmation page: it only reads, so it takes no lease."""
        yield self.decision_adapters()

    def sync_ports(self) -> tuple[GoogleSheet, S3Blobs]:
        """Drive sync: the sheet and the bucket, nothing else."""
        view = self.view("drive_sync")
        return self._sheet(view), S3Blobs(self.s3, view.need("bucket"))

    # --- builders, each from the settings a lane sees ---------------------------------------

    def _core(self, view: CloudSettings) -> CoreFields:
        """The ports every run that writes the sheet has."""
        return CoreFields(
            sheet=self._sheet(view),
            ledger=DynamoLedger(self.dynamodb, view.need("ledger_table")),
            audit=DynamoAuditLog(self.dynamodb, view.need("audit_table")),
            memory=DynamoCellMemory(self.dynamodb, view.need("memory_table")),
            clock=self.clock,
        )

    def _mailer(self, view: CloudSettings) -> Mailer:
        inner = SesMailer(self.ses, configuration_set=view.ses_configuration_set)
        return VerifiedSenderMailer(inner, view.need("from_address"))

    def _marks(self, view: CloudSettings) -> DynamoMarks:
        from sheets_bot.adapters.aws.dynamodb_marks import DynamoMarks

        return DynamoMarks(self.dynamodb, view.need("ledger_table"))

    def _failures(self, view: CloudSettings) -> SqsRunFailures:
        """The failure queue, read by the daily check's digest (only its role may)."""
        from sheets_bot.adapters.aws.sqs_failures import SqsRunFailures

        return SqsRunFailures(self.sqs, view.need("failure_queue_arn"))

    def _signer(self, view: CloudSettings) -> LinkSigner | None:
        """Signs the digest's links, when the stack has a key and a decision function.
        (Imported here: only the daily check signs links, and the poller's cold start counts.)"""
        from sheets_bot.services.decision_links import LinkSigner

        key = view.link_key
        if key is None or not view.links_url:
            return None
        return LinkSigner(key.get_secret_value().encode("utf-8"), view.links_url.rstrip("/"))

    def _confirm_links(self, view: CloudSettings) -> ConfirmLinks | None:
        """The PO emails' confirmation links, when the stack has a key and the page."""
        if view.link_key is None or not view.confirm_url or not view.live_table:
            return None
        return ConfirmLinks(view.confirm_url, view.link_key.get_secret_value().encode("utf-8"))

    def _parser(self, view: CloudSettings) -> Parser:
        """Reads counts that are not spreadsheets (Textract's tables, else the model); the
        Settings tab decides if it is used at all. Imported here: only the intake needs the
        file readers, and the poller's cold start stays without them."""
        from sheets_bot.adapters.aws.bedrock_parser import BedrockParser
        from sheets_bot.adapters.aws.textract_tables import TextractThenModel

        return TextractThenModel(self.textract, BedrockParser(self.bedrock, view.bedrock_model))

    def _history(self, view: CloudSettings) -> BlobStockHistory:
        """The StockDay blobs drive sync folds its snapshots into (read by the learning)."""
        from sheets_bot.services.stock_history import BlobStockHistory

        return BlobStockHistory(S3Blobs(self.s3, view.need("bucket")), view.sheet_id)

    def _learned(self, view: CloudSettings) -> BlobLearnerStates:
        """Each item's learned demand, one blob under ``learning/`` (the check's to write)."""
        from sheets_bot.services.learner_states import BlobLearnerStates

        return BlobLearnerStates(S3Blobs(self.s3, view.need("bucket")), view.sheet_id)

    def _narrator(self, view: CloudSettings) -> BedrockNarrator | None:
        """The monthly narrative's model, when the stack was deployed with AI summaries on."""
        if not view.summary_model:
            return None
        from sheets_bot.adapters.aws.bedrock_narrator import BedrockNarrator

        return BedrockNarrator(self.bedrock, view.summary_model)

    def _scheduler(self, view: CloudSettings, target_arn: str) -> EventBridgeScheduler | None:
        """One-off polls of ``target_arn`` (the poller's own ARN), if the stack has a group."""
        if not target_arn or not view.schedule_group or not view.scheduler_role_arn:
            return None
        return EventBridgeScheduler(
            self.scheduler_client,
            group=view.schedule_group,
            target_arn=function_arn(target_arn),
            role_arn=view.scheduler_role_arn,
            timezone=view.timezone,
            dead_letter_arn=view.failure_queue_arn,
        )

    def _live_logs(self, view: CloudSettings) -> tuple[SalesLog, ReceiptLog]:
        """The POS sales and the receipts, in the live table; a stack deployed without it has
        none (``NoSalesLog``, ``NoReceiptLog``: the learning reads them as empty)."""
        if not view.live_table:
            return NoSalesLog(), NoReceiptLog()
        return (
            DynamoSalesLog(self.dynamodb, view.live_table),
            DynamoReceiptLog(self.dynamodb, view.live_table),
        )

    # --- Google -----------------------------------------------------------------------------

    @cached_property
    def identity(self) -> GoogleIdentity:
        """The Google credentials, loaded once per container (tokens come on first use)."""
        from sheets_bot.adapters.google.credentials import identity_from_info, identity_from_json

        settings = self.settings
        if settings.google_credentials is GoogleCredentialMode.WIF:
            assert settings.google_wif_config is not None  # noqa: S101 - CloudSettings.check
            return identity_from_json(
                settings.google_wif_config.get_secret_value(), "SHEETS_BOT_GOOGLE_WIF_CONFIG"
            )
        assert settings.google_secret_id is not None  # noqa: S101 - CloudSettings.check
        info = service_account_info(self.secrets, settings.google_secret_id)
        return identity_from_info(info, f"secret {settings.google_secret_id!r}")

    @cached_property
    def http(self) -> HTTPClient:
        from sheets_bot.adapters.google.client import build_http_client

        return build_http_client(self.identity.credentials)

    def sheet(self) -> GoogleSheet:
        """The owner's sheet for one run (nothing is requested until it is read)."""
        return self._sheet(self.settings)

    def _sheet(self, view: CloudSettings) -> GoogleSheet:
        from sheets_bot.adapters.google.sheet import open_google_sheet

        return open_google_sheet(view.sheet_id, self.identity, http=self.http)


_current: AwsWiring | None = None


def cloud() -> AwsWiring:
    """This container's wiring, built from the environment on first use."""
    global _current
    if _current is None:
        _current = AwsWiring(CloudSettings.from_env(os.environ))
    return _current


def use(wiring: AwsWiring | None) -> None:
    """Install ``wiring`` as the container's (tests); ``None`` builds it afresh next time."""
    global _current
    _current = wiring
