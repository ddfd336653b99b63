"""How numbers are shown under ``FORMATTED_VALUE``: Sheets' automatic format, and the few
number-format patterns Sheets picks when a user types ``1,234``, ``12%``, ``$5`` or a date.

A number format is a Google pattern string (``#,##0``, ``0.00%``, ``$#,##0.00``,
``yyyy-mm-dd``...). Patterns outside this small set render like the automatic format; that
is an approximation, documented in the fake's module docstring.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta
from typing import Final

SHEETS_EPOCH: Final = datetime(1899, 12, 30)
"""Day zero of Sheets' serial dates (as in Lotus 1-2-3)."""

GROUPED: Final = "#,##0"
GROUPED_DECIMALS: Final = "#,##0.00"
PERCENT: Final = "0%"
PERCENT_DECIMALS: Final = "0.00%"
CURRENCY: Final = "$#,##0.00"
SCIENTIFIC: Final = "0.00E+00"
DATE: Final = "yyyy-mm-dd"
DATE_TIME: Final = "yyyy-mm-dd hh:mm:ss"
US_DATE: Final = "m/d/yyyy"

_NUMERIC_PATTERN: Final = re.compile(
    r'^(?P<prefix>"?\$"?)?(?P<int>#,##0|0)(?:\.(?P<dec>0+))?(?P<pct>%)?$'
)
_DATE_TOKENS: Final = re.compile(r"yyyy|yy|mm|m|dd|d|hh|h|ss")


def is_date_pattern(pattern: str | None) -> bool:
    return bool(pattern) and any(token in (pattern or "") for token in ("yy", "d"))


def to_serial(moment: datetime) -> float:
    """A naive datetime as a Sheets serial number (days since 1899-12-30)."""
    delta = moment - SHEETS_EPOCH
    return delta.days + delta.seconds / 86400


def from_serial(serial: float) -> datetime:
    return SHEETS_EPOCH + timedelta(seconds=round(serial * 86400))


def format_number(value: float, pattern: str | None) -> str:
    """``value`` as ``FORMATTED_VALUE`` shows it under ``pattern`` (``None`` = automatic)."""
    if pattern is None or pattern == "":
        return automatic(value)
    if pattern == SCIENTIFIC:
        mantissa, exponent = f"{value:.2E}".split("E")
        return f"{mantissa}E{'+' if int(exponent) >= 0 else '-'}{abs(int(exponent)):02d}"
    if is_date_pattern(pattern):
        return _format_date(value, pattern)
    match = _NUMERIC_PATTERN.match(pattern)
    if match is None:
        return automatic(value)
    decimals = len(match.group("dec") or "")
    shown = value * 100 if match.group("pct") else value
    grouping = "," if match.group("int") == "#,##0" else ""
    text = f"{abs(shown):{grouping}.{decimals}f}"
    sign = "-" if shown < 0 and float(text.replace(",", "")) != 0 else ""
    prefix = "$" if match.group("prefix") else ""
    return f"{sign}{prefix}{text}{'%' if match.group('pct') else ''}"


def automatic(value: float) -> str:
    """Sheets' automatic format: integers bare, up to 10 decimals, scientific when huge/tiny."""
    if value == 0:
        return "0"
    magnitude = abs(value)
    if value.is_integer() and magnitude < 1e15:
        return str(int(value))
    if magnitude >= 1e15 or magnitude < 1e-9:
        mantissa, exponent = f"{value:.14E}".split("E")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}E{'+' if int(exponent) >= 0 else '-'}{abs(int(exponent)):02d}"
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _format_date(value: float, pattern: str) -> str:
    if not math.isfinite(value):
        return automatic(value)
    moment = from_serial(value)
    seen_hour = False

    def token(match: re.Match[str]) -> str:
        nonlocal seen_hour
        text = match.group()
        if text in ("hh", "h"):
            seen_hour = True
            return f"{moment.hour:02d}" if text == "hh" else str(moment.hour)
        if text in ("mm", "m") and seen_hour:
            return f"{moment.minute:02d}" if text == "mm" else str(moment.minute)
        values = {
            "yyyy": f"{moment.year:04d}",
            "yy": f"{moment.year % 100:02d}",
            "mm": f"{moment.month:02d}",
            "m": str(moment.month),
            "dd": f"{moment.day:02d}",
            "d": str(moment.day),
            "ss": f"{moment.second:02d}",
        }
        return values[text]

    return _DATE_TOKENS.sub(token, pattern)
