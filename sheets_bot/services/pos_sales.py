"""Apply the point of sale's buffered events to Stock ``On hand``, as part of a poll.

The webhook only verifies and buffers (``SalesLog.add``); each poll takes the buffer
(``unapplied``), marks what it takes (``mark_applied``: of two pollers only one gets each
event), and writes the result in the poll's one batched write. So however busy the till, the
sheet gets at most one write per poll. Should the poll's run not commit (its write failed, or
a step before it), the events go back into the buffer (``AppliedSales.restore``, a
``Run.on_rollback`` step).

Per item: a sale takes its quantity off, a refund or restock adds it back, and a ``level``
event (a count the POS reports) sets the absolute number. Events are ordered by when they
happened at the till, not when they arrived: the newest count wins, and a sale or count older
than a count already applied is already included in it. When a late count arrives after sales
that were applied already, the count is taken and the sales after it are taken off again.

The events a poll takes stay *unsettled* until its run committed (``settle``). A poll
that stopped in between (killed, timed out) leaves them unsettled: the next poll after
``TAKEN_LEASE`` cannot know whether they reached the sheet, so it tells the owner which items
to check, once, and never applies them again (at most once, as a PO send is).

A SKU that is not on the Stock tab is never dropped: its events stay in the log, and it is
audited and listed for the owner. Events for an item whose ``On hand`` is not a number wait in
the buffer until the owner fixes the cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Final

from sheets_bot.domain.audit import BOT, AuditAction
from sheets_bot.domain.history import SaleEvent
from sheets_bot.domain.sale_checks import event_problem
from sheets_bot.ports import SalesLog
from sheets_bot.services.lanes import PollPorts
from sheets_bot.services.on_hand import OnHandChanges, StockItem, as_cell
from sheets_bot.services.shop import Run

MAX_EVENTS_PER_POLL: Final = 5_000
"""The oldest this many buffered events per poll; the rest wait for the next (so a poll on
AWS stays well inside its timeout whatever the backlog)."""
TAKEN_LEASE: Final = timedelta(minutes=15)
"""Longer than any poll runs: events taken longer ago and still unsettled belong to a poll
that stopped."""


@dataclass
class AppliedSales:
    applied: int = 0
    """Events applied to the sheet by this poll."""
    items: int = 0
    """Items whose On hand changed."""
    unknown: list[str] = field(default_factory=list)
    """One line per SKU the Stock tab does not have, with what the POS reported."""
    waiting: list[str] = field(default_factory=list)
    """Items whose events wait because their On hand cell can not be read."""
    attention: list[str] = field(default_factory=list)
    taken: list[SaleEvent] = field(default_factory=list)
    stuck: list[SaleEvent] = field(default_factory=list)
    """Events a stopped poll took: reported now, settled with this poll's write."""

    def restore(self, sales: SalesLog) -> None:
        """The run did not commit: put the events back for the next poll."""
        if self.taken:
            sales.unmark_applied(self.taken)

    def settle(self, sales: SalesLog) -> None:
        """The run committed: its events (and the stuck ones it reported) are settled."""
        if self.taken or self.stuck:
            sales.settle_applied([*self.taken, *self.stuck])


def _delta(event: SaleEvent) -> float:
    """The change to On hand of a sale, refund, restock or adjustment."""
    return -event.quantity


def settle(
    current: float,
    batch: Sequence[SaleEvent],
    history: Sequence[SaleEvent],
) -> tuple[float, int]:
    """The new On hand of one item and how many of ``batch`` changed it.

    ``batch`` are the item's events applied now; ``history`` its events applied before
    (at or after the oldest of ``batch``), both with their times at the till.
    """
    counts = [e for e in (*batch, *history) if e.kind == "level"]
    newest = max(counts, key=lambda e: (e.at, e.event_id), default=None)
    if newest is None:
        return current + sum(_delta(e) for e in batch), len(batch)
    after = [e for e in (*batch, *history) if e.kind != "level" and e.at > newest.at]
    if any(e is newest for e in batch):
        return newest.quantity + sum(_delta(e) for e in after), len(batch)
    later = [e for e in batch if e.kind != "level" and e.at > newest.at]
    return current + sum(_delta(e) for e in later), len(later)


def apply_sales(run: Run[PollPorts], on_hand: OnHandChanges) -> AppliedSales:
    """Take the buffer and put its effect into ``run``'s batch (with audit entries)."""
    outcome = AppliedSales()
    sales = run.adapters.sales
    _report_stuck(run, sales, outcome)
    run.on_commit(partial(outcome.settle, sales))
    buffered = sales.unapplied()[:MAX_EVENTS_PER_POLL]
    if not buffered:
        return outcome

    by_item: dict[int, tuple[StockItem, list[SaleEvent]]] = {}
    unknown: dict[str, list[SaleEvent]] = {}
    waiting: dict[int, tuple[StockItem, int]] = {}
    refused: dict[str, tuple[SaleEvent, str]] = {}
    for event in buffered:
        item = on_hand.find(event.sku)
        problem = event_problem(event, run.now)
        if problem is not None:
            refused[event.event_id] = (event, problem)
        elif item is None:
            unknown.setdefault(event.sku, []).append(event)
        elif item.on_hand is None:
            count = waiting.get(item.row.number, (item, 0))[1]
            waiting[item.row.number] = (item, count + 1)
        else:
            by_item.setdefault(item.row.number, (item, []))[1].append(event)

    claim = [e for _, events in by_item.values() for e in events]
    claim += [e for events in unknown.values() for e in events]
    claim += [e for e, _ in refused.values()]
    taken = sales.mark_applied(claim, run.now)
    outcome.taken = taken
    run.on_rollback(partial(outcome.restore, sales))
    taken_ids = {e.event_id for e in taken}
    oldest = min((e.at for e in taken if e.event_id not in refused), default=None)
    history = _applied_since(run, sales, oldest, taken_ids) if oldest is not None else []
    _set_aside(run, [refused[i] for i in taken_ids if i in refused], outcome)

    for item, events in by_item.values():
        mine = [e for e in events if e.event_id in taken_ids]
        if not mine:
            continue
        keys = {item.sku.casefold(), *(e.sku.casefold() for e in mine)}
        earlier = [e for e in history if e.sku.casefold() in keys]
        before = item.on_hand
        assert before is not None  # noqa: S101 - only readable items are in by_item
        value, changed = settle(before, mine, earlier)
        floor_note = ""
        if value < 0:
            floor_note = f"would be {as_cell(value)}; set to 0 (the count looks off)"
            value = 0.0
        outcome.applied += len(mine)
        if value != before:
            on_hand.set(item, value)
            outcome.items += 1
        run.audit(
            BOT,
            AuditAction.POS_APPLIED,
            item.sku,
            {"On hand": as_cell(before)},
            {
                "On hand": as_cell(value),
                "events": len(mine),
                "changed it": changed,
                **_tally(mine),
                **({"note": floor_note} if floor_note else {}),
            },
        )

    for sku, events in unknown.items():
        mine = [e for e in events if e.event_id in taken_ids]
        if not mine:
            continue
        reason = on_hand.why_unknown(sku)
        line = f"{reason}: {len(mine)} POS event(s) from {mine[0].source} kept, not applied"
        outcome.unknown.append(line)
        run.audit(
            BOT,
            AuditAction.POS_UNKNOWN_SKU,
            sku or "(no SKU)",
            None,
            {"reason": reason, **_tally(mine)},
        )

    for item, count in waiting.values():
        outcome.waiting.append(f"{item.problem}: {count} POS event(s) wait until it is a number")
    return outcome


def _report_stuck(run: Run[PollPorts], sales: SalesLog, outcome: AppliedSales) -> None:
    stuck = sales.unsettled(run.now - TAKEN_LEASE)
    if not stuck:
        return
    skus = sorted({event.sku for event in stuck})
    shown = ", ".join(skus[:10]) + (f" and {len(skus) - 10} more" if len(skus) > 10 else "")
    outcome.attention.append(
        f"{len(stuck)} POS event(s) for {shown} were taken by a poll that stopped before it"
        " wrote the sheet: On hand may be missing them; check those items"
    )
    run.audit(
        BOT,
        AuditAction.POS_OUTCOME_UNKNOWN,
        shown,
        None,
        {"events": len(stuck), "skus": skus, "first": stuck[0].at.isoformat()},
    )
    outcome.stuck = stuck


def _applied_since(
    run: Run[PollPorts], sales: SalesLog, start: datetime, exclude: set[str]
) -> list[SaleEvent]:
    """Events applied before, from ``start``; those set aside never count (a count dated 2099
    would otherwise outrank every real one)."""
    return [
        e
        for e in sales.since(start)
        if e.event_id not in exclude and event_problem(e, run.now) is None
    ]


def _set_aside(
    run: Run[PollPorts], refused: Sequence[tuple[SaleEvent, str]], outcome: AppliedSales
) -> None:
    """Events that cannot be applied (an infinite quantity, a time in the future): taken out of
    the buffer, never applied, audited and shown to the owner."""
    for event, problem in sorted(refused, key=lambda pair: pair[0].event_id):
        outcome.attention.append(
            f"POS {event.source} event for {event.sku or '(no SKU)'} set aside, not applied:"
            f" {problem}"
        )
        run.audit(
            BOT,
            AuditAction.POS_EVENT_REFUSED,
            event.sku or "(no SKU)",
            None,
            {"event": event.event_id, "kind": event.kind, "reason": problem},
        )


def _tally(events: Sequence[SaleEvent]) -> dict[str, object]:
    totals: dict[str, float] = {}
    for event in events:
        totals[event.kind] = totals.get(event.kind, 0.0) + abs(event.quantity)
    tally: dict[str, object] = {f"{kind} qty": as_cell(q) for kind, q in sorted(totals.items())}
    levels = [e for e in events if e.kind == "level"]
    if levels:
        tally["newest count"] = as_cell(max(levels, key=lambda e: e.at).quantity)
    return tally
