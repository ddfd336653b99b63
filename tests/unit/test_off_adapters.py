"""The named stand-ins of a deployment without the live table: they read as empty, and refuse
to store anything (nothing should try: the webhook and the receiving do not run without it)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sheets_bot.adapters.off import NoReceiptLog, NoSalesLog
from sheets_bot.domain.history import Receipt, SaleEvent
from sheets_bot.errors import AdapterError

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
SALE = SaleEvent("e1", "shopify", "COF-ESP-1K", 1, NOW)


def test_no_sales_log_is_empty_and_takes_nothing() -> None:
    sales = NoSalesLog()
    assert sales.since(NOW) == sales.unapplied() == sales.unsettled(NOW) == []
    assert sales.add([]) == sales.mark_applied([], NOW) == []
    sales.unmark_applied([])
    sales.settle_applied([])
    with pytest.raises(AdapterError, match="no live table"):
        sales.add([SALE])
    with pytest.raises(AdapterError, match="SHEETS_BOT_LIVE_TABLE"):
        sales.mark_applied([SALE], NOW)
    for step in (sales.unmark_applied, sales.settle_applied):
        with pytest.raises(AdapterError):
            step([SALE])


def test_no_receipt_log_is_empty_and_records_nothing() -> None:
    receipts = NoReceiptLog()
    assert receipts.receipts() == []
    receipt = Receipt("PO-0001", "Bean Brothers", "COF-ESP-1K", 24, 24, NOW, NOW)
    with pytest.raises(AdapterError, match="PO-0001"):
        receipts.record(receipt)
