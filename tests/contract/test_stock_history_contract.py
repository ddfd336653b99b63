"""The StockHistory contract, against the blob history on a folder and on versioned S3 (moto)
and the in-memory fake: readings folded into one StockDay per item per shop day."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

import pytest
from moto import mock_aws

from sheets_bot.adapters.aws.s3_blobs import S3Blobs
from sheets_bot.adapters.local.folder_blobs import FolderBlobs
from sheets_bot.domain.history import StockDay
from sheets_bot.ports import Blobs, StockHistory
from sheets_bot.services.stock_history import BlobStockHistory, history_key
from sheets_bot.testing.learning_fakes import MemoryStockHistory
from tests.aws.moto_support import REGION, aws_session

BUCKET = "sheets-bot-test-history"
SHEET = "sheet-1"
LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


class RecordingHistory(StockHistory, Protocol):
    def record(self, reading: Mapping[str, float], at: datetime, zone: ZoneInfo) -> str: ...


def _satisfies_the_port() -> None:
    """Never called: mypy checks both are StockHistory."""
    _blob: StockHistory = BlobStockHistory(FolderBlobs(Path("b")), SHEET)
    _memory: StockHistory = MemoryStockHistory()


@pytest.fixture
def s3_blobs() -> Iterator[Blobs]:
    with mock_aws():
        client = aws_session().client("s3")
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        yield S3Blobs(client, BUCKET)


@pytest.fixture(params=["folder", "s3", "memory"])
def history(request: pytest.FixtureRequest, tmp_path: Path) -> RecordingHistory:
    if request.param == "folder":
        return BlobStockHistory(FolderBlobs(tmp_path / "blobs"), SHEET)
    if request.param == "s3":
        return BlobStockHistory(request.getfixturevalue("s3_blobs"), SHEET)
    return MemoryStockHistory()


def at(day: int, hour: int, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def test_readings_of_a_day_make_one_record_with_drops_rises_and_low(
    history: RecordingHistory,
) -> None:
    history.record({"BEAN": 20, "CUPS": 100}, at(2, 8), LONDON)
    history.record({"BEAN": 12, "CUPS": 100}, at(2, 12), LONDON)
    history.record({"BEAN": 0, "CUPS": 90}, at(2, 15), LONDON)
    history.record({"BEAN": 48, "CUPS": 85}, at(2, 17), LONDON)  # a delivery of 48

    assert history.days(date(2026, 11, 1), date(2026, 11, 30)) == [
        StockDay(date(2026, 11, 2), "BEAN", 20, 48, 0, 20, 48),
        StockDay(date(2026, 11, 2), "CUPS", 100, 85, 85, 15, 0),
    ]


def test_the_next_day_opens_at_the_last_reading_and_counts_the_overnight_change(
    history: RecordingHistory,
) -> None:
    history.record({"BEAN": 20}, at(2, 8), LONDON)
    history.record({"BEAN": 15}, at(3, 9), LONDON)

    [day2, day3] = history.days(date(2026, 11, 2), date(2026, 11, 3))

    assert day2 == StockDay(date(2026, 11, 2), "BEAN", 20, 20, 20, 0, 0)
    assert day3 == StockDay(date(2026, 11, 3), "BEAN", 20, 15, 15, 5, 0)
    assert history.days(date(2026, 11, 3), date(2026, 11, 3)) == [day3]
    assert history.days(date(2026, 10, 1), date(2026, 10, 31)) == []


def test_days_end_at_midnight_in_the_shops_timezone(history: RecordingHistory) -> None:
    history.record({"BEAN": 20}, at(3, 3), NEW_YORK)  # 22:00 on the 2nd in New York

    [record] = history.days(date(2026, 11, 1), date(2026, 11, 30))

    assert record.day == date(2026, 11, 2)


def test_the_same_reading_again_changes_nothing(history: RecordingHistory) -> None:
    history.record({"BEAN": 20}, at(2, 8), LONDON)
    history.record({"BEAN": 14}, at(2, 9), LONDON)
    history.record({"BEAN": 14}, at(2, 9), LONDON)

    [record] = history.days(date(2026, 11, 2), date(2026, 11, 2))

    assert record.drops == 6


def test_a_new_month_carries_the_last_on_hand_over(history: RecordingHistory) -> None:
    history.record({"BEAN": 20}, at(30, 18), LONDON)
    history.record({"BEAN": 11}, at(1, 9, month=12), LONDON)

    days = history.days(date(2026, 11, 30), date(2026, 12, 1))

    assert [d.day for d in days] == [date(2026, 11, 30), date(2026, 12, 1)]
    assert days[1] == StockDay(date(2026, 12, 1), "BEAN", 20, 11, 11, 9, 0)


def test_the_blob_history_keeps_one_blob_per_month(tmp_path: Path) -> None:
    blobs = FolderBlobs(tmp_path / "blobs")
    history = BlobStockHistory(blobs, SHEET)

    history.record({"BEAN": 20}, at(30, 18), LONDON)
    history.record({"BEAN": 11}, at(1, 9, month=12), LONDON)

    assert blobs.list("history/") == [
        history_key(SHEET, date(2026, 11, 1)),
        history_key(SHEET, date(2026, 12, 1)),
    ]
    assert history_key(SHEET, date(2026, 11, 1)) == "history/sheet-1/stock-days-2026-11.csv.gz"


def test_an_unreadable_month_is_named_and_the_next_change_starts_it_afresh(
    tmp_path: Path,
) -> None:
    from sheets_bot.services.stock_history import UnreadableHistory

    blobs = FolderBlobs(tmp_path / "blobs")
    history = BlobStockHistory(blobs, SHEET)
    blobs.put(history_key(SHEET, date(2026, 11, 1)), b"not gzip", "application/gzip")

    with pytest.raises(UnreadableHistory, match=r"stock-days-2026-11\.csv\.gz cannot be read"):
        history.days(date(2026, 11, 1), date(2026, 11, 30))
    history.record({"BEAN": 20}, at(2, 8), LONDON)

    assert len(history.days(date(2026, 11, 1), date(2026, 11, 30))) == 1
