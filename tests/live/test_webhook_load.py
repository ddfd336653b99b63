"""The load test, smaller: 1,000 webhook events in bursts on loopback, the poller applying them
every 5 simulated minutes to a Google Sheet on the fake Sheets API. ``make bench`` runs the
10,000-event version (``benchmarks/webhook_load.py``)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from benchmarks.webhook_load import run_load


@pytest.mark.parametrize("sheet", ["google", "memory"])
def test_every_sale_is_applied_once_with_at_most_one_sheets_write_a_minute(
    tmp_path: Path, sheet: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, "sheets_bot.web.pos")

    result = run_load(tmp_path, events=1_000, bursts=10, workers=8, sheet=sheet)

    assert result.accepted == 1_000
    assert result.replays == 50
    assert result.forged_refused == 10
    assert result.mismatched_items == []
    assert (result.applied_events, result.unapplied_left) == (1_000, 0)
    assert result.polls == 3
    assert result.most_writes_in_a_minute == 1
    assert result.sheets_requests <= 3 * 4
