"""Day by day through the same rules as the daily check.

Each simulated day: deliveries due that day arrive; the day's real demand is served from what
is on hand (what cannot be served is lost, and the day counts as a stock-out); at the end of
the day the item goes through ``choose_numbers`` and ``evaluate``, exactly as in the check,
and an order line becomes a delivery that arrives after the supplier's actual lead time.
Orders of one supplier placed on one day are one PO.

What the data sets do not have is made up, the same way for every policy: the typed numbers
(the owner's daily sales = the warm-up mean rounded to 0.1; lead time per supplier; buffer =
``buffer_days`` of the typed rate), pack sizes (1, 6 or 12 by the typed rate), and the
supplier's actual lead times (the typed one plus a delay drawn per supplier and order day, so
every policy meets the same supplier behaviour).
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from sheets_bot.domain.demand import DemandDay, RateEstimate, estimate_rate
from sheets_bot.domain.evaluation import evaluate
from sheets_bot.domain.lead_time import MIN_RECEIPTS, LeadEstimate, from_lead_days
from sheets_bot.domain.learning import ItemLearning, choose_numbers
from sheets_bot.domain.models import (
    Item,
    ItemStatus,
    PoFormat,
    SafetyMethod,
    ShopSettings,
    Supplier,
    UseLearned,
    supplier_key,
)
from sheets_bot.domain.safety_stock import SERVICE_TARGETS


@dataclass(frozen=True)
class SimItem:
    sku: str
    supplier: str
    demand: tuple[float, ...]
    """Units demanded per day, day 0 first."""
    revenue: float
    """Revenue (any unit) for the ABC classes."""


@dataclass(frozen=True)
class Scenario:
    start: date
    """The date of day 0."""
    warmup: int
    """Days whose demand the owner has seen (and typed the mean of) before the replay."""
    typed_lead: Mapping[str, float]
    """The typed lead time per supplier."""
    delays: tuple[int, ...] = (-1, 0, 0, 0, 1, 1, 2)
    """Actual lead time = typed + one of these, drawn per supplier and order day."""
    seed: int = 7


@dataclass(frozen=True)
class Policy:
    name: str
    use_learned: UseLearned
    safety_method: SafetyMethod
    buffer_days: float = 2.0
    """The owner's typed ``Safety buffer`` in days of the typed rate."""
    targets: Mapping[str, float] = field(default_factory=lambda: dict(SERVICE_TARGETS))
    """Service-level targets per ABC class (``service level`` only)."""

    @property
    def learns(self) -> bool:
        return (
            self.use_learned is not UseLearned.NO or self.safety_method is not SafetyMethod.BUFFER
        )


@dataclass
class Tally:
    item_days: int = 0
    in_stock_days: int = 0
    demanded: float = 0.0
    sold: float = 0.0
    inventory: float = 0.0
    """Sum over days of the end-of-day on hand."""
    days: int = 0
    lines: int = 0
    left_over: float = 0.0
    """On hand at the end: bought and never sold."""

    @property
    def fill_rate(self) -> float:
        return self.sold / self.demanded if self.demanded else 1.0

    @property
    def in_stock_rate(self) -> float:
        return self.in_stock_days / self.item_days if self.item_days else 1.0

    @property
    def days_of_supply(self) -> float:
        """Average on hand ÷ average daily demand."""
        return self.inventory / self.demanded if self.demanded else 0.0

    @property
    def average_inventory(self) -> float:
        return self.inventory / self.days if self.days else 0.0


@dataclass
class Result:
    policy: Policy
    total: Tally
    by_class: dict[str, Tally]
    purchase_orders: int


@dataclass
class _State:
    item: Item
    sim: SimItem
    on_hand: float
    history: list[DemandDay]
    pipeline: list[tuple[int, float, int]] = field(default_factory=list)
    """(arrival day, quantity, order day)."""
    own_leads: list[float] = field(default_factory=list)


def pack_size(rate: float) -> int:
    return 1 if rate < 2 else 6 if rate < 10 else 12


def typed_rate(sim: SimItem, warmup: int) -> float:
    return round(statistics.fmean(sim.demand[:warmup]), 1)


def actual_lead(scenario: Scenario, supplier: str, day: int) -> int:
    draw = random.Random(f"{scenario.seed}:{supplier}:{day}").choice(scenario.delays)  # noqa: S311 - a replay, not security
    return max(1, round(scenario.typed_lead[supplier]) + draw)


def _items(items: Sequence[SimItem], scenario: Scenario, policy: Policy) -> list[_State]:
    states = []
    for row, sim in enumerate(items, start=2):
        rate = typed_rate(sim, scenario.warmup)
        lead = scenario.typed_lead[sim.supplier]
        item = Item(
            sku=sim.sku,
            name=sim.sku,
            supplier=sim.supplier,
            on_hand=0,
            daily_sales=rate,
            lead_time_days=None,
            safety_buffer=round(policy.buffer_days * rate, 1),
            pack_size=pack_size(rate),
            unit_cost=None,
            min_order=None,
            max_order=None,
            status=ItemStatus.ACTIVE,
            row=row,
        )
        history = [
            DemandDay(scenario.start + timedelta(days=day), sim.demand[day])
            for day in range(scenario.warmup)
        ]
        states.append(_State(item, sim, math.ceil(rate * (lead + 7)), history))
    return states


def run_policy(
    items: Sequence[SimItem], scenario: Scenario, policy: Policy, classes: Mapping[str, str]
) -> Result:
    """Replay ``items`` from the end of the warm-up to the last day under ``policy``."""
    suppliers = {
        supplier_key(name): Supplier(
            name=name,
            email=f"orders@supplier-{index}.example",
            contact="",
            lead_time_days=lead,
            po_format=PoFormat.CSV,
            active=True,
            row=index + 2,
        )
        for index, (name, lead) in enumerate(sorted(scenario.typed_lead.items()))
    }
    settings = ShopSettings(use_learned=policy.use_learned, safety_method=policy.safety_method)
    states = _items(items, scenario, policy)
    total = Tally()
    by_class = {name: Tally() for name in ("A", "B", "C")}
    supplier_leads: dict[str, list[float]] = {name: [] for name in scenario.typed_lead}
    orders: set[tuple[str, int]] = set()
    days = len(items[0].demand) if items else 0
    for day in range(scenario.warmup, days):
        today = scenario.start + timedelta(days=day)
        for tally in (total, *by_class.values()):
            tally.days += 1
        for state in states:
            tally = by_class[classes[state.sim.sku]]
            arrived = [entry for entry in state.pipeline if entry[0] == day]
            for _, quantity, ordered in arrived:
                state.on_hand += quantity
                supplier_leads[state.sim.supplier].append(day - ordered)
                state.own_leads.append(day - ordered)
            state.pipeline = [entry for entry in state.pipeline if entry[0] != day]
            demand = state.sim.demand[day]
            sold = min(state.on_hand, demand)
            for counts in (total, tally):
                counts.item_days += 1
                counts.in_stock_days += state.on_hand > 0
                counts.demanded += demand
                counts.sold += sold
            state.on_hand -= sold
            state.history.append(DemandDay(today, sold, censored=state.on_hand <= 0))
            total.inventory += state.on_hand
            tally.inventory += state.on_hand
        tomorrow = today + timedelta(days=1)
        by_supplier = {
            name: from_lead_days(leads, "supplier", scenario.typed_lead[name], "sheet")
            for name, leads in supplier_leads.items()
        }
        for state in states:
            rate: RateEstimate | None = None
            if policy.learns:
                rate = estimate_rate(state.history, tomorrow, source="sales")
            lead: LeadEstimate = by_supplier[state.sim.supplier]
            if len(state.own_leads) >= MIN_RECEIPTS:
                lead = from_lead_days(state.own_leads, "item", lead.days, "sheet")
            typed = scenario.typed_lead[state.sim.supplier]
            numbers = choose_numbers(
                state.item,
                ItemLearning(rate, lead, classes[state.sim.sku]),
                settings,
                typed,
                policy.targets,
            )
            on_order = sum(quantity for _, quantity, _ in state.pipeline)
            verdict = evaluate(
                replace(numbers.item, on_hand=state.on_hand),
                suppliers=suppliers,
                on_order=on_order,
                settings=settings,
                history=(),
            )
            if verdict.line is None:
                continue
            arrival = day + actual_lead(scenario, state.sim.supplier, day)
            state.pipeline.append((arrival, float(verdict.line.quantity), day))
            orders.add((state.sim.supplier, day))
            total.lines += 1
            by_class[classes[state.sim.sku]].lines += 1
    for state in states:
        total.left_over += state.on_hand
        by_class[classes[state.sim.sku]].left_over += state.on_hand
    return Result(policy, total, by_class, len(orders))
