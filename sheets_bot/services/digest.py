"""The owner's daily digest: gathered from what the daily check read and wrote, sent once a day.

Nothing here reads the sheet again: ``gather`` works on the check's ``ShopView`` with the
check's batch applied in memory (``sheets_bot.sheet.after``). The ledger (sends needing
attention), the audit log (mail the bot could not read) and the failure store (runs that
failed) are read through their ports. The digest goes out through the Mailer like any email;
its date is remembered (``Marks``) so it goes out once per shop day, and the failures it
showed are dropped only after it went out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Final, Literal, cast

from sheets_bot.documents.digest_email import AllStockedMode, compose_digest
from sheets_bot.domain.audit import BOT, AuditAction, AuditEntry
from sheets_bot.domain.digest import (
    AttentionSend,
    Delivery,
    DigestData,
    DigestLine,
    DigestMark,
    FailedRun,
    ProblemRow,
    SentPo,
    UnconfirmedPo,
    UnreadMail,
    UnsureItem,
    UrgentItem,
    WaitingDraft,
    digest_due,
    unsure_to_show,
)
from sheets_bot.domain.drafts import check_note
from sheets_bot.domain.learned_demand import history_unread_sentence, restart_sentence
from sheets_bot.domain.learning import unsure_reasons
from sheets_bot.domain.models import ShopSettings, supplier_key
from sheets_bot.domain.purchase_order import PoState
from sheets_bot.domain.sheet_numbers import NotANumber, parse_number
from sheets_bot.ports import PendingFailure, SheetBatch
from sheets_bot.services.check import CHECK_TABS
from sheets_bot.services.decision_links import LinkSigner, draft_snapshots
from sheets_bot.services.lanes import DailyPorts
from sheets_bot.services.shop import Core, ShopView, read_shop
from sheets_bot.sheet.after import table_after
from sheets_bot.sheet.layout import DRAFTS, ORDERS, PROPOSED, STOCK
from sheets_bot.sheet.table import Row, Table

DIGEST_OPTIONAL_TABS: Final = (PROPOSED,)
"""Read with the check's one request when the sheet has them."""
UNCONFIRMED_AFTER: Final = timedelta(hours=48)
UNREAD_MAIL_ACTIONS: Final = (AuditAction.MAIL_REFUSED, AuditAction.ATTACHMENT_UNREADABLE)
FIRST_DIGEST_WINDOW: Final = timedelta(hours=24)
"""With no digest before, "since the last digest" means the last day."""
OPEN_STATUSES: Final = ("", "sent", "confirmed")


@dataclass
class DigestReport:
    sent: bool = False
    reason: str = ""
    """Why nothing went out, or ``sent``."""
    message_id: str = ""
    subject: str = ""
    local_date: date | None = None
    failures_shown: int = 0
    counts: dict[str, int] = field(default_factory=dict)


def _number(value: object) -> Decimal | None:
    try:
        return parse_number(value)
    except NotANumber:
        return None


def _sent_at(row: Row, view: ShopView) -> datetime | None:
    """``Sent at`` as the poll writes it (``2026-11-23 10:05``, shop time), or ISO-8601."""
    text = row.text("Sent at")
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.replace(tzinfo=view.zone) if moment.tzinfo is None else moment


def _strip_location(tab: str, row: int | None, message: str) -> str:
    """``Stock row 29, column E ...`` is shown as tab, row and ``column E ...``."""
    prefix = f"{tab} row {row}" if row is not None else tab
    if message.startswith(prefix):
        rest = message[len(prefix) :]
        for separator in (", ", ": "):
            if rest.startswith(separator):
                return rest[len(separator) :]
    return message


@dataclass
class _Orders:
    po: str
    supplier: str
    rows: list[Row]
    sent_at: datetime | None


def _orders_by_po(orders: Table, view: ShopView) -> list[_Orders]:
    grouped: dict[str, _Orders] = {}
    for row in orders:
        po = row.text("PO")
        if not po:
            continue
        entry = grouped.setdefault(po, _Orders(po, row.text("Supplier"), [], _sent_at(row, view)))
        entry.rows.append(row)
    return list(grouped.values())


def _po_total(rows: Sequence[Row]) -> Decimal | None:
    total = Decimal(0)
    for row in rows:
        quantity, cost = _number(row["Qty"]), _number(row["Unit cost"])
        if quantity is None or cost is None:
            return None
        total += quantity * cost
    return total


def _lead_days(row: Row, stock: Mapping[str, Row], view: ShopView, supplier: str) -> float | None:
    item = stock.get(row.text("SKU").casefold())
    if item is not None:
        days = _number(item["Lead time (days)"])
        if days is not None:
            return float(days)
    known = view.suppliers.get(supplier_key(supplier))
    return known.lead_time_days if known is not None else None


def _flag(status: str) -> str:
    note = check_note(status)
    return note if note.upper().startswith("CHECK QTY") else ""


def _expected_day(row: Row) -> date | None:
    """The Orders line's ``Expected`` date as the poll writes it (ISO); ``None`` otherwise."""
    try:
        return date.fromisoformat(row.text("Expected")[:10])
    except ValueError:
        return None


def _waiting(
    drafts: Table, now: datetime, signer: LinkSigner | None, settings: ShopSettings
) -> list[WaitingDraft]:
    """Drafts with a line still undecided; links for those a link can finish (every line to
    be ordered has a whole quantity, no line is held for an edit)."""
    waiting = []
    for snapshot in draft_snapshots(drafts).values():
        if not snapshot.waiting_rows:
            continue
        lines = []
        whole = True
        for line in snapshot.lines:
            quantity = _number(line.order_qty)
            ordered = line.decision in ("", "approve")
            if ordered and (
                quantity is None or quantity != quantity.to_integral_value() or quantity <= 0
            ):
                whole = False
            lines.append(
                DigestLine(
                    line.sku,
                    line.item,
                    int(quantity) if quantity is not None else 0,
                    _number(line.unit_cost),
                    decision=line.decision,
                    flag=_flag(line.status),
                )
            )
        links = (
            signer.links(snapshot, now, settings)
            if signer is not None and whole and snapshot.linkable
            else None
        )
        waiting.append(
            WaitingDraft(
                snapshot.draft_id,
                snapshot.supplier,
                tuple(lines),
                links,
                waiting_rows=snapshot.waiting_rows,
            )
        )
    return waiting


def gather(
    adapters: Core,
    view: ShopView,
    batch: SheetBatch,
    now: datetime,
    *,
    last: DigestMark | None,
    failures: Sequence[PendingFailure] = (),
    signer: LinkSigner | None = None,
) -> DigestData:
    """The digest of ``view`` after ``batch``, as of ``now``."""
    zone = view.zone
    local_now = now.astimezone(zone)
    today = local_now.date()
    since = last.sent_at if last is not None else now - FIRST_DIGEST_WINDOW
    stock = table_after(view[STOCK], batch)
    drafts = table_after(view[DRAFTS], batch)
    orders = table_after(view[ORDERS], batch)

    waiting = _waiting(drafts, now, signer, view.settings)
    in_drafts = {line.sku.casefold() for draft in waiting for line in draft.lines}
    to_decide = {
        line.sku.casefold() for draft in waiting for line in draft.lines if not line.decision
    }
    unsure: list[UnsureItem] = []
    urgent = []
    problems: list[ProblemRow] = [
        ProblemRow(p.tab, p.row, _strip_location(p.tab, p.row, str(p))) for p in view.problems
    ]
    stock_by_sku: dict[str, Row] = {}
    for row in stock:
        if row.text("SKU"):
            stock_by_sku.setdefault(row.text("SKU").casefold(), row)
        if row.text("Problem"):
            problems.append(
                ProblemRow(
                    STOCK, row.number, _strip_location(STOCK, row.number, row.text("Problem"))
                )
            )
        if row.text("Move").casefold() == "urgent":
            days_left = _number(row["Days left"])
            urgent.append(
                UrgentItem(
                    sku=row.text("SKU"),
                    item=row.text("Item"),
                    on_hand=float(_number(row["On hand"]) or 0),
                    days_left=float(days_left) if days_left is not None else None,
                    supplier=row.text("Supplier"),
                    covered_by_draft=row.text("SKU").casefold() in in_drafts,
                )
            )
        reasons = unsure_reasons(row.text("Numbers used"))
        if reasons and row.text("SKU"):
            unsure.append(
                UnsureItem(
                    row.text("SKU"),
                    row.text("Item"),
                    reasons,
                    in_draft=row.text("SKU").casefold() in to_decide,
                    move=row.text("Move").casefold(),
                )
            )
    urgent.sort(key=lambda item: (item.days_left is None, item.days_left or 0.0))
    problems.extend(_draft_problems(drafts))

    sent: list[SentPo] = []
    deliveries: list[Delivery] = []
    unconfirmed: list[UnconfirmedPo] = []
    for po in _orders_by_po(orders, view):
        if po.sent_at is None:
            continue
        if po.sent_at > since:
            sent.append(SentPo(po.po, po.supplier, _po_total(po.rows), po.sent_at))
        open_rows = [row for row in po.rows if row.text("Status").lower() in OPEN_STATUSES]
        leads = [_lead_days(row, stock_by_sku, view, po.supplier) for row in open_rows]
        known = [days for days in leads if days is not None]
        asked = [day for row in open_rows if (day := _expected_day(row)) is not None]
        expected: date | None = None
        if open_rows and asked:
            expected = max(asked)  # the delivery date the PO asked for (Orders 'Expected')
        elif open_rows and known:
            expected = po.sent_at.astimezone(zone).date() + timedelta(days=round(max(known)))
        if expected is not None:
            days_late = (today - expected).days
            if days_late >= 0:
                deliveries.append(Delivery(po.po, po.supplier, expected, days_late))
        still_sent = [row for row in po.rows if row.text("Status").lower() == "sent"]
        if still_sent and now - po.sent_at >= UNCONFIRMED_AFTER:
            hours = int((now - po.sent_at).total_seconds() // 3600)
            unconfirmed.append(UnconfirmedPo(po.po, po.supplier, po.sent_at, hours))

    proposed = view.tables.get(PROPOSED)
    waiting_rows = [
        row
        for row in (proposed if proposed is not None else [])
        if row.text("Proposal")
        and not row.text("Decision")
        and not row.text("Status").casefold().startswith(_PROPOSAL_FINISHED)
    ]
    proposed_waiting = len(waiting_rows)
    proposed_flagged = tuple(
        line for row in waiting_rows if (line := _flagged_proposal(row)) is not None
    )
    attention = [
        AttentionSend(
            record.po_number,
            record.order.supplier,
            cast(Literal["unknown", "failed"], record.state.value),
            record.detail,
        )
        for record in adapters.ledger.unfinished()
        if record.state in (PoState.UNKNOWN, PoState.FAILED)
    ]
    unsure_shown, unsure_more = unsure_to_show(unsure)
    audited = adapters.audit.since(since)
    location = adapters.sheet.location
    is_url = location.startswith(("https://", "http://"))
    return DigestData(
        shop_name=view.settings.business_name,
        local_date=today,
        sheet_url=location if is_url else None,
        workbook_path=None if is_url else location,
        urgent=tuple(urgent),
        drafts_waiting=tuple(waiting),
        sent=tuple(sent),
        deliveries=tuple(sorted(deliveries, key=lambda d: -d.days_late)),
        proposed_waiting=proposed_waiting,
        proposed_flagged=proposed_flagged,
        problems=tuple(problems),
        attention=tuple(attention),
        unconfirmed=tuple(unconfirmed),
        unread_mail=tuple(_unread_mail(audited, since)),
        failed_runs=tuple(pending.failure for pending in failures),
        unsure=unsure_shown,
        unsure_more=unsure_more,
        learning_restarted=tuple(
            restart_sentence(why)
            for why in _audited_reasons(audited, since, AuditAction.LEARNING_RESTARTED)
        ),
        history_unread=tuple(
            history_unread_sentence(why)
            for why in _audited_reasons(audited, since, AuditAction.HISTORY_UNREADABLE)
        ),
    )


def _draft_problems(drafts: Table) -> list[ProblemRow]:
    """Drafts the poll could not send, by the Status it wrote on them (one row per draft)."""
    found: dict[str, ProblemRow] = {}
    for row in drafts:
        status = row.text("Status")
        if (
            status.startswith(f"{DRAFTS} row")
            or status.startswith("not sent")
            or (" but not sent: " in status)
        ):
            found.setdefault(
                row.text("Draft"),
                ProblemRow(DRAFTS, row.number, _strip_location(DRAFTS, row.number, status)),
            )
    return list(found.values())


def _unread_mail(entries: Sequence[AuditEntry], since: datetime) -> list[UnreadMail]:
    unread = []
    for entry in entries:
        if entry.action not in UNREAD_MAIL_ACTIONS or entry.when <= since:
            continue
        after = entry.after or {}
        problem = str(after.get("problem") or after.get("reason") or entry.action)
        unread.append(UnreadMail(entry.when, str(after.get("file") or ""), problem))
    return unread


def _audited_reasons(
    entries: Sequence[AuditEntry], since: datetime, action: AuditAction
) -> list[str]:
    """The distinct ``why`` of the ``action`` entries since ``since``, oldest first. The
    check's problems reach no tab, so it audits what the owner must hear in the digest: a
    learning restarted, a stock history it could not read."""
    return list(
        dict.fromkeys(
            str((entry.after or {}).get("why") or "")
            for entry in entries
            if entry.action == action and entry.when > since
        )
    )


_PROPOSAL_FINISHED = ("done", "skipped", "stale", "cannot apply", "replaced")
_LOW_CONFIDENCE = 0.8
"""The intake's own threshold (services/ingest.py LOW_CONFIDENCE), read from the sheet here."""


def _flagged_proposal(row: Row) -> str | None:
    """One line for a waiting proposal the owner must check, or None."""
    status = row.text("Status")
    try:
        confidence = float(row.text("Confidence") or 1)
    except ValueError:
        confidence = 1.0
    lowered = status.casefold()
    if not (
        "uncertain" in lowered
        or "sender not verified" in lowered
        or lowered.startswith("not proposed")
        or confidence < _LOW_CONFIDENCE
    ):
        return None
    what = " ".join(
        part
        for part in (row.text("Proposal"), row.text("SKU"), row.text("Field"), row.text("Proposed"))
        if part
    )
    return f"{what}: {status or f'confidence {confidence:.2f}'}"


def _counts(data: DigestData) -> dict[str, int]:
    return {
        "urgent": len(data.urgent),
        "drafts_waiting": len(data.drafts_waiting),
        "sent": len(data.sent),
        "deliveries": len(data.deliveries),
        "proposed_waiting": data.proposed_waiting,
        "proposed_flagged": len(data.proposed_flagged),
        "problems": len(data.problems),
        "attention": len(data.attention),
        "unconfirmed": len(data.unconfirmed),
        "unread_mail": len(data.unread_mail),
        "failed_runs": len(data.failed_runs),
        "unsure": len(data.unsure) + data.unsure_more,
        "learning_restarted": len(data.learning_restarted),
        "history_unread": len(data.history_unread),
    }


def send_digest(
    adapters: DailyPorts,
    view: ShopView,
    batch: SheetBatch,
    now: datetime,
    *,
    force: bool = False,
) -> DigestReport:
    """Send the digest if it is due (or ``force``). Never raises for a digest that could not
    be sent: the check it follows is done, and the reason is in the report (and, for a send
    that failed, in the failure store for the next digest).

    ``adapters.digest_time`` overrides Settings' ``Digest time``: on AWS the check runs once a
    day at the stack's time, and that is when the digest is due."""
    marks = adapters.marks
    settings = view.settings
    local_now = now.astimezone(view.zone)
    last = marks.last_digest()
    due_at = adapters.digest_time or settings.digest_time
    if not force and not digest_due(
        local_now, due_at, settings.quiet_hours, last.local_date if last else None
    ):
        return DigestReport(reason="not due", local_date=local_now.date())
    pending = adapters.failures.pending()
    data = gather(adapters, view, batch, now, last=last, failures=pending, signer=adapters.links)
    report = DigestReport(local_date=data.local_date, counts=_counts(data))
    mode: AllStockedMode = "none" if settings.empty_digest == "none" else "one-line"
    try:
        message = compose_digest(data, settings, now=now, all_stocked_mode=mode)
    except ValueError as error:
        report.reason = f"digest not sent: {str(error).removeprefix('cannot send the digest: ')}"
        return report
    if message is None:
        marks.record_digest(DigestMark(data.local_date, now))
        report.reason = "nothing to say and Settings 'Empty digest' is none"
        return report
    report.subject = str(message["Subject"])
    try:
        report.message_id = adapters.mailer.send(message)
    except Exception as error:  # the check is done; the owner hears of it next time
        report.reason = f"digest not sent: {type(error).__name__}"
        adapters.failures.record(
            FailedRun(
                "digest",
                now,
                type(error).__name__,
                "the mail system did not take the digest; this one includes what it said",
            )
        )
        return report
    marks.record_digest(DigestMark(data.local_date, now))
    if pending:
        adapters.failures.acknowledge(pending)
    adapters.audit.record(
        [
            AuditEntry(
                now,
                BOT,
                AuditAction.DIGEST_SENT,
                data.local_date.isoformat(),
                None,
                {**report.counts, "message_id": report.message_id},
            )
        ]
    )
    report.sent = True
    report.reason = "sent"
    report.failures_shown = len(pending)
    return report


def run_digest(adapters: DailyPorts, *, force: bool = False) -> DigestReport:
    """The digest on its own (``sheets-bot digest``): one read of the tabs it needs, no write
    to the sheet. Moves and problems are the ones the last check wrote."""
    now = adapters.clock.now()
    view = read_shop(adapters.sheet, CHECK_TABS, optional=DIGEST_OPTIONAL_TABS)
    return send_digest(adapters, view, SheetBatch(), now, force=force)
