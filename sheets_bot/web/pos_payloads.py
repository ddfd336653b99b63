"""Shopify and Square webhook bodies, as their documentation shows them, into ``SaleEvent``s.

Read only after the signature is verified. pydantic models take just the fields the bot uses
and ignore the rest (the vendors add fields often); a body that lacks what is needed is a
``PayloadError`` naming the field, never a crash. Event ids are built from the POS's own ids
(order and line, refund and refund line, item and location and time of a count), so a replayed
webhook yields the same ids and the buffer ignores it.

* Shopify ``orders/create``: each line item is a sale of ``quantity`` by its ``sku`` (the
  variant id where the SKU is blank), at the order's ``processed_at`` (else ``created_at``).
* Shopify ``refunds/create``: each refund line with a restock (``restock_type`` ``return``,
  ``cancel`` or ``legacy_restock``) adds its quantity back; a refund of money only does not.
* Shopify ``inventory_levels/update`` and Square ``inventory.count.updated``: a count (kind
  ``level``) for the inventory item id / catalog object id (matched to the Stock tab's
  ``POS id`` or SKU), at ``updated_at`` / ``calculated_at``. Square counts in a state other than
  ``IN_STOCK`` (sold, waste, in transit) are not on hand and are skipped.
* Square ``order.updated`` carries the order's id, state and version but no line items:
  there is nothing to apply from it (Square adjusts its inventory counts when an order is paid,
  and ``inventory.count.updated`` brings those), so it yields no events.

Every quantity is checked at the door: a finite number within a sane range (a sale or refund
line 0 to a million units, a count ±a billion). JSON's ``1e400`` reads as infinity and Python's
JSON reader takes ``NaN`` and ``Infinity`` too; refused here, they never reach the buffer (a
DynamoDB write refuses them, losing the whole webhook) or the sheet (``int(inf)``). A body that
is not UTF-8, not JSON, or nested too deep is a ``PayloadError`` too, never an exception.

An event dated more than ``MAX_FUTURE_SKEW`` after it arrived is refused (``refused_events``),
not clamped: the POS asserts when a count was taken, and the newest count wins, so a count
dated 2099 would silently outrank every real one until then. Changing its time would hide a
POS whose clock is wrong; refusing names the line and the time, the POS shows the failed
delivery in its webhook log, and nothing in the sheet is wrong meanwhile.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from sheets_bot.domain.errors import InputError
from sheets_bot.domain.history import SaleEvent
from sheets_bot.domain.number_ranges import SALE_QUANTITY, SIGNED_COUNT
from sheets_bot.domain.sale_checks import event_problem

M = TypeVar("M", bound=BaseModel)
RESTOCK_TYPES = frozenset({"return", "cancel", "legacy_restock"})

SaleQuantity = Annotated[
    float, Field(ge=float(SALE_QUANTITY.low), le=float(SALE_QUANTITY.high), allow_inf_nan=False)
]
CountQuantity = Annotated[
    float, Field(ge=float(SIGNED_COUNT.low), le=float(SIGNED_COUNT.high), allow_inf_nan=False)
]


class PayloadError(InputError):
    """The body is not the documented shape; the message names the field (never the body)."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class ShopifyLineItem(_Model):
    id: int
    quantity: SaleQuantity
    sku: str | None = None
    variant_id: int | None = None

    def key(self) -> str:
        return (self.sku or "").strip() or (str(self.variant_id) if self.variant_id else "")


class ShopifyOrder(_Model):
    id: int
    created_at: AwareDatetime
    processed_at: AwareDatetime | None = None
    line_items: list[ShopifyLineItem]


class ShopifyRefundLine(_Model):
    id: int
    quantity: SaleQuantity
    restock_type: str | None = None
    line_item: ShopifyLineItem


class ShopifyRefund(_Model):
    id: int
    order_id: int
    created_at: AwareDatetime
    processed_at: AwareDatetime | None = None
    restock: bool | None = None
    refund_line_items: list[ShopifyRefundLine] = Field(default_factory=list)


class ShopifyInventoryLevel(_Model):
    inventory_item_id: int
    location_id: int
    available: CountQuantity | None = None
    updated_at: AwareDatetime


class SquareCount(_Model):
    catalog_object_id: str
    location_id: str = ""
    quantity: CountQuantity
    state: str
    calculated_at: AwareDatetime


class SquareCountsObject(_Model):
    inventory_counts: list[SquareCount]


class SquareCountsData(_Model):
    object: SquareCountsObject


class SquareNotification(_Model):
    type: str
    event_id: str
    created_at: AwareDatetime


class SquareCountNotification(SquareNotification):
    data: SquareCountsData


def _parse(body: bytes, what: str) -> Any:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PayloadError(f"{what}: the body is not UTF-8 (byte {error.start})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise PayloadError(f"{what}: the body is not JSON ({error.msg})") from None
    except RecursionError:
        raise PayloadError(f"{what}: the body is JSON nested too deep") from None


def _where(data: Any, loc: Sequence[int | str]) -> str:
    """A field's path, each list element named by its ``id`` when it has one:
    ``line_items[1] (id 466157050).quantity``."""
    path = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("id"), int | str):
                path += f" (id {str(node['id'])[:40]})"
        else:
            path += f".{part}" if path else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return path or "(body)"


def _load(model: type[M], body: bytes, what: str) -> M:
    data = _parse(body, what)
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        value = first.get("input")
        shown = f" ({_shown(value)})" if isinstance(value, int | float | str) else ""
        raise PayloadError(
            f"{what}: field {_where(data, first['loc'])}{shown}: {first['msg']}"
        ) from None
    except RecursionError:
        raise PayloadError(f"{what}: the body is JSON nested too deep") from None


def _shown(value: int | float | str) -> str:
    """A refused value for the message, short whatever it is (a 400-digit number)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return "a number too large"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def refused_events(events: Sequence[SaleEvent], arrived: datetime) -> str | None:
    """Why the webhook is refused when one of its events cannot be applied (dated beyond
    ``MAX_FUTURE_SKEW`` after it arrived; a quantity the models let through would be caught
    here too), naming the event; None when every one can."""
    for event in events:
        problem = event_problem(event, arrived)
        if problem is not None:
            return problem
    return None


def shopify_events(topic: str, body: bytes) -> list[SaleEvent] | None:
    """Events of a Shopify webhook; None for a topic the bot does not use."""
    if topic == "orders/create":
        order = _load(ShopifyOrder, body, "Shopify orders/create")
        at: datetime = order.processed_at or order.created_at
        return [
            SaleEvent(
                f"shopify:order:{order.id}:{line.id}", "shopify", line.key(), line.quantity, at
            )
            for line in order.line_items
            if line.quantity
        ]
    if topic == "refunds/create":
        refund = _load(ShopifyRefund, body, "Shopify refunds/create")
        at = refund.processed_at or refund.created_at
        return [
            SaleEvent(
                f"shopify:refund:{refund.id}:{line.id}",
                "shopify",
                line.line_item.key(),
                -line.quantity,
                at,
                "refund",
            )
            for line in refund.refund_line_items
            if line.quantity
            and (
                (line.restock_type or "").casefold() in RESTOCK_TYPES
                or (line.restock_type is None and refund.restock is True)
            )
        ]
    if topic == "inventory_levels/update":
        level = _load(ShopifyInventoryLevel, body, "Shopify inventory_levels/update")
        if level.available is None:
            return []
        return [
            SaleEvent(
                f"shopify:level:{level.inventory_item_id}:{level.location_id}:"
                f"{level.updated_at.isoformat()}",
                "shopify",
                str(level.inventory_item_id),
                level.available,
                level.updated_at,
                "level",
            )
        ]
    return None


def square_events(body: bytes) -> tuple[str, list[SaleEvent] | None]:
    """(event type, events) of a Square notification; None for a type the bot does not use."""
    notification = _load(SquareNotification, body, "Square notification")
    if notification.type == "inventory.count.updated":
        counts = _load(SquareCountNotification, body, "Square inventory.count.updated")
        return notification.type, [
            SaleEvent(
                f"square:count:{count.catalog_object_id}:{count.location_id}:"
                f"{count.calculated_at.isoformat()}",
                "square",
                count.catalog_object_id,
                count.quantity,
                count.calculated_at,
                "level",
            )
            for count in counts.data.object.inventory_counts
            if count.state == "IN_STOCK"
        ]
    if notification.type == "order.updated":
        return notification.type, []
    return notification.type, None
