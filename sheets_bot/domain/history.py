"""What happened to stock over time, as the live lanes record it and the learning reads it.

POS webhooks add ``SaleEvent`` records (one per line of a sale, refund or restock); receiving
against the Orders tab adds ``Receipt`` records; the Stock tab snapshots (``drive_sync`` every
15 minutes on AWS) add up to ``StockDay`` records. All are plain facts with their own times;
the learning (demand, lead times) and the monthly summary read them and never write them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

SaleKind = Literal["sale", "refund", "restock", "adjust", "level"]
"""``level`` is a count the POS reports (Shopify ``inventory_levels/update``, Square
``inventory.count.updated``): its ``quantity`` is the absolute number on hand, not a change."""


@dataclass(frozen=True)
class SaleEvent:
    event_id: str
    """Unique per line, built from the POS's own ids, so a replay is recognised and ignored."""
    source: str
    """``shopify``, ``square``, ..."""
    sku: str
    quantity: float
    """Units taken out of stock: positive for a sale, negative for a refund or restock; for
    a ``level`` event, the absolute count on hand."""
    at: datetime
    """When it happened at the till (timezone-aware), not when the webhook arrived."""
    kind: SaleKind = "sale"


@dataclass(frozen=True)
class Receipt:
    """A delivery the owner marked received on the Orders tab."""

    po: str
    supplier: str
    sku: str
    ordered: float
    received: float
    sent_at: datetime
    received_at: datetime

    @property
    def lead_days(self) -> float:
        """Actual lead time, sent to received, in days."""
        return (self.received_at - self.sent_at).total_seconds() / 86400


@dataclass(frozen=True)
class StockDay:
    """One item's stock over one shop day (local calendar date), from that day's snapshots."""

    day: date
    sku: str
    opening: float
    """On hand at the start of the day (the last snapshot before it, else the first of it)."""
    closing: float
    """On hand at the last snapshot of the day."""
    low: float
    """The lowest on hand seen during the day."""
    drops: float
    """Sum of the decreases between consecutive snapshots: sales, waste, shrinkage."""
    rises: float
    """Sum of the increases: deliveries and upward count corrections."""

    @property
    def stocked_out(self) -> bool:
        """The item was at zero (or below) at some snapshot of the day."""
        return self.low <= 0
