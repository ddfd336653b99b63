"""Whether a POS event can be applied: a finite, sane quantity and a time not in the future.

The webhook refuses such an event at the door (a 4xx naming the line); the poller checks again
before applying, so an event that reached the buffer some other way (buffered by an older
release, a store written by hand) is reported and set aside, never applied and never a crash.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sheets_bot.domain.history import SaleEvent
from sheets_bot.domain.number_ranges import SALE_QUANTITY, SIGNED_COUNT

MAX_FUTURE_SKEW = timedelta(minutes=5)
"""How far after its arrival an event may be dated (till clocks drift a little)."""


def quantity_problem(event: SaleEvent) -> str | None:
    """Why the event's quantity is not a sane one for its kind; None when it is."""
    if event.kind == "level":
        limits, quantity, what = SIGNED_COUNT, event.quantity, "count"
    else:
        limits, quantity, what = SALE_QUANTITY, abs(event.quantity), "quantity"
    try:
        sane = limits.contains(Decimal(quantity))
    except (TypeError, ValueError, ArithmeticError):  # not a number at all
        sane = False
    return None if sane else f"its {what} {event.quantity!r} is not a number {limits.describe()}"


def time_problem(event: SaleEvent, arrived: datetime) -> str | None:
    """Why the event's time is refused (dated beyond ``MAX_FUTURE_SKEW`` after ``arrived``)."""
    if event.at > arrived + MAX_FUTURE_SKEW:
        return (
            f"it is dated {event.at.isoformat()}, after it arrived"
            f" ({arrived.isoformat(timespec='seconds')}): check the POS clock"
        )
    return None


def event_problem(event: SaleEvent, arrived: datetime) -> str | None:
    """Why the event cannot be applied, naming it; None when it can."""
    problem = quantity_problem(event) or time_problem(event, arrived)
    return None if problem is None else f"event {event.event_id}: {problem}"
