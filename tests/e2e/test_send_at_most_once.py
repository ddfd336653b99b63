"""Two poller processes race on the same approvals with the real SQLite ledger and outbox.

Each process reads its own copy of the sheet (as two pollers reading one Google Sheet would);
they share only the state folder. Every approved PO must leave exactly once.
"""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime
from pathlib import Path

from sheets_bot.adapters.clock import FixedClock
from sheets_bot.adapters.local.outbox import OutboxMailer
from sheets_bot.adapters.local.sqlite_store import SqliteStore
from sheets_bot.ports import Grid
from sheets_bot.services.check import run_check
from sheets_bot.services.poll import run_poll
from sheets_bot.services.setup import run_init
from sheets_bot.testing import lanes
from sheets_bot.testing.memory_sheet import MemorySheet

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def _poller(tabs: dict[str, Grid], state: str, start: object, report: object) -> None:
    store = SqliteStore(Path(state) / "sheets-bot.sqlite")
    core = lanes.core(MemorySheet.from_tabs(tabs), store, FixedClock(NOW))
    adapters = lanes.poll_ports(core, OutboxMailer(Path(state) / "outbox"))
    start.wait()  # type: ignore[attr-defined]
    result = run_poll(adapters)
    report.put(len(result.sent))  # type: ignore[attr-defined]
    store.close()


def test_two_processes_send_each_approved_po_once(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "sheets-bot.sqlite")
    sheet = MemorySheet()
    run_init(sheet, sample=True)
    run_check(lanes.check_ports(lanes.core(sheet, store, FixedClock(NOW))))
    store.close()
    for number in range(2, len(sheet.records("Drafts")) + 2):
        sheet.set_cell("Drafts", number, "Decision", "approve")
    approved = len({row["Draft"] for row in sheet.records("Drafts")})
    assert approved == 5

    context = multiprocessing.get_context("spawn")
    start = context.Barrier(2)
    report = context.Queue()
    processes = [
        context.Process(target=_poller, args=(sheet.tabs, str(tmp_path), start, report))
        for _ in range(2)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    sent_by_each = [report.get(timeout=5) for _ in processes]

    emails = sorted((tmp_path / "outbox").glob("*.eml"))
    assert len(emails) == approved
    assert {path.name.split("-", 1)[1] for path in emails} == {
        f"PO-000{n}.eml" for n in range(1, 6)
    }
    assert sum(sent_by_each) == approved  # each PO filed by exactly one of them
