"""What the check learns from history before it assesses the items.

Sources, each through its port of ``CheckPorts`` (``sales``, ``receipts``, ``history``): POS
sale events first, then the Stock tab's history (snapshot drops), then nothing, in which case
the owner's typed numbers stay. The sheet is not read again: history
lives in the SalesLog, the ReceiptLog and the stock-history blobs.

Demand is learned over every day the bot has seen, not just the window it reads: each item's
filter is kept (``learned``, ``sheets_bot.domain.learned_demand``) and the days since the last
check are folded in, so the forecast is the one ``sheets-bot simulate`` works out.

Cost per check: one ``SalesLog.since`` and one ``ReceiptLog.receipts`` call, the blob GETs
for the 56-day window of stock days, and one GET (and, once a day, one PUT) of the learned
demand.

ABC classes rank the items by units × unit cost a day (the learned rate where there is one,
else the typed one).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from sheets_bot.domain.abc_classes import classify
from sheets_bot.domain.demand import (
    WINDOW_DAYS,
    DemandDay,
    days_from_events,
    days_from_stock,
)
from sheets_bot.domain.forecast import SURE_SALES, Forecast
from sheets_bot.domain.history import Receipt
from sheets_bot.domain.lead_time import LeadEstimate, estimate_lead_time
from sheets_bot.domain.learned_demand import (
    LearnedDemand,
    Restart,
    UnreadableState,
    advance,
    continued,
)
from sheets_bot.domain.learning import ItemLearning
from sheets_bot.domain.models import Item, Supplier, supplier_key
from sheets_bot.domain.safety_stock import FILL_TARGETS
from sheets_bot.domain.targets import TargetInput, cycle_spread, item_targets
from sheets_bot.ports import LearnerStates
from sheets_bot.services.lanes import CheckPorts

UNREAD_HISTORY = (
    "this check went on from the demand learned before (and the sales feed, if any), and the"
    " days the history holds are learned once it can be read"
)


def sheet_lead_time(item: Item, suppliers: Mapping[str, Supplier]) -> float | None:
    """The item's typed lead time, else its supplier's (as ``evaluate`` reads them)."""
    if item.lead_time_days is not None:
        return item.lead_time_days
    supplier = suppliers.get(supplier_key(item.supplier))
    return supplier.lead_time_days if supplier is not None else None


def _cycle_days(lead: LeadEstimate | None) -> float:
    """Days between the learned policy's orders: lead time + a day's review."""
    return (lead.days if lead is not None else 0.0) + 1


@dataclass
class LearningNotes:
    """What the learning has to tell besides its numbers, and what it leaves to the check."""

    problems: list[str] = field(default_factory=list)
    """For the check's problems (its log line: they reach no tab)."""
    restarts: list[Restart] = field(default_factory=list)
    """Why every item was learned again from its window (audited, for the digest)."""
    unread_history: str | None = None
    """Why the stock history could not be read (audited, for the digest)."""
    save: Callable[[], None] | None = None
    """Saves the learned demand: for the check to run once its own commit succeeded, so that
    a check that fails leaves the kept state (and the restart it would report) for the next
    one. None when there is nothing to save, or when the stock history could not be read:
    the days it holds are then folded in by a later check, not skipped."""


def load_learned(
    states: LearnerStates, problems: list[str], restarts: list[Restart]
) -> LearnedDemand | None:
    """The kept learned demand; one that cannot be read is a problem and a restart, and every
    item is learned again from its window (the next save replaces it)."""
    try:
        return states.load()
    except UnreadableState as error:
        problems.append(f"{error}; every item is learned again from the last {WINDOW_DAYS} days")
        restarts.append(Restart.UNREADABLE)
        return None


def learn(
    adapters: CheckPorts,
    items: Sequence[Item],
    suppliers: Mapping[str, Supplier],
    now: datetime,
    zone: ZoneInfo,
    fill_targets: Mapping[str, float] | None = None,
    notes: LearningNotes | None = None,
) -> dict[int, ItemLearning]:
    """What was learned per item, by Stock row number. What else there is to say, and the
    saving of the learned demand, go to ``notes`` (see ``LearningNotes``)."""
    if notes is None:
        notes = LearningNotes()
    problems, restarts = notes.problems, notes.restarts
    if fill_targets is None:
        fill_targets = FILL_TARGETS
    today = now.astimezone(zone).date()
    start = today - timedelta(days=WINDOW_DAYS)
    yesterday = today - timedelta(days=1)
    saved = load_learned(adapters.learned, problems, restarts)
    keys = [item.sku.casefold() for item in items]
    kept = continued(saved, today)
    # a kept filter needs only the days after its last one
    since = {key: kept[key].through + timedelta(days=1) for key in keys if key in kept}
    stock: dict[str, list[DemandDay]] = {}
    try:
        stock = days_from_stock(adapters.history.days(start, yesterday), yesterday, since)
    except ValueError as error:
        notes.unread_history = str(error)
        problems.append(f"{error}; {UNREAD_HISTORY}")
    outs = {sku: {d.day for d in days if d.censored} for sku, days in stock.items()}
    events = adapters.sales.since(datetime.combine(start, time(), zone))
    sales = days_from_events(
        events,
        zone,
        yesterday,
        outs,
        also=[k for k in keys if k in kept and k not in stock],
        since=since,
    )
    series = {
        key: sales[key] if key in sales else stock[key]
        for key in keys
        if key in sales or key in stock
    }
    learned = advance(saved, series, keys, today)
    if learned.note is not None:
        problems.append(f"Learned demand: {learned.note}")
    if learned.restart is not None:
        restarts.append(learned.restart)
    if learned.changed and notes.unread_history is None:
        notes.save = partial(adapters.learned.save, learned.state)
    receipts: Sequence[Receipt] = adapters.receipts.receipts()
    by_sku: dict[str, list[Receipt]] = {}
    by_supplier: dict[str, list[Receipt]] = {}
    for receipt in receipts:
        by_sku.setdefault(receipt.sku.casefold(), []).append(receipt)
        by_supplier.setdefault(supplier_key(receipt.supplier), []).append(receipt)

    rates: dict[int, Forecast | None] = {}
    leads: dict[int, LeadEstimate | None] = {}
    for item in items:
        key = item.sku.casefold()
        rates[item.row] = learned.forecasts.get(key)
        typed = sheet_lead_time(item, suppliers)
        related = list(
            dict.fromkeys(by_sku.get(key, []) + by_supplier.get(supplier_key(item.supplier), []))
        )
        lead = estimate_lead_time(
            related, sku=item.sku, supplier=item.supplier, sheet_days=typed or 0.0
        )
        leads[item.row] = lead if typed is not None or lead.learned else None
    daily: dict[int, float] = {}
    spreads: dict[int, float | None] = {}
    sure: dict[int, bool] = {}
    cycles = {item.row: _cycle_days(leads[item.row]) for item in items}
    revenue: dict[str, float] = {}
    for item in items:
        estimate = rates[item.row]
        cycle = cycles[item.row]
        sure[item.row] = estimate is None or estimate.selling_days >= SURE_SALES
        if estimate is not None and estimate.enough:
            daily[item.row] = estimate.rate
            # an item pinned to its typed sales keeps its typed buffer, not a fill target: its
            # learned spread must not shift its class's targets
            pinned = item.use_learned is not None and not item.use_learned.sales
            spreads[item.row] = (
                None if pinned else cycle_spread(estimate.rate, estimate.variance, cycle)
            )
        else:
            daily[item.row] = item.daily_sales
            spreads[item.row] = None
        revenue[str(item.row)] = daily[item.row] * float(item.unit_cost or 0)
    classes = classify(revenue)
    targets = item_targets(
        [
            TargetInput(
                str(item.row),
                classes[str(item.row)],
                daily[item.row],
                float(item.unit_cost) if item.unit_cost is not None else None,
                cycles[item.row],
                spreads[item.row],
                sure[item.row],
            )
            for item in items
        ],
        fill_targets,
    )
    return {
        item.row: ItemLearning(
            rates[item.row],
            leads[item.row],
            classes[str(item.row)],
            targets[str(item.row)],
            learned.usual_sale,
        )
        for item in items
    }
