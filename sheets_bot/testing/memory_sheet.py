"""An in-memory ``Sheet`` with the same semantics as the real ones, for service tests.

Same contract as the local workbook (``tests/contract`` runs one suite against both): reads are
trimmed, a batch applies writes, then appends (below the rows the last read saw), then
deletes (highest row first), and ``prepare`` adds missing tabs and headers and fills only
empty tabs. It also counts calls, keeps the batches, and records dropdowns per tab and column.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence

from sheets_bot.errors import SheetLayoutError
from sheets_bot.ports import (
    BotFormula,
    Cell,
    Grid,
    RowsAppend,
    RowsDelete,
    SeedRows,
    SheetBatch,
    Sparkline,
    Written,
)
from sheets_bot.sheet.grids import deletion_order, tabs_named_in, trim_grid
from sheets_bot.sheet.layout import DropdownSpec, Layout, TabSpec, normalise_header
from sheets_bot.sheet.table import is_blank
from sheets_bot.testing.sheet_helpers import (
    column_of,
    records_of,
    set_in_place,
    value_at,
    with_cell,
)


class MemorySheet:
    """Tabs as grids in memory. ``tabs`` is the owner's view: tests may edit it directly."""

    def __init__(
        self, tabs: Mapping[str, Grid] | None = None, *, location: str = "memory://sheet"
    ) -> None:
        self.tabs: dict[str, Grid] = {name: trim_grid(grid) for name, grid in (tabs or {}).items()}
        self.dropdowns: dict[str, dict[str, DropdownSpec]] = {}
        """Dropdowns ``prepare`` set up: tab -> layout column name -> spec."""
        self.reads = 0
        self.applies = 0
        self.prepares = 0
        self.batches: list[SheetBatch] = []
        self._location = location
        self._read_rows: dict[str, int] = {}

    @classmethod
    def from_tabs(cls, tabs: Mapping[str, Grid]) -> MemorySheet:
        return cls(copy.deepcopy(dict(tabs)))

    @property
    def location(self) -> str:
        return self._location

    def read(self, tabs: Sequence[str], *, append_only: Sequence[str] = ()) -> dict[str, Grid]:
        """Like Google's adapter, append-only tabs come back as the header row and the first
        column only, so services cannot come to depend on more of them."""
        self.reads += 1
        grids = {tab: trim_grid(self.tabs[tab]) for tab in tabs if tab in self.tabs}
        self._read_rows.update({tab: len(grid) for tab, grid in grids.items()})
        for tab in append_only:
            if grids.get(tab):
                grid = grids[tab]
                grids[tab] = [list(grid[0]), *([row[0]] if row else [] for row in grid[1:])]
        return grids

    def apply(self, batch: SheetBatch) -> None:
        self.applies += 1
        self.batches.append(_copy(batch))
        if not batch:
            return
        for tab in tabs_named_in(batch):
            if tab not in self.tabs:
                raise SheetLayoutError(tab, None)
        deletions = deletion_order(batch.deletes)
        touched = tabs_named_in(batch)
        for tab in touched:
            self.tabs[tab] = [list(cells) for cells in self.tabs[tab]]
        tabs = self.tabs
        for write in batch.writes:  # a big check writes hundreds of thousands of cells
            value = write.value
            if isinstance(value, BotFormula | Sparkline):
                value = value.text  # as ``stored``
            set_in_place(tabs[write.tab], write.row, write.column, value)
        self._append(batch.appends)
        for tab, numbers in deletions.items():
            grid = self.tabs[tab]
            for number in numbers:
                if number <= len(grid):
                    del grid[number - 1]
        for tab in touched:
            self.tabs[tab] = trim_grid(self.tabs[tab])
        self._read_rows.clear()

    def prepare(self, layout: Layout, rows: Mapping[str, SeedRows]) -> None:
        self.prepares += 1
        unknown = set(rows) - {spec.name for spec in layout.tabs}
        if unknown:
            raise KeyError(f"rows given for tabs the layout does not have: {sorted(unknown)}")
        for spec in layout.tabs:
            positions = self._ensure_headers(spec)
            self.dropdowns.setdefault(spec.name, {}).update(
                {dropdown.column: dropdown for dropdown in spec.dropdowns}
            )
            grid = self.tabs[spec.name]
            if rows.get(spec.name) and not _has_data(grid):
                grid = [list(cells) for cells in grid]
                for number, values in enumerate(rows[spec.name], start=2):
                    for name, value in zip(spec.headers, values, strict=False):
                        set_in_place(grid, number, positions[name], stored(value))
                self.tabs[spec.name] = trim_grid(grid)
        self._read_rows.clear()

    def _append(self, appends: Sequence[RowsAppend]) -> None:
        next_row: dict[str, int] = {}
        for append in appends:
            grid = self.tabs[append.tab]
            seen = self._read_rows.get(append.tab, 0)
            start = next_row.get(append.tab) or max(seen, len(trim_grid(grid))) + 1
            for offset, values in enumerate(append.rows):
                for column, value in enumerate(values, start=1):
                    set_in_place(grid, start + offset, column, value)
            next_row[append.tab] = start + len(append.rows)

    def _ensure_headers(self, spec: TabSpec) -> dict[str, int]:
        """Where each layout column is, appending missing headers after the last one."""
        grid = self.tabs.setdefault(spec.name, [])
        header_row: list[Cell] = list(grid[0]) if grid else []
        found: dict[str, int] = {}
        last = 0
        for index, text in enumerate(header_row, start=1):
            if not is_blank(text):
                last = index
                found.setdefault(normalise_header(text), index)
        positions: dict[str, int] = {}
        for name in spec.headers:
            key = normalise_header(name)
            if key not in found:
                last += 1
                grid = with_cell(grid, 1, last, name)
                found[key] = last
            positions[name] = found[key]
        self.tabs[spec.name] = grid
        return positions

    # --- the owner's side (see ``sheets_bot.testing.sheet_helpers.SheetOwner``) ---------

    def grid(self, tab: str) -> Grid:
        if tab not in self.tabs:
            raise SheetLayoutError(tab, None)
        return trim_grid(copy.deepcopy(self.tabs[tab]))

    def set_grid(self, tab: str, grid: Grid) -> None:
        self.tabs[tab] = trim_grid(copy.deepcopy(grid))

    def set_cell(self, tab: str, row: int, header: str, value: Cell) -> None:
        grid = self.grid(tab)
        self.tabs[tab] = with_cell(grid, row, column_of(grid, header), value)

    def get_cell(self, tab: str, row: int, header: str) -> Cell:
        grid = self.grid(tab)
        return value_at(grid, row, column_of(grid, header))

    def records(self, tab: str) -> list[dict[str, Cell]]:
        return records_of(self.grid(tab))


def _has_data(grid: Grid) -> bool:
    return len(trim_grid(grid)) > 1


def stored(value: Written) -> Cell:
    """What a memory sheet keeps for a value: a formula as its text (``=COUNTIF(...)``), as a
    sheet shows it in the formula bar; a sparkline as the text the local workbook shows."""
    if isinstance(value, BotFormula):
        return value.text
    if isinstance(value, Sparkline):
        return value.text
    return value


def _copy(batch: SheetBatch) -> SheetBatch:
    """A copy the caller cannot change afterwards: the writes are frozen (their values plain
    cells or frozen formulas), so only the lists are copied; much cheaper than a deepcopy of a
    big check's batch."""
    return SheetBatch(
        writes=list(batch.writes),
        appends=[RowsAppend(a.tab, [list(row) for row in a.rows]) for a in batch.appends],
        deletes=[RowsDelete(d.tab, list(d.rows)) for d in batch.deletes],
    )
