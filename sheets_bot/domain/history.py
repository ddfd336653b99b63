"""What happened to stock over time, as the live lanes record it and the learning reads it.

POS webhooks add ``SaleEvent`` records (one per line of a sale, refund or restock); receiving
against the Orders tab adds ``Receipt`` records. Both are plain facts with their own times;
the learning (demand, lead times) reads them and never writes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
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
