"""Plain helpers on grids and batches that every Sheet adapter shares."""

from __future__ import annotations

from collections.abc import Sequence

from sheets_bot.ports import Cell, Grid, RowsDelete, SheetBatch


def _is_empty(value: Cell) -> bool:
    return value is None or value == ""


def trim_grid(grid: Grid) -> Grid:
    """Drop trailing empty cells of each row, then trailing empty rows (every row a new list:
    a slice of a list already is one, so only other sequences are copied again)."""
    trimmed: Grid = []
    for row in grid:
        end = len(row)
        while end and _is_empty(row[end - 1]):
            end -= 1
        cells = row[:end]
        trimmed.append(cells if isinstance(cells, list) else list(cells))
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    return trimmed


def tabs_named_in(batch: SheetBatch) -> list[str]:
    """Every tab a batch changes."""
    named = [*(w.tab for w in batch.writes), *(a.tab for a in batch.appends)]
    return sorted({*named, *(d.tab for d in batch.deletes)})


def deletion_order(deletes: Sequence[RowsDelete]) -> dict[str, list[int]]:
    """Rows to delete per tab, highest first, so each deletion leaves the others in place."""
    by_tab: dict[str, set[int]] = {}
    for delete in deletes:
        if any(number < 1 for number in delete.rows):
            raise ValueError(f"row numbers start at 1: {delete.rows}")
        by_tab.setdefault(delete.tab, set()).update(delete.rows)
    return {tab: sorted(numbers, reverse=True) for tab, numbers in by_tab.items()}
