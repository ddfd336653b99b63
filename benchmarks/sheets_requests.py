"""What the daily check and a quiet poll cost in Google Sheets API requests, by shop size.

Runs the real services through real gspread on the fake Sheets API (no network) and prints one
JSON line per size: ``{"items": N, "check_requests": a, "poll_requests": b, "check_seconds":
t}``. The bars: a check makes at most 4 requests, a poll with no new decisions at most 2, and
neither grows with the number of items. ``check_seconds`` includes the fake serving the
requests in-process, so it is an upper bound on the bot's own time. Run with ``make bench``.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):  # run as `python benchmarks/sheets_requests.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.check_speed import shop_rows
from sheets_bot.adapters.clock import FixedClock
from sheets_bot.adapters.local.sqlite_store import SqliteStore
from sheets_bot.services.check import run_check
from sheets_bot.services.poll import run_poll
from sheets_bot.services.setup import run_init
from sheets_bot.services.shop import Adapters
from sheets_bot.sheet.layout import load_layout
from sheets_bot.testing.fake_sheets_api import FakeSheetsApi
from sheets_bot.testing.google_sheet_owner import fake_google_sheet
from sheets_bot.testing.recording_mailer import RecordingMailer

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def run(items: int, folder: Path) -> dict[str, object]:
    store = SqliteStore(folder / "state.sqlite")
    with FakeSheetsApi.running(history=5) as fake:
        key = fake.create_spreadsheet("Shop")
        run_init(fake_google_sheet(fake, key), sample=False)
        fake_google_sheet(fake, key).prepare(load_layout(), shop_rows(items))

        def adapters() -> Adapters:
            sheet = fake_google_sheet(fake, key)
            return Adapters(
                sheet, store.ledger, store.audit, store.memory, RecordingMailer(), FixedClock(NOW)
            )

        fake.reset_counts()
        started = time.perf_counter()
        run_check(adapters())
        check_seconds = time.perf_counter() - started
        check_requests = fake.total
        fake.reset_counts()
        run_poll(adapters())
        poll_requests = fake.total
    store.close()
    return {
        "items": items,
        "check_requests": check_requests,
        "poll_requests": poll_requests,
        "check_seconds": round(check_seconds, 3),
    }


def main(argv: list[str]) -> None:
    sizes = [int(arg) for arg in argv] or [200, 2000, 20000]
    for items in sizes:
        with tempfile.TemporaryDirectory() as folder:
            print(json.dumps(run(items, Path(folder))), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
