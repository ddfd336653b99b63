"""The Dashboard's formulas as LibreOffice computes them, on a workbook the bot has worked
on, after the owner moved columns around: every figure equals what the tabs hold.

Skipped with a reason where LibreOffice is absent (``make test`` installs it on Debian).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from sheets_bot.adapters.local.workbook import to_cell
from sheets_bot.cli import main
from sheets_bot.ports import Cell
from sheets_bot.testing.sheet_helpers import WorkbookOwner
from tests.libreoffice import needs_libreoffice, resave_in_libreoffice

pytestmark = needs_libreoffice


def _computed_by_libreoffice(path: Path, profile: Path) -> dict[str, Cell]:
    """Open and save ``path`` in LibreOffice (it computes every formula), then read the
    Dashboard's cached results."""
    saved = resave_in_libreoffice(path, profile)
    sheet = load_workbook(saved, data_only=True)["Dashboard"]
    assert isinstance(sheet, Worksheet)
    return {str(row[0]): to_cell(row[1]) for row in sheet.iter_rows(min_row=2, values_only=True)}


def _moved_first(owner: WorkbookOwner, tab: str, header: str) -> None:
    """The owner drags a column to the front."""
    grid = owner.grid(tab)
    index = grid[0].index(header)
    width = max(len(row) for row in grid)
    padded = [row + [None] * (width - len(row)) for row in grid]
    owner.set_grid(tab, [[row[index], *row[:index], *row[index + 1 :]] for row in padded])


def test_the_dashboard_counts_what_the_tabs_hold(tmp_path: Path) -> None:
    workbook = tmp_path / "shop.xlsx"
    assert main(["init", "--workbook", str(workbook), "--sample"]) == 0
    assert main(["check", "--workbook", str(workbook), "--now", "2026-11-23T10:00:00Z"]) == 0
    owner = WorkbookOwner(workbook)
    drafts = owner.records("Drafts")
    for number, row in enumerate(drafts, start=2):
        if row["Draft"] == "D-0001":
            owner.set_cell("Drafts", number, "Decision", "approve")
        if row["Draft"] == "D-0002":
            owner.set_cell("Drafts", number, "Decision", "edit")
    assert main(["poll", "--workbook", str(workbook), "--now", "2026-11-23T10:05:00Z"]) == 0
    _moved_first(owner, "Stock", "Move")
    _moved_first(owner, "Drafts", "Decision")
    _moved_first(owner, "Orders", "Status")

    figures = _computed_by_libreoffice(workbook, tmp_path / "lo-profile")

    stock, drafts, orders = (owner.records(tab) for tab in ("Stock", "Drafts", "Orders"))
    moves = [row["Move"] for row in stock]
    assert figures["Items in Stock"] == len(stock) == 40
    for move in ("urgent", "reorder", "watch", "stocked"):
        assert figures[move.capitalize()] == moves.count(move), move
    assert figures["Stock rows with a problem"] == sum(1 for row in stock if row["Problem"]) == 2
    waiting = [row for row in drafts if row["Draft"] and not row["Decision"]]
    assert figures["Draft lines waiting for your decision"] == len(waiting) > 0
    assert figures["Value of draft lines waiting"] == pytest.approx(
        sum(float(row["Line total"] or 0) for row in waiting)
    )
    held = [row for row in drafts if row["Decision"] == "edit"]
    assert figures["Draft lines held for your edit"] == len(held) > 0
    assert figures["Open PO lines (sent or confirmed)"] == len(orders) > 0
    assert figures["Value of open PO lines"] == pytest.approx(
        sum(float(row["Qty"] or 0) * float(row["Unit cost"] or 0) for row in orders)
    )
    assert figures["Proposed counts waiting"] == 0
