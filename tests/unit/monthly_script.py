"""A scripted November 2026 for the monthly summary, with figures worked out by hand.

Coffee (Bean Bros, 2 a day, reorder point 10, lead 5 days) sells down from 20 to 2 over days
1-9, is out on days 10-12 and is topped up to 30 on day 13 (which opens at 0: 4 stockout
days). Milk (Dairy Co, 5 a day, lead 2)
sells 5 and gets 5 every day, 50 at each close. Jam (Dairy Co) holds 12 and never sells.

Orders: PO-0000 (sent in October, 2 days late in November), PO-0001 (6 days late), PO-0002
(on time), PO-0003 (still open at the month's end, 3 days overdue, one line unpriced),
PO-0004 (cancelled), PO-0005 (sent in December).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sheets_bot.domain.history import StockDay
from sheets_bot.domain.monthly import ItemInfo, Month, OrderLine

NOVEMBER = Month(2026, 11)

ITEMS = (
    ItemInfo("COF-1", "Coffee beans 1kg", "Bean Bros", 2, 10, 5),
    ItemInfo("MLK-4", "Milk 4L", "Dairy Co", 5, 20, 2),
    ItemInfo("JAM-1", "Strawberry jam", "Dairy Co", 0, 4, None),
)
SUPPLIER_LEAD_DAYS = {"Bean Bros": 5.0, "Dairy Co": 3.0}

LINES = (
    OrderLine("PO-0000", "Bean Bros", "COF-1", 10, Decimal("3.50"), date(2026, 10, 28),
              "received", date(2026, 11, 4)),
    OrderLine("PO-0001", "Bean Bros", "COF-1", 24, Decimal("3.50"), date(2026, 11, 2),
              "received", date(2026, 11, 13)),
    OrderLine("PO-0002", "Dairy Co", "MLK-4", 30, Decimal("1.20"), date(2026, 11, 5),
              "received", date(2026, 11, 7)),
    OrderLine("PO-0002", "Dairy Co", "JAM-1", 6, Decimal("2.00"), date(2026, 11, 5),
              "received", date(2026, 11, 7)),
    OrderLine("PO-0003", "Dairy Co", "MLK-4", 10, None, date(2026, 11, 25), "sent"),
    OrderLine("PO-0004", "Bean Bros", "COF-1", 12, Decimal("3.50"), date(2026, 11, 20),
              "cancelled"),
    OrderLine("PO-0005", "Bean Bros", "COF-1", 12, Decimal("3.50"), date(2026, 12, 1), "sent"),
)  # fmt: skip


def coffee_days() -> list[StockDay]:
    days: list[StockDay] = []
    opening = 20.0
    for number in range(1, 31):
        day = date(2026, 11, number)
        if number <= 9:
            closing, drops, rises = opening - 2, 2.0, 0.0
        elif number == 10:
            closing, drops, rises = 0.0, 2.0, 0.0
        elif number <= 12:
            closing, drops, rises = 0.0, 0.0, 0.0
        elif number == 13:
            closing, drops, rises = 30.0, 0.0, 30.0
        else:
            closing, drops, rises = 30.0, 0.0, 0.0
        low = min(opening, closing)
        days.append(StockDay(day, "COF-1", opening, closing, low, drops, rises))
        opening = closing
    return days


def milk_days() -> list[StockDay]:
    return [StockDay(date(2026, 11, n), "MLK-4", 50, 50, 45, 5, 5) for n in range(1, 31)]


def jam_days() -> list[StockDay]:
    return [StockDay(date(2026, 11, n), "JAM-1", 12, 12, 12, 0, 0) for n in range(1, 31)]


def november_history() -> list[StockDay]:
    """Ordered by day then SKU, as ``StockHistory.days`` returns them, plus a day of October
    and one of December that the figures must ignore."""
    days = coffee_days() + milk_days() + jam_days()
    days.append(StockDay(date(2026, 10, 31), "COF-1", 0, 0, 0, 0, 0))
    days.append(StockDay(date(2026, 12, 1), "COF-1", 0, 0, 0, 0, 0))
    return sorted(days, key=lambda record: (record.day, record.sku))
