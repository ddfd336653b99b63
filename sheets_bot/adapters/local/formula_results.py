"""Keep the owner's formula results readable across the bot's own saves.

openpyxl cannot compute formulas, and saving a workbook drops every formula's last computed
result. Without help, an owner's ``On hand`` of ``=B2-3`` would read as blank on the bot's
next run until the owner opened and saved the file again. So, before saving, the bot notes
each formula's result beside its state; on the next read, a formula with no result takes the
noted one, if the file is still exactly as the bot saved it and the formula is unchanged.
Once the owner saves in LibreOffice or Excel, the file's own results are used again.

Rows of a tab the save deleted rows from move, so that tab's results are not carried over.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook

from sheets_bot.ports import Cell

FILE_NAME = "formula-results.json"
Stamp = tuple[int, int]


def _key(row: int, column: int) -> str:
    return f"{row},{column}"


@dataclass
class FormulaResults:
    stamp: Stamp | None = None
    cells: dict[str, dict[str, tuple[str, Cell]]] = field(default_factory=dict)
    """tab -> "row,column" -> (formula, result)"""

    @classmethod
    def load(cls, folder: Path) -> FormulaResults:
        try:
            data = json.loads((folder / FILE_NAME).read_text(encoding="utf-8"))
            stamp = (int(data["stamp"][0]), int(data["stamp"][1]))
            cells = {
                str(tab): {str(key): (str(pair[0]), pair[1]) for key, pair in entries.items()}
                for tab, entries in data["cells"].items()
            }
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return cls()
        return cls(stamp, cells)

    def result(self, stamp: Stamp | None, tab: str, row: int, column: int, formula: str) -> Cell:
        """The noted result of a formula, or ``None`` when the file or formula changed."""
        if stamp is None or stamp != self.stamp:
            return None
        noted = self.cells.get(tab, {}).get(_key(row, column))
        if noted is None or noted[0] != formula:
            return None
        return noted[1]

    def save(self, folder: Path, stamp: Stamp | None) -> None:
        """Write atomically; a missing stamp (no file) forgets everything."""
        if stamp is None:
            (folder / FILE_NAME).unlink(missing_ok=True)
            return
        payload = json.dumps(
            {"stamp": list(stamp), "cells": {t: dict(c) for t, c in self.cells.items()}}
        )
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".formula-results-")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(payload)
        os.replace(temporary, folder / FILE_NAME)


def collect(
    book: Workbook,
    results: dict[str, dict[tuple[int, int], Cell]],
    moved_tabs: Collection[str],
) -> FormulaResults:
    """The formulas of ``book`` (as it is about to be saved) with the results the last read
    saw (``results``: tab -> (row, column) -> value), except in tabs whose rows moved."""
    noted = FormulaResults()
    for sheet in book.worksheets:
        if sheet.title in moved_tabs or sheet.title not in results:
            continue
        seen = results[sheet.title]
        entries: dict[str, tuple[str, Cell]] = {}
        for number, row in enumerate(sheet.iter_rows(), start=1):
            for index, cell in enumerate(row, start=1):
                if cell.data_type != "f":
                    continue
                value = seen.get((number, index))
                if value is not None:
                    entries[_key(number, index)] = (str(cell.value), value)
        if entries:
            noted.cells[sheet.title] = entries
    return noted
