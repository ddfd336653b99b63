"""Which numbers the check uses for one item: the learned ones or the owner's typed ones.

Learned numbers are the default wherever the history is enough (``Forecast.enough``: two
weeks with a sale; eight receipts for a lead time); the typed ones stay where
it is not, except a typed 0 a day once the item has sold (even a little history beats "does
not sell"; marked unsure). An item that has not sold yet and is typed 0 a day is new: the bot
keeps one usual sale of the shop's items of it (at least one pack), so that its first sale
can be served. The owner turns learning off for the shop (Settings ``Use learned``: no;
or only ``sales`` / ``lead time``) or pins one item to its typed numbers (Stock ``Use
learned``: no).

With the learned rate the safety stock follows Settings ``Safety method``: ``fill rate`` (the
default) sets it for the item's fill target (by ABC class, Settings ``Fill target A/B/C``)
over the protection interval, which ``evaluate`` knows (it depends on the supplier's lead
time, ordering days and pack); ``buffer`` keeps the typed ``Safety buffer``.

``ItemNumbers.basis`` says in one line which numbers were used and why; ``unsure`` lists what
makes learned numbers worth a second look (little history, a change of demand class, recent
stock-outs), shown in the sheet and the ``Why``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial

from sheets_bot.domain.forecast import MIN_DAYS, MIN_SALES, SURE_SALES, Forecast
from sheets_bot.domain.lead_time import LeadEstimate
from sheets_bot.domain.models import Item, SafetyMethod, ShopSettings, UseLearned
from sheets_bot.domain.records import with_changes
from sheets_bot.domain.safety_stock import FILL_TARGETS
from sheets_bot.domain.sheet_numbers import plain
from sheets_bot.domain.words import plural


@dataclass(frozen=True)
class ItemLearning:
    """What the bot learned about one item from history (whether or not the check uses it)."""

    forecast: Forecast | None
    lead: LeadEstimate | None
    abc: str
    target: float | None = None
    """The item's own fill target (``domain.targets``); ``None``: its class's."""
    new_stock: float = 1.0
    """What the item keeps while it has not sold yet: one usual sale of the shop's items
    (``forecast.shop_sale_size``)."""


@dataclass(frozen=True)
class DemandPlan:
    """What ``evaluate`` needs to set the safety stock for a fill rate."""

    forecast: Forecast
    target: float
    abc: str
    lead_stdev: float = 0.0

    @property
    def skewed(self) -> bool:
        kind = self.forecast.kind
        return kind is not None and kind.value != "smooth"


Note = str | Callable[[], str]
"""A part of ``ItemNumbers.basis``: its words, or how to make them when they are read."""


@dataclass(frozen=True)
class ItemNumbers:
    item: Item
    """The item with the daily sales and lead time the check uses."""
    notes: tuple[Note, ...]
    """The parts of ``basis``; words that only an order line's ``Why`` shows are made when it
    is read (a check reads them for the items it orders, not for all 50,000)."""
    plan: DemandPlan | None
    """Set when the safety stock comes from the fill-rate target (else the typed buffer)."""
    learning: ItemLearning
    used: str
    """``learned``, ``typed`` or ``learned rate, typed lead time`` … for the Stock column."""
    unsure: tuple[str, ...] = field(default=())
    new_stock: float = 0.0
    """No sale in the history yet: what the bot keeps rather than none (``assess``); 0 for
    any other item."""

    @property
    def new_item(self) -> bool:
        return self.new_stock > 0

    @property
    def basis(self) -> str:
        """Which numbers were used and why, one line for the ``Why``."""
        return "; ".join(note if isinstance(note, str) else note() for note in self.notes)


UNSURE_NOTE = "unsure: "
"""How the unsure reasons start in the ``Why`` and in Stock ``Numbers used`` (in brackets)."""


def unsure_note(reasons: tuple[str, ...]) -> str:
    """``unsure: little history (29 days, 28 with sales); …``."""
    return f"{UNSURE_NOTE}{'; '.join(reasons)}"


def unsure_reasons(numbers_used: str) -> tuple[str, ...]:
    """The reasons in a Stock ``Numbers used`` cell as the check writes it
    (``learned rate (unsure: little history (29 days, 28 with sales))``); ``()`` when sure.

    The digest reads them back from the sheet, so a digest sent on its own says the same as
    the last check did."""
    start = numbers_used.find(f"({UNSURE_NOTE}")
    if start < 0:
        return ()
    inner = numbers_used[start + len(UNSURE_NOTE) + 1 :].rstrip().removesuffix(")")
    return tuple(reason.strip() for reason in inner.split("; ") if reason.strip())


def _percent(value: float) -> str:
    return f"{plain(round(value * 100, 1))}%"


def _target_reason(target: float, class_target: float, few_sales: bool = False) -> str:
    """Why an item's target is off its class's (``domain.targets``), where it shows; an item
    with few sales is never set below its class's (``TargetInput.sure``)."""
    if round(target, 3) > round(class_target, 3):
        return "; higher here: steady demand or cheap to hold, so fill costs little stock"
    if round(target, 3) < round(class_target, 3):
        return "; lower here: erratic demand or costly to hold, so fill costs much stock"
    if few_sales:
        return f"; never lower with fewer than {SURE_SALES} sales"
    return ""


def _target_words(target: float, class_target: float, abc: str, few_sales: bool) -> str:
    return (
        f"fill target {_percent(target)} (class {abc}: {_percent(class_target)} on average"
        f"{_target_reason(target, class_target, few_sales)})"
    )


def _buffer_words(buffer: float) -> str:
    return f"your safety buffer {plain(buffer)}"


def _typed_words(daily: float, days: int, sales: int) -> str:
    return (
        f"Typed {plain(daily)}/day: {days} days of history with {sales} sale days,"
        f" learning needs {MIN_DAYS} days and {plural(MIN_SALES, 'day')} with a sale"
    )


def choose_numbers(
    item: Item,
    learning: ItemLearning,
    settings: ShopSettings,
    sheet_lead: float | None,
    targets: Mapping[str, float] | None = None,
    explain: bool = True,
) -> ItemNumbers:
    """The numbers the check uses for ``item``: learned where the history is enough, else
    typed. ``explain=False`` leaves out the words (``basis``, ``unsure``): a replay, which
    decides for every item on every day, needs only the numbers. Either way the ``basis`` is
    phrased only when read."""
    targets = targets if targets is not None else settings.fill_targets or FILL_TARGETS
    pinned = item.use_learned is UseLearned.NO
    use = item.use_learned or settings.use_learned
    forecast, lead = learning.forecast, learning.lead
    class_target = targets.get(learning.abc, targets.get("C", FILL_TARGETS["C"]))
    target = learning.target if learning.target is not None else class_target
    if use is UseLearned.NO:
        where = "Stock 'Use learned': no" if pinned else "Settings 'Use learned': no"
        return ItemNumbers(item, (f"Typed numbers ({where})",), None, learning, "typed")

    notes: list[Note] = []
    used: list[str] = []
    daily = item.daily_sales
    plan: DemandPlan | None = None
    unsure: tuple[str, ...] = ()
    new_stock = 0.0
    if use.sales:
        # the typed rate says the item does not sell, and it has sold: even a little history
        # beats that (marked unsure)
        sold_against_typed = (
            forecast is not None and forecast.selling_days > 0 and item.daily_sales <= 0
        )
        if forecast is not None and (forecast.enough or sold_against_typed):
            daily = forecast.rate
            used.append("learned rate")
            if explain:
                unsure = tuple(forecast.unsure)
                notes.append(partial(getattr, forecast, "why"))
            if settings.safety_method is SafetyMethod.FILL_RATE:
                lead_stdev = lead.stdev if lead is not None and lead.learned else 0.0
                plan = DemandPlan(forecast, target, learning.abc, lead_stdev)
                few_sales = forecast.selling_days < SURE_SALES
                if explain:
                    notes.append(
                        partial(_target_words, target, class_target, learning.abc, few_sales)
                    )
            elif explain:
                notes.append(partial(_buffer_words, item.safety_buffer))
        else:
            days = forecast.days if forecast is not None else 0
            sales = forecast.selling_days if forecast is not None else 0
            if forecast is not None and sales == 0 and item.daily_sales <= 0:
                new_stock = max(learning.new_stock, 1.0)
            notes.append(partial(_typed_words, daily, days, sales))
            used.append(
                f"typed rate ({days} of {MIN_DAYS} days of history)"
                if days < MIN_DAYS
                else f"typed rate (no sale in {days} days)"
                if sales == 0
                else f"typed rate ({sales} of {MIN_SALES} days with a sale)"
            )
    lead_days = sheet_lead
    if use.lead_time and lead is not None and lead.learned:
        lead_days = lead.days
        notes.append(partial(getattr, lead, "why"))
        used.append("learned lead time")
    elif use.lead_time and lead is not None and lead.receipts:
        notes.append(partial(getattr, lead, "why"))
    chosen = with_changes(
        item,
        daily_sales=daily,
        lead_time_days=lead_days if lead_days is not None else item.lead_time_days,
    )
    if unsure:
        notes.append(partial(unsure_note, unsure))
    label = ", ".join(used) if used else "typed"
    if label == "learned rate, learned lead time":
        label = "learned"
    return ItemNumbers(chosen, tuple(notes), plan, learning, label, unsure, new_stock)
