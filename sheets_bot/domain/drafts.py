"""Reconcile what the check wants with the drafts already in the sheet.

- One draft per supplier per check: every due item of a supplier goes on the same draft.
- A line whose Decision is blank is the bot's to refresh; any decision (approve, edit, skip,
  or a typo) puts the whole draft in the owner's hands and the bot leaves it alone.
- An item already on a pending draft is refreshed in place, never drafted again.
- ``Order qty``, ``Send to`` and ``Note`` are the owner's to change: the bot rewrites
  ``Order qty`` and ``Send to`` only while they still hold what it last wrote there.
- A pending line no longer due is removed, unless the owner changed it: then it stays, with a
  status that says why it is no longer due.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from sheets_bot.domain.evaluation import PlannedLine

DECISIONS = ("approve", "edit", "skip")
EDITABLE = ("Order qty", "Send to")
AWAITING = "awaiting your decision"
"""The Status of a line of a draft no line of which is decided yet."""
_CHECK_QTY = "CHECK QTY:"
_WAITING_ON = "waiting for your decision on "
_NOTED = " noted; the draft goes on once you decide"


def rows_text(rows: Sequence[int]) -> str:
    """``row 14``, ``rows 14 and 16``, ``rows 3, 4 and 9``."""
    numbers = [str(row) for row in sorted(rows)]
    if len(numbers) == 1:
        return f"row {numbers[0]}"
    return f"rows {', '.join(numbers[:-1])} and {numbers[-1]}"


def fresh_status(flag: str) -> str:
    """The Status the check writes on a line of an undecided draft."""
    return f"{_CHECK_QTY} {flag}" if flag else AWAITING


def check_note(status: str) -> str:
    """What the check said about a line (a CHECK QTY flag, NO LONGER DUE), without what the
    poll added to it; ``''`` when the check said only that the line awaits a decision."""
    note = status.split("; " + _WAITING_ON, 1)[0].strip()
    if note == AWAITING or note.startswith(_WAITING_ON) or _NOTED in note:
        return ""
    return note


def waiting_status(decision: str, status: str, waiting_rows: Sequence[int]) -> str:
    """A line's Status while its draft waits on some rows: an undecided line keeps what the
    check said about it; a decided one says its decision is noted.

    With no line decided, the check's own status stands instead (``undecided_status``)."""
    if decision:
        return f"{decision}{_NOTED} {rows_text(waiting_rows)}"
    note = check_note(status)
    waiting = _WAITING_ON + rows_text(waiting_rows)
    return f"{note}; {waiting}" if note else waiting


def undecided_status(status: str) -> str:
    """A line's Status when no line of its draft is decided: what the check wrote."""
    return check_note(status) or AWAITING


def normalise_decision(text: str) -> str:
    return " ".join(text.split()).casefold()


def line_key(draft: str, sku: str) -> str:
    """The id of a draft line in the bot's memory: draft id and SKU, stable under sorting."""
    return f"{draft}|{sku.casefold()}"


@dataclass(frozen=True)
class ExistingLine:
    """A Drafts row as the sheet holds it now (texts as shown)."""

    row: int
    draft: str
    supplier: str
    sku: str
    decision: str
    order_qty: str
    suggested_qty: str
    send_to: str
    note: str

    @property
    def key(self) -> str:
        return line_key(self.draft, self.sku)

    def owner_changed(self, memory: Mapping[tuple[str, str], str]) -> bool:
        """Has the owner changed Order qty, Send to or Note since the bot wrote them?"""
        if self.note:
            return True
        for column, value in (("Order qty", self.order_qty), ("Send to", self.send_to)):
            remembered = memory.get((self.key, column))
            if remembered is None and column == "Order qty":
                remembered = self.suggested_qty
            if remembered is not None and value != remembered:
                return True
        return False


@dataclass(frozen=True)
class Refresh:
    existing: ExistingLine
    planned: PlannedLine
    write_order_qty: bool
    write_send_to: bool


@dataclass
class DraftPlan:
    refresh: list[Refresh] = field(default_factory=list)
    add: list[tuple[str, PlannedLine]] = field(default_factory=list)
    remove: list[ExistingLine] = field(default_factory=list)
    no_longer_due: list[ExistingLine] = field(default_factory=list)
    new_drafts: dict[str, str] = field(default_factory=dict)
    """New draft id -> supplier."""
    held_skus: set[str] = field(default_factory=set)
    """SKUs on drafts the owner is deciding: not drafted again."""


def plan_drafts(
    planned: Sequence[PlannedLine],
    existing: Sequence[ExistingLine],
    memory: Mapping[tuple[str, str], str],
    new_draft_id: Callable[[], str],
) -> DraftPlan:
    plan = DraftPlan()
    by_draft: dict[str, list[ExistingLine]] = {}
    for current_line in existing:
        by_draft.setdefault(current_line.draft, []).append(current_line)
    open_drafts = {
        draft for draft, lines in by_draft.items() if all(not line.decision for line in lines)
    }
    open_by_supplier: dict[str, str] = {}
    for draft in sorted(open_drafts):
        supplier = by_draft[draft][0].supplier.casefold()
        open_by_supplier.setdefault(supplier, draft)

    on_open: dict[str, ExistingLine] = {}
    for current_line in existing:
        sku = current_line.sku.casefold()
        if current_line.draft in open_drafts:
            on_open.setdefault(sku, current_line)
        else:
            plan.held_skus.add(sku)

    refreshed: set[int] = set()
    for line in planned:
        sku = line.sku.casefold()
        if sku in plan.held_skus:
            continue
        current = on_open.get(sku)
        if current is not None and current.supplier.casefold() == line.supplier.casefold():
            refreshed.add(current.row)
            plan.refresh.append(
                Refresh(
                    existing=current,
                    planned=line,
                    write_order_qty=_bot_still_owns(current, "Order qty", memory),
                    write_send_to=_bot_still_owns(current, "Send to", memory),
                )
            )
            continue
        supplier = line.supplier.casefold()
        target = open_by_supplier.get(supplier)
        if target is None:
            target = new_draft_id()
            open_by_supplier[supplier] = target
            plan.new_drafts[target] = line.supplier
        plan.add.append((target, line))

    for stale in existing:
        if stale.draft not in open_drafts or stale.row in refreshed:
            continue
        if stale.owner_changed(memory):
            plan.no_longer_due.append(stale)
        else:
            plan.remove.append(stale)
    return plan


def _bot_still_owns(line: ExistingLine, column: str, memory: Mapping[tuple[str, str], str]) -> bool:
    value = line.order_qty if column == "Order qty" else line.send_to
    remembered = memory.get((line.key, column))
    if remembered is None:
        return column == "Order qty" and value == line.suggested_qty
    return value == remembered
