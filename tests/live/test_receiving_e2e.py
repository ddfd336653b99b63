"""Receiving end to end, through the command line: on a real local workbook (openpyxl, SQLite
state) and on a Google Sheet (real gspread on the fake Sheets API), with the request counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheets_bot.adapters.local.sqlite_live import SqliteReceiptLog
from sheets_bot.adapters.local.sqlite_store import SqliteStore
from sheets_bot.cli import main
from sheets_bot.ports import Cell
from sheets_bot.testing.sheet_helpers import WorkbookOwner
from tests.e2e.test_google_loop import World, approve
from tests.e2e.test_google_loop import world as world

NOW = "2026-11-23T10:00:00Z"


class _Owner:
    """What an owner does in either sheet: read rows, set a cell by header."""

    def __init__(self, owner: WorkbookOwner | World) -> None:
        self.owner = owner.owner if isinstance(owner, World) else owner

    def rows(self, tab: str) -> list[dict[str, Cell]]:
        return self.owner.records(tab)

    def set(self, tab: str, row: int, header: str, value: Cell) -> None:
        self.owner.set_cell(tab, row, header, value)

    def order_row(self, sku: str) -> int:
        return next(n for n, r in enumerate(self.rows("Orders"), start=2) if r["SKU"] == sku)

    def stock(self, sku: str) -> dict[str, Cell]:
        return next(r for r in self.rows("Stock") if r["SKU"] == sku)


def _cli(capsys: pytest.CaptureFixture[str], args: list[str]) -> str:
    code = main(args)
    captured = capsys.readouterr()
    assert (code, captured.err) == (0, ""), captured.err
    return captured.out


def _receive_short(owner: _Owner) -> None:
    row = owner.order_row("COF-ESP-1K")
    owner.set("Orders", row, "Status", "received")
    owner.set("Orders", row, "Received qty", 20)
    owner.set("Orders", row, "Received on", "2026-11-30")


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "shop" / "shop.xlsx"
    assert main(["init", "--workbook", str(path), "--sample"]) == 0
    return path


def test_receiving_on_a_local_workbook(workbook: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--workbook", str(workbook)]
    _cli(capsys, ["check", *args, "--now", NOW])
    workbook_owner = WorkbookOwner(workbook)
    for number, row in enumerate(workbook_owner.records("Drafts"), start=2):
        if row["Draft"] == "D-0001":
            workbook_owner.set_cell("Drafts", number, "Decision", "approve")
    _cli(capsys, ["poll", *args, "--now", "2026-11-23T10:05:00Z"])
    owner = _Owner(workbook_owner)
    _receive_short(owner)

    out = _cli(capsys, ["poll", *args, "--now", "2026-12-01T09:00:00Z"])

    assert (
        "Received PO-0001 COF-ESP-1K: received 20 of 24 on 2026-11-30; SHORT by 4;"
        " On hand 6 -> 26" in out
    )
    assert "NEEDS YOU: PO-0001 COF-ESP-1K (Bean Brothers Roasters)" in out
    assert owner.stock("COF-ESP-1K")["On hand"] == 26
    assert owner.stock("COF-ESP-1K")["On order"] == 4  # the rest, on a backorder line
    assert "received short" in [r["Action"] for r in owner.rows("Audit")]
    with SqliteStore(workbook.parent / "sheets-bot-state" / "sheets-bot.sqlite") as store:
        [receipt] = SqliteReceiptLog(store).receipts()
    assert (receipt.po, receipt.received, round(receipt.lead_days, 2)) == ("PO-0001", 20, 7.08)

    _cli(capsys, ["poll", *args, "--now", "2026-12-01T09:05:00Z"])
    assert owner.stock("COF-ESP-1K")["On hand"] == 26


def test_receiving_on_a_google_sheet_in_the_poll_request_bars(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    _cli(capsys, world.args("init", "--sample"))
    _cli(capsys, world.args("check", "--now", NOW))
    approve(world, "D-0001")
    _cli(capsys, world.args("poll", "--now", "2026-11-23T10:05:00Z"))
    owner = _Owner(world)
    _receive_short(owner)

    world.fake.reset_counts()
    out = _cli(capsys, world.args("poll", "--now", "2026-12-01T09:00:00Z"))

    assert "Received PO-0001 COF-ESP-1K" in out
    assert world.fake.total <= 4
    assert owner.stock("COF-ESP-1K")["On hand"] == 26
    assert owner.rows("Orders")[0]["Note"] == (
        "received 20 of 24 on 2026-11-30; SHORT by 4; On hand 6 -> 26;"
        " 4 kept on order as backorder 1 (a new line below)"
    )

    world.fake.reset_counts()
    _cli(capsys, world.args("poll", "--now", "2026-12-01T09:05:00Z"))
    assert world.fake.total <= 2
    assert owner.stock("COF-ESP-1K")["On hand"] == 26
