"""Act on the owner's decisions in the Drafts tab: send approved POs, close skipped drafts.

The order of steps keeps the at-most-once promise whatever dies where:

1. the approval is recorded in the ledger, tied to the exact lines, supplier and address;
2. the email is composed (a bad From address stops here, nothing claimed);
3. the ledger claim (approved -> sending) succeeds for exactly one poller;
4. the mailer sends; the ledger records sent, failed (certainly not sent) or unknown;
5. the sheet is updated: lines to Orders, draft removed, Stock ``On order`` raised.

A run that dies after 4 leaves a ``sent`` record: the next poll finishes step 5 without
sending again. A run that fails (rather than dies) in a later step of the same poll (the
Proposed tab, the live lanes) still writes step 5 and its audit entries: the decisions are
checkpointed in the run before those steps (``Run.checkpoint``), and only the later steps are
undone. A run that dies inside 4 leaves ``sending``: after a lease the next poll marks
it ``unknown`` and shows it to the owner, who resolves it (``sheets-bot resolve``).
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sheets_bot.documents.po_email import attachment_stem, compose_po_email
from sheets_bot.domain.audit import BOT, OWNER, AuditAction
from sheets_bot.domain.decisions import DraftDecision, DraftLine, Outcome, decide
from sheets_bot.domain.drafts import (
    normalise_decision,
    undecided_status,
    waiting_status,
)
from sheets_bot.domain.models import PoFormat, supplier_key
from sheets_bot.domain.purchase_order import ApprovedOrder, PoRecord, PoState
from sheets_bot.domain.supplier_drafts import send_not_before
from sheets_bot.errors import MailRejected
from sheets_bot.ports import Cell, RowsAppend, RowsDelete
from sheets_bot.services.guarded_writes import GuardedWriter
from sheets_bot.services.lanes import PollPorts
from sheets_bot.services.live import LiveSummary, apply_live
from sheets_bot.services.on_order import on_order_by_sku
from sheets_bot.services.po_details import complete_order, draft_rows_by_sku
from sheets_bot.services.proposals import ProposalReport, apply_proposals
from sheets_bot.services.shop import Run, ShopView, read_shop
from sheets_bot.sheet.layout import (
    AUDIT,
    DRAFTS,
    ORDERS,
    PROPOSED,
    SETTINGS,
    STOCK,
    SUPPLIER_ITEMS,
    SUPPLIERS,
)
from sheets_bot.sheet.table import Row

POLL_TABS = (DRAFTS, SUPPLIERS, SETTINGS, STOCK, ORDERS, PROPOSED, AUDIT)
POLL_OPTIONAL_TABS = (PROPOSED, SUPPLIER_ITEMS)
SEND_LEASE = timedelta(minutes=15)
"""A claim older than this with no result belongs to a run that died: its outcome is unknown."""
FILING_GRACE = timedelta(minutes=5)
"""How long the run that sent a PO has to file it into Orders before another run does."""


@dataclass
class PollReport:
    sent: list[str] = field(default_factory=list)
    deferred: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    waiting_rows: dict[str, tuple[int, ...]] = field(default_factory=dict)
    """The Drafts rows each waiting draft waits on (no decision yet)."""
    held: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    attention: list[str] = field(default_factory=list)
    """POs whose send failed or whose outcome is unknown: the owner must look."""
    scheduled: list[str] = field(default_factory=list)
    """One-off polls scheduled for the end of quiet hours, by name."""
    location: str = ""
    proposals: ProposalReport = field(default_factory=ProposalReport)
    """The Proposed tab's apply / skip decisions acted on (services/proposals.py)."""
    live: LiveSummary = field(default_factory=LiveSummary)
    """Receiving, POS sales, confirmations and follow-ups (``services/live.py``)."""


def _draft_lines(rows: list[Row]) -> list[DraftLine]:
    return [
        DraftLine(
            row=row.number,
            draft=row.text("Draft"),
            supplier=row.text("Supplier"),
            sku=row.text("SKU"),
            item=row.text("Item"),
            decision=normalise_decision(row.text("Decision")),
            order_qty=row["Order qty"],
            suggested_qty=row["Suggested qty"],
            unit_cost=row["Unit cost"],
            send_to=row.text("Send to"),
            note=row.text("Note"),
        )
        for row in rows
    ]


def quiet_until(now: datetime, view: ShopView) -> datetime | None:
    """When quiet hours end, if ``now`` is inside them; else ``None``."""
    quiet = view.settings.quiet_hours
    if quiet is None:
        return None
    local = now.astimezone(view.zone)
    if not quiet.contains(local):
        return None
    return quiet.ends_after(local).astimezone(ZoneInfo("UTC"))


class _Poll:
    """One poll inside its unit of work: the owner's decisions first (sends are made and
    recorded as they happen), then the Proposed tab and the live lanes, in one commit.

    After the decisions the run is checkpointed: an email sent cannot be unsent, so should a
    later step fail, what the decisions did (Orders lines, drafts removed, On order, the
    "po sent" audit entries) is still committed, and only the later steps are undone."""

    def __init__(self, run: Run[PollPorts]) -> None:
        self.run = run
        self.report = PollReport(location=self.run.adapters.sheet.location)
        self.stock_writer = GuardedWriter(
            self.run.view[STOCK], self.run.adapters.memory.recall(STOCK), self.run.batch
        )
        self.on_order = on_order_by_sku(self.run.view[ORDERS])
        self.po_in_orders = {row.text("PO") for row in self.run.view[ORDERS]}
        self.deleted_rows: list[int] = []
        self.orders_rows: list[list[Cell]] = []

    def memory(self) -> dict[str, dict[tuple[str, str], str]]:
        return {STOCK: self.stock_writer.merged_memory()} if self.stock_writer.memory else {}

    def poll(self) -> PollReport:
        drafts = self.run.view[DRAFTS]
        groups: dict[str, list[Row]] = {}
        for row in drafts:
            if row.text("Draft"):
                groups.setdefault(row.text("Draft"), []).append(row)
        for draft_id, rows in groups.items():
            decision = decide(
                draft_id,
                _draft_lines(rows),
                suppliers=self.run.view.suppliers,
                settings=self.run.view.settings,
                columns=drafts.columns,
            )
            self.act(decision, rows)
        self.report_orphans(set(groups))
        if self.orders_rows:
            self.run.batch.appends.append(RowsAppend(ORDERS, self.orders_rows))
        if self.deleted_rows:
            self.run.batch.deletes.append(RowsDelete(DRAFTS, self.deleted_rows))
        self.run.checkpoint(self.memory())

        self.report.proposals = apply_proposals(
            self.run, self.run.view.tables.get(PROPOSED), self.run.view[STOCK]
        )
        live = apply_live(self.run)
        for sku, quantity in live.receiving.backordered.items():
            self.on_order[sku] = self.on_order.get(sku, 0.0) + quantity
        if live.skus:
            self.update_on_order(live.skus)
        self.run.commit(self.memory())
        self.report.live = live.summary
        return self.report

    def set_status(self, rows: list[Row], status: str) -> None:
        drafts = self.run.view[DRAFTS]
        for row in rows:
            if row.text("Status") != status:
                self.run.batch.writes.append(drafts.write(row.number, "Status", status))

    def act(self, decision: DraftDecision, rows: list[Row]) -> None:
        draft = decision.draft
        if decision.outcome is Outcome.WAITING:
            self.report.waiting.append(draft)
            self.report.waiting_rows[draft] = decision.waiting_rows
            self.waiting(decision, rows)
        elif decision.outcome is Outcome.HELD:
            self.report.held.append(draft)
        elif decision.outcome is Outcome.INVALID:
            self.report.problems.append(f"{draft}: {decision.status}")
            self.set_status(rows, decision.status)
        elif decision.outcome is Outcome.SKIPPED:
            self.report.skipped.append(draft)
            self.run.audit(
                OWNER,
                AuditAction.SKIP,
                draft,
                {"lines": {row.text("SKU"): row.text("Order qty") for row in rows}},
                {"sent": False},
            )
            self.deleted_rows.extend(row.number for row in rows)
        elif decision.order is not None:
            self.approved(decision.order, rows)

    def waiting(self, decision: DraftDecision, rows: list[Row]) -> None:
        """Each line says what the draft waits for: the undecided rows, by number.

        With no line decided yet the check's status stands (the owner may have cleared the
        decisions they had picked: the status goes back to what the check wrote)."""
        drafts = self.run.view[DRAFTS]
        everything_waits = len(decision.waiting_rows) == len(rows)
        for row in rows:
            current = row.text("Status")
            line_decision = normalise_decision(row.text("Decision"))
            status = (
                undecided_status(current)
                if everything_waits
                else waiting_status(line_decision, current, decision.waiting_rows)
            )
            if status != current:
                self.run.batch.writes.append(drafts.write(row.number, "Status", status))

    def not_before(self, order: ApprovedOrder) -> tuple[datetime | None, str]:
        """When the order may go out, and why it waits: the supplier's next ordering day,
        then the end of quiet hours on it."""
        supplier = self.run.view.suppliers.get(supplier_key(order.supplier))
        ordering_day = send_not_before(supplier, self.run.now, self.run.view.zone)
        quiet = quiet_until(ordering_day or self.run.now, self.run.view)
        if quiet is not None:
            return quiet, "when quiet hours end"
        if ordering_day is not None:
            return ordering_day, "on the supplier's next ordering day"
        return None, ""

    def approved(self, order: ApprovedOrder, rows: list[Row]) -> None:
        ledger = self.run.adapters.ledger
        order, problems = complete_order(
            order,
            self.run.view.tables,
            self.run.view.suppliers,
            draft_rows_by_sku([(row.number, row.text("SKU")) for row in rows]),
        )
        if problems:
            status = "not sent: " + "; ".join(problems)
            self.report.problems.append(f"{order.draft_id}: {status}")
            self.set_status(rows, status)
            return
        wait, reason = self.not_before(order)
        if wait is not None:
            order = replace(order, not_before=wait)
        previous = ledger.get(order.draft_id)
        if previous is not None and previous.po_number:
            # A failed send approved again keeps the number it was given.
            order = replace(order, po_number=previous.po_number)
        record = ledger.record_approval(order, self.run.now)
        if previous is None or (
            previous.fingerprint != order.fingerprint and record.fingerprint == order.fingerprint
        ):
            self.audit_approval(order, rows)
        if record.state is PoState.APPROVED:
            not_before = record.order.not_before
            if not_before is not None and self.run.now < not_before:
                local = not_before.astimezone(self.run.view.zone)
                self.report.deferred.append(f"{record.draft_id} at {local:%H:%M}")
                status = f"approved; goes out at {local:%Y-%m-%d %H:%M} {reason}".rstrip()
                if any(row.text("Status") != status for row in rows):
                    self.schedule_send(record, not_before)
                self.set_status(rows, status)
                return
            record, claimed = self.send(record, rows)
            self.follow_up(record, rows, filed_by_others=not claimed)
            return
        self.follow_up(record, rows)

    def schedule_send(self, record: PoRecord, at: datetime) -> None:
        """A one-off poll when quiet hours end, once per deferral (when the status is new).

        The name is the PO's, so asking again replaces it. Should scheduling fail, the PO still
        goes out at the first regular poll after quiet hours: the failure is only reported.
        """
        scheduler = self.run.adapters.scheduler
        if scheduler is None:
            return
        name = f"send-{attachment_stem(record.draft_id)}"[:64]
        payload = {"reason": "deferred send", "draft": record.draft_id}
        try:
            scheduler.schedule_once(name, at, payload)
        except Exception as error:  # the regular poll is the fallback
            self.report.problems.append(
                f"{record.draft_id}: could not schedule its deferred send"
                f" ({type(error).__name__}); it goes out at the first poll after its time"
            )
            return
        self.report.scheduled.append(name)
        self.run.audit(
            BOT, AuditAction.SEND_SCHEDULED, record.draft_id, None, {"at": at.isoformat()}
        )

    def audit_approval(self, order: ApprovedOrder, rows: list[Row]) -> None:
        drafted = {row.text("SKU"): row.text("Suggested qty") for row in rows}
        self.run.audit(
            OWNER,
            AuditAction.APPROVE,
            order.draft_id,
            {"drafted": drafted},
            order.snapshot(),
        )

    def send(self, record: PoRecord, rows: list[Row]) -> tuple[PoRecord, bool]:
        """Compose, claim, send; the record as it stands after, and whether this run claimed it."""
        ledger = self.run.adapters.ledger
        try:
            # A trial run with a stand-in number: a bad address stops here, nothing claimed.
            compose_po_email(
                replace(record.order, po_number=record.po_number or "PO", po_format=PoFormat.CSV),
                self.run.view.settings,
                now=self.run.now,
            )
        except ValueError as error:
            status = f"approved but not sent: {error}"
            self.report.problems.append(f"{record.draft_id}: {status}")
            self.set_status(rows, status)
            return record, False
        record = ledger.assign_po_number(record.draft_id, self.run.view.settings.po_prefix)
        if not ledger.claim(record.draft_id, self.run.now):
            return ledger.get(record.draft_id) or record, False
        links = self.run.adapters.confirm_links
        message = compose_po_email(
            record.order,
            self.run.view.settings,
            now=self.run.now,
            confirm_url=links.url_for(record.po_number, self.run.now) if links else None,
        )
        self.run.audit(
            BOT, AuditAction.SEND_CLAIMED, record.po_number, None, {"to": record.order.send_to}
        )
        try:
            message_id = self.run.adapters.mailer.send(message)
        except MailRejected as error:
            ledger.finish(record.draft_id, PoState.FAILED, str(error), self.run.now)
            self.run.audit(
                BOT, AuditAction.SEND_FAILED, record.po_number, None, {"reason": str(error)}
            )
        except Exception as error:  # any other failure leaves the outcome unknown
            detail = f"{type(error).__name__}: {error}"
            ledger.finish(record.draft_id, PoState.UNKNOWN, detail, self.run.now)
            self.run.audit(
                BOT, AuditAction.SEND_OUTCOME_UNKNOWN, record.po_number, None, {"error": detail}
            )
        else:
            ledger.finish(record.draft_id, PoState.SENT, message_id, self.run.now)
            self.run.audit(
                BOT,
                AuditAction.PO_SENT,
                record.po_number,
                None,
                {**record.order.snapshot(), "message_id": message_id},
            )
        return ledger.get(record.draft_id) or record, True

    def follow_up(self, record: PoRecord, rows: list[Row], *, filed_by_others: bool = True) -> None:
        """Show the ledger's word on this PO in the sheet.

        A PO another run sent is that run's to file into Orders; only once it has had time to
        do so (``FILING_GRACE``) does this run file it, for the case where that run died
        between the send and the sheet write. Two pollers never both add the Orders rows.
        """
        po = record.po_number
        if record.state is PoState.SENT:
            if filed_by_others and self.run.now - record.updated_at < FILING_GRACE:
                self.set_status(rows, f"sent as {po}; being filed into Orders")
                return
            self.move_to_orders(record, rows)
            self.report.sent.append(f"{po} to {record.order.supplier} <{record.order.send_to}>")
        elif record.state is PoState.SENDING:
            if self.run.now - record.updated_at > SEND_LEASE:
                # Another poller may settle it first (finish then refuses): the ledger has
                # the last word either way.
                with suppress(ValueError):
                    self.run.adapters.ledger.finish(
                        record.draft_id,
                        PoState.UNKNOWN,
                        "the sending run stopped midway",
                        self.run.now,
                    )
                    self.run.audit(
                        BOT, AuditAction.SEND_OUTCOME_UNKNOWN, po, None, {"reason": "run stopped"}
                    )
                self.follow_up(self.run.adapters.ledger.get(record.draft_id) or record, rows)
            else:
                self.set_status(rows, f"{record.label} is being sent by another run")
        elif record.state is PoState.FAILED:
            status = (
                f"SEND FAILED for {po}: {record.detail}. Fix the draft (for example Send to)"
                " and it is tried again at the next poll"
            )
            self.report.attention.append(status)
            self.set_status(rows, status)
        elif record.state is PoState.UNKNOWN:
            status = (
                f"SEND OUTCOME UNKNOWN for {po} ({record.detail}): check your sent mail or"
                f" outbox, then run `sheets-bot resolve {po} --sent` or `--resend`"
            )
            self.report.attention.append(status)
            self.set_status(rows, status)

    def move_to_orders(self, record: PoRecord, rows: list[Row]) -> None:
        """Sent lines become Orders rows and count as on order; the draft leaves Drafts.

        Idempotent: a PO already in Orders (a run that died after writing it) is not added
        twice.
        """
        order = record.order
        orders = self.run.view[ORDERS]
        sent_local = record.updated_at.astimezone(self.run.view.zone)
        sent_at = sent_local.strftime("%Y-%m-%d %H:%M")
        expected = order.requested_delivery(sent_local.date())
        if order.po_number not in self.po_in_orders:
            self.po_in_orders.add(order.po_number)
            for line in order.lines:
                self.orders_rows.append(
                    orders.new_row(
                        {
                            "PO": order.po_number,
                            "Supplier": order.supplier,
                            "SKU": line.sku,
                            "Item": line.item,
                            "Qty": line.quantity,
                            "Unit cost": float(line.unit_cost)
                            if line.unit_cost is not None
                            else None,
                            "Sent at": sent_at,
                            "Status": "sent",
                            "Purchase qty": line.quantity_text if line.unit else None,
                            "Expected": expected.isoformat() if expected else None,
                        }
                    )
                )
                sku = line.sku.casefold()
                self.on_order[sku] = self.on_order.get(sku, 0.0) + line.quantity
            self.update_on_order({line.sku.casefold() for line in order.lines})
        self.deleted_rows.extend(row.number for row in rows)

    def update_on_order(self, skus: set[str]) -> None:
        for row in self.run.view[STOCK]:
            sku = row.text("SKU")
            if sku.casefold() in skus:
                quantity = self.on_order.get(sku.casefold(), 0.0)
                value: Cell = int(quantity) if quantity == int(quantity) else quantity
                self.stock_writer.put(row, sku, "On order", value)

    def report_orphans(self, drafts_in_sheet: set[str]) -> None:
        """Unfinished POs whose draft rows are gone from the sheet still need the owner."""
        for record in self.run.adapters.ledger.unfinished():
            if record.draft_id in drafts_in_sheet:
                continue
            if record.state in (PoState.UNKNOWN, PoState.FAILED, PoState.SENDING):
                self.report.attention.append(
                    f"{record.po_number} ({record.order.supplier}) is {record.state.value}:"
                    f" {record.detail or 'no detail'}"
                )


def run_poll(adapters: PollPorts) -> PollReport:
    now = adapters.clock.now()
    view = read_shop(adapters.sheet, POLL_TABS, optional=POLL_OPTIONAL_TABS)
    with Run(adapters, view, now) as run:
        return _Poll(run).poll()
