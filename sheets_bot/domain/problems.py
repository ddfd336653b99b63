"""A located problem: which tab, row and column, what value, and what is wrong with it."""

from __future__ import annotations

from dataclasses import dataclass


def column_letter(column: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while column > 0:
        column, remainder = divmod(column - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


@dataclass(frozen=True)
class Problem:
    tab: str
    row: int | None
    column: str | None
    message: str
    value: object = None
    column_index: int | None = None

    def __str__(self) -> str:
        where = self.tab
        if self.row is not None:
            where += f" row {self.row}"
        if self.column is not None:
            letter = f" {column_letter(self.column_index)}" if self.column_index else ""
            where += f", column{letter} '{self.column}'"
        if self.value not in (None, ""):
            return f"{where}: {_shown(self.value)} {self.message}"
        return f"{where}: {self.message}"


_LONGEST_TEXT = 60
"""A typed value longer than this is quoted by its start and its length."""


def _shown(value: object) -> str:
    """The value as it is quoted in a problem: ``repr``, but an integer of more than 20 digits
    (a cell of 400) as its first digits and its length, never an error past Python's limit."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**20:
        digits = len(str(abs(value))) if value.bit_length() < 14_000 else None
        sign = "-" if value < 0 else ""
        if digits is None:
            return f"{sign}a number of over 4,000 digits"
        return f"{sign}{str(abs(value))[:6]}… (a number of {digits} digits)"
    if isinstance(value, str) and len(value) > _LONGEST_TEXT:
        figures = value.strip().lstrip("+-")
        if figures.isdigit():
            return f"'{value.strip()[:6]}…' (a number of {len(figures)} digits)"
        return f"'{value[:_LONGEST_TEXT]}…' ({len(value):,} characters)"
    return repr(value)
