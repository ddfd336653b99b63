"""Which numbers the check uses for one item: the owner's typed ones or the learned ones.

The owner chooses in Settings (``Use learned``: no / sales / lead time / both, default no) and
may override per item (Stock, ``Use learned``). A learned number is used only when it exists
(a week of sales history; 8 deliveries for a lead time); otherwise the typed one stays and the
``Why`` says so. The safety stock follows ``Safety method`` (see ``safety_stock``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from sheets_bot.domain.demand import RateEstimate
from sheets_bot.domain.lead_time import LeadEstimate
from sheets_bot.domain.models import Item, SafetyMethod, ShopSettings
from sheets_bot.domain.safety_stock import SERVICE_TARGETS, SafetyStock, safety_stock
from sheets_bot.domain.sheet_numbers import plain


@dataclass(frozen=True)
class ItemLearning:
    """What the bot learned about one item from history (whether or not the check uses it)."""

    rate: RateEstimate | None
    lead: LeadEstimate | None
    abc: str


@dataclass(frozen=True)
class ItemNumbers:
    item: Item
    """The item with the daily sales, lead time and safety buffer the check uses."""
    basis: str
    """Where those numbers came from, for the ``Why``; empty when all are the owner's."""
    safety: SafetyStock | None
    learning: ItemLearning


def choose_numbers(
    item: Item,
    learning: ItemLearning,
    settings: ShopSettings,
    sheet_lead: float | None,
    targets: Mapping[str, float] = SERVICE_TARGETS,
) -> ItemNumbers:
    use = item.use_learned or settings.use_learned
    rate, lead = learning.rate, learning.lead
    notes: list[str] = []
    daily = item.daily_sales
    if use.sales:
        if rate is not None:
            daily = rate.rate
            notes.append(rate.why)
        else:
            notes.append(f"{plain(daily)}/day typed (not a week of sales history yet)")
    lead_days = sheet_lead
    plan_lead = (
        None if sheet_lead is None else LeadEstimate(sheet_lead, "sheet", False, sheet_lead, 0)
    )
    if use.lead_time and lead is not None:
        if lead.learned:
            lead_days, plan_lead = lead.days, lead
        notes.append(lead.why)
    safety: SafetyStock | None = None
    buffer = item.safety_buffer
    if plan_lead is not None:
        used_rate = None if rate is None else replace(rate, rate=daily)
        safety = safety_stock(
            settings.safety_method,
            buffer=item.safety_buffer,
            rate=used_rate,
            lead=plan_lead,
            abc=learning.abc,
            targets=targets,
        )
        buffer = safety.units
        if settings.safety_method is not SafetyMethod.BUFFER:
            notes.append(safety.why)
    chosen = replace(
        item,
        daily_sales=daily,
        lead_time_days=lead_days if lead_days is not None else item.lead_time_days,
        safety_buffer=buffer,
    )
    return ItemNumbers(chosen, "; ".join(notes), safety, learning)
