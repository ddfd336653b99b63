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
            return f"{where}: {self.value!r} {self.message}"
        return f"{where}: {self.message}"
