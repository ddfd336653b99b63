"""Read numbers the way a spreadsheet shows them: ``1,234``, ``1,234.50``, ``$3.42``, ``12 ea``."""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

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


class NotANumber(ValueError):
    """The text is not a number a person would recognise."""


def parse_number(value: object) -> Decimal | None:
    """A cell's value as a Decimal; ``None`` for a blank cell.

    Raises ``NotANumber`` for text that is not a number (``"abc"``, ``"12 dozen"``, ``"1,23"``).
    """
    if value is None:
        return None
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


def plain(value: float | Decimal) -> str:
    """A number as the owner would write it: ``598``, ``2.5``, ``0.33``."""
    rounded = round(float(value), 2)
    if rounded == int(rounded):
        return str(int(rounded))
    return f"{rounded:.2f}".rstrip("0").rstrip(".")
