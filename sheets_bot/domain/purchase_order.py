"""Approved purchase orders and their life in the ledger.

A PO record is keyed by the draft it came from. Its states:

    approved --claim--> sending --> sent
                            |-----> failed   (certainly not sent; new content re-opens it)
                            '-----> unknown  (outcome not known; shown to the owner, never retried
                                              silently; the owner resolves it)
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from sheets_bot.domain.models import PoFormat
from sheets_bot.domain.ordering_days import EVERY_DAY, parse_ordering_days
from sheets_bot.domain.priced_lines import PricedLine, lines_total
from sheets_bot.domain.purchase_units import PurchaseUnit, plural


class PoState(StrEnum):
    APPROVED = "approved"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class OrderLine(PricedLine):
    drafted_quantity: int | None = None
    """What the bot suggested, to show an owner's change in the audit log."""
    supplier_code: str = ""
    """The supplier's own code for the item (Supplier items)."""
    unit_name: str = ""
    """The supplier's purchase unit (``case``); blank when it sells stock units."""
    per: str = ""
    """Stock units per purchase unit as a fraction's text (``12``, ``5/2``)."""
    stock_unit: str = ""
    """The Stock tab's ``Unit`` (``bottle``)."""

    @property
    def unit(self) -> PurchaseUnit | None:
        if not self.per:
            return None
        return PurchaseUnit(self.unit_name or "pack", Fraction(self.per), self.stock_unit)

    @property
    def purchase_quantity(self) -> int:
        """The quantity the supplier reads: purchase units (stock units when it has none)."""
        unit = self.unit
        return self.quantity if unit is None else unit.purchase_quantity(self.quantity)

    @property
    def unit_name_text(self) -> str:
        """``case of 12 bottles``; the stock unit's name (``unit``) without a purchase unit."""
        unit = self.unit
        if unit is None:
            return self.stock_unit or "unit"
        return unit.per_text()

    @property
    def unit_price(self) -> Decimal | None:
        """Per purchase unit."""
        if self.unit_cost is None:
            return None
        unit = self.unit
        if unit is None:
            return self.unit_cost
        return self.unit_cost * unit.per.numerator / unit.per.denominator

    @property
    def quantity_text(self) -> str:
        """``3 cases (36 bottles)``, or ``36`` (``36 bottles`` with a stock unit name)."""
        unit = self.unit
        if unit is not None:
            return unit.describe(self.quantity)
        return f"{self.quantity} {plural(self.stock_unit, self.quantity)}".strip()


@dataclass(frozen=True)
class ApprovedOrder:
    """Exactly what the owner approved: supplier, address, lines with quantities, note."""

    draft_id: str
    po_number: str
    """Blank until the send gives it its number (``Ledger.assign_po_number``)."""
    supplier: str
    send_to: str
    po_format: PoFormat
    lines: tuple[OrderLine, ...]
    note: str = ""
    not_before: datetime | None = None
    """Held until then (quiet hours, the supplier's next ordering day); ``None`` to send at
    once."""
    supplier_contact: str = ""
    supplier_code: str = ""
    """The shop's account number or code with the supplier (Suppliers ``Code``)."""
    lead_time_days: float | None = None
    """The longest lead time of its lines: the requested delivery date is placed + this."""
    ordering_days: str = ""
    """The supplier's ordering days as the Suppliers tab said them (blank: every day)."""

    def requested_delivery(self, sent: date) -> date | None:
        """The day the order is placed (the first ordering day on or after ``sent``) plus the
        lead time, in whole days; ``None`` without a lead time."""
        if self.lead_time_days is None:
            return None
        try:
            days = parse_ordering_days(self.ordering_days)
        except ValueError:
            days = EVERY_DAY
        placed = days.next_on_or_after(sent)
        return placed + timedelta(days=math.ceil(self.lead_time_days - 1e-9))

    @property
    def total(self) -> Decimal | None:
        """The sum of the lines; ``None`` when any line has no unit cost."""
        return lines_total(self.lines)

    @property
    def fingerprint(self) -> str:
        """A digest of what was approved; any change to it is a new approval."""
        content = {
            "supplier": self.supplier,
            "send_to": self.send_to.lower(),
            "note": self.note,
            "lines": [
                [line.sku, line.quantity, str(line.unit_cost) if line.unit_cost is not None else ""]
                for line in self.lines
            ],
        }
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:16]

    def to_json(self) -> str:
        data = asdict(self)
        data["not_before"] = self.not_before.isoformat() if self.not_before else None
        return json.dumps(data, default=str, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ApprovedOrder:
        data = json.loads(text)
        lines = tuple(
            OrderLine(
                sku=line["sku"],
                item=line["item"],
                quantity=int(line["quantity"]),
                unit_cost=Decimal(line["unit_cost"]) if line["unit_cost"] is not None else None,
                drafted_quantity=line.get("drafted_quantity"),
                supplier_code=line.get("supplier_code", ""),
                unit_name=line.get("unit_name", ""),
                per=line.get("per", ""),
                stock_unit=line.get("stock_unit", ""),
            )
            for line in data["lines"]
        )
        not_before = data.get("not_before")
        return cls(
            draft_id=data["draft_id"],
            po_number=data["po_number"],
            supplier=data["supplier"],
            send_to=data["send_to"],
            po_format=PoFormat(data["po_format"]),
            lines=lines,
            note=data.get("note", ""),
            not_before=datetime.fromisoformat(not_before) if not_before else None,
            supplier_contact=data.get("supplier_contact", ""),
            supplier_code=data.get("supplier_code", ""),
            lead_time_days=data.get("lead_time_days"),
            ordering_days=data.get("ordering_days", ""),
        )

    def snapshot(self) -> dict[str, object]:
        """The audit log's view: small and readable."""
        return {
            "po": self.po_number,
            "supplier": self.supplier,
            "send_to": self.send_to,
            "lines": {line.sku: line.quantity for line in self.lines},
            "note": self.note,
        }


def po_number_text(prefix: str, number: int) -> str:
    """``PO-0001``: the owner's prefix and at least four digits."""
    return f"{prefix}{number:04d}"


@dataclass(frozen=True)
class PoRecord:
    order: ApprovedOrder
    state: PoState
    approved_at: datetime
    updated_at: datetime
    detail: str = ""

    @property
    def label(self) -> str:
        """The PO number, or the draft before the send gives it one."""
        return self.order.po_number or f"draft {self.order.draft_id}"

    @property
    def draft_id(self) -> str:
        return self.order.draft_id

    @property
    def po_number(self) -> str:
        return self.order.po_number

    @property
    def fingerprint(self) -> str:
        return self.order.fingerprint


def single_unknown(po_number: str, records: Sequence[PoRecord], state: str) -> PoRecord:
    """The one record of ``po_number`` whose send is unknown, for the owner to resolve as
    ``state``; ``KeyError`` when there is no such PO, ``ValueError`` saying why otherwise.
    Every Ledger adapter resolves through this, so they refuse alike."""
    if not records:
        raise KeyError(
            f"no PO {po_number} in the ledger: check the number in the Orders tab or the digest"
        )
    unknown = [record for record in records if record.state is PoState.UNKNOWN]
    if not unknown:
        states = ", ".join(sorted({str(record.state) for record in records}))
        raise ValueError(
            f"PO {po_number} is {states}, not unknown: only a send whose outcome is unknown"
            f" can be resolved as {state}"
        )
    if len(unknown) > 1:
        drafts = ", ".join(record.draft_id for record in unknown)
        raise ValueError(f"PO {po_number} is unknown on several drafts ({drafts})")
    return unknown[0]
