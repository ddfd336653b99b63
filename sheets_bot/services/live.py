"""The live lanes inside a poll: receiving, POS sales, supplier confirmations and follow-ups.

All of it goes into the poll's one read and one batched write: nothing here reads the sheet,
and a poll with nothing to do writes nothing. ``apply_live`` is the poll's single call; what
it claims before the write registers its undo with the poll's run (``Run.on_rollback``: given
back if the run does not commit) and its settling (``Run.on_commit``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sheets_bot.documents.followup_email import compose_followup_email
from sheets_bot.domain.audit import BOT, AuditAction
from sheets_bot.domain.models import supplier_key
from sheets_bot.errors import MailRejected
from sheets_bot.services.lanes import PollPorts
from sheets_bot.services.on_hand import OnHandChanges
from sheets_bot.services.pos_sales import AppliedSales, apply_sales
from sheets_bot.services.receiving import (
    ReceivingOutcome,
    apply_receiving,
    parse_sent_at,
)
from sheets_bot.services.shop import Run
from sheets_bot.sheet.layout import ORDERS, STOCK
from sheets_bot.sheet.table import Row

FOLLOW_UP_AFTER = timedelta(hours=24)
ATTENTION_AFTER = timedelta(hours=48)
SUPPLIER = "supplier (confirmation link)"
FOLLOWED_UP = "follow-up sent"


def confirmed_key(po: str) -> str:
    return f"confirmed:{po}"


def followup_key(po: str) -> str:
    return f"followup:{po}"


@dataclass
class LiveSummary:
    """What the live lanes did in one poll, for the command line and the digest."""

    received: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    confirmed: list[str] = field(default_factory=list)
    followed_up: list[str] = field(default_factory=list)
    pos_events: int = 0
    pos_items: int = 0
    unknown_skus: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    attention: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(
            self.received
            or self.cancelled
            or self.confirmed
            or self.followed_up
            or self.pos_events
            or self.unknown_skus
            or self.problems
            or self.attention
        )


@dataclass
class LiveOutcome:
    summary: LiveSummary
    receiving: ReceivingOutcome
    sales: AppliedSales
    skus: set[str]
    """Case-folded SKUs whose on-order quantity changed (Stock ``On order`` to refresh)."""


def _open_pos(run: Run[PollPorts]) -> dict[str, tuple[list[Row], bool]]:
    """Orders lines still waiting for the supplier (status sent or blank), by PO, and whether
    the PO has no other line: a PO with a line received or confirmed needs no reminder."""
    groups: dict[str, list[Row]] = {}
    answered: set[str] = set()
    for row in run.view[ORDERS]:
        po = row.text("PO")
        if not po:
            continue
        if row.text("Status").casefold() in ("", "sent"):
            groups.setdefault(po, []).append(row)
        elif row.text("Status").casefold() != "cancelled":
            answered.add(po)
    return {po: (rows, po not in answered) for po, rows in groups.items()}


def _in_quiet_hours(run: Run[PollPorts], now: datetime) -> bool:
    quiet = run.view.settings.quiet_hours
    return quiet is not None and quiet.contains(now.astimezone(run.view.zone))


class _Confirmations:
    def __init__(self, run: Run[PollPorts], summary: LiveSummary) -> None:
        self.run = run
        self.summary = summary
        self.orders = run.view[ORDERS]

    def write(self, row: Row, column: str, value: str) -> None:
        if self.orders.has(column) and row.text(column) != value:
            self.run.batch.writes.append(self.orders.write(row.number, column, value))

    def apply(self) -> None:
        claims = self.run.adapters.claims
        if claims is None:
            return
        zone = self.run.view.zone
        for po, (rows, unanswered) in _open_pos(self.run).items():
            confirmed_at = claims.claimed_at(confirmed_key(po))
            if confirmed_at is not None:
                when = f"{confirmed_at.astimezone(zone):%Y-%m-%d %H:%M}"
                for row in rows:
                    self.write(row, "Status", "confirmed")
                    self.write(row, "Note", f"confirmed by the supplier on {when}")
                self.run.audit(
                    SUPPLIER,
                    AuditAction.PO_CONFIRMED,
                    po,
                    {"Status": "sent"},
                    {"Status": "confirmed", "at": confirmed_at.isoformat()},
                )
                self.summary.confirmed.append(f"{po} ({rows[0].text('Supplier')}) at {when}")
                continue
            if unanswered:
                self.follow_up(po, rows)

    def follow_up(self, po: str, rows: list[Row]) -> None:
        run, claims = self.run, self.run.adapters.claims
        assert claims is not None  # noqa: S101 - apply checked it
        sent_at = parse_sent_at(rows[0].text("Sent at"), run.view.zone)
        if sent_at is None:
            return
        supplier_name = rows[0].text("Supplier")
        waited = run.now - sent_at
        if waited >= ATTENTION_AFTER:
            self.summary.attention.append(
                f"{po} to {supplier_name}: sent {rows[0].text('Sent at')}, no confirmation"
                f" after {int(waited.total_seconds() // 3600)} hours"
            )
        already = any(row.text("Note").casefold().startswith(FOLLOWED_UP) for row in rows)
        if waited < FOLLOW_UP_AFTER or already or _in_quiet_hours(run, run.now):
            return
        supplier = run.view.suppliers.get(supplier_key(supplier_name))
        if supplier is None or not supplier.email:
            self.summary.problems.append(
                f"{po}: no follow-up sent: supplier {supplier_name!r} has no email on the"
                " Suppliers tab"
            )
            return
        links = run.adapters.confirm_links
        try:
            message = compose_followup_email(
                po_number=po,
                supplier=supplier_name,
                send_to=supplier.email,
                sent_at=sent_at,
                settings=run.view.settings,
                now=run.now,
                confirm_url=links.url_for(po, run.now) if links else None,
            )
        except ValueError as error:
            self.summary.problems.append(f"{po}: no follow-up sent: {error}")
            return
        key = followup_key(po)
        if not claims.claim(key, run.now):
            return
        try:
            message_id = run.adapters.mailer.send(message)
        except MailRejected as error:
            claims.release(key)
            self.summary.problems.append(f"{po}: the follow-up to {supplier.email} failed: {error}")
            return
        except Exception as error:  # outcome unknown: never sent twice, so the mark stays
            self.summary.attention.append(
                f"{po}: the follow-up to {supplier.email} may not have gone out"
                f" ({type(error).__name__}); it is not tried again"
            )
            return
        local = f"{run.now.astimezone(run.view.zone):%Y-%m-%d %H:%M}"
        for row in rows:
            self.write(row, "Note", f"{FOLLOWED_UP} {local}; waiting for confirmation")
        run.audit(
            BOT,
            AuditAction.FOLLOW_UP_SENT,
            po,
            None,
            {"to": supplier.email, "message_id": message_id},
        )
        self.summary.followed_up.append(f"{po} to {supplier_name} <{supplier.email}>")


def apply_live(run: Run[PollPorts]) -> LiveOutcome:
    """Everything the live lanes change in this poll, into ``run``'s batch and audit."""
    summary = LiveSummary()
    on_hand = OnHandChanges(run.view[STOCK])
    receiving = apply_receiving(run, on_hand)
    sales = apply_sales(run, on_hand)
    if ORDERS in run.view.tables:
        _Confirmations(run, summary).apply()
    run.batch.writes.extend(on_hand.writes())

    summary.received = receiving.received
    summary.cancelled = receiving.cancelled
    summary.problems = [*receiving.problems, *summary.problems]
    summary.attention = [*receiving.attention, *sales.attention, *summary.attention]
    summary.pos_events = sales.applied
    summary.pos_items = sales.items
    summary.unknown_skus = sales.unknown
    summary.problems.extend(sales.waiting)
    return LiveOutcome(summary, receiving, sales, receiving.skus)
