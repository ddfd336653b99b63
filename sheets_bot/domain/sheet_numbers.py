"""Read numbers the way a spreadsheet shows them: ``1,234``, ``1,234.50``, ``$3.42``, ``12 ea``."""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

from sheets_bot.domain.errors import InputError

_NUMBER = re.compile(
    r"""^\s*
    (?P<paren>\()?\s*
    (?P<sign>[-+−])?\s*
    (?P<currency>[$£€¥])?\s*
    (?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)
    \s*(?P<unit>[a-z/ .]*?)\s*
    (?P<close>\))?\s*$""",
    re.VERBOSE | re.IGNORECASE,
)

_UNITS = frozenset(
    {
        "",
        "ea",
        "each",
        "pc",
        "pcs",
        "piece",
        "pieces",
        "unit",
        "units",
        "x",
        "day",
        "days",
        "d",
        "/day",
        "/d",
        "per day",
        "a day",
    }
)


class NotANumber(InputError):
    """The text is not a number a person would recognise."""


def parse_number(value: object) -> Decimal | None:
    """A cell's value as a Decimal; ``None`` for a blank cell.

    Raises ``NotANumber`` for text that is not a number (``"abc"``, ``"12 dozen"``, ``"1,23"``).
    """
    if value is None:
        return None
    if type(value) is int:
        return Decimal(value)  # the same Decimal as from its digits, without the text
    if isinstance(value, bool):
        raise NotANumber(f"{value!r} is not a number")
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise NotANumber(f"{value!r} is not a number")
        return Decimal(str(value))
    text = str(value).strip()
    if not text:
        return None
    match = _NUMBER.match(text)
    if match is None or bool(match["paren"]) != bool(match["close"]):
        raise NotANumber(f"{text!r} is not a number")
    unit = " ".join(match["unit"].split()).lower()
    if unit not in _UNITS:
        raise NotANumber(f"{text!r} is not a number (unknown unit {match['unit'].strip()!r})")
    try:
        number = Decimal(match["digits"].replace(",", ""))
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only digits
        raise NotANumber(f"{text!r} is not a number") from error
    negative = match["sign"] in ("-", "−") or bool(match["paren"])
    return -number if negative else number


def as_float(value: float | Decimal) -> float:
    """``value`` as a float, never raising: an integer beyond a double is an infinity."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


_EXACT_INT = 2**53
"""Integers below this in size are exact as doubles."""


def number_cell(value: float | Decimal, digits: int = 6) -> int | float | str:
    """A number as a sheet cell: rounded to ``digits`` places, whole numbers as ints (the sheet
    shows ``12``, not ``12.0``). Whatever the number (an infinity, NaN, a 400-digit integer)
    this answers: a value that is not a finite float is written as its text (``inf``), which
    the next read reports as not a number, rather than crashing the run that writes it."""
    if type(value) is int and -_EXACT_INT < value < _EXACT_INT:
        return value  # what rounding its float gives back, for any integer a double holds
    number = value if type(value) is float else as_float(value)
    if not math.isfinite(number):
        return str(number)
    rounded = round(number, digits)
    return int(rounded) if rounded.is_integer() else rounded


def plain(value: float | Decimal) -> str:
    """A number as the owner would write it: ``598``, ``2.5``, ``0.33`` (``inf`` when it is
    not a finite number, never an error)."""
    if type(value) is int and -_EXACT_INT < value < _EXACT_INT:
        return str(value)  # what the float path gives for any integer a double holds exactly
    number = value if type(value) is float else as_float(value)
    if not math.isfinite(number):
        return str(number)
    rounded = round(number, 2)
    if rounded.is_integer():
        return str(int(rounded))
    return f"{rounded:.2f}".rstrip("0").rstrip(".")
