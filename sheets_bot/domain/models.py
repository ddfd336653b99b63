"""The shop as the domain sees it: items, suppliers and the owner's settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache

from sheets_bot.domain.ordering_days import EVERY_DAY, OrderingDays
from sheets_bot.domain.quiet_hours import QuietHours


class Move(StrEnum):
    """What the bot advises for an item, most pressing first."""

    URGENT = "urgent"
    REORDER = "reorder"
    WATCH = "watch"
    STOCKED = "stocked"


class ItemStatus(StrEnum):
    ACTIVE = "active"
    DISCONTINUED = "discontinued"
    PAUSED = "paused"


class UseLearned(StrEnum):
    """Which learned numbers the check uses in place of the typed ones (Settings or per item)."""

    NO = "no"
    SALES = "sales"
    LEAD_TIME = "lead time"
    BOTH = "both"

    @property
    def sales(self) -> bool:
        return self in (UseLearned.SALES, UseLearned.BOTH)

    @property
    def lead_time(self) -> bool:
        return self in (UseLearned.LEAD_TIME, UseLearned.BOTH)


class SafetyMethod(StrEnum):
    """How the safety stock is set (Settings, ``Safety method``); see ``domain.safety_stock``."""

    FILL_RATE = "fill rate"
    BUFFER = "buffer"


class PoFormat(StrEnum):
    CSV = "csv"
    PDF = "pdf"
    BOTH = "both"

    @property
    def wants_csv(self) -> bool:
        return self in (PoFormat.CSV, PoFormat.BOTH)

    @property
    def wants_pdf(self) -> bool:
        return self in (PoFormat.PDF, PoFormat.BOTH)


@lru_cache(maxsize=4096)
def supplier_key(name: str) -> str:
    """Supplier names match case- and space-insensitively. Cached: a check asks for the same
    few names once per item and per offer (a pure function of its argument)."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class Supplier:
    name: str
    email: str | None
    contact: str
    lead_time_days: float | None
    po_format: PoFormat
    active: bool
    row: int
    email_problem: str | None = None
    """Why ``email`` is unusable, located (the Suppliers row and column)."""
    problem: str | None = None
    """Why the Suppliers row could not be read at all, located; no order goes to it."""
    ordering_days: OrderingDays = EVERY_DAY
    """The days it takes orders (Suppliers, ``Order days``); every day when blank."""
    min_order_value: Decimal | None = None
    """The smallest PO it accepts (or its free-delivery threshold), in the shop's currency."""
    paused: bool = False
    """Suppliers ``Status`` is ``paused``: out for now, skipped with a note (``active`` is
    then False too)."""
    code: str = ""
    """The shop's account number or code with the supplier (Suppliers, ``Code``), on each PO."""


@dataclass(frozen=True)
class Item:
    sku: str
    name: str
    supplier: str
    on_hand: float
    daily_sales: float
    lead_time_days: float | None
    safety_buffer: float
    pack_size: int
    unit_cost: Decimal | None
    min_order: int | None
    max_order: int | None
    status: ItemStatus
    row: int
    use_learned: UseLearned | None = None
    """The owner's per-item choice (Stock, ``Use learned``); ``None`` follows Settings."""
    unit: str = ""
    """What one stock unit is called (Stock, ``Unit``: ``bottle``); blank says "units"."""


@dataclass(frozen=True)
class ScoreWeights:
    """How the supplier score weighs its four parts (Settings ``Supplier score``), in %."""

    price: float = 40
    reliability: float = 30
    quality: float = 20
    moq: float = 10

    @property
    def total(self) -> float:
        return self.price + self.reliability + self.quality + self.moq


@dataclass(frozen=True)
class ShopSettings:
    business_name: str = "My Shop"
    owner_email: str | None = None
    from_address: str | None = None
    timezone: str = "UTC"
    quiet_hours: QuietHours | None = None
    watch_days: float = 7
    max_cover_days: float = 90
    anomaly_factor: float = 2
    currency: str = "USD"
    po_prefix: str = "PO-"
    allowed_senders: tuple[str, ...] = ()
    """Who besides the owner may forward counts: addresses and ``@domains``, lower case."""
    ai_parsing: bool = False
    """Counts that are not spreadsheets (PDF, photo, mail body) go to the AI parser."""
    count_location: str = ""
    """Settings ``Count location``: the location (store, outlet, warehouse) the Stock tab
    counts, as exports and the POS name it; blank when the shop has one."""
    # --- the daily digest
    digest_time: time = time(7, 30)
    """When the owner's digest is due, shop time (never inside quiet hours)."""
    empty_digest: str = "one-line"
    """A day with nothing to say: ``one-line`` ("all stocked") or ``none`` (no email)."""
    links_url: str = ""
    """Where the digest's Approve/Skip links point (``sheets-bot serve`` locally); blank: the
    deployment's address, else http://127.0.0.1:8080."""
    receiving_updates_on_hand: bool = True
    """Whether an Orders line marked received adds to Stock ``On hand`` (owners who recount
    after a delivery turn it off)."""
    ai_summary: bool = False
    """Settings ``AI summary``: the monthly summary's narrative is written by a model (from
    the computed figures only) where the deployment offers one."""
    use_learned: UseLearned = UseLearned.BOTH
    """Settings ``Use learned``: learned numbers wherever the history is enough; ``no`` turns
    learning off for the shop."""
    safety_method: SafetyMethod = SafetyMethod.FILL_RATE
    fill_target_a: float = 0.98
    """Settings ``Fill target A``: the share of units demanded served from the shelf."""
    fill_target_b: float = 0.95
    fill_target_c: float = 0.90

    @property
    def fill_targets(self) -> dict[str, float]:
        return {"A": self.fill_target_a, "B": self.fill_target_b, "C": self.fill_target_c}

    # --- purchasing: what each PO carries, and how suppliers are chosen
    delivery_address: str = ""
    phone: str = ""
    tax_number: str = ""
    payment_terms: str = ""
    supplier_score: ScoreWeights = field(default_factory=ScoreWeights)
    backorders: bool = True
    """Settings ``Short deliveries``: ``backorder`` keeps the missing quantity on order as a
    new Orders line; ``cancel`` closes it."""
