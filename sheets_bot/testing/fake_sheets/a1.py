"""A1 notation: parsing what clients send and formatting what Google echoes back.

Only the syntax lives here; whether a title names a real tab, and whether a range fits the
grid, is decided against a spreadsheet in :mod:`.ranges`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

_ENDPOINT: Final = re.compile(r"^\$?([A-Za-z]{0,3})\$?([0-9]*)$")
_PLAIN_TITLE: Final = re.compile(r"^[^\W\d]\w*$")
"""A title Google writes without quotes: a letter or ``_``, then letters, digits or ``_``."""
_CELL_LIKE: Final = re.compile(r"^([A-Za-z]{1,3}[0-9]+|[Rr][0-9]*[Cc][0-9]*)$")
"""Titles that would read as a cell reference (``A1``, ``R1C1``) are quoted too."""


class A1SyntaxError(ValueError):
    """The text is not a range in A1 notation."""


@dataclass(frozen=True)
class Bounds:
    """A rectangle, zero-based and half-open; ``None`` leaves that side open (to the grid edge)."""

    start_row: int | None = None
    end_row: int | None = None
    start_col: int | None = None
    end_col: int | None = None


@dataclass(frozen=True)
class A1Range:
    """A parsed range: the tab title as written (``None`` = the first tab) and its bounds.

    ``bounds`` is ``None`` for a bare tab name (``Stock``), meaning the whole grid.
    ``single_cell`` is true for ``B2`` (not ``B2:B2``): Google treats such a write range as an
    anchor that the values may extend from.
    """

    title: str | None
    bounds: Bounds | None
    single_cell: bool = False


def column_letters(index: int) -> str:
    """``0`` -> ``A``, ``25`` -> ``Z``, ``26`` -> ``AA``."""
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def column_index(letters: str) -> int:
    """``A`` -> ``0``; the inverse of :func:`column_letters`."""
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - ord("A") + 1
    return number - 1


def quote_title(title: str) -> str:
    """A tab title as Google writes it in a range: bare when it can be, else single-quoted."""
    if _PLAIN_TITLE.match(title) and not _CELL_LIKE.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def parse(text: str) -> A1Range:
    """Parse ``'Drafts 2'!A1:C``, ``Stock!A:Q``, ``Stock!A2:Q``, ``Stock``, ``B2``, ``2:5`` ...

    Unquoted text without ``!`` is a cell range on the first tab if it reads as one, and a
    tab title otherwise.
    """
    if text.startswith("'"):
        title, rest = _split_quoted(text)
        if rest == "":
            return A1Range(title, None)
        if not rest.startswith("!"):
            raise A1SyntaxError(text)
        return _with_cells(title, rest[1:], text)
    if "!" in text:
        title, _, cells = text.rpartition("!")
        if not title or "'" in title:
            raise A1SyntaxError(text)
        return _with_cells(title, cells, text)
    try:
        return _with_cells(None, text, text)
    except A1SyntaxError:
        if not text:
            raise
        return A1Range(text, None)


def format_bounds(bounds: Bounds) -> str:
    """The cell part of a range as written (``A2:Q``, ``B2``, ``A:C``, ``3:5``)."""
    start = ""
    if bounds.start_col is not None or bounds.end_col is not None:
        start += column_letters(bounds.start_col or 0)
    if bounds.start_row is not None or bounds.end_row is not None:
        start += str((bounds.start_row or 0) + 1)
    end = ""
    if bounds.end_col is not None:
        end += column_letters(bounds.end_col - 1)
    if bounds.end_row is not None:
        end += str(bounds.end_row)
    if end == start and _is_single(bounds):
        return start
    return f"{start}:{end}"


def format_range(title: str, bounds: Bounds) -> str:
    """``Stock!A1:Q41`` / ``'Drafts 2'!B2``: how Google echoes a range in responses."""
    return f"{quote_title(title)}!{format_bounds(bounds)}"


def _is_single(bounds: Bounds) -> bool:
    return (
        bounds.start_row is not None
        and bounds.start_col is not None
        and bounds.end_row == bounds.start_row + 1
        and bounds.end_col == bounds.start_col + 1
    )


def _split_quoted(text: str) -> tuple[str, str]:
    """``'It''s'!A1`` -> (``It's``, ``!A1``)."""
    title = []
    index = 1
    while index < len(text):
        char = text[index]
        if char == "'":
            if text[index + 1 : index + 2] == "'":
                title.append("'")
                index += 2
                continue
            if not title:
                raise A1SyntaxError(text)
            return "".join(title), text[index + 1 :]
        title.append(char)
        index += 1
    raise A1SyntaxError(text)


def _with_cells(title: str | None, cells: str, text: str) -> A1Range:
    parts = cells.split(":")
    if len(parts) > 2 or not cells:
        raise A1SyntaxError(text)
    start_col, start_row = _endpoint(parts[0], text)
    if len(parts) == 1:
        if start_col is None or start_row is None:
            raise A1SyntaxError(text)
        cell = Bounds(start_row, start_row + 1, start_col, start_col + 1)
        return A1Range(title, cell, single_cell=True)
    end_col, end_row = _endpoint(parts[1], text)
    rows_only = start_col is None and end_col is None
    cols_only = start_row is None and end_row is None
    if (rows_only and (start_row is None or end_row is None)) or (
        cols_only and (start_col is None or end_col is None)
    ):
        raise A1SyntaxError(text)
    if start_col is not None and end_col is not None and end_col < start_col:
        start_col, end_col = end_col, start_col
    if start_row is not None and end_row is not None and end_row < start_row:
        start_row, end_row = end_row, start_row
    return A1Range(
        title,
        Bounds(
            start_row=start_row,
            end_row=None if end_row is None else end_row + 1,
            start_col=start_col,
            end_col=None if end_col is None else end_col + 1,
        ),
    )


def _endpoint(text: str, whole: str) -> tuple[int | None, int | None]:
    """``B12`` -> (1, 11); ``B`` -> (1, None); ``12`` -> (None, 11); zero-based."""
    match = _ENDPOINT.match(text)
    if match is None or not text.strip("$"):
        raise A1SyntaxError(whole)
    letters, digits = match.groups()
    if digits and int(digits) == 0:
        raise A1SyntaxError(whole)
    return (
        column_index(letters) if letters else None,
        int(digits) - 1 if digits else None,
    )
