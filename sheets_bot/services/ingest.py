"""A forwarded email in, proposed changes in the Proposed tab out: ``ingest_message``.

The order keeps the trust rules whatever the message holds:

1. the raw message is stored first (``inbound/<date>/<hash>.eml``), so it is never lost;
2. SES's verdicts (on AWS) and then the sender, against Settings ``Allowed senders`` (the owner
   is always allowed), are checked before any attachment is opened. Refused mail gets an audit
   entry and nothing else: it is never answered (no backscatter);
3. each attachment is read by ``sheets_bot.intake``, its rows matched to Stock, and one
   Proposed row written per change (plain values only); a file seen before (same bytes) is
   skipped; an unreadable one gets an audit entry the digest lists;
4. the sheet is written once, then each file is marked seen (``inbound/seen/<sha256>``).

Nothing here touches the Stock tab: the owner's ``apply`` does, through the poll.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sheets_bot.domain.audit import BOT, AuditAction, AuditEntry
from sheets_bot.domain.inbound import (
    SesVerdicts,
    sender_allowed,
)
from sheets_bot.domain.models import Item, ItemStatus, Supplier, supplier_key
from sheets_bot.domain.sheet_numbers import NotANumber, parse_number
from sheets_bot.intake.columns import STOCK_COLUMN, Field, SheetKind
from sheets_bot.intake.limits import AttachmentRejected
from sheets_bot.intake.matching import Match, match_rows, normalise_name
from sheets_bot.intake.message import (
    DEFAULT_MAIL_LIMITS,
    Attachment,
    Envelope,
    MailLimits,
    MalformedMessage,
    Parts,
    read_envelope,
    read_parts,
)
from sheets_bot.intake.parse import ParsedRow, parse_attachment
from sheets_bot.ports import Blobs, Cell, Parser, RowsAppend
from sheets_bot.services.shop import Adapters, Run, ShopView, read_shop
from sheets_bot.sheet.layout import AUDIT, PROPOSED, SETTINGS, STOCK, SUPPLIERS
from sheets_bot.sheet.table import Table

INGEST_TABS = (SETTINGS, STOCK, SUPPLIERS, PROPOSED, AUDIT)
PRICE_FIELDS = (Field.UNIT_COST, Field.PACK_SIZE, Field.LEAD_TIME)
AI_CONFIDENCE = 0.5
"""The most a row read by the AI parser is trusted."""
UNKNOWN_SUPPLIER_CONFIDENCE = 0.5
NEEDS_AI = {
    b"%PDF": "a PDF",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
}
SEEN_PREFIX = "inbound/seen/"
EML_TYPE = "message/rfc822"


class Outcome(StrEnum):
    PROPOSED = "proposed"
    DUPLICATE = "already proposed"
    UNREADABLE = "unreadable"
    NEEDS_AI = "needs AI parsing"


@dataclass
class FileReport:
    name: str
    outcome: Outcome
    proposed: int = 0
    unmatched: int = 0
    unchanged: int = 0
    problem: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass
class IngestReport:
    key: str
    """Where the raw message is stored."""
    sender: str = ""
    refused: str | None = None
    supplier: str | None = None
    """The supplier whose price list this was, when one was identified."""
    proposals: list[str] = field(default_factory=list)
    files: list[FileReport] = field(default_factory=list)
    location: str = ""


def message_key(raw: bytes, now: datetime) -> str:
    """``inbound/2026-11-23/<hash>.eml``: the hash of the Message-ID (of the bytes without one)."""
    try:
        digest = read_envelope(raw).digest
    except MalformedMessage:
        digest = hashlib.sha256(raw).hexdigest()[:24]
    return f"inbound/{now:%Y-%m-%d}/{digest}.eml"


def seen_key(sha256: str) -> str:
    return f"{SEEN_PREFIX}{sha256}.json"


def _number_cell(value: Decimal) -> Cell:
    return int(value) if value == value.to_integral_value() else float(value)


def _matchable(table: Table) -> list[Item]:
    """Every Stock row with a SKU or a name, as items to match against, even a row the daily
    check cannot use (its count is still worth proposing). Only names and SKUs matter here."""
    items: list[Item] = []
    for row in table:
        if not (row.text("SKU") or row.text("Item")):
            continue
        items.append(
            Item(
                sku=row.text("SKU"),
                name=row.text("Item"),
                supplier=row.text("Supplier"),
                on_hand=0,
                daily_sales=0,
                lead_time_days=None,
                safety_buffer=0,
                pack_size=1,
                unit_cost=None,
                min_order=None,
                max_order=None,
                status=ItemStatus.ACTIVE,
                row=row.number,
            )
        )
    return items


def _same_number(current: Cell, proposed: Decimal) -> bool:
    if isinstance(current, bool):
        return False
    if isinstance(current, int | float):
        return Decimal(str(current)) == proposed
    try:
        number = parse_number(str(current or ""))
    except NotANumber:
        return False
    return number is not None and number == proposed


def _kind_of(data: bytes) -> str | None:
    for magic, what in NEEDS_AI.items():
        if data.startswith(magic):
            return what
    return None


class _IngestRun(Run):
    def __init__(
        self,
        adapters: Adapters,
        view: ShopView,
        now: datetime,
        report: IngestReport,
        envelope: Envelope,
        blobs: Blobs,
        limits: MailLimits,
    ) -> None:
        super().__init__(adapters, view, now)
        self.blobs = blobs
        self.report = report
        self.envelope = envelope
        self.limits = limits
        self.stock = view[STOCK]
        self.proposed_table = view[PROPOSED]
        self.stock_rows = {row.number: row for row in self.stock}
        self.items = _matchable(self.stock)
        self.rows: list[list[Cell]] = []
        self.batch_number = 0
        self.seen: list[tuple[Attachment, list[str]]] = []

    # --- the message's files ------------------------------------------------------------

    def ingest(self, parts: Parts, parser: Parser | None) -> None:
        for name, problem in parts.problems:
            self.unreadable(name, problem)
        done: set[str] = set()
        for attachment in parts.attachments:
            if attachment.sha256 in done or self.already_seen(attachment):
                self.report.files.append(FileReport(attachment.filename, Outcome.DUPLICATE))
                continue
            done.add(attachment.sha256)
            self.attachment(attachment, parts, parser)
        if not parts.attachments and any(char.isdigit() for char in parts.body):
            body = Attachment("message body", "text/plain", parts.body.encode("utf-8"))
            if self.already_seen(body):
                self.report.files.append(FileReport(body.filename, Outcome.DUPLICATE))
            else:
                self.ai_file(body, "numbers in the mail body", parts, parser)

    def already_seen(self, attachment: Attachment) -> bool:
        try:
            self.blobs.get(seen_key(attachment.sha256))
        except KeyError:
            return False
        return True

    def attachment(self, attachment: Attachment, parts: Parts, parser: Parser | None) -> None:
        what = _kind_of(attachment.data)
        if what is not None:
            self.ai_file(attachment, what, parts, parser)
            return
        try:
            sheet = parse_attachment(attachment.filename, attachment.data)
        except AttachmentRejected as error:
            self.unreadable(attachment.filename, error.reason)
            return
        report = FileReport(attachment.filename, Outcome.PROPOSED, notes=list(sheet.notes))
        ids = self.propose(attachment, sheet.rows, sheet.kind, parts, report, ai=False)
        for problem in sheet.problems:
            ids.append(self.add_row(attachment, {"Status": f"unreadable: {problem}"}))
        self.report.files.append(report)
        self.seen.append((attachment, ids))

    def ai_file(
        self, attachment: Attachment, what: str, parts: Parts, parser: Parser | None
    ) -> None:
        if parser is None or not self.view.settings.ai_parsing:
            why = (
                "which is not available here (it runs on AWS, through Bedrock)"
                if self.view.settings.ai_parsing
                else "which is turned off (set 'AI parsing' to yes in Settings)"
            )
            problem = (
                f"is {what}, not a spreadsheet: it needs AI parsing, {why};"
                " or forward it as .xlsx or .csv"
            )
            self.unreadable(attachment.filename, problem, outcome=Outcome.NEEDS_AI)
            return
        try:
            rows = parser.parse(attachment.filename, attachment.content_type, attachment.data)
        except AttachmentRejected as error:
            self.unreadable(attachment.filename, error.reason)
            return
        kind = (
            SheetKind.COUNT
            if any(Field.ON_HAND in row.values for row in rows)
            else SheetKind.PRICE_LIST
        )
        report = FileReport(attachment.filename, Outcome.PROPOSED, notes=["read by AI parsing"])
        ids = self.propose(attachment, tuple(rows), kind, parts, report, ai=True)
        self.report.files.append(report)
        self.seen.append((attachment, ids))

    def unreadable(self, name: str, problem: str, outcome: Outcome = Outcome.UNREADABLE) -> None:
        self.report.files.append(FileReport(name, outcome, problem=problem))
        self.audit(
            BOT, AuditAction.ATTACHMENT_UNREADABLE, name, None, {"file": name, "problem": problem}
        )

    # --- which supplier's price list ----------------------------------------------------

    def supplier_of(self, attachment: Attachment, parts: Parts, kind: SheetKind) -> Supplier | None:
        """The supplier a file comes from, if exactly one is identified.

        Strong signs (the sender, or the From of a forwarded message, is a supplier's
        address) always count; weak ones (a supplier's address in the body, its name in the
        subject or file name) only for a sheet that is a price list by its columns, so an
        owner's count never loses its on-hand figures to a subject line.
        """
        suppliers = list(self.view.suppliers.values())
        by_email = {s.email.casefold(): s for s in suppliers if s.email}
        found: dict[str, Supplier] = {}
        for address in (self.envelope.sender.casefold(), *parts.forwarded_from):
            if address in by_email:
                found[by_email[address].name] = by_email[address]
        if kind is SheetKind.PRICE_LIST and not found:
            body = parts.body.casefold()
            text = normalise_name(f"{self.envelope.subject} {attachment.filename}")
            text = " ".join(text.replace("_", " ").replace("-", " ").split())
            for supplier in suppliers:
                name = supplier_key(normalise_name(supplier.name))
                if (supplier.email and supplier.email.casefold() in body) or name in text:
                    found[supplier.name] = supplier
        return next(iter(found.values())) if len(found) == 1 else None

    # --- rows ---------------------------------------------------------------------------

    def propose(
        self,
        attachment: Attachment,
        rows: tuple[ParsedRow, ...],
        kind: SheetKind,
        parts: Parts,
        report: FileReport,
        *,
        ai: bool,
    ) -> list[str]:
        supplier = self.supplier_of(attachment, parts, kind)
        if supplier is not None:
            self.report.supplier = supplier.name
            fields: tuple[Field, ...] = PRICE_FIELDS
            report.notes.append(f"a price list from {supplier.name}: costs and pack sizes")
        elif kind is SheetKind.PRICE_LIST:
            fields = PRICE_FIELDS
        else:
            fields = (Field.ON_HAND,)
        result = match_rows(rows, self.items)
        ids: list[str] = []
        for match in result.matches:
            ids.extend(self.matched(attachment, match, fields, supplier, kind, report, ai=ai))
        for unmatched in result.unmatched:
            ids.extend(self.unmatched(attachment, unmatched.row, unmatched.reason, fields, report))
        return ids

    def matched(
        self,
        attachment: Attachment,
        match: Match,
        fields: tuple[Field, ...],
        supplier: Supplier | None,
        kind: SheetKind,
        report: FileReport,
        *,
        ai: bool,
    ) -> list[str]:
        item = match.item
        if item is None:
            return self.unmatched(
                attachment, match.row, match.reason or "ambiguous", fields, report
            )
        if supplier is not None and supplier_key(item.supplier) != supplier_key(supplier.name):
            reason = (
                f"{item.name!r} ({item.sku}) is {item.supplier or 'no supplier'}'s item in"
                f" Stock, not {supplier.name}'s"
            )
            return self.unmatched(attachment, match.row, reason, fields, report)
        reasons = [match.reason] if match.uncertain and match.reason else []
        confidence = match.confidence
        if supplier is None and kind is SheetKind.PRICE_LIST:
            reasons.append(
                f"the price list's supplier is not identified: check it is {item.supplier}'s"
            )
            confidence = min(confidence, UNKNOWN_SUPPLIER_CONFIDENCE)
        if ai:
            reasons.append("read by AI parsing: check it against the file")
            confidence = min(confidence, AI_CONFIDENCE)
        stock_row = self.stock_rows[item.row]
        ids: list[str] = []
        for field_name in fields:
            value = match.row.values.get(field_name)
            column = STOCK_COLUMN[field_name]
            if value is None or not self.stock.has(column):
                continue
            current = stock_row[column]
            if _same_number(current, value):
                report.unchanged += 1
                continue
            status = "uncertain: " + "; ".join(reasons) if reasons else ""
            ids.append(
                self.add_row(
                    attachment,
                    {
                        "SKU": item.sku,
                        "Item": item.name,
                        "Field": field_name.value,
                        "Current": current,
                        "Proposed": _number_cell(value),
                        "Confidence": round(confidence, 2),
                        "Status": status,
                    },
                )
            )
            report.proposed += 1
        return ids

    def unmatched(
        self,
        attachment: Attachment,
        row: ParsedRow,
        reason: str,
        fields: tuple[Field, ...],
        report: FileReport,
    ) -> list[str]:
        values = [(f, row.values[f]) for f in fields if f in row.values]
        if not values:
            return []
        report.unmatched += 1
        field_name, value = values[0]
        return [
            self.add_row(
                attachment,
                {
                    "SKU": row.sku,
                    "Item": row.name,
                    "Field": field_name.value,
                    "Proposed": _number_cell(value),
                    "Confidence": 0,
                    "Status": f"unmatched: {reason} (file row {row.row})",
                },
            )
        ]

    def source(self, attachment: Attachment) -> str:
        envelope = self.envelope
        when = envelope.date.astimezone(self.view.zone) if envelope.date else self.now
        return " | ".join(
            (
                envelope.sender,
                envelope.subject or "(no subject)",
                f"{when:%Y-%m-%d %H:%M}",
                attachment.filename,
            )
        )

    def add_row(self, attachment: Attachment, values: dict[str, Cell]) -> str:
        if self.batch_number == 0:
            self.batch_number = self.adapters.ledger.next_number("proposals")
        proposal = f"P-{self.batch_number:04d}-{len(self.rows) + 1:02d}"
        self.rows.append(
            self.proposed_table.new_row(
                {"Proposal": proposal, "Source": self.source(attachment), **values}
            )
        )
        self.report.proposals.append(proposal)
        return proposal

    def finish(self) -> None:
        """Cap the rows, write the sheet once, then mark the files seen."""
        limit = self.limits.max_rows
        if len(self.rows) > limit:
            self.unreadable(
                "this message",
                f"has {len(self.rows):,} proposed rows, over the limit of {limit:,}: only the"
                f" first {limit:,} are proposed",
            )
            kept = set(self.report.proposals[:limit])
            self.rows = self.rows[:limit]
            self.report.proposals = self.report.proposals[:limit]
            self.seen = [(a, [i for i in ids if i in kept]) for a, ids in self.seen]
        if self.rows:
            self.batch.appends.append(RowsAppend(PROPOSED, self.rows))
        for attachment, ids in self.seen:
            self.audit(
                BOT,
                AuditAction.PROPOSED,
                attachment.filename,
                None,
                {
                    "file": attachment.filename,
                    "sha256": attachment.sha256,
                    "proposals": ids,
                    "message": self.report.key,
                },
            )
        self.commit()
        for attachment, ids in self.seen:
            record = {"file": attachment.filename, "message": self.report.key, "proposals": ids}
            self.blobs.put(
                seen_key(attachment.sha256), json.dumps(record).encode("utf-8"), "application/json"
            )


def _refuse(adapters: Adapters, now: datetime, report: IngestReport, reason: str) -> IngestReport:
    """An audit entry and nothing else: refused mail is never answered, and it costs no write
    to the sheet (the next check or poll copies the entry to the Audit tab), so a flood of
    mail cannot flood the sheet."""
    report.refused = reason
    after = {"reason": reason, "sender": report.sender or "(unknown)", "message": report.key}
    adapters.audit.record([AuditEntry(now, BOT, AuditAction.MAIL_REFUSED, report.key, None, after)])
    return report


def ingest_message(
    adapters: Adapters,
    blobs: Blobs,
    raw: bytes,
    *,
    verdicts: SesVerdicts | None = None,
    parser: Parser | None = None,
    limits: MailLimits = DEFAULT_MAIL_LIMITS,
) -> IngestReport:
    """Store, check, read and propose; see the module docstring for the order."""
    now = adapters.clock.now()
    key = message_key(raw, now)
    blobs.put(key, raw, EML_TYPE)
    report = IngestReport(key=key, location=adapters.sheet.location)
    envelope: Envelope | None = None
    malformed = ""
    try:
        envelope = read_envelope(raw)
    except MalformedMessage as error:
        malformed = f"the message {error}"
    report.sender = envelope.sender if envelope is not None else ""
    if verdicts is not None and (refusal := verdicts.refusal()):
        return _refuse(adapters, now, report, refusal)
    if envelope is None:
        return _refuse(adapters, now, report, malformed)
    view = read_shop(adapters.sheet, INGEST_TABS)
    settings = view.settings
    if not sender_allowed(envelope.sender, settings.allowed_senders, settings.owner_email):
        reason = f"{envelope.sender} is not the owner and not on Settings 'Allowed senders'"
        return _refuse(adapters, now, report, reason)
    run = _IngestRun(adapters, view, now, report, envelope, blobs, limits)
    if len(raw) > limits.max_message_bytes:
        run.unreadable(
            "this message",
            f"is {len(raw):,} bytes, over the limit of {limits.max_message_bytes:,}",
        )
    else:
        try:
            parts = read_parts(raw, limits)
        except MalformedMessage as error:
            run.unreadable("this message", str(error))
        else:
            run.ingest(parts, parser)
    run.finish()
    return report
