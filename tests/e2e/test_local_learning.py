"""On one machine, as an owner: each ``check`` snapshots the workbook's Stock tab into the
stock history, and after two weeks of counts the bot uses what it learned (unless the
owner turns learning off)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheets_bot.cli import main
from sheets_bot.domain.learned_demand import decode
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


def test_weeks_of_counts_teach_the_daily_sales(
    workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    owner = WorkbookOwner(workbook)
    row = _row(owner, ESPRESSO)
    for day in range(30):  # the owner counts every morning of November; 5 sold a day
        owner.set_cell("Stock", row, "On hand", 150 - 5 * day)
        now = f"2026-11-{1 + day:02d}T09:00:00Z"
        assert main(["check", "--workbook", str(workbook), "--now", now]) == 0
    out = capsys.readouterr().out
    assert out.count("Learned sales for") == 16  # from the 15th check (14 days of counts) on
    assert (
        "Learned sales for 1 of 39 items, lead times for 0; used for 1, 1 unsure"
        " (see Numbers used) (Settings 'Use learned': both, 'Safety method': fill rate)." in out
    )

    history = workbook.parent / "sheets-bot-state" / "blobs" / "history" / "workbook"
    assert [p.name for p in history.iterdir()] == ["stock-days-2026-11.csv.gz"]
    # what was learned is kept beside it, through the day before the last check
    learned = workbook.parent / "sheets-bot-state" / "blobs" / "learning" / "workbook"
    state = decode((learned / "demand.bin").read_bytes())
    assert state.through.isoformat() == "2026-11-29"
    assert state.items[ESPRESSO.casefold()].demand.days == 29
    espresso = owner.records("Stock")[row - 2]
    # days 1..29 before the check of the 30th: the first has no drop (the first count), the
    # other 28 drop 5. SES weights 1/n for 10 days (the mean: 5 × 9/10 = 4.5), then 0.1 for
    # 19: 5 − 0.5 × 0.9^19 = 4.93
    assert espresso["Learned sales"] == 4.93
    assert espresso["Demand class"] == "smooth"
    assert str(espresso["Numbers used"]).startswith("learned rate (unsure: little history")
    # 5 days of lead time, and the day's sale that takes the stock below it before an order
    assert float(str(espresso["Reorder point"])) > 4.93 * 5
    line = next(r for r in owner.records("Drafts") if r["SKU"] == ESPRESSO)
    assert "4.93/day learned (SES, smooth: ADI 1.04, CV² 0.00; 29 days)" in str(line["Why"])

    _setting(owner, "Use learned", "no")
    owner.set_cell("Stock", row, "On hand", 12)
    assert main(["check", "--workbook", str(workbook), "--now", "2026-12-01T09:00:00Z"]) == 0

    assert "used for 0" in capsys.readouterr().out
    espresso = owner.records("Stock")[_row(owner, ESPRESSO) - 2]
    assert espresso["Reorder point"] == 16.5  # the typed 2.5/day × 5 days + 4
    assert espresso["Numbers used"] == "typed"
