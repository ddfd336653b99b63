"""The monthly summary's figures, computed from plain inputs.

Pure: the service reads the Orders tab, the receipts, the Stock tab and the stock history
and hands them in; nothing here reads a clock. Every figure is one the owner can check by
hand against the sheet:

* spend per supplier: quantity x unit cost of the Orders lines *sent* in the month (a line
  without a unit cost is counted as unpriced, never guessed);
* POs sent: distinct PO numbers sent in the month;
* stockout days: item-days whose lowest on hand was 0 or below; in-stock rate: the other
  item-days over all item-days of the history;
* average days of supply: per item that sells, its average closing on hand over its daily
  sales (the Stock tab's figure), averaged over those items;
* dead stock candidates: items that held stock all month and whose on hand never went down;
* late deliveries: an order line is due ``lead time`` days after it was sent (the item's lead
  time, else its supplier's); it is late when it arrived after that, or had not arrived by
  the end of the month.

A month still in progress is counted up to today (``as_of``): an order is late only if it
was due before today, and no item is called dead stock without a full month of history.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sheets_bot.domain.calendar_names import MONTH_NAMES
from sheets_bot.domain.history import StockDay

TOP_MOVERS = 4
"""Items drawn in the chart: the ones that sold the most by value (units sold × unit cost;
items without a unit cost after, by units)."""


@dataclass(frozen=True)
class Month:
    """One calendar month: ``start`` is its first day, ``end`` its last."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """``2026-11`` -> November 2026; ``ValueError`` naming the expected form."""
        try:
            year, month = (int(part) for part in text.split("-"))
            date(year, month, 1)
        except ValueError:
            raise ValueError(f"month {text!r} must look like 2026-11 (YYYY-MM)") from None
        return cls(year, month)

    @classmethod
    def before(cls, day: date) -> Month:
        """The month before the one ``day`` is in: on 1 December, November."""
        last = day.replace(day=1) - timedelta(days=1)
        return cls(last.year, last.month)

    @property
    def start(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def end(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def title(self) -> str:
        """``November 2026``, spelled out here so it does not depend on the locale."""
        return f"{MONTH_NAMES[self.month - 1]} {self.year}"


@dataclass(frozen=True)
class OrderLine:
    """One line of the Orders tab, as read (dates are the shop's calendar dates)."""

    po: str
    supplier: str
    sku: str
    quantity: float
    unit_cost: Decimal | None
    sent_on: date
    status: str = "sent"
    received_on: date | None = None
    received_unknown: bool = False
    """Marked received without a readable date: it cannot be judged late or on time."""

    @property
    def cancelled(self) -> bool:
        return self.status.strip().lower() == "cancelled"


@dataclass(frozen=True)
class ItemInfo:
    """What the summary needs of one Stock row."""

    sku: str
    name: str
    supplier: str
    daily_sales: float
    reorder_point: float | None
    lead_days: float | None
    """The item's own lead time; ``None`` falls back to the supplier's."""
    unit_cost: Decimal | None = None


@dataclass(frozen=True)
class SupplierSpend:
    supplier: str
    pos: int
    spend: Decimal
    unpriced_lines: int = 0
    """Lines sent without a unit cost: their spend is unknown and left out of ``spend``."""


@dataclass(frozen=True)
class LateDelivery:
    po: str
    supplier: str
    expected: date
    received: date | None
    """``None``: still not delivered at the end of the month."""
    days_late: int


@dataclass(frozen=True)
class ItemDays:
    sku: str
    name: str
    days: int


@dataclass(frozen=True)
class DeadItem:
    sku: str
    name: str
    on_hand: float


@dataclass(frozen=True)
class MoverSeries:
    """One item's daily closing on hand over the month, for the chart."""

    sku: str
    name: str
    reorder_point: float | None
    days: tuple[date, ...]
    closing: tuple[float, ...]
    sold: float
    sold_value: Decimal | None = None
    """``sold`` × the item's unit cost; ``None`` without a unit cost."""


@dataclass(frozen=True)
class StockFigures:
    item_days: int
    stockout_days: int
    in_stock_rate: float | None
    """Share of item-days with stock, 0..1; ``None`` when there are no item-days."""
    average_days_of_supply: float | None
    stockouts: tuple[ItemDays, ...]
    """Items that ran out, most days first."""
    dead: tuple[DeadItem, ...]
    movers: tuple[MoverSeries, ...]


@dataclass(frozen=True)
class MonthlyFigures:
    month: Month
    spend: tuple[SupplierSpend, ...]
    """Largest spend first."""
    late: tuple[LateDelivery, ...]
    """Most days late first."""
    stock: StockFigures | None
    """``None``: there is no stock history yet."""
    as_of: date | None = None
    """The last day counted when the month is still in progress; ``None``: the whole month."""

    @property
    def complete(self) -> bool:
        return self.as_of is None

    @property
    def days_counted(self) -> int:
        return self.month.days if self.as_of is None else (self.as_of - self.month.start).days + 1

    @property
    def period(self) -> str:
        """``November 2026``, or ``December 2026 so far (7 days)`` for a month in progress."""
        if self.as_of is None:
            return self.month.title
        days = self.days_counted
        return f"{self.month.title} so far ({days} day{'' if days == 1 else 's'})"

    @property
    def pos_sent(self) -> int:
        return sum(supplier.pos for supplier in self.spend)

    @property
    def total_spend(self) -> Decimal:
        return sum((supplier.spend for supplier in self.spend), Decimal(0))

    @property
    def late_suppliers(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(delivery.supplier for delivery in self.late))


def spend_by_supplier(lines: Iterable[OrderLine], month: Month) -> tuple[SupplierSpend, ...]:
    """Orders lines sent in ``month`` (cancelled ones left out), per supplier."""
    pos: dict[str, set[str]] = {}
    spend: dict[str, Decimal] = {}
    unpriced: dict[str, int] = {}
    for line in lines:
        if line.sent_on not in month or line.cancelled:
            continue
        pos.setdefault(line.supplier, set()).add(line.po)
        spend.setdefault(line.supplier, Decimal(0))
        unpriced.setdefault(line.supplier, 0)
        if line.unit_cost is None:
            unpriced[line.supplier] += 1
        else:
            spend[line.supplier] += line.unit_cost * Decimal(str(line.quantity))
    found = [
        SupplierSpend(name, len(pos[name]), spend[name], unpriced[name]) for name in sorted(pos)
    ]
    return tuple(sorted(found, key=lambda item: (-item.spend, item.supplier.casefold())))


def late_deliveries(
    lines: Iterable[OrderLine],
    month: Month,
    *,
    item_lead_days: Mapping[str, float | None],
    supplier_lead_days: Mapping[str, float | None],
    received: Mapping[tuple[str, str], date] | None = None,
    as_of: date | None = None,
) -> tuple[LateDelivery, ...]:
    """POs that arrived late in ``month`` or were overdue and still open at its end (or at
    ``as_of``, the last day counted of a month in progress).

    ``item_lead_days`` is keyed by SKU (casefolded), ``supplier_lead_days`` by supplier name
    (casefolded); ``received`` (PO, SKU casefolded) -> date fills in a ``Received on`` the tab
    lacks (from the receipt log). A line without any lead time cannot be late. A PO is as late
    as its latest line.
    """
    received = received or {}
    end = month.end if as_of is None else min(as_of, month.end)
    worst: dict[str, LateDelivery] = {}
    for line in lines:
        if line.cancelled or line.sent_on > end:
            continue
        lead = item_lead_days.get(line.sku.casefold())
        if lead is None:
            lead = supplier_lead_days.get(line.supplier.casefold())
        if lead is None:
            continue
        expected = line.sent_on + timedelta(days=round(lead))
        arrived = line.received_on or received.get((line.po, line.sku.casefold()))
        if arrived is None and line.received_unknown:
            continue
        if arrived is not None and arrived > end:
            arrived = None  # after the period: as of its end, it was still open
        if arrived is not None:
            if arrived not in month:
                continue
            days = (arrived - expected).days
        else:
            days = (end - expected).days
        if days <= 0:
            continue
        late = LateDelivery(line.po, line.supplier, expected, arrived, days)
        if line.po not in worst or worst[line.po].days_late < days:
            worst[line.po] = late
    return tuple(sorted(worst.values(), key=lambda item: (-item.days_late, item.po)))


def stock_figures(
    history: Sequence[StockDay], items: Sequence[ItemInfo], month: Month, *, complete: bool = True
) -> StockFigures:
    """Stock over ``month`` from its ``StockDay`` records (days outside it are ignored).

    An item is a dead stock candidate only with a full month of history (every day from the
    first to the last, the month over): one quiet day says nothing."""
    info = {item.sku.casefold(): item for item in items}
    by_sku: dict[str, list[StockDay]] = {}
    for day in history:
        if day.day in month:
            by_sku.setdefault(day.sku.casefold(), []).append(day)
    for days in by_sku.values():
        days.sort(key=lambda record: record.day)

    def name(key: str, days: list[StockDay]) -> str:
        return info[key].name if key in info else days[0].sku

    item_days = sum(len(days) for days in by_sku.values())
    stockout_days = sum(1 for days in by_sku.values() for day in days if day.stocked_out)
    stockouts = [
        ItemDays(days[0].sku, name(key, days), count)
        for key, days in by_sku.items()
        if (count := sum(1 for day in days if day.stocked_out))
    ]
    supply: list[float] = []
    for key, days in by_sku.items():
        item = info.get(key)
        if item is not None and item.daily_sales > 0:
            supply.append(sum(day.closing for day in days) / len(days) / item.daily_sales)
    dead = [
        DeadItem(days[0].sku, name(key, days), days[-1].closing)
        for key, days in by_sku.items()
        if complete
        and len({day.day for day in days}) == month.days
        and all(day.drops == 0 and day.low > 0 for day in days)
    ]
    sold = {key: sum(day.drops for day in days) for key, days in by_sku.items()}
    value = {
        key: Decimal(str(sold[key])) * cost
        for key in by_sku
        if key in info and (cost := info[key].unit_cost) is not None
    }
    top = sorted(
        (key for key in by_sku if sold[key] > 0),
        key=lambda key: (key not in value, -value.get(key, Decimal(0)), -sold[key], key),
    )
    movers = tuple(
        MoverSeries(
            by_sku[key][0].sku,
            name(key, by_sku[key]),
            info[key].reorder_point if key in info else None,
            tuple(day.day for day in by_sku[key]),
            tuple(day.closing for day in by_sku[key]),
            sold[key],
            value.get(key),
        )
        for key in top[:TOP_MOVERS]
    )
    return StockFigures(
        item_days=item_days,
        stockout_days=stockout_days,
        in_stock_rate=(item_days - stockout_days) / item_days if item_days else None,
        average_days_of_supply=sum(supply) / len(supply) if supply else None,
        stockouts=tuple(sorted(stockouts, key=lambda item: (-item.days, item.sku))),
        dead=tuple(sorted(dead, key=lambda item: item.sku)),
        movers=movers,
    )


def monthly_figures(
    month: Month,
    lines: Sequence[OrderLine],
    items: Sequence[ItemInfo],
    *,
    supplier_lead_days: Mapping[str, float | None],
    received: Mapping[tuple[str, str], date] | None = None,
    history: Sequence[StockDay] | None = None,
    today: date | None = None,
) -> MonthlyFigures:
    """Every figure of the summary; ``history`` ``None`` means no stock history exists.

    ``today`` (the shop's date) inside ``month`` counts the month so far; a month that has
    not started is a ``ValueError``."""
    if today is not None and today < month.start:
        raise ValueError(f"{month.title} has not started yet; pick a month up to this one")
    as_of = today if today is not None and today < month.end else None
    return MonthlyFigures(
        month=month,
        spend=spend_by_supplier(lines, month),
        late=late_deliveries(
            lines,
            month,
            item_lead_days={item.sku.casefold(): item.lead_days for item in items},
            supplier_lead_days={name.casefold(): days for name, days in supplier_lead_days.items()},
            received=received,
            as_of=as_of,
        ),
        stock=None
        if history is None
        else stock_figures(
            [day for day in history if as_of is None or day.day <= as_of],
            items,
            month,
            complete=as_of is None,
        ),
        as_of=as_of,
    )
