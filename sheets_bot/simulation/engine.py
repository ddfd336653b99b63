"""Day by day through the check's own rules: ``choose_numbers`` and ``evaluate``, the same
forecast (``DemandFilter``) and the same order quantity, not a copy.

Conventions (so that anyone can replay the same thing independently):

- the first ``warmup`` days are history, not scored; the bot has seen them;
- each item starts the scored window with ceil(warm-up mean × (lead + 1)) on hand and nothing
  on order;
- each scored day: what was ordered for today arrives at the start of the day; the day's
  demand is served from the shelf; what cannot be served is lost (or, with ``backorders``,
  served from the next delivery, and still not counted as served from the shelf);
- at the end of the day the item is reviewed: an order placed at the end of day t arrives at
  the start of day t + max(lead, 1). That is the morning after day t with a lead time of
  max(lead, 1) − 1 days, which is the lead time the bot's learned policy is given (as its
  receipts would show it); the typed numbers keep the item's lead time;
- ``fill rate`` = units served from the shelf ÷ units demanded over the scored days (also
  reported apart: the *opening days*, each item's scored days before an order placed in the
  scored window can arrive, served from the opening stock alone whatever the policy);
  ``average inventory`` = mean end-of-day on hand over the scored days (× unit cost for its
  value); ``orders`` = order lines placed in the scored days.

Policies:

- ``fixed``: the seed's rule with the owner's typed numbers, never updated: rate = warm-up
  mean, reorder point = rate × lead + ``buffer_days`` × rate, order up to reorder point + rate ×
  lead (at least one day of sales, so lead time 0 still orders); packs and MOQ as the check;
- ``bot``: the check at its defaults: learned numbers where the history is enough, else the
  typed ones (the fixed rule's, with a buffer of one day's rate); fill-rate targets by ABC
  class, the classes and each item's target worked out every day from the rates the bot uses
  that day, as the check does (the groups reported stay the warm-up's classes, so that every
  policy's groups hold the same items: an item of class C in the warm-up that has come to
  sell like an A gets an A's target, and still counts in group C). An item with no sale in
  the history so far is new, not dead: the bot keeps one usual sale of the shop's items of it
  (``forecast.shop_sale_size``, at least one pack; the fixed rule, whose typed rate is 0,
  never orders it).

The bot learns from what it observes: the units sold, and whether the day ended with the
shelf empty (then the day's demand is a lower bound). With backorders, the demand is seen.
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sheets_bot.domain.abc_classes import classify
from sheets_bot.domain.evaluation import evaluate, orders_nothing
from sheets_bot.domain.forecast import (
    SURE_SALES,
    DemandFilter,
    Forecast,
    shop_sale_size,
    shop_size_cv2,
)
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
from sheets_bot.domain.records import with_changes
from sheets_bot.domain.targets import TargetInput, cycle_spread, item_targets
from sheets_bot.simulation.inputs import SimItem

GROUPS = ("all", "A", "B", "C")
SWEEP_DAYS = (0, 1, 2, 3, 5, 8, 12)
"""The fixed rule's buffers, in days of the warm-up rate."""
BOT_TYPED_BUFFER_DAYS = 1.0
"""The owner's typed buffer where the bot falls back on typed numbers: one day's rate."""

ForecastHook = Callable[[SimItem, int, Forecast], Forecast]
"""Replaces the bot's forecast of an item on a day (benchmarks: a forecasting peer); the
inventory rule stays the bot's."""
OrderHook = Callable[[SimItem, int, float, Sequence[tuple[int, float]]], int]
"""Replaces the whole decision (benchmarks: the perfect-foresight bound): the units ordered at
the end of a day, given the item, the day, its shelf and what is on its way (arrival day,
units)."""


@dataclass(frozen=True)
class Policy:
    name: str
    """``fixed`` or ``bot`` (or a benchmark's name for the bot's rule with another forecast)."""
    buffer_days: float | None = None
    """The fixed rule's buffer in days of the warm-up rate."""
    forecast: ForecastHook | None = None
    orders: OrderHook | None = None

    @property
    def fixed(self) -> bool:
        return self.buffer_days is not None


@dataclass
class Tally:
    items: int = 0
    demanded: float = 0.0
    served: float = 0.0
    inventory_units: float = 0.0
    """Σ over scored days of the end-of-day on hand."""
    inventory_value: float = 0.0
    orders: int = 0
    days: int = 0
    """Scored days."""
    opening_demanded: float = 0.0
    """Units demanded on the opening days: each item's first scored days, before an order
    placed in the scored window can arrive (served only from the opening stock the
    conventions set, whatever the policy)."""
    opening_served: float = 0.0
    aimed: float = 0.0
    """Σ over scored days of the units demanded × the fill target the bot had set for the
    item the evening before (the bot only; from the second scored day)."""
    aimed_demanded: float = 0.0
    """The units demanded on those days."""

    @property
    def aimed_fill(self) -> float | None:
        """The fill the bot aimed at for these units: its items' targets, weighted by the
        units demanded. An item's class, and so its target, follows its rate day by day, while
        the groups reported stay the warm-up's: this is what the group's fill is to be read
        against when its items changed class."""
        return self.aimed / self.aimed_demanded if self.aimed_demanded else None

    @property
    def fill_rate(self) -> float:
        return self.served / self.demanded if self.demanded else 1.0

    @property
    def settled_fill_rate(self) -> float:
        """The fill rate after the opening days: what the policy's own orders achieved."""
        demanded = self.demanded - self.opening_demanded
        return (self.served - self.opening_served) / demanded if demanded else 1.0

    @property
    def avg_inventory_units(self) -> float:
        return self.inventory_units / self.days if self.days else 0.0

    @property
    def avg_inventory_value(self) -> float:
        return self.inventory_value / self.days if self.days else 0.0


@dataclass
class Result:
    policy: Policy
    groups: dict[str, Tally] = field(default_factory=dict)
    new_items: Tally = field(default_factory=Tally)
    """Items with no sale in the warm-up (also counted in their class and in ``all``)."""


def warmup_rate(item: SimItem, warmup: int) -> float:
    return statistics.fmean(item.demand[:warmup]) if warmup > 0 else 0.0


def abc_classes(items: Sequence[SimItem], warmup: int) -> dict[str, str]:
    """ABC by units × unit cost a day over the warm-up (as the check ranks the typed rates)."""
    return classify({item.sku: warmup_rate(item, warmup) * item.unit_cost for item in items})


def _suppliers(items: Sequence[SimItem]) -> dict[str, Supplier]:
    names = sorted({item.supplier for item in items})
    return {
        supplier_key(name): Supplier(
            name=name,
            email=f"orders@supplier-{index}.example",
            contact="",
            lead_time_days=None,
            po_format=PoFormat.CSV,
            active=True,
            row=index + 2,
        )
        for index, name in enumerate(names)
    }


def _typed_item(sim: SimItem, rate: float, buffer_days: float, row: int) -> Item:
    return Item(
        sku=sim.sku,
        name=sim.sku,
        supplier=sim.supplier,
        on_hand=0.0,
        daily_sales=rate,
        lead_time_days=sim.lead_time_days,
        safety_buffer=buffer_days * rate,
        pack_size=sim.pack_size,
        unit_cost=None,
        min_order=sim.moq,
        max_order=None,
        status=ItemStatus.ACTIVE,
        row=row,
    )


@dataclass
class _Replay:
    """One item's shelf, pipeline and learning during a replay."""

    sim: SimItem
    typed: Item
    learner: DemandFilter
    tally: Tally
    on_hand: float
    opening_until: int
    """The first day an order placed in the scored window can arrive."""
    pipeline: deque[tuple[int, float]] = field(default_factory=deque)
    backlog: float = 0.0
    target: float | None = None
    """The fill target the bot set for the item at its last review (the bot only)."""

    @property
    def on_order(self) -> float:
        return sum(quantity for _, quantity in self.pipeline)

    def serve(self, day: int, backorders: bool, learns: bool) -> None:
        """Deliveries due today arrive, then the day's demand is served from the shelf."""
        while self.pipeline and self.pipeline[0][0] == day:
            self.on_hand += self.pipeline.popleft()[1]
        if self.backlog:
            late = min(self.backlog, self.on_hand)
            self.on_hand -= late
            self.backlog -= late
        demand = self.sim.demand[day]
        served = min(self.on_hand, demand)
        self.on_hand -= served
        if backorders:
            self.backlog += demand - served
        self.tally.demanded += demand
        self.tally.served += served
        if self.target is not None:
            self.tally.aimed += self.target * demand
            self.tally.aimed_demanded += demand
        if day < self.opening_until:
            self.tally.opening_demanded += demand
            self.tally.opening_served += served
        self.tally.inventory_units += self.on_hand
        self.tally.days += 1
        if learns:
            if backorders:
                self.learner.update(demand)
            else:
                self.learner.update(served, self.on_hand <= 0)

    def rate(self, forecast: Forecast) -> float:
        """The rate the check would use for this item's target: learned, else typed."""
        return forecast.rate if forecast.enough else self.typed.daily_sales


def _start(sim: SimItem, row: int, warmup: int, policy: Policy) -> _Replay:
    rate = warmup_rate(sim, warmup)
    buffer_days = policy.buffer_days if policy.fixed else BOT_TYPED_BUFFER_DAYS
    learner = DemandFilter()
    for units in sim.demand[:warmup]:
        learner.update(units)
    return _Replay(
        sim=sim,
        typed=_typed_item(sim, rate, buffer_days or 0.0, row),
        learner=learner,
        tally=Tally(items=1),
        on_hand=float(math.ceil(rate * (sim.lead_time_days + 1) - 1e-9)),
        opening_until=warmup + sim.arrival_days,
    )


def _current_targets(
    replays: Sequence[_Replay], forecasts: Sequence[Forecast], settings: ShopSettings
) -> tuple[dict[str, str], dict[str, float]]:
    """Each item's ABC class and fill target from the rates the bot uses today, as the check
    sets them each day (``learning.learn``: units × unit cost a day, then ``domain.targets``).
    The groups the replay reports stay the warm-up's classes, so that every policy's groups
    hold the same items."""
    rates = [replay.rate(forecast) for replay, forecast in zip(replays, forecasts, strict=True)]
    today = classify(
        {
            replay.sim.sku: rate * replay.sim.unit_cost
            for replay, rate in zip(replays, rates, strict=True)
        }
    )
    targets = item_targets(
        [
            TargetInput(
                replay.sim.sku,
                today[replay.sim.sku],
                rate,
                replay.sim.unit_cost,
                float(replay.sim.arrival_days),
                cycle_spread(forecast.rate, forecast.variance, replay.sim.arrival_days)
                if forecast.enough
                else None,
                forecast.selling_days >= SURE_SALES,
            )
            for replay, rate, forecast in zip(replays, rates, forecasts, strict=True)
        ],
        settings.fill_targets,
    )
    return today, targets


def _decide(
    typed: Item,
    learned: Forecast | None,
    sim: SimItem,
    day: int,
    today: date,
    policy: Policy,
    settings: ShopSettings,
    suppliers: Mapping[str, Supplier],
    abc: str,
    target: float | None,
    on_hand: float,
    on_order: float,
    quick: bool = True,
    usual_sale: float = 1.0,
) -> int:
    """The order line's quantity the check would draft today (0 for none); ``learned`` is the
    bot's forecast of today (``None`` for the fixed rule, which learns nothing). ``quick``
    first asks whether the item surely orders nothing (``orders_nothing``: one evaluation of
    the fill rate instead of the reorder point's search); the answer is the same.
    ``usual_sale`` is what a new item keeps (``forecast.shop_sale_size``)."""
    if policy.fixed or learned is None:
        if quick and orders_nothing(
            typed,
            suppliers=suppliers,
            on_order=on_order,
            today=today,
            plan=None,
            on_hand=on_hand,
        ):
            return 0
        verdict = evaluate(
            with_changes(typed, on_hand=on_hand),
            suppliers=suppliers,
            on_order=on_order,
            settings=settings,
            history=(),
            today=today,
        )
        return verdict.line.quantity if verdict.line is not None else 0
    forecast = learned
    if policy.forecast is not None and forecast.enough:
        forecast = policy.forecast(sim, day, forecast)
    numbers = choose_numbers(
        typed,
        ItemLearning(forecast, None, abc, target, usual_sale),
        settings,
        sim.lead_time_days,
        explain=False,
    )
    if numbers.plan is None:
        item = with_changes(numbers.item, on_hand=on_hand)
    else:
        # what the bot's own receipts would show: an order of the evening of day t is on the
        # shelf before any sale of day t + max(lead, 1), as one placed in the morning of t + 1
        # with a lead time one day shorter
        item = with_changes(
            numbers.item, on_hand=on_hand, lead_time_days=float(sim.arrival_days - 1)
        )
        if quick and orders_nothing(
            item, suppliers=suppliers, on_order=on_order, today=today, plan=numbers.plan
        ):
            return 0
    verdict = evaluate(
        item,
        suppliers=suppliers,
        on_order=on_order,
        settings=settings,
        history=(),
        today=today,
        plan=numbers.plan,
        new_stock=numbers.new_stock,
    )
    return verdict.line.quantity if verdict.line is not None else 0


def _forecasts(replays: Sequence[_Replay]) -> list[Forecast]:
    """Each item's forecast today, its few sales drawn toward the shop's usual spread of sale
    sizes, as the check's (``learned_demand.advance``)."""
    prior = shop_size_cv2(item.learner.shape for item in replays)
    return [item.learner.forecast(prior) for item in replays]


def _add(into: Tally, tally: Tally) -> None:
    into.items += tally.items
    into.demanded += tally.demanded
    into.served += tally.served
    into.opening_demanded += tally.opening_demanded
    into.opening_served += tally.opening_served
    into.inventory_units += tally.inventory_units
    into.inventory_value += tally.inventory_value
    into.orders += tally.orders
    into.aimed += tally.aimed
    into.aimed_demanded += tally.aimed_demanded
    into.days = max(into.days, tally.days)


def replay(
    items: Sequence[SimItem],
    start: date,
    warmup: int,
    policy: Policy,
    classes: Mapping[str, str],
    *,
    backorders: bool = False,
    settings: ShopSettings | None = None,
    quick: bool = True,
) -> Result:
    """One policy over every item, day by day, all items together (the bot's fill targets
    depend on every item's rate, as in the check); ``classes`` are the ABC classes
    (``abc_classes``); ``quick=False`` works every reorder point out (the same result,
    slower: for tests of ``quick``)."""
    if settings is None:
        settings = (
            ShopSettings(use_learned=UseLearned.NO, safety_method=SafetyMethod.BUFFER)
            if policy.fixed
            else ShopSettings()
        )
    suppliers = _suppliers(items)
    replays = [_start(sim, row, warmup, policy) for row, sim in enumerate(items, start=2)]
    days = max((len(sim.demand) for sim in items), default=0)
    for day in range(warmup, days):
        for item in replays:
            item.serve(day, backorders, learns=not policy.fixed)
        # the bot's forecast of each item, once a day: its targets and its decision use it
        forecasts = [] if policy.fixed or policy.orders is not None else _forecasts(replays)
        usual_sale = shop_sale_size(item.learner for item in replays) if forecasts else 1.0
        today_classes, targets = (
            _current_targets(replays, forecasts, settings) if forecasts else (classes, {})
        )
        for index, item in enumerate(replays):
            item.target = targets.get(item.sim.sku)
            if policy.orders is not None:
                order = policy.orders(item.sim, day, item.on_hand - item.backlog, item.pipeline)
            else:
                order = _decide(
                    item.typed,
                    forecasts[index] if forecasts else None,
                    item.sim,
                    day,
                    start + timedelta(days=day),
                    policy,
                    settings,
                    suppliers,
                    today_classes.get(item.sim.sku, "C"),
                    item.target,
                    item.on_hand - item.backlog,
                    item.on_order,
                    quick,
                    usual_sale,
                )
            if order > 0:
                item.pipeline.append((day + item.sim.arrival_days, float(order)))
                item.tally.orders += 1
    result = Result(policy, {group: Tally() for group in GROUPS})
    for item in replays:
        item.tally.inventory_value = item.tally.inventory_units * item.sim.unit_cost
        abc = classes.get(item.sim.sku, "C")
        _add(result.groups["all"], item.tally)
        _add(result.groups[abc], item.tally)
        if not any(item.sim.demand[:warmup]):
            _add(result.new_items, item.tally)
    return result
