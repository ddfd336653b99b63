"""A ``SheetBatch`` as the one request that applies it, all or nothing.

* Only values to write (the usual case): one ``values.batchUpdate`` with ``valueInputOption``
  ``RAW``, so text stays text.
* Rows to delete, or appends past the end of a tab's grid: one ``spreadsheets.batchUpdate``
  that grows the grid (``appendDimension``, plus the tints and dropdowns the new rows need),
  writes the values (``updateCells`` with typed values: ``stringValue`` is text just like
  RAW), then deletes rows highest first (``deleteDimension``). Google applies the requests of
  one batch in order and atomically, so the row numbers of the batch (all as of the preceding
  read) hold throughout, and a failure leaves the sheet as it was.

Either way a run's changes cost one request, and it cannot be half applied.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from sheets_bot.adapters.google import formatting as fmt
from sheets_bot.adapters.google.cells import is_formula, raw_value, rectangles, updates
from sheets_bot.adapters.google.ranges import block
from sheets_bot.adapters.google.tabs import TabInfo
from sheets_bot.ports import BotFormula, Cell, SheetBatch, Sparkline, Written
from sheets_bot.sheet.grids import deletion_order
from sheets_bot.sheet.layout import Layout

JsonObject = dict[str, Any]
GROWTH_ROWS: Final = 500
"""Rows added at least when appends outgrow a tab, so growing is rare."""


@dataclass(frozen=True)
class WritePlan:
    """Exactly one of ``values`` (a ``values.batchUpdate`` body) and ``requests`` (of a
    ``spreadsheets.batchUpdate``) is set. ``before``/``after`` are the grid sizes of the tabs
    a structural batch changes, by title: how to tell afterwards whether Google applied it."""

    values: JsonObject | None
    requests: list[JsonObject]
    before: dict[str, TabInfo]
    after: dict[str, TabInfo]


def plan_writes(
    batch: SheetBatch,
    tabs: Mapping[str, TabInfo],
    seen_rows: Mapping[str, int],
    headers: Mapping[str, list[Cell]],
    layout: Layout,
) -> WritePlan:
    """``tabs`` has every tab the batch names (by the batch's name); ``seen_rows`` the rows
    the preceding read saw per tab; ``headers`` its header rows (for the formats of new rows)."""
    cells = _cells(batch, seen_rows)
    # Rows past the end of the grid hold nothing: deleting them is nothing to do.
    deletes = {
        name: kept
        for name, numbers in deletion_order(batch.deletes).items()
        if (kept := [number for number in numbers if number <= tabs[name].rows])
    }
    growth: dict[str, tuple[int, int]] = {}
    for name, found in cells.items():
        info = tabs[name]
        rows = max((row for row, _ in found), default=0)
        columns = max((column for _, column in found), default=0)
        more_rows = max(rows - info.rows, GROWTH_ROWS) if rows > info.rows else 0
        more_columns = max(columns - info.columns, 0)
        if more_rows or more_columns:
            growth[name] = (more_rows, more_columns)
    formulas = any(is_formula(value) for found in cells.values() for value in found.values())
    if not growth and not deletes and not formulas:
        return WritePlan(_values_body(cells, tabs), [], {}, {})
    _keep_detectable(growth, deletes)
    requests: list[JsonObject] = []
    before: dict[str, TabInfo] = {}
    after: dict[str, TabInfo] = {}
    for name, (more_rows, more_columns) in growth.items():
        info = tabs[name]
        before[info.title] = info
        after[info.title] = info.grown(more_rows, more_columns)
        for dimension, length in (("ROWS", more_rows), ("COLUMNS", more_columns)):
            if length:
                requests.append(
                    {
                        "appendDimension": {
                            "sheetId": info.sheet_id,
                            "dimension": dimension,
                            "length": length,
                        }
                    }
                )
        if more_rows and name in headers and any(spec.name == name for spec in layout.tabs):
            spec = layout.tab(name)
            positions = fmt.header_positions(spec, headers[name])
            requests.extend(
                fmt.formats_for_new_rows(
                    spec, positions, info.sheet_id, info.rows, info.rows + more_rows
                )
            )
    for name, found in cells.items():
        requests.extend(updates(tabs[name].sheet_id, found))
    for name, numbers in deletes.items():
        info = after.get(tabs[name].title, tabs[name])
        before.setdefault(info.title, tabs[name])
        for first, count in _descending_runs(numbers):
            requests.append(
                {
                    "deleteDimension": {
                        "range": {
                            "sheetId": info.sheet_id,
                            "dimension": "ROWS",
                            "startIndex": first - 1,
                            "endIndex": first - 1 + count,
                        }
                    }
                }
            )
        after[info.title] = info.grown(rows=-len(numbers))
    return WritePlan(None, requests, before, after)


def _cells(
    batch: SheetBatch, seen_rows: Mapping[str, int]
) -> dict[str, dict[tuple[int, int], Written]]:
    """Every cell the batch sets, per tab: writes (``None`` clears), then appended rows from
    the row below what the read saw (their blanks are left alone)."""
    cells: dict[str, dict[tuple[int, int], Written]] = {}
    for write in batch.writes:
        if write.row < 1 or write.column < 1:
            raise ValueError(f"rows and columns start at 1: {write}")
        cells.setdefault(write.tab, {})[(write.row, write.column)] = write.value
    next_row: dict[str, int] = {}
    for append in batch.appends:
        start = next_row.get(append.tab) or seen_rows.get(append.tab, 0) + 1
        found = cells.setdefault(append.tab, {})
        for offset, row in enumerate(append.rows):
            for column, value in enumerate(row, start=1):
                if value is not None and value != "":
                    found[(start + offset, column)] = value
        next_row[append.tab] = start + len(append.rows)
    return {name: found for name, found in cells.items() if found}


def _values_body(
    cells: Mapping[str, Mapping[tuple[int, int], Written]], tabs: Mapping[str, TabInfo]
) -> JsonObject:
    data = [
        {
            "range": block(tabs[name].title, rect.row, rect.column, len(rect.rows), rect.width),
            "majorDimension": "ROWS",
            "values": [[raw_value(_plain(value)) for value in row] for row in rect.rows],
        }
        for name, found in cells.items()
        for rect in rectangles(found)
    ]
    return {"valueInputOption": "RAW", "data": data}


def _descending_runs(numbers: list[int]) -> list[tuple[int, int]]:
    """Row numbers (highest first) as (first row, count) runs, highest run first."""
    found: list[tuple[int, int]] = []
    for number in sorted(set(numbers), reverse=True):
        if found and found[-1][0] == number + 1:
            found[-1] = (number, found[-1][1] + 1)
        else:
            found.append((number, 1))
    return found


def _keep_detectable(growth: dict[str, tuple[int, int]], deletes: Mapping[str, list[int]]) -> None:
    """If every tab's grid would end as large as it started (rows added = rows deleted), add
    one more row, so a later look at grid sizes can tell whether the batch went through."""
    changes = {
        name: (rows - len(deletes.get(name, [])), columns)
        for name, (rows, columns) in growth.items()
    }
    changes.update({name: (-len(rows), 0) for name, rows in deletes.items() if name not in growth})
    if changes and all(change == (0, 0) for change in changes.values()):
        name = next(iter(growth))
        rows, columns = growth[name]
        growth[name] = (rows + 1, columns)


def _plain(value: Written) -> Cell:
    """Values of a batch with no formula (the only batches sent as RAW values)."""
    if isinstance(value, BotFormula | Sparkline):
        raise ValueError("a formula cannot be written as a RAW value")
    return value
