"""The digest adds no Sheets request to the daily check: on the fake Sheets API, the check
with its digest (links signed, Proposed read in the same request) costs what the check alone
costs, whatever the number of items. Its "digest sent" audit entry reaches the Audit tab with
the next run's write: the first poll after a digest makes one write it would not otherwise."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from benchmarks.check_speed import shop_rows
from sheets_bot.adapters.clock import FixedClock
from sheets_bot.adapters.local.sqlite_marks import SqliteMarks
from sheets_bot.adapters.local.sqlite_store import SqliteStore
from sheets_bot.services.check import run_check
from sheets_bot.services.daily import run_daily
from sheets_bot.services.decision_links import LinkSigner
from sheets_bot.services.poll import run_poll
from sheets_bot.services.setup import run_init
from sheets_bot.sheet.layout import load_layout
from sheets_bot.testing import lanes
from sheets_bot.testing.fake_sheets_api import FakeSheetsApi
from sheets_bot.testing.google_sheet_owner import fake_google_sheet
from sheets_bot.testing.recording_mailer import RecordingMailer

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def _requests(tmp_path: Path, items: int, *, digest: bool) -> tuple[int, int, RecordingMailer]:
    mailer = RecordingMailer()
    with (
        FakeSheetsApi.running(history=5) as fake,
        SqliteStore(tmp_path / f"{digest}.sqlite") as store,
    ):
        key = fake.create_spreadsheet("Shop")
        run_init(fake_google_sheet(fake, key), sample=False)
        fake_google_sheet(fake, key).prepare(load_layout(), shop_rows(items))
        core = lanes.core(fake_google_sheet(fake, key), store, FixedClock(NOW))
        adapters = lanes.daily_ports(
            core, mailer, marks=SqliteMarks(store), links=LinkSigner(b"k" * 32)
        )
        fake.reset_counts()
        if digest:
            report = run_daily(adapters)
            assert report.digest.sent, report.digest.reason
            assert len(report.check.items) == items
        else:
            assert len(run_check(adapters).items) == items
        check = fake.total
        fake.reset_counts()
        run_poll(lanes.poll_ports(core, mailer))
        return check, fake.total, mailer


@pytest.mark.parametrize("items", [200, 2000])
def test_the_digest_costs_the_check_no_request(tmp_path: Path, items: int) -> None:
    alone, quiet_poll, _ = _requests(tmp_path, items, digest=False)
    with_digest, poll_after_digest, mailer = _requests(tmp_path, items, digest=True)
    assert with_digest == alone <= 4
    assert poll_after_digest == quiet_poll + 1
    [digest] = mailer.sent
    assert digest["X-Sheets-Bot-Digest"] == "2026-11-23"
