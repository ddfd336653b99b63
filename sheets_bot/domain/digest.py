"""The daily digest as data, and when it is due.

Everything here is pure: the service that gathers a ``DigestData`` from the sheet and the
ledger, and the clock that asks ``digest_due``, live elsewhere. Texts in these records come
from the owner's sheet, supplier files and forwarded mail and are untrusted; whoever renders
them escapes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Literal

from sheets_bot.domain.priced_lines import PricedLine, lines_total
from sheets_bot.domain.quiet_hours import QuietHours


@dataclass(frozen=True)
class UrgentItem:
    sku: str
    item: str
    on_hand: float
    days_left: float | None
    """Days of stock left at the current rate of sale; ``None`` when it does not sell."""
    supplier: str
    covered_by_draft: bool
    """A draft waiting for a decision already holds a line for this item."""


UNSURE_SHOWN = 5
"""Items with unsure numbers listed by name; the rest are counted (``and 3 more``)."""


@dataclass(frozen=True)
class UnsureItem:
    """An item the check used learned numbers for that deserve a second look."""

    sku: str
    item: str
    reasons: tuple[str, ...]
    """In words, as Stock ``Numbers used`` has them (``little history (29 days, 28 with
    sales)``)."""
    in_draft: bool
    """A waiting draft holds an undecided line for it: the owner is about to approve a
    quantity computed from these numbers."""
    move: str = ""
    """The Stock ``Move`` the check wrote (``urgent``, ``reorder``, ``watch`` …)."""

    @property
    def due(self) -> bool:
        return self.move in ("urgent", "reorder")


def unsure_to_show(
    candidates: Iterable[UnsureItem], limit: int = UNSURE_SHOWN
) -> tuple[tuple[UnsureItem, ...], int]:
    """The unsure items the owner acts on, most useful first, at most ``limit``, and how many
    more there are.

    Items in a waiting draft come first (a quantity to approve rests on them), then other due
    items; urgent before the rest within each, otherwise in the sheet's order. Items with no reason
    (sure numbers), and items neither drafted nor due, are left out.
    """
    kept = [item for item in candidates if item.reasons and (item.in_draft or item.due)]
    kept.sort(key=lambda item: (not item.in_draft, item.move != "urgent"))
    limit = max(limit, 0)
    return tuple(kept[:limit]), max(len(kept) - limit, 0)


@dataclass(frozen=True)
class DigestLine(PricedLine):
    """A line of a draft waiting for the owner's decision."""

    decision: str = ""
    """The owner's decision on this line in the sheet, blank while it waits."""
    flag: str = ""
    """The check's word on the quantity (``CHECK QTY: ...``), blank if none."""


@dataclass(frozen=True)
class DecisionLinks:
    """One-tap links for a waiting draft: each opens a confirmation page (a GET changes nothing)."""

    approve: str
    skip: str


@dataclass(frozen=True)
class WaitingDraft:
    draft_id: str
    supplier: str
    lines: tuple[DigestLine, ...]
    links: DecisionLinks | None = None
    waiting_rows: tuple[int, ...] = ()
    """The Drafts rows with no decision yet; the links decide these rows only."""

    @property
    def decided(self) -> int:
        return sum(1 for line in self.lines if line.decision)

    @property
    def total(self) -> Decimal | None:
        """The sum of the lines to be ordered (not those skipped); ``None`` when any has no
        unit cost."""
        return lines_total(line for line in self.lines if line.decision != "skip")


@dataclass(frozen=True)
class SentPo:
    po: str
    supplier: str
    total: Decimal | None
    sent_at: datetime


@dataclass(frozen=True)
class Delivery:
    po: str
    supplier: str
    expected: date
    days_late: int
    """``0`` when due today, above ``0`` when late (negative: not due yet)."""


@dataclass(frozen=True)
class ProblemRow:
    tab: str
    row: int | None
    """The sheet row; ``None`` when the problem is with the tab itself (a missing header)."""
    message: str


@dataclass(frozen=True)
class AttentionSend:
    po: str
    supplier: str
    state: Literal["unknown", "failed"]
    detail: str = ""


@dataclass(frozen=True)
class UnconfirmedPo:
    """A PO still ``sent`` (the supplier has not confirmed it) long after it went out."""

    po: str
    supplier: str
    sent_at: datetime
    hours: int


@dataclass(frozen=True)
class UnreadMail:
    """Forwarded mail or an attachment the bot refused or could not read."""

    when: datetime
    file: str
    problem: str


@dataclass(frozen=True)
class FailedRun:
    """A scheduled run that failed (from the failure queue); no payloads, only what and when."""

    function: str
    when: datetime | None
    error_type: str
    reason: str = ""
    """Why, as a fixed phrase of the code's (``domain/run_failures.py``); never a message."""


def oldest_first(failure: FailedRun) -> datetime:
    """Sort key for failed runs: by time, those without one first."""
    return failure.when or datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class DigestMark:
    """The last digest sent: the shop's date it was for, and when it went out."""

    local_date: date
    sent_at: datetime


@dataclass(frozen=True)
class DigestData:
    shop_name: str
    local_date: date
    """The shop's calendar date the digest is for."""
    sheet_url: str | None = None
    """The Google Sheet's address (cloud mode)."""
    workbook_path: str | None = None
    """The workbook's path on this machine (local mode); shown as text, never as a link."""
    urgent: tuple[UrgentItem, ...] = ()
    drafts_waiting: tuple[WaitingDraft, ...] = ()
    sent: tuple[SentPo, ...] = ()
    """POs sent since the last digest."""
    deliveries: tuple[Delivery, ...] = ()
    """Deliveries due today or late."""
    proposed_waiting: int = 0
    """Proposed count updates waiting for the owner's approval."""
    proposed_flagged: tuple[str, ...] = ()
    """Waiting proposals to check before applying: uncertain values (low confidence, their
    reason) and counts whose sender was not verified; one line each."""
    problems: tuple[ProblemRow, ...] = ()
    attention: tuple[AttentionSend, ...] = ()
    """Sends whose outcome is unknown or that failed."""
    unconfirmed: tuple[UnconfirmedPo, ...] = ()
    """POs still not confirmed by the supplier 48 hours after they were sent."""
    unread_mail: tuple[UnreadMail, ...] = ()
    failed_runs: tuple[FailedRun, ...] = ()
    unsure: tuple[UnsureItem, ...] = ()
    """Items in a draft or due whose learned numbers are unsure, most useful first, capped
    (``unsure_to_show``)."""
    unsure_more: int = 0
    """How many more such items there are than ``unsure`` lists."""
    learning_restarted: tuple[str, ...] = ()
    """Since the last digest, each check that learned every item again from the last days
    said why (the audit log): one plain sentence per reason
    (``learned_demand.restart_sentence``)."""
    history_unread: tuple[str, ...] = ()
    """Since the last digest, each check that could not read the stock history said why (the
    audit log): one plain sentence per reason."""

    @property
    def late_deliveries(self) -> tuple[Delivery, ...]:
        return tuple(delivery for delivery in self.deliveries if delivery.days_late > 0)

    @property
    def is_quiet_day(self) -> bool:
        """Nothing at all to say: nothing urgent, nothing waiting, nothing sent or due, no problems.

        POs sent and deliveries due count too: a one-line "all stocked" digest must not hide
        that something went out or should arrive.
        """
        return not (
            self.urgent
            or self.drafts_waiting
            or self.sent
            or self.deliveries
            or self.proposed_waiting
            or self.problems
            or self.attention
            or self.unconfirmed
            or self.unread_mail
            or self.failed_runs
            or self.unsure
            or self.learning
        )

    @property
    def learning(self) -> tuple[str, ...]:
        """The digest's "Learning" section: the history unread, then the restarts."""
        return self.history_unread + self.learning_restarted


def digest_due(
    now_local: datetime,
    digest_time: time,
    quiet_hours: QuietHours | None,
    last_sent_local_date: date | None,
) -> bool:
    """Whether the digest should go out now.

    ``now_local`` is the wall-clock time in the shop's timezone; ``last_sent_local_date`` is
    the shop's date of the last digest sent. Never inside quiet hours; at most once per local
    day; at or after ``digest_time``. When ``digest_time`` itself falls inside quiet hours the
    digest waits for them to end: it goes out every day when the quiet window ends.
    """
    if quiet_hours is not None and quiet_hours.contains(now_local):
        return False
    today = now_local.date()
    if last_sent_local_date is not None and last_sent_local_date >= today:
        return False
    due_at = digest_time.replace(tzinfo=None)
    if quiet_hours is not None and quiet_hours.contains(datetime.combine(today, due_at)):
        due_at = quiet_hours.end
    return now_local.time().replace(tzinfo=None) >= due_at
