"""openpyxl saves every number cell exactly as it read it.

openpyxl rewrites the whole workbook on every save, every owner cell included, and formats each
number with ``"%.16g"``: 16 significant digits where a double needs up to 17. So a save silently
changes any owner number that needs the 17th digit (``0.30000000000000004`` becomes ``0.3``), and
``1.7976931348623157e308`` becomes ``1.797693134862316e+308``, which is beyond a double: it reads
back as infinity, and infinity is then written as an empty cell. An integer too big for a double
(a cell of 400 digits, which openpyxl reads as an exact int) makes the save raise instead.

``install`` replaces the number formatting of openpyxl's cell writer (and only it) with one that
writes what was read: the shortest text that reads back as the same double, integers digit for
digit, an infinity as a number that reads back as that infinity. Everything else (booleans,
dates, text) goes through openpyxl's own ``safe_string`` unchanged.
"""

from __future__ import annotations

import math

from openpyxl.cell import _writer
from openpyxl.compat.strings import safe_string

_INFINITY = "1E+309"
"""Reads back as infinity in openpyxl (and in any reader parsing a double)."""


def exact_string(value: object) -> str:
    """A cell value as the text of its ``<v>`` element, without losing any digit."""
    if isinstance(value, bool):
        return safe_string(value)
    if isinstance(value, float):
        if math.isnan(value):
            return safe_string(value)
        if math.isinf(value):
            return _INFINITY if value > 0 else "-" + _INFINITY
        short = safe_string(value)
        return short if float(short) == value else repr(value)
    if isinstance(value, int):
        try:
            return str(value)
        except ValueError:  # more digits than Python converts: as far beyond a double as 1E+309
            return _INFINITY if value > 0 else "-" + _INFINITY
    return safe_string(value)


def install() -> None:
    """Make openpyxl's cell writer use ``exact_string`` (idempotent; the module-level name is
    what both of its cell writers call)."""
    _writer.safe_string = exact_string  # type: ignore[attr-defined]
