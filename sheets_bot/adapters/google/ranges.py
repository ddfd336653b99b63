"""A1 notation for the ranges the bot sends: tab titles always single-quoted.

Google accepts a quoted title everywhere, so quoting every title (doubling any ``'`` inside it)
is correct for all of them: ``Stock``, ``Drafts 2``, ``A1`` (which would read as a cell),
``Owner's list``. Rows and columns here are 1-based, as in the ``Sheet`` port.
"""

from __future__ import annotations


def quote_title(title: str) -> str:
    """``Drafts 2`` -> ``'Drafts 2'``; ``It's`` -> ``'It''s'``."""
    if not title:
        raise ValueError("a tab title cannot be empty")
    return "'" + title.replace("'", "''") + "'"


def column_letters(column: int) -> str:
    """``1`` -> ``A``, ``26`` -> ``Z``, ``27`` -> ``AA``."""
    if column < 1:
        raise ValueError(f"columns start at 1: {column}")
    letters = ""
    number = column
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def whole_tab(title: str) -> str:
    """Every cell of a tab: ``'Stock'``."""
    return quote_title(title)


def header_row(title: str) -> str:
    """Row 1 of a tab: ``'Audit'!1:1``."""
    return f"{quote_title(title)}!1:1"


def first_column(title: str) -> str:
    """Column A of a tab: ``'Audit'!A:A``."""
    return f"{quote_title(title)}!A:A"


def block(title: str, row: int, column: int, height: int = 1, width: int = 1) -> str:
    """A rectangle from its top-left cell: ``'Stock'!M2`` or ``'Stock'!M2:Q3``."""
    if row < 1 or height < 1 or width < 1:
        raise ValueError(f"not a block: row {row}, {height}x{width}")
    start = f"{column_letters(column)}{row}"
    if height == 1 and width == 1:
        return f"{quote_title(title)}!{start}"
    end = f"{column_letters(column + width - 1)}{row + height - 1}"
    return f"{quote_title(title)}!{start}:{end}"
