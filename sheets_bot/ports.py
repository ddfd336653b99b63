"""The small Protocols the services need. Adapters (local, google, aws) implement them.

A service never imports an adapter: it receives objects that satisfy these Protocols.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import EmailMessage
from typing import TYPE_CHECKING, NamedTuple, Protocol

from sheets_bot.domain.audit import AuditEntry
from sheets_bot.domain.history import Receipt, SaleEvent, StockDay
from sheets_bot.domain.purchase_order import ApprovedOrder, PoRecord
from sheets_bot.domain.trend import sparkline_formula, text_sparkline
from sheets_bot.sheet.layout import Layout

if TYPE_CHECKING:
    # Types only: the poller imports this module and need not load the digest's records.
    from sheets_bot.domain.digest import DigestMark, FailedRun
    from sheets_bot.domain.learned_demand import LearnedDemand
    from sheets_bot.intake.parse import ParsedRow

Cell = str | int | float | bool | None
"""A cell value as an adapter reads or writes it. Dates are ISO-8601 strings."""

Grid = list[list[Cell]]
"""A tab's values, row 1 (the headers) first; trailing empty cells and rows may be trimmed."""


@dataclass(frozen=True)
class BotFormula:
    """A formula of the bot's own making: from ``sheet_templates/layout.toml`` (header names,
    tab names, constants), never built from text read from a sheet, an email or a POS.

    It is the only way a formula reaches a sheet: every other value is written as a plain
    value (RAW), so untrusted text that looks like a formula stays text."""

    text: str

    def __post_init__(self) -> None:
        if not self.text.startswith("="):
            raise ValueError(f"a formula starts with '=': {self.text!r}")


@dataclass(frozen=True)
class Sparkline:
    """A small trend drawn from numbers only: a ``SPARKLINE`` formula where the sheet has it
    (Google Sheets), a text sparkline (``▁▂▃▅▇``) where it does not (LibreOffice, Excel)."""

    points: tuple[float, ...]

    @property
    def text(self) -> str:
        return text_sparkline(self.points)

    @property
    def formula(self) -> str:
        return sparkline_formula(self.points)


Written = Cell | BotFormula | Sparkline
"""What the bot may put into a cell: a plain value, or a formula of its own making."""

SeedRows = Sequence[Sequence[Written]]
"""Rows ``prepare`` writes into an empty tab, in the layout's column order."""


class CellWrite(NamedTuple):
    """Write ``value`` at a 1-based (row, column) of ``tab``: a plain value, or a
    ``BotFormula`` / ``Sparkline`` written as the bot's own formula.

    A named tuple rather than a frozen dataclass: as immutable, and a check makes one per cell
    it changes (hundreds of thousands in a big shop's first check), at a third of the time and
    half the memory."""

    tab: str
    row: int
    column: int
    value: Written


@dataclass(frozen=True)
class RowsAppend:
    """Append rows below the last row the preceding ``read`` saw in ``tab``."""

    tab: str
    rows: list[list[Cell]]


@dataclass(frozen=True)
class RowsDelete:
    """Delete whole rows (1-based numbers as of the preceding ``read``)."""

    tab: str
    rows: list[int]


@dataclass
class SheetBatch:
    """Every change of one run, applied together: writes, then appends, then deletes.

    Row numbers in all three refer to the sheet as the preceding ``read`` returned it, so the
    order of application is part of the contract: deletes go last, highest row first.
    """

    writes: list[CellWrite] = field(default_factory=list)
    appends: list[RowsAppend] = field(default_factory=list)
    deletes: list[RowsDelete] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.writes or self.appends or self.deletes)


class Sheet(Protocol):
    """The owner's spreadsheet: a local workbook or a Google Sheet."""

    @property
    def location(self) -> str:
        """Where the owner opens it: a file path or a URL."""
        ...

    def read(self, tabs: Sequence[str], *, append_only: Sequence[str] = ()) -> Mapping[str, Grid]:
        """Values of the named tabs in one go. A tab that does not exist is absent from the
        result (the caller names it in its error).

        For tabs in ``append_only`` (also named in ``tabs``) the caller needs only the header
        row and where the last row is, to append below it: an adapter may return just the
        header row and the first column, so a long Audit tab costs nothing to read."""
        ...

    def apply(self, batch: SheetBatch) -> None:
        """Apply every change of ``batch`` in one go; values are written as plain values."""
        ...

    def prepare(self, layout: Layout, rows: Mapping[str, SeedRows]) -> None:
        """Create missing tabs and headers, dropdowns, colours, frozen headers and tints, and
        add ``rows`` to tabs that have no data rows yet. Running it again changes nothing."""
        ...


class Ledger(Protocol):
    """The PO ledger: approvals and sends, with the at-most-once claim."""

    def record_approval(self, order: ApprovedOrder, now: datetime) -> PoRecord:
        """Record an approval for ``order.draft_id``. Idempotent: the same content returns the
        existing record; new content replaces an approval that is not claimed yet; a record
        that is claimed, sent, unknown or failed is returned unchanged."""
        ...

    def claim(self, draft_id: str, now: datetime) -> bool:
        """approved -> sending. True for exactly one caller, however many race."""
        ...

    def finish(self, draft_id: str, state: str, detail: str, now: datetime) -> None:
        """sending -> sent / failed / unknown, with a detail (message id or reason)."""
        ...

    def get(self, draft_id: str) -> PoRecord | None: ...

    def unfinished(self) -> list[PoRecord]:
        """Records not sent yet or whose outcome the owner must see: approved, sending,
        failed, unknown."""
        ...

    def resolve(self, po_number: str, state: str, now: datetime) -> PoRecord:
        """The owner's word on an unknown send: ``sent`` closes it, ``approved`` re-opens it."""
        ...

    def order_history(self) -> Mapping[str, list[int]]:
        """Quantities of past sent order lines, by SKU, oldest first."""
        ...

    def next_number(self, series: str) -> int:
        """The next number of a counter (draft ids), starting at 1."""
        ...

    def assign_po_number(self, draft_id: str, prefix: str) -> PoRecord:
        """The record with its PO number: ``prefix`` and the next number of the ``po`` series
        (``PO-0001``), given the first time it is asked; the same number every time after.

        The poll asks when an approved order's time to go out has come, before it claims the
        send, so numbers follow the order POs go out, a PO held for later takes none until
        then, and a run that dies after the claim leaves a numbered record for the owner to
        resolve. Two runs asking at once get the same number, and no number is skipped.
        ``KeyError`` when the draft has no record."""
        ...


class AuditLog(Protocol):
    """Append-only record of every state change."""

    def record(self, entries: Sequence[AuditEntry]) -> None: ...

    def unmirrored(self) -> list[tuple[int, AuditEntry]]:
        """Entries not yet copied to the Audit tab, oldest first, with their ids."""
        ...

    def mark_mirrored(self, ids: Sequence[int]) -> None: ...

    def entries(self) -> list[AuditEntry]: ...

    def since(self, start: datetime) -> builtins.list[AuditEntry]:
        """Entries at or after ``start``, in the order they were recorded. Read newest first
        and stopped at the first older entry (entries are recorded as they happen), so the
        cost follows the recent entries, not the whole log: the digest asks this every day."""
        ...


class CellMemory(Protocol):
    """What the bot last wrote into cells it may not own outright, so an owner's edit since
    then is noticed and never overwritten. Keys are (row id, column name)."""

    def recall(self, tab: str) -> Mapping[tuple[str, str], str]: ...

    def remember(self, tab: str, cells: Mapping[tuple[str, str], str]) -> None:
        """Replace what is remembered for ``tab`` with ``cells``."""
        ...


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> str:
        """Send and return the message id. Raises ``MailRejected`` when it certainly did not
        go out; any other exception means the outcome is unknown."""
        ...


class Blobs(Protocol):
    """Named byte strings: S3 with versioning on AWS (sheet snapshots, raw inbound mail), a
    folder in local mode.

    A key is a relative path: parts of letters, digits and ``._=+-`` (not starting with a dot)
    joined by ``/``, such as ``snapshots/stock/2026-11-23T0900Z.json``. Adapters refuse any
    other key with ``ValueError``, so a key that works on one works on every other.
    """

    def put(self, key: str, data: bytes, content_type: str) -> str:
        """Store ``data`` under ``key``, replacing what was there, and return the id of the
        version just stored."""
        ...

    def get(self, key: str) -> bytes:
        """The data last stored under ``key``; ``KeyError`` if there is none."""
        ...

    def list(self, prefix: str) -> builtins.list[str]:
        """The keys that start with ``prefix`` (plain text, not a pattern), sorted."""
        ...


class Scheduler(Protocol):
    """One-off future runs: EventBridge Scheduler on AWS, a recording stand-in locally.

    ``name`` identifies a run: scheduling the same name again replaces it (so a caller may
    repeat itself safely), and ``cancel`` of a name that is not scheduled does nothing. A name
    is 1-64 letters, digits and ``._-``.
    """

    def schedule_once(self, name: str, at: datetime, payload: Mapping[str, object]) -> None:
        """Run the target once at ``at`` (timezone-aware) with ``payload`` as its event."""
        ...

    def cancel(self, name: str) -> None: ...


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


class SalesLog(Protocol):
    """Dated sale, refund, restock and count events from the point of sale (DynamoDB on AWS,
    SQLite locally). ``add`` and ``since`` are the history (the learning needs only these); the
    rest is the buffer between the webhook and the poller: an event is buffered when added,
    taken by one poll (``mark_applied``), then settled once that poll's sheet write succeeded,
    or put back if it failed."""

    def add(self, events: Sequence[SaleEvent]) -> builtins.list[SaleEvent]:
        """Store the events not seen before (by ``event_id``) and return them; a replayed event
        is ignored."""
        ...

    def since(self, start: datetime) -> builtins.list[SaleEvent]:
        """Events at or after ``start``, oldest first."""
        ...

    # --- the buffer between the webhook and the poller (live lanes) -------------------------

    def unapplied(self) -> builtins.list[SaleEvent]:
        """Events not yet applied to the sheet, oldest first (by ``at``)."""
        ...

    def mark_applied(self, events: Sequence[SaleEvent], now: datetime) -> builtins.list[SaleEvent]:
        """Take events out of the buffer to apply them, and return those this call took: an
        event another caller took first is left out, so two pollers never both apply it."""
        ...

    def unmark_applied(self, events: Sequence[SaleEvent]) -> None:
        """Put taken events back in the buffer: the sheet write that was to apply them failed."""
        ...

    def settle_applied(self, events: Sequence[SaleEvent]) -> None:
        """The sheet write that applied these taken events succeeded."""
        ...

    def unsettled(self, before: datetime) -> builtins.list[SaleEvent]:
        """Events taken before ``before`` and neither settled nor put back: the poll that took
        them stopped before its sheet write, so whether they reached the sheet is unknown."""
        ...


class ReceiptLog(Protocol):
    """Deliveries received against sent POs: actual lead times and quantities."""

    def record(self, receipt: Receipt) -> None:
        """Store a receipt; the same PO and SKU again replaces the earlier one."""
        ...

    def receipts(self) -> builtins.list[Receipt]:
        """Every receipt, oldest first."""
        ...


class StockHistory(Protocol):
    """The Stock tab's history, one ``StockDay`` per item per shop day."""

    def days(self, start: date, end: date) -> builtins.list[StockDay]:
        """Days from ``start`` to ``end`` inclusive, ordered by day then SKU."""
        ...


class LearnerStates(Protocol):
    """Each item's learned demand, kept from one daily check to the next (one blob in S3 on
    AWS, in the state folder on one machine): the check folds in only the days since the
    last one it learned from (``sheets_bot.domain.learned_demand``)."""

    def load(self) -> LearnedDemand | None:
        """The state last saved; ``None`` before the first. ``UnreadableState`` (a
        ``ValueError`` naming where it is kept) when what is kept cannot be read: damaged,
        or saved by another version of the learning."""
        ...

    def save(self, state: LearnedDemand) -> None:
        """Keep ``state``, replacing the one before."""
        ...


class Parser(Protocol):
    """Reads counts out of what is not a spreadsheet (a PDF, a photo, numbers in a mail body):
    Bedrock on AWS, off unless Settings ``AI parsing`` is yes. Its rows are proposed with a
    lower confidence than a spreadsheet's."""

    def parse(self, filename: str, content_type: str, data: bytes) -> builtins.list[ParsedRow]:
        """The rows found; raises ``AttachmentRejected`` with the reason when it cannot read
        the file (too many pages, unsupported type, the model's answer unusable)."""
        ...


# --- the daily digest and its one-tap links ---------------------------------------------------


class Marks(Protocol):
    """Small durable facts of the digest lane: when the last digest went out, and which link
    nonces were used (DynamoDB items in the ledger table on AWS, SQLite locally)."""

    def last_digest(self) -> DigestMark | None: ...

    def record_digest(self, mark: DigestMark) -> None:
        """Remember ``mark`` as the last digest sent, replacing the one before."""
        ...

    def use_nonce(self, nonce: str, expires: datetime, now: datetime) -> bool:
        """Mark a link's nonce used: True for exactly one caller, however many race (a
        conditional write); False when it was used before."""
        ...

    def nonce_used(self, nonce: str) -> bool:
        """Whether the nonce was used (a read: pages shown on GET call only this)."""
        ...


@dataclass(frozen=True)
class PendingFailure:
    """A failed run read from the failure store, with what ``acknowledge`` needs to drop it."""

    failure: FailedRun
    handle: str


class RunFailures(Protocol):
    """Runs that failed, kept until a digest has shown them: the SQS failure queue on AWS, a
    file in the state folder locally."""

    def record(self, failure: FailedRun) -> None:
        """Keep a failure a handler caught, for the next digest."""
        ...

    def pending(self) -> builtins.list[PendingFailure]:
        """Failures not acknowledged yet, oldest first (a bounded number)."""
        ...

    def acknowledge(self, failures: Sequence[PendingFailure]) -> None:
        """Drop failures a digest has shown."""
        ...


class Claims(Protocol):
    """Things done once, remembered durably: an Orders line received, a supplier's
    confirmation, a follow-up email. Keys are short text such as ``received:PO-0001:SKU``."""

    def claim(self, key: str, now: datetime) -> bool:
        """Mark ``key`` done at ``now``. True for exactly one caller, however many race."""
        ...

    def claimed_at(self, key: str) -> datetime | None:
        """When ``key`` was claimed, or None."""
        ...

    def release(self, key: str) -> None:
        """Forget a claim whose work certainly did not happen (the sheet write failed)."""
        ...


class Narrator(Protocol):
    """A language model that turns given facts into a few sentences (Bedrock on AWS)."""

    def narrate(self, instructions: str, facts: str, *, max_tokens: int) -> str:
        """The model's text for ``facts`` under ``instructions``; ``NarrationFailed`` when
        there is none. The text is untrusted: the caller cleans and escapes it."""
        ...
