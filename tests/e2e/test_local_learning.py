"""On one machine, as an owner: each ``check`` snapshots the workbook's Stock tab into the
stock history, and after a week of counts the bot shows (and, when chosen, uses) what it
learned."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheets_bot.cli import main
from sheets_bot.testing.sheet_helpers import WorkbookOwner

ESPRESSO = "COF-ESP-1K"  # typed 2.5/day, 5-day lead time, buffer 4


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "shop" / "shop.xlsx"
    assert main(["init", "--workbook", str(path), "--sample"]) == 0
    return path


def _row(owner: WorkbookOwner, sku: str) -> int:
    return next(n for n, r in enumerate(owner.records("Stock"), start=2) if r["SKU"] == sku)


def _setting(owner: WorkbookOwner, key: str, value: str) -> None:
    number = next(
        n for n, r in enumerate(owner.records("Settings"), start=2) if r["Setting"] == key
    )
    owner.set_cell("Settings", number, "Value", value)


def test_a_week_of_counts_teaches_the_daily_sales(
    workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    owner = WorkbookOwner(workbook)
    row = _row(owner, ESPRESSO)
    for day in range(9):  # the owner counts every morning; 5 sold a day
        owner.set_cell("Stock", row, "On hand", 100 - 5 * day)
        now = f"2026-11-{10 + day:02d}T09:00:00Z"
        assert main(["check", "--workbook", str(workbook), "--now", now]) == 0
    out = capsys.readouterr().out
    assert out.count("Learned sales for") == 2  # from the 8th check (7 days of counts) on
    assert (
        "Learned sales for 38 of 39 items, lead times for 0; used for 0"
        " (Settings 'Use learned': no, 'Safety method': buffer)." in out
    )

    history = workbook.parent / "sheets-bot-state" / "blobs" / "history" / "workbook"
    assert [p.name for p in history.iterdir()] == ["stock-days-2026-11.csv.gz"]
    espresso = owner.records("Stock")[row - 2]
    # days 10..17 before the check of the 18th: the first has no drop (the first count), the
    # other 7 drop 5: 5 x (1 - 0.92^7) / (1 - 0.92^8) = 4.54
    assert espresso["Learned sales"] == 4.54
    assert espresso["Reorder point"] == 16.5  # not chosen yet: the typed 2.5/day

    _setting(owner, "Use learned", "sales")
    owner.set_cell("Stock", row, "On hand", 12)
    assert main(["check", "--workbook", str(workbook), "--now", "2026-11-19T09:00:00Z"]) == 0

    assert "used for 38" in capsys.readouterr().out
    espresso = owner.records("Stock")[_row(owner, ESPRESSO) - 2]
    assert float(str(espresso["Reorder point"])) > 16.5
    line = next(r for r in owner.records("Drafts") if r["SKU"] == ESPRESSO)
    assert "/day learned (EWMA, 9 days, from stock snapshots)" in str(line["Why"])
