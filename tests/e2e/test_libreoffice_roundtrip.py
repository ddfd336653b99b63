"""The owner's real tool in the loop: LibreOffice opens and saves the workbook between runs.

Skipped with a reason where LibreOffice is absent (``make test`` installs it on Debian).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from openpyxl import load_workbook

from sheets_bot.cli import main
from sheets_bot.testing.sheet_helpers import WorkbookOwner
from tests.libreoffice import needs_libreoffice, resave_in_libreoffice
from tests.outbox import po_emails

pytestmark = needs_libreoffice


def _save_in_libreoffice(path: Path, profile: Path) -> None:
    """Open and save ``path`` with LibreOffice Calc, as an owner would, in place."""
    shutil.move(resave_in_libreoffice(path, profile), path)


def test_a_workbook_saved_by_libreoffice_keeps_working(tmp_path: Path) -> None:
    workbook = tmp_path / "shop.xlsx"
    profile = tmp_path / "lo-profile"
    assert main(["init", "--workbook", str(workbook), "--sample"]) == 0
    assert main(["check", "--workbook", str(workbook), "--now", "2026-11-23T10:00:00Z"]) == 0
    _save_in_libreoffice(workbook, profile)

    drafts = load_workbook(workbook)["Drafts"]
    lists = [dv.formula1 for dv in drafts.data_validations.dataValidation]
    assert '"approve,edit,skip"' in lists  # the dropdown survived LibreOffice

    owner = WorkbookOwner(workbook)
    for number, row in enumerate(owner.records("Drafts"), start=2):
        if row["Draft"] == "D-0001":
            owner.set_cell("Drafts", number, "Decision", "approve")
    _save_in_libreoffice(workbook, profile)

    assert main(["poll", "--workbook", str(workbook), "--now", "2026-11-23T10:05:00Z"]) == 0
    assert len(po_emails(tmp_path / "sheets-bot-state" / "outbox")) == 1
    orders = WorkbookOwner(workbook).records("Orders")
    assert {row["PO"] for row in orders} == {"PO-0001"}
    assert main(["check", "--workbook", str(workbook), "--now", "2026-11-24T10:00:00Z"]) == 0


def test_an_owners_formula_keeps_its_result_across_the_bots_saves(tmp_path: Path) -> None:
    workbook = tmp_path / "shop.xlsx"
    assert main(["init", "--workbook", str(workbook), "--sample"]) == 0
    book = load_workbook(workbook)
    stock = book["Stock"]
    headers = [cell.value for cell in stock[1]]
    stock.cell(2, headers.index("On hand") + 1).value = "=2*2"  # a real formula, by the owner
    book.save(workbook)
    _save_in_libreoffice(workbook, tmp_path / "lo-profile")  # LibreOffice computes it: 4

    for day in ("2026-11-23", "2026-11-24", "2026-11-25"):
        assert main(["check", "--workbook", str(workbook), "--now", f"{day}T10:00:00Z"]) == 0
        espresso = WorkbookOwner(workbook).records("Stock")[0]
        assert espresso["SKU"] == "COF-ESP-1K"
        assert espresso["Days left"] == 1.6, day  # 4 on hand ÷ 2.5 a day: the bot read 4
        assert espresso["Problem"] is None, day
