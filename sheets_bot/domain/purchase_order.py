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
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sheets_bot.domain.models import PoFormat
from sheets_bot.domain.priced_lines import PricedLine, lines_total


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


@dataclass(frozen=True)
class ApprovedOrder:
    """Exactly what the owner approved: supplier, address, lines with quantities, note."""

    draft_id: str
    po_number: str
    supplier: str
    send_to: str
    po_format: PoFormat
    lines: tuple[OrderLine, ...]
    note: str = ""
    not_before: datetime | None = None
    """Held until then (quiet hours); ``None`` to send at once."""

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


@dataclass(frozen=True)
class PoRecord:
    order: ApprovedOrder
    state: PoState
    approved_at: datetime
    updated_at: datetime
    detail: str = ""

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
