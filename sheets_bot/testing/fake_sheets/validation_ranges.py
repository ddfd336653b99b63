"""Data validation as an owner sees it: rectangles of cells sharing one rule.

Google stores a rule per cell (``setDataValidation`` on ``D2:D50`` gives 49 cells the same
rule); this merges them back into ranges for assertions.
"""

from __future__ import annotations

import copy
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from . import a1
from .grid import JsonObject, Sheet


@dataclass(frozen=True)
class ValidationRange:
    """One rule and the A1 range (without tab name) of the cells it covers."""

    range: str
    rule: JsonObject

    @property
    def condition_type(self) -> str:
        return str(self.rule.get("condition", {}).get("type", ""))

    @property
    def values(self) -> list[Any]:
        """The condition's values (``userEnteredValue`` of each), e.g. the dropdown options."""
        return [
            value.get("userEnteredValue")
            for value in self.rule.get("condition", {}).get("values", [])
        ]

    @property
    def strict(self) -> bool:
        return bool(self.rule.get("strict"))

    @property
    def show_custom_ui(self) -> bool:
        return bool(self.rule.get("showCustomUi"))


def validation_ranges(sheet: Sheet) -> list[ValidationRange]:
    """Rules of ``sheet`` merged into rectangles, ordered by their top-left cell."""
    by_rule: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    rules: dict[str, JsonObject] = {}
    for (row, col), cell in sheet.cells.items():
        if cell.validation:
            key = json.dumps(cell.validation, sort_keys=True)
            rules[key] = cell.validation
            by_rule[key][col].append(row)
    found: list[tuple[int, int, ValidationRange]] = []
    for key, columns in by_rule.items():
        for top, bottom, left, right in _rectangles(columns):
            bounds = a1.Bounds(top, bottom, left, right)
            rule = copy.deepcopy(rules[key])
            found.append((top, left, ValidationRange(a1.format_bounds(bounds), rule)))
    return [item for _, _, item in sorted(found, key=lambda entry: (entry[0], entry[1]))]


def _rectangles(columns: dict[int, list[int]]) -> list[tuple[int, int, int, int]]:
    """Runs of rows per column, then neighbouring columns with the same run merged."""
    runs: list[tuple[int, int, int]] = []
    for col, rows in columns.items():
        ordered = sorted(rows)
        start = previous = ordered[0]
        for row in ordered[1:]:
            if row != previous + 1:
                runs.append((start, previous + 1, col))
                start = row
            previous = row
        runs.append((start, previous + 1, col))
    merged: list[tuple[int, int, int, int]] = []
    for top, bottom, col in sorted(runs, key=lambda run: (run[0], run[1], run[2])):
        if merged and merged[-1][:2] == (top, bottom) and merged[-1][3] == col:
            merged[-1] = (top, bottom, merged[-1][2], col + 1)
        else:
            merged.append((top, bottom, col, col + 1))
    return merged
