"""The ports of each lane (use case), as one typed bundle per lane.

Every bundle is the ``Core`` (sheet, ledger, audit log, cell memory, clock) plus the ports its
use case always needs, each required: the wiring (``sheets_bot/wiring.py`` on one machine,
``sheets_bot/adapters/aws/wiring.py`` per Lambda function) builds the bundle, the use case
takes it and nothing beside it. A port that is there for one deployment and not another is
optional on only the bundle of the lane that uses it, and its docstring says what the lane
does without it:

======================  ==========================================================
``CheckPorts``          the check: the Stock history, POS sales, receipts, learned demand
``DailyPorts``          the check, then the digest: mail, marks, failed runs, links
``PollPorts``           the poll: mail, sales, receipts; claims, scheduler, confirm links
``IntakePorts``         a forwarded email: blobs; the AI parser where there is one
``MonthlyPorts``        the monthly summary: mail, the Stock history, receipts; a narrator
``LinkPorts``           a digest link: the digest's marks (used nonces)
======================  ==========================================================

A deployment without a live table (POS events, receipts, claims) gets the named
``NoSalesLog`` and ``NoReceiptLog`` of ``sheets_bot/adapters/off.py`` for the check's learning,
and no ``claims`` on the poll.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import TYPE_CHECKING

from sheets_bot.domain.confirm_links import ConfirmLinks
from sheets_bot.ports import (
    Blobs,
    Claims,
    LearnerStates,
    Mailer,
    Marks,
    Narrator,
    Parser,
    ReceiptLog,
    RunFailures,
    SalesLog,
    Scheduler,
    StockHistory,
)
from sheets_bot.services.shop import Core

if TYPE_CHECKING:
    from sheets_bot.services.decision_links import LinkSigner


@dataclass(frozen=True, kw_only=True)
class CheckPorts(Core):
    """The daily check: what the learning reads besides the sheet."""

    history: StockHistory
    """The Stock tab per item per day, from the snapshots (learning, the Trend column)."""
    sales: SalesLog
    """POS sale events (learning)."""
    receipts: ReceiptLog
    """Deliveries received against sent POs (lead times, supplier scores)."""
    learned: LearnerStates
    """Each item's learned demand, kept between checks (one day folded in per check)."""


@dataclass(frozen=True, kw_only=True)
class DailyPorts(CheckPorts):
    """The daily run: the check, then the owner's digest."""

    mailer: Mailer
    marks: Marks
    """The last digest's date (a digest goes once a day)."""
    failures: RunFailures
    """Failed runs, shown in the next digest."""
    links: LinkSigner | None = None
    """Signs the digest's Approve/Skip links; ``None`` where the deployment has no link key:
    the digest then lists what waits without links."""
    digest_time: time | None = None
    """When the digest is due, where the deployment fixes it (the stack's DigestTime, the time
    the check is scheduled at); ``None``: Settings' ``Digest time``."""


@dataclass(frozen=True, kw_only=True)
class PollPorts(Core):
    """The poll: the owner's decisions, proposals, and the live lanes."""

    mailer: Mailer
    sales: SalesLog
    """The POS sale events the webhook buffered, applied to On hand."""
    receipts: ReceiptLog
    """Where a received delivery is recorded (its lead time)."""
    claims: Claims | None = None
    """Once-only claims of the live lanes (an Orders line received, a supplier's
    confirmation, a follow-up sent); ``None`` where the deployment has no live table: the
    poll then does no receiving, confirmations or follow-ups."""
    scheduler: Scheduler | None = None
    """One-off runs (a poll when quiet hours end); ``None`` on one machine, where nothing runs
    on its own: the next regular poll after quiet hours sends what waited."""
    confirm_links: ConfirmLinks | None = None
    """Signs the confirmation link each PO email carries; ``None`` where suppliers cannot
    reach a confirmation page: the email then has none."""


@dataclass(frozen=True, kw_only=True)
class IntakePorts(Core):
    """A forwarded email's run: it writes Proposed rows and sends no mail."""

    blobs: Blobs
    """Where the raw message and the files already seen are kept."""
    parser: Parser | None = None
    """Reads counts out of what is not a spreadsheet (a PDF, a photo); ``None`` where the
    deployment has no model: such a file is reported as unread, whatever Settings say."""


@dataclass(frozen=True, kw_only=True)
class MonthlyPorts(Core):
    """The monthly summary."""

    mailer: Mailer
    history: StockHistory
    """The month's Stock days (the stock chart and movers)."""
    receipts: ReceiptLog
    """Deliveries received (late POs)."""
    narrator: Narrator | None = None
    """A model for the summary's few sentences; ``None`` where the deployment has none: the
    summary's template writes them (the report says ``template``)."""


@dataclass(frozen=True, kw_only=True)
class LinkPorts(Core):
    """A digest link's run: it writes the Drafts tab only, and sends no mail."""

    marks: Marks
    """The used link nonces (each link acts once)."""
