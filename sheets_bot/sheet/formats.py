"""How the bot's columns read: number formats from the layout's ``format`` and the shop's
currency, shared by the workbook and the Google Sheet so both show ``£18.50``, not ``18.5``.

The patterns are the spreadsheet number-format language both Excel/LibreOffice and Google
Sheets read; a symbol is quoted so a ``$`` or ``€`` is never taken for a format code.
"""

from __future__ import annotations

from typing import Final

from sheets_bot.domain.currencies import SYMBOLS
from sheets_bot.sheet.layout import ColumnSpec

DAYS_FORMAT: Final = "0.0"
PROBLEM_TINT: Final = "FDE2E1"
"""Light red: a Stock row with a Problem, from its first column to its last."""


def money_format(currency: str) -> str:
    """``"£"#,##0.00`` for GBP; ``#,##0.00" SEK"`` for a code without a symbol."""
    code = currency.strip().upper()
    symbol = SYMBOLS.get(code)
    if symbol is not None:
        return f'"{symbol}"#,##0.00'
    return f'#,##0.00" {code}"'


def number_format(column: ColumnSpec, currency: str) -> str | None:
    """The column's number format, or ``None`` to leave it as the sheet has it."""
    if column.format == "money":
        return money_format(currency)
    if column.format == "days":
        return DAYS_FORMAT
    return None
