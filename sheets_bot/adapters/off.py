"""Named stand-ins for a store a deployment has not got, so a lane's bundle says "off" in its
type instead of carrying ``None``.

A deployment deployed without the live table (``SHEETS_BOT_LIVE_TABLE``) has no POS events
and no receipts: the check learns from the Stock history and the owner's typed figures, and
the poll has nothing of the live lanes to apply. Each reads as empty; anything that would
store something raises, because nothing should: the webhook that adds POS events and the
receiving that records receipts do not run without the live table.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime

from sheets_bot.domain.history import Receipt, SaleEvent
from sheets_bot.errors import AdapterError

_NO_LIVE_TABLE = "this deployment has no live table (SHEETS_BOT_LIVE_TABLE)"


class NoSalesLog:
    """``SalesLog`` of a deployment without POS events: always empty."""

    def __repr__(self) -> str:
        return "NoSalesLog()"

    def add(self, events: Sequence[SaleEvent]) -> builtins.list[SaleEvent]:
        if events:
            raise AdapterError(f"cannot buffer POS events: {_NO_LIVE_TABLE}")
        return []

    def since(self, start: datetime) -> builtins.list[SaleEvent]:
        return []

    def unapplied(self) -> builtins.list[SaleEvent]:
        return []

    def mark_applied(self, events: Sequence[SaleEvent], now: datetime) -> builtins.list[SaleEvent]:
        if events:
            raise AdapterError(f"cannot take POS events: {_NO_LIVE_TABLE}")
        return []

    def unmark_applied(self, events: Sequence[SaleEvent]) -> None:
        if events:
            raise AdapterError(f"cannot put POS events back: {_NO_LIVE_TABLE}")

    def settle_applied(self, events: Sequence[SaleEvent]) -> None:
        if events:
            raise AdapterError(f"cannot settle POS events: {_NO_LIVE_TABLE}")

    def unsettled(self, before: datetime) -> builtins.list[SaleEvent]:
        return []


class NoReceiptLog:
    """``ReceiptLog`` of a deployment without the live table: no receipts, none recorded."""

    def __repr__(self) -> str:
        return "NoReceiptLog()"

    def record(self, receipt: Receipt) -> None:
        raise AdapterError(f"cannot record the receipt of {receipt.po}: {_NO_LIVE_TABLE}")

    def receipts(self) -> builtins.list[Receipt]:
        return []
