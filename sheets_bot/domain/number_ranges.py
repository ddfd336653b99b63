"""The sane range of every number the bot reads, per column.

A spreadsheet cell can hold anything a double can (``1e308``), and openpyxl reads a long run of
digits as an exact integer (400 digits). Such a number is never a real count, rate or price, and
carried into the arithmetic it overflows (``int(inf)``) or swamps everything it touches. So each
column has a range its values must fall in; a value outside it is a located Problem like text in
a number column, and the item it belongs to is not drafted. The bounds are generous (far beyond
any small shop) and chosen so that every product the check forms (sales × lead time, quantity ×
unit cost) stays an exact, finite float.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sheets_bot.domain.errors import InputError


class OutOfRange(InputError):
    """A number outside its column's range; the message reads after the value."""


def _grouped(number: Decimal) -> str:
    return f"{number:,}" if number == number.to_integral_value() else str(number)


@dataclass(frozen=True)
class NumberRange:
    """Inclusive bounds; ``low_open`` makes the low bound exclusive (``above 0``)."""

    low: Decimal
    high: Decimal
    low_open: bool = False

    def contains(self, number: Decimal | float) -> bool:
        """False for NaN and infinities too."""
        value = Decimal(number) if isinstance(number, float) else number
        if not value.is_finite():
            return False
        above = value > self.low if self.low_open else value >= self.low
        return above and value <= self.high

    def describe(self) -> str:
        if self.low_open:
            return f"above {_grouped(self.low)} and at most {_grouped(self.high)}"
        return f"between {_grouped(self.low)} and {_grouped(self.high)}"

    def check(self, number: Decimal) -> Decimal:
        """``number`` itself, or ``OutOfRange`` saying what the range is."""
        if not self.contains(number):
            raise OutOfRange(f"is out of range: it must be {self.describe()}")
        return number


def _range(low: int, high: int, *, low_open: bool = False) -> NumberRange:
    return NumberRange(Decimal(low), Decimal(high), low_open)


COUNT = _range(0, 10**9)
"""Units on hand, in a safety buffer, on an order line, received: a billion units at most."""
DAILY_SALES = _range(0, 10**7)
LEAD_TIME_DAYS = _range(0, 1000)
PACK_SIZE = _range(1, 10**6)
UNIT_COST = _range(0, 10**7)
ORDER_LIMIT = _range(1, 10**9)
"""Min order and Max order."""
ORDER_VALUE = _range(0, 10**10)
"""A money amount per order (a supplier's minimum order value)."""
SETTING_DAYS = _range(0, 3650, low_open=True)
"""Settings in days (Watch days, Max cover days): up to ten years."""
SETTING_FACTOR = _range(0, 1000, low_open=True)
"""Settings that multiply (Anomaly factor)."""
SALE_QUANTITY = _range(0, 10**6)
"""One POS sale or refund line: a million units at most."""
SIGNED_COUNT = _range(-(10**9), 10**9)
"""A count that may be below 0: a POS inventory level (Shopify's ``available`` goes negative
when oversold), an On hand kept in the stock history (the check reports a negative one)."""
