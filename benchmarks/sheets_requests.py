"""What the daily check and a quiet poll cost in Google Sheets API requests, by shop size.

Runs the real services through real gspread on the fake Sheets API (no network) and prints one
JSON line per size: ``{"items": N, "check_requests": a, "poll_requests": b, "check_seconds":
t, "trend_check_requests": c, "trend_check_seconds": u}``. The bars: a check makes at most 4
requests (also with a stock history, when it writes every item's Trend sparkline), a poll
with no new decisions at most 2, and neither grows with the number of items.
``check_seconds`` includes the fake serving the requests in-process, so it is an upper bound
on the bot's own time. Run with ``make bench``.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as `python benchmarks/sheets_requests.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.check_speed import shop_rows
from sheets_bot.adapters.clock import FixedClock
from sheets_bot.adapters.local.sqlite_store import SqliteStore
from sheets_bot.domain.history import StockDay
from sheets_bot.ports import Grid
from sheets_bot.services.check import run_check
from sheets_bot.services.poll import run_poll
from sheets_bot.services.setup import run_init
from sheets_bot.services.shop import Core
from sheets_bot.sheet.layout import load_layout
from sheets_bot.testing import lanes
from sheets_bot.testing.fake_sheets_api import FakeSheetsApi
from sheets_bot.testing.google_sheet_owner import fake_google_sheet
from sheets_bot.testing.recording_mailer import RecordingMailer
from sheets_bot.testing.scripted_history import ScriptedStockHistory

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def fortnight(rows: Mapping[str, Grid]) -> ScriptedStockHistory:
    """Fourteen days of closing stock for every item of the synthetic shop."""
    skus = [str(row[1]) for row in rows["Stock"]]
    today = NOW.date()
    return ScriptedStockHistory(
        StockDay(today - timedelta(days=back), sku, 10 + back, 10 + back, 10, 1, 0)
        for back in range(1, 15)
        for sku in skus
    )


def run(items: int, folder: Path) -> dict[str, object]:
    store = SqliteStore(folder / "state.sqlite")
    rows = shop_rows(items)
    with FakeSheetsApi.running(history=5) as fake:
        key = fake.create_spreadsheet("Shop")
        run_init(fake_google_sheet(fake, key), sample=False)
        fake_google_sheet(fake, key).prepare(load_layout(), rows)

        def adapters() -> Core:
            return lanes.core(fake_google_sheet(fake, key), store, FixedClock(NOW))

        fake.reset_counts()
        started = time.perf_counter()
        run_check(lanes.check_ports(adapters()))
        check_seconds = time.perf_counter() - started
        check_requests = fake.total
        fake.reset_counts()
        run_poll(lanes.poll_ports(adapters(), RecordingMailer()))
        poll_requests = fake.total
        history = fortnight(rows)
        fake.reset_counts()
        started = time.perf_counter()
        run_check(lanes.check_ports(adapters(), history=history))
        trend_seconds = time.perf_counter() - started
        trend_requests = fake.total
    store.close()
    return {
        "items": items,
        "check_requests": check_requests,
        "poll_requests": poll_requests,
        "check_seconds": round(check_seconds, 3),
        "trend_check_requests": trend_requests,
        "trend_check_seconds": round(trend_seconds, 3),
    }


def main(argv: list[str]) -> None:
    sizes = [int(arg) for arg in argv] or [200, 2000, 20000]
    for items in sizes:
        with tempfile.TemporaryDirectory() as folder:
            print(json.dumps(run(items, Path(folder))), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
