"""Owner-side helpers for tests: look at and edit a sheet the way the owner would.

``MemorySheet`` has these methods itself; ``WorkbookOwner`` does the same to an ``.xlsx``
file with openpyxl (load, change, save), outside the bot's lock, like LibreOffice would.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from sheets_bot.adapters.local.workbook import (
    open_workbook,
    save_atomically,
    worksheet_grid,
    write_plain,
)
from sheets_bot.errors import SheetLayoutError
from sheets_bot.ports import Cell, Grid
from sheets_bot.sheet.grids import trim_grid
from sheets_bot.sheet.layout import normalise_header
from sheets_bot.sheet.table import is_blank


class SheetOwner(Protocol):
    """What a test does as the owner: read a tab, type in a cell, rewrite a whole tab."""

    def grid(self, tab: str) -> Grid: ...

    def set_grid(self, tab: str, grid: Grid) -> None: ...

    def set_cell(self, tab: str, row: int, header: str, value: Cell) -> None: ...

    def get_cell(self, tab: str, row: int, header: str) -> Cell: ...

    def records(self, tab: str) -> list[dict[str, Cell]]: ...


def column_of(grid: Grid, header: str) -> int:
    """The 1-based column whose header matches ``header`` (case- and space-insensitive)."""
    wanted = normalise_header(header)
    for index, text in enumerate(grid[0] if grid else [], start=1):
        if not is_blank(text) and normalise_header(text) == wanted:
            return index
    raise KeyError(f"no column {header!r} in the first row")


def value_at(grid: Grid, row: int, column: int) -> Cell:
    """The value at a 1-based (row, column) of a trimmed grid; blank beyond its edges."""
    if row > len(grid) or column > len(grid[row - 1]):
        return None
    return grid[row - 1][column - 1]


def records_of(grid: Grid) -> list[dict[str, Cell]]:
    """Data rows as dicts keyed by the header text; blank rows are left out."""
    if not grid:
        return []
    headers = [
        (index, str(text).strip()) for index, text in enumerate(grid[0]) if not is_blank(text)
    ]
    return [
        {header: row[index] if index < len(row) else None for index, header in headers}
        for row in grid[1:]
        if not all(is_blank(value) for value in row)
    ]


def set_in_place(grid: Grid, row: int, column: int, value: Cell) -> None:
    """Set one cell of ``grid`` itself, growing it as needed (not trimmed: callers trim once)."""
    if row <= len(grid) and column <= len(grid[row - 1]):
        grid[row - 1][column - 1] = value  # the common case: a cell inside the grid
        return
    if len(grid) < row:
        grid.extend([] for _ in range(row - len(grid)))
    cells = grid[row - 1]
    if len(cells) < column:
        cells.extend([None] * (column - len(cells)))  # grown once, not a cell at a time
    cells[column - 1] = value


def with_cell(grid: Grid, row: int, column: int, value: Cell) -> Grid:
    """A copy of ``grid`` with one cell set, grown as needed, trimmed."""
    rows = [list(cells) for cells in grid]
    set_in_place(rows, row, column, value)
    return trim_grid(rows)


class WorkbookOwner:
    """The owner editing the ``.xlsx`` file directly (as LibreOffice would, without the bot's
    lock). Every call loads and, for edits, saves the file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def grid(self, tab: str) -> Grid:
        book = open_workbook(self.path)
        cached = open_workbook(self.path, data_only=True)
        if tab not in book.sheetnames:
            raise SheetLayoutError(tab, None)
        sheet, values = book[tab], cached[tab]
        return worksheet_grid(sheet, values)

    def set_grid(self, tab: str, grid: Grid) -> None:
        """Replace the tab's values with ``grid`` (cell styles and validations stay)."""
        book = open_workbook(self.path)
        if tab not in book.sheetnames:
            raise SheetLayoutError(tab, None)
        sheet = book[tab]
        for row in sheet.iter_rows():
            for cell in row:
                cell.value = None
        for number, cells in enumerate(grid, start=1):
            for column, value in enumerate(cells, start=1):
                write_plain(sheet, number, column, value)
        save_atomically(book, self.path)

    def set_cell(self, tab: str, row: int, header: str, value: Cell) -> None:
        column = column_of(self.grid(tab), header)
        book = open_workbook(self.path)
        write_plain(book[tab], row, column, value)
        save_atomically(book, self.path)

    def get_cell(self, tab: str, row: int, header: str) -> Cell:
        grid = self.grid(tab)
        return value_at(grid, row, column_of(grid, header))

    def records(self, tab: str) -> list[dict[str, Cell]]:
        return records_of(self.grid(tab))
