"""A forwarded email in, proposed changes in the Proposed tab out: ``ingest_message``.

The order keeps the trust rules whatever the message holds:

1. the raw message is stored first (``inbound/<date>/<hash>.eml``), so it is never lost;
2. the sender is checked before any attachment is opened: SES's verdicts on AWS; on one
   machine the receiving server's ``Authentication-Results`` and the message's DKIM signature
   (``intake/sender_auth.py``); then Settings ``Allowed senders`` (the owner is always
   allowed). Refused mail gets an audit entry and nothing else: it is never answered (no
   backscatter). Mail nothing vouches for is read, but its rows say "sender not verified" and
   cannot be applied;
3. each attachment is judged on its own (size limits, Outlook's ``winmail.dat`` unpacked), read
   by ``sheets_bot.intake``, its rows matched to Stock, and one Proposed row written per change
   (plain values only) with its confidence and the reasons for it (``Why``); a file seen
   before (same bytes, or the same rows in any order, line endings or spacing) is skipped; a
   newer count of an item replaces its pending older proposal; an unreadable file gets an
   audit entry the digest lists;
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
from sheets_bot.intake.columns import STOCK_COLUMN, Field, SheetKind, place_key
from sheets_bot.intake.limits import AttachmentRejected
from sheets_bot.intake.matching import Match, MatchedBy, match_rows, normalise_name
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
from sheets_bot.intake.parse import ParsedRow, ParsedSheet, parse_attachment
from sheets_bot.intake.sender_auth import DnsLookup, SenderCheck, check_sender
from sheets_bot.ports import Blobs, Cell, Parser, RowsAppend
from sheets_bot.services.lanes import IntakePorts
from sheets_bot.services.shop import Core, Run, read_shop
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
LOW_CONFIDENCE = 0.8
"""Below this a proposed value is marked uncertain (Status) in the sheet and the digest."""
UNCERTAIN = "uncertain"
UNVERIFIED = "sender not verified"
REPLACED = "replaced"
NO_COUNT = "no count found in this message"


class Outcome(StrEnum):
    PROPOSED = "proposed"
    DUPLICATE = "already proposed"
    UNREADABLE = "unreadable"
    NEEDS_AI = "needs AI parsing"
    NEEDS_LOCATION = "needs a count location"
    NO_COUNT = "no count found"


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
    sender_verified: bool = True
    sender_check: str = ""
    """What vouched for the sender (or why nothing did)."""


def message_key(raw: bytes, now: datetime) -> str:
    """``inbound/2026-11-23/<hash>.eml``: the hash of the Message-ID (of the bytes without one)."""
    try:
        digest = read_envelope(raw).digest
    except MalformedMessage:
        digest = hashlib.sha256(raw).hexdigest()[:24]
    return f"inbound/{now:%Y-%m-%d}/{digest}.eml"


def seen_key(sha256: str) -> str:
    return f"{SEEN_PREFIX}{sha256}.json"


def content_key(sheet: ParsedSheet) -> str:
    """The hash of what a file says, not of its bytes: the same rows re-exported with other
    line endings, spacing, row order or file type hash alike."""
    rows = sorted(
        (
            row.sku.strip().casefold(),
            " ".join(row.name.split()).casefold(),
            sorted((f.value, str(v.normalize())) for f, v in row.values.items()),
            sorted((place_key(p), str(v.normalize())) for p, v in row.locations.items()),
        )
        for row in sheet.rows
    )
    text = json.dumps([sheet.kind.value, sheet.needs_choice != "", rows])
    return "content-" + hashlib.sha256(text.encode("utf-8")).hexdigest()


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


class _Ingest:
    """One forwarded message inside its unit of work: proposals built, written in one commit,
    and the files marked seen only once that commit succeeded."""

    def __init__(
        self,
        run: Run[IntakePorts],
        report: IngestReport,
        envelope: Envelope,
        blobs: Blobs,
        limits: MailLimits,
        sender: SenderCheck,
    ) -> None:
        self.run = run
        view = run.view
        self.blobs = blobs
        self.report = report
        self.envelope = envelope
        self.limits = limits
        self.sender = sender
        self.contents: list[str] = []
        self.stock = view[STOCK]
        self.proposed_table = view[PROPOSED]
        self.stock_rows = {row.number: row for row in self.stock}
        self.items = _matchable(self.stock)
        self.rows: list[list[Cell]] = []
        self.batch_number = 0
        self.seen: list[tuple[Attachment, list[str]]] = []
        self.seen_contents: list[tuple[str, Attachment, list[str]]] = []
        self.pending = self._pending()

    def _pending(self) -> dict[tuple[str, str], tuple[int, str, str]]:
        """Proposals still waiting for a decision: (SKU, field) -> (row, proposal, when)."""
        pending: dict[tuple[str, str], tuple[int, str, str]] = {}
        for row in self.proposed_table:
            status = row.text("Status").casefold()
            if not row.text("Proposal") or row.text("Decision") or not row.text("SKU"):
                continue
            if status.startswith(("done", "skipped", "stale", "cannot", REPLACED, "unmatched")):
                continue
            parts = row.text("Source").split(" | ")
            when = parts[2] if len(parts) > 2 else ""
            key = (row.text("SKU").casefold(), row.text("Field").casefold())
            pending[key] = (row.number, row.text("Proposal"), when)
        return pending

    # --- the message's files ------------------------------------------------------------

    def ingest(self, parts: Parts, parser: Parser | None) -> None:
        for name, problem in parts.problems:
            self.unreadable(name, problem)
        done: set[str] = set()
        for attachment in parts.attachments:
            if attachment.sha256 in done or self.already_seen(attachment.sha256):
                self.report.files.append(FileReport(attachment.filename, Outcome.DUPLICATE))
                continue
            done.add(attachment.sha256)
            self.attachment(attachment, parts, parser)
        if not parts.attachments and not parts.problems:
            self.body(parts, parser)

    def body(self, parts: Parts, parser: Parser | None) -> None:
        """A forward with no file: a table typed or pasted in the body, else the AI parser
        (when on), else "no count found"."""
        body = Attachment("message body", "text/plain", parts.body.encode("utf-8"))
        if self.already_seen(body.sha256):
            self.report.files.append(FileReport(body.filename, Outcome.DUPLICATE))
            return
        try:
            sheet = parse_attachment("message body.txt", body.data, count_location=self.location)
        except AttachmentRejected:
            sheet = None
        if sheet is not None and sheet.rows:
            self.sheet(body, sheet, parts)
            return
        for number, table in enumerate(parts.tables, start=1):
            pasted = Attachment(f"table {number} in the message", "text/plain", table.encode())
            try:
                found = parse_attachment("table.txt", pasted.data, count_location=self.location)
            except AttachmentRejected:
                continue
            if found.rows or found.needs_choice:
                self.sheet(pasted, found, parts)
                return
        if parser is not None and self.run.view.settings.ai_parsing and parts.body.strip():
            self.ai_file(body, "numbers in the mail body", parts, parser)
            return
        self.unreadable(
            "this message",
            f"{NO_COUNT}: no attachment and no table in the text; attach the count as .xlsx or"
            " .csv, or paste it as a table with a header row (SKU or Item, and Count)",
            outcome=Outcome.NO_COUNT,
        )

    @property
    def location(self) -> str:
        return self.run.view.settings.count_location

    def already_seen(self, key: str) -> bool:
        try:
            self.blobs.get(seen_key(key))
        except KeyError:
            return False
        return True

    def attachment(self, attachment: Attachment, parts: Parts, parser: Parser | None) -> None:
        what = _kind_of(attachment.data)
        if what is not None:
            self.ai_file(attachment, what, parts, parser)
            return
        try:
            sheet = parse_attachment(
                attachment.filename, attachment.data, count_location=self.location
            )
        except AttachmentRejected as error:
            self.unreadable(attachment.filename, error.reason)
            return
        self.sheet(attachment, sheet, parts)

    def sheet(self, attachment: Attachment, sheet: ParsedSheet, parts: Parts) -> None:
        content = content_key(sheet)
        if content in self.contents or self.already_seen(content):
            self.report.files.append(
                FileReport(
                    attachment.filename,
                    Outcome.DUPLICATE,
                    notes=["the same rows as a file already proposed (in another layout)"],
                )
            )
            return
        self.contents.append(content)
        report = FileReport(attachment.filename, Outcome.PROPOSED, notes=list(sheet.notes))
        fields = self.fields_for(attachment, parts, sheet.kind, report)
        ids = self.propose(attachment, sheet.rows, sheet.kind, parts, report, ai=False)
        if sheet.needs_choice:
            report.outcome = Outcome.NEEDS_LOCATION if not ids else report.outcome
            report.problem = sheet.needs_choice
            ids.append(
                self.add_row(
                    attachment, {"Status": f"not proposed: this file {sheet.needs_choice}"}
                )
            )
            self.run.audit(
                BOT,
                AuditAction.ATTACHMENT_UNREADABLE,
                attachment.filename,
                None,
                {"file": attachment.filename, "problem": sheet.needs_choice},
            )
        for problem in sheet.problems_for(fields):
            ids.append(self.add_row(attachment, {"Status": f"unreadable: {problem}"}))
        self.report.files.append(report)
        self.seen.append((attachment, ids))
        self.seen_contents.append((content, attachment, ids))

    def ai_file(
        self, attachment: Attachment, what: str, parts: Parts, parser: Parser | None
    ) -> None:
        if parser is None or not self.run.view.settings.ai_parsing:
            why = (
                "which is not available here (it runs on AWS, through Bedrock)"
                if self.run.view.settings.ai_parsing
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
        self.run.audit(
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
        suppliers = list(self.run.view.suppliers.values())
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

    def fields_for(
        self,
        attachment: Attachment,
        parts: Parts,
        kind: SheetKind,
        report: FileReport,
        *,
        note: bool = False,
    ) -> tuple[Field, ...]:
        """What the file may change: costs and pack sizes from a supplier's price list, else
        the count (a column the lane does not use is never read, so never a problem)."""
        supplier = self.supplier_of(attachment, parts, kind)
        if supplier is not None:
            if note:
                report.notes.append(f"a price list from {supplier.name}: costs and pack sizes")
            return PRICE_FIELDS
        return PRICE_FIELDS if kind is SheetKind.PRICE_LIST else (Field.ON_HAND,)

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
        fields = self.fields_for(attachment, parts, kind, report, note=True)
        if supplier is not None:
            self.report.supplier = supplier.name
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
        how = (
            f"matched by SKU {item.sku}"
            if match.by is MatchedBy.SKU
            else f"matched by name, not SKU ({item.name!r})"
        )
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
                self.settle_pending(item.sku, field_name)
                continue
            value_confidence = match.row.confidence.get(field_name, 1.0)
            value_reasons = list(match.row.reasons.get(field_name, ()))
            doubts = [*match.row.doubts.get(field_name, ()), *reasons]
            final = min(confidence, value_confidence)
            why = [*value_reasons, how, *reasons]
            replaced = self.replace_pending(item.sku, field_name, why)
            status = self.status(final, doubts)
            if replaced:
                status = replaced if replaced.startswith(REPLACED) else status
            ids.append(
                self.add_row(
                    attachment,
                    {
                        "SKU": item.sku,
                        "Item": item.name,
                        "Field": field_name.value,
                        "Current": current,
                        "Proposed": _number_cell(value),
                        "Confidence": round(final, 2),
                        "Why": "; ".join(r for r in why if r),
                        "Status": status,
                    },
                )
            )
            report.proposed += 1
        return ids

    def status(self, confidence: float, doubts: list[str]) -> str:
        parts: list[str] = []
        if confidence < LOW_CONFIDENCE or doubts:
            parts.append(f"{UNCERTAIN}: " + ("; ".join(doubts) or "low confidence"))
        if not self.sender.verified:
            parts.append(
                f"{UNVERIFIED} ({self.sender.how}): check it, then type it into Stock yourself;"
                " apply is refused"
            )
        return " | ".join(parts)

    def replace_pending(self, sku: str, field_name: Field, why: list[str]) -> str:
        """A newer count of an item replaces its pending older proposal (and says so); an
        older one arriving late is marked replaced by the newer one already waiting."""
        key = (sku.casefold(), field_name.value)
        found = self.pending.get(key)
        if found is None:
            return ""
        row_number, older, when = found
        mine = f"P-{self.next_batch():04d}-{len(self.rows) + 1:02d}"
        envelope_when = self.when().strftime("%Y-%m-%d %H:%M")
        if when and envelope_when < when:
            return f"{REPLACED} by {older}, a newer count already waiting ({when}); not applied"
        text = f"{REPLACED} by {mine}, a newer count ({envelope_when})"
        self.run.batch.writes.append(self.proposed_table.write(row_number, "Status", text))
        self.run.audit(BOT, AuditAction.PROPOSAL_REPLACED, older, None, {"Status": text})
        why.append(f"replaces {older} (an older count, {when or 'undated'})")
        del self.pending[key]
        return f"replaces {older}"

    def settle_pending(self, sku: str, field_name: Field) -> None:
        """A newer count that matches Stock leaves an older pending proposal nothing to do."""
        found = self.pending.pop((sku.casefold(), field_name.value), None)
        if found is None:
            return
        row_number, proposal, when = found
        envelope_when = self.when().strftime("%Y-%m-%d %H:%M")
        if when and envelope_when < when:
            self.pending[(sku.casefold(), field_name.value)] = found
            return
        text = f"{REPLACED} by a newer count ({envelope_when}) that matches Stock; not applied"
        self.run.batch.writes.append(self.proposed_table.write(row_number, "Status", text))
        self.run.audit(BOT, AuditAction.PROPOSAL_REPLACED, proposal, None, {"Status": text})

    def next_batch(self) -> int:
        if self.batch_number == 0:
            self.batch_number = self.run.adapters.ledger.next_number("proposals")
        return self.batch_number

    def when(self) -> datetime:
        envelope = self.envelope
        return envelope.date.astimezone(self.run.view.zone) if envelope.date else self.run.now

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
        when = self.when()
        return " | ".join(
            (
                envelope.sender,
                envelope.subject or "(no subject)",
                f"{when:%Y-%m-%d %H:%M}",
                attachment.filename,
            )
        )

    def add_row(self, attachment: Attachment, values: dict[str, Cell]) -> str:
        proposal = f"P-{self.next_batch():04d}-{len(self.rows) + 1:02d}"
        if not self.proposed_table.has("Why"):
            values = {key: value for key, value in values.items() if key != "Why"}
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
            self.run.batch.appends.append(RowsAppend(PROPOSED, self.rows))
        for attachment, ids in self.seen:
            self.run.audit(
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
        self.run.commit()
        for attachment, ids in self.seen:
            record = {"file": attachment.filename, "message": self.report.key, "proposals": ids}
            self.blobs.put(
                seen_key(attachment.sha256), json.dumps(record).encode("utf-8"), "application/json"
            )
        for content, attachment, ids in self.seen_contents:
            record = {"file": attachment.filename, "message": self.report.key, "proposals": ids}
            self.blobs.put(
                seen_key(content), json.dumps(record).encode("utf-8"), "application/json"
            )


def _refuse(adapters: Core, now: datetime, report: IngestReport, reason: str) -> IngestReport:
    """An audit entry and nothing else: refused mail is never answered, and it costs no write
    to the sheet (the next check or poll copies the entry to the Audit tab), so a flood of
    mail cannot flood the sheet."""
    report.refused = reason
    after = {"reason": reason, "sender": report.sender or "(unknown)", "message": report.key}
    adapters.audit.record([AuditEntry(now, BOT, AuditAction.MAIL_REFUSED, report.key, None, after)])
    return report


def ingest_message(
    adapters: IntakePorts,
    raw: bytes,
    *,
    verdicts: SesVerdicts | None = None,
    limits: MailLimits = DEFAULT_MAIL_LIMITS,
    dns: DnsLookup | None = None,
) -> IngestReport:
    """Store, check, read and propose; see the module docstring for the order."""
    now = adapters.clock.now()
    key = message_key(raw, now)
    adapters.blobs.put(key, raw, EML_TYPE)
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
    if verdicts is not None:
        sender = SenderCheck(True, "SES's verdicts")
    else:
        sender = check_sender(raw, envelope.sender, dns)
        if sender.refusal is not None:
            return _refuse(adapters, now, report, sender.refusal)
    report.sender_verified, report.sender_check = sender.verified, sender.how
    view = read_shop(adapters.sheet, INGEST_TABS)
    settings = view.settings
    if not sender_allowed(envelope.sender, settings.allowed_senders, settings.owner_email):
        reason = f"{envelope.sender} is not the owner and not on Settings 'Allowed senders'"
        return _refuse(adapters, now, report, reason)
    with Run(adapters, view, now) as run:
        ingest = _Ingest(run, report, envelope, adapters.blobs, limits, sender)
        if len(raw) > limits.max_message_bytes:
            ingest.unreadable(
                "this message",
                f"is {len(raw):,} bytes, over the limit of {limits.max_message_bytes:,}",
            )
        else:
            try:
                parts = read_parts(raw, limits)
            except MalformedMessage as error:
                ingest.unreadable("this message", str(error))
            else:
                ingest.ingest(parts, adapters.parser)
        ingest.finish()
    return report
