"""The owner's decisions on the Proposed tab, acted on inside the poll: ``apply_proposals``.

``apply`` writes the proposed value into the Stock cell, audited with before and after, and
marks the row done; ``skip`` leaves Stock alone and marks it skipped. A Stock cell that no
longer holds the proposal's ``Current`` was changed since (by the owner, or by another
proposal): it is never overwritten, the row is marked stale instead.

Changes go into the poll's own batch (one write per poll), so this module reads nothing. It
imports nothing of the file readers either: the poller's cold start stays small.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sheets_bot.domain.audit import OWNER, AuditAction
from sheets_bot.domain.sheet_numbers import NotANumber, parse_number
from sheets_bot.intake.columns import FIELD_RANGES, STOCK_COLUMN, Field
from sheets_bot.ports import Cell, SheetBatch
from sheets_bot.services.shop import Core, Run
from sheets_bot.sheet.table import Row, Table, cell_text

APPLY = "apply"
SKIP = "skip"
DONE = "done"
SKIPPED = "skipped"
STALE = "stale"
CANNOT = "cannot apply"
REPLACED = "replaced"
UNVERIFIED = "sender not verified"
FINISHED = (DONE, SKIPPED, STALE, CANNOT, REPLACED)
"""Status prefixes of rows already acted on: a later poll leaves them alone."""
_FIELDS = {f.value: f for f in Field}


@dataclass
class ProposalReport:
    applied: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    """Proposals marked ``cannot apply``, with the reason."""

    def __bool__(self) -> bool:
        return bool(self.applied or self.skipped or self.stale or self.refused)


def _finished(status: str) -> bool:
    return status.casefold().startswith(FINISHED)


def _value(text: str, field_name: Field) -> Cell:
    """The proposed value as a number for the Stock cell; ``ValueError`` saying why not."""
    try:
        number = parse_number(text)
    except NotANumber as error:
        raise ValueError(f"Proposed {text!r} is not a number") from error
    if number is None:
        raise ValueError("Proposed is blank")
    if number < 0:
        raise ValueError(f"Proposed {text!r} is negative")
    whole = number == number.to_integral_value()
    if field_name is Field.PACK_SIZE and (not whole or number < 1):
        raise ValueError(f"Proposed {text!r} is not a whole number of units")
    limits = FIELD_RANGES[field_name]
    if not limits.contains(number):
        raise ValueError(f"Proposed {text!r} is out of range: it must be {limits.describe()}")
    return int(number) if whole else float(number)


class _Applier:
    def __init__(self, run: Run[Core], proposed: Table, stock: Table) -> None:
        self.run = run
        self.batch: SheetBatch = run.batch
        self.proposed = proposed
        self.stock = stock
        self.report = ProposalReport()
        self.rows_by_sku: dict[str, list[Row]] = {}
        for row in stock:
            if row.text("SKU"):
                self.rows_by_sku.setdefault(row.text("SKU").casefold(), []).append(row)
        self.written: dict[tuple[int, str], str] = {}
        """Stock cells this poll already changed: (row, column) -> the text now there."""

    def status(self, row: Row, text: str) -> None:
        if self.proposed.has("Status") and row.text("Status") != text:
            self.batch.writes.append(self.proposed.write(row.number, "Status", text))

    def act(self, row: Row, when: str) -> None:
        decision = row.text("Decision").casefold()
        proposal = row.text("Proposal")
        if decision not in (APPLY, SKIP) or _finished(row.text("Status")):
            return
        if decision == SKIP:
            self.status(row, f"{SKIPPED} {when}")
            self.report.skipped.append(proposal)
            self.run.audit(
                OWNER,
                AuditAction.PROPOSAL_SKIPPED,
                proposal,
                None,
                {"sku": row.text("SKU"), "field": row.text("Field"), "value": row.text("Proposed")},
            )
            return
        try:
            self.apply(row, proposal, when)
        except ValueError as error:
            self.status(row, f"{CANNOT}: {error}")
            self.report.refused.append(f"{proposal}: {error}")

    def apply(self, row: Row, proposal: str, when: str) -> None:
        if UNVERIFIED in row.text("Status").casefold():
            raise ValueError(
                "the sender of this count was not verified; check the file and type the"
                " value into Stock yourself"
            )
        field_name = _FIELDS.get(row.text("Field").casefold())
        if field_name is None:
            raise ValueError(f"Field {row.text('Field')!r} is not one the bot can change")
        column = STOCK_COLUMN[field_name]
        if not self.stock.has(column):
            raise ValueError(f"the Stock tab has no {column!r} column")
        sku = row.text("SKU")
        targets = self.rows_by_sku.get(sku.casefold(), []) if sku else []
        if len(targets) != 1:
            where = "is on no Stock row" if not targets else f"is on {len(targets)} Stock rows"
            raise ValueError(f"SKU {sku!r} {where}" if sku else "the row names no Stock SKU")
        target = targets[0]
        value = _value(row.text("Proposed"), field_name)
        now_text = self.written.get((target.number, column), target.text(column))
        if now_text != row.text("Current"):
            self.status(
                row,
                f"{STALE}: Stock {column} is now {now_text or '(blank)'!r}, not"
                f" {row.text('Current') or '(blank)'!r} as when proposed; not applied",
            )
            self.report.stale.append(proposal)
            return
        self.batch.writes.append(self.stock.write(target.number, column, value))
        self.written[(target.number, column)] = cell_text(value)
        self.status(row, f"{DONE} {when}")
        self.report.applied.append(proposal)
        self.run.audit(
            OWNER,
            AuditAction.PROPOSAL_APPLIED,
            sku,
            {column: target[column], "proposal": proposal},
            {column: value, "proposal": proposal},
        )


def apply_proposals(run: Run[Core], proposed: Table | None, stock: Table) -> ProposalReport:
    """Act on every ``apply`` / ``skip`` row not acted on yet; writes go into ``run.batch``."""
    if proposed is None:
        return ProposalReport()
    applier = _Applier(run, proposed, stock)
    when = run.now.astimezone(run.view.zone).strftime("%Y-%m-%d %H:%M")
    for row in proposed:
        if row.text("Proposal"):
            applier.act(row, when)
    return applier.report
