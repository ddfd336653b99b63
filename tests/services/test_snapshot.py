"""drive_sync: the Stock tab snapshotted to Blobs only when it changed, on a local folder and on
versioned S3 (moto)."""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from moto import mock_aws

from sheets_bot.adapters.aws.s3_blobs import S3Blobs
from sheets_bot.adapters.local.folder_blobs import FolderBlobs
from sheets_bot.errors import SheetLayoutError
from sheets_bot.ports import Blobs, Grid
from sheets_bot.services.setup import run_init
from sheets_bot.services.snapshot import (
    compress,
    digest_key,
    run_snapshot,
    snapshot_key,
    stock_csv,
)
from sheets_bot.testing.memory_sheet import MemorySheet
from tests.aws.moto_support import REGION, aws_session

SHEET_ID = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde"
BUCKET = "sheets-bot-test-snapshots"


@pytest.fixture(params=["folder", "s3"])
def blobs(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Blobs]:
    if request.param == "folder":
        yield FolderBlobs(tmp_path / "blobs")
        return
    with mock_aws():
        client = aws_session().client("s3")
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        yield S3Blobs(client, BUCKET)


@pytest.fixture
def sheet() -> MemorySheet:
    sheet = MemorySheet()
    run_init(sheet, sample=True)
    sheet.reads = 0  # count the sync's reads only, not init's
    return sheet


def _rows(blobs: Blobs) -> list[list[str]]:
    text = gzip.decompress(blobs.get(snapshot_key(SHEET_ID))).decode("utf-8")
    return list(csv.reader(io.StringIO(text)))


def test_the_first_sync_writes_the_stock_tab(sheet: MemorySheet, blobs: Blobs) -> None:
    report = run_snapshot(sheet, blobs, SHEET_ID)

    assert report.written
    assert report.key == f"snapshots/{SHEET_ID}/stock.csv.gz"
    assert report.rows == 40
    assert report.version
    rows = _rows(blobs)
    assert rows[0][:2] == ["Item", "SKU"]
    assert rows[1][1] == "COF-ESP-1K"
    assert len(rows) == 41
    assert blobs.get(digest_key(SHEET_ID)).decode() == report.digest
    assert sheet.reads == 1


def test_an_unchanged_tab_writes_nothing(sheet: MemorySheet, blobs: Blobs) -> None:
    first = run_snapshot(sheet, blobs, SHEET_ID)
    sheet.reads = 0

    again = run_snapshot(sheet, blobs, SHEET_ID)

    assert not again.written
    assert again.version is None
    assert again.digest == first.digest
    assert sheet.reads == 1
    assert sheet.applies == 0


def test_a_changed_count_writes_a_new_snapshot(sheet: MemorySheet, blobs: Blobs) -> None:
    first = run_snapshot(sheet, blobs, SHEET_ID)
    sheet.set_cell("Stock", 2, "On hand", 3)

    second = run_snapshot(sheet, blobs, SHEET_ID)

    assert second.written
    assert second.digest != first.digest
    assert second.version != first.version
    header = _rows(blobs)[0]
    assert _rows(blobs)[1][header.index("On hand")] == "3"


def test_the_sheet_is_only_read(sheet: MemorySheet, blobs: Blobs) -> None:
    before = {tab: [list(row) for row in grid] for tab, grid in sheet.tabs.items()}

    run_snapshot(sheet, blobs, SHEET_ID)

    assert sheet.tabs == before
    assert sheet.applies == 0


def test_a_lost_digest_writes_the_snapshot_again(sheet: MemorySheet, tmp_path: Path) -> None:
    """A run that died between the snapshot and its digest: the next run writes it again."""
    blobs = FolderBlobs(tmp_path / "blobs")
    run_snapshot(sheet, blobs, SHEET_ID)
    (tmp_path / "blobs" / digest_key(SHEET_ID)).unlink()

    assert run_snapshot(sheet, blobs, SHEET_ID).written
    assert not run_snapshot(sheet, blobs, SHEET_ID).written


def test_every_change_is_a_version_in_s3(sheet: MemorySheet) -> None:
    with mock_aws():
        client = aws_session().client("s3")
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        blobs = S3Blobs(client, BUCKET)
        for on_hand in (6, 6, 5, 5, 5, 4):
            sheet.set_cell("Stock", 2, "On hand", on_hand)
            run_snapshot(sheet, blobs, SHEET_ID)

        versions = client.list_object_versions(Bucket=BUCKET, Prefix=snapshot_key(SHEET_ID))
        assert len(versions["Versions"]) == 3
        head = client.head_object(Bucket=BUCKET, Key=snapshot_key(SHEET_ID))
        assert head["ContentType"] == "application/gzip"


def test_no_stock_tab_is_named(blobs: Blobs) -> None:
    with pytest.raises(SheetLayoutError, match="no tab 'Stock'"):
        run_snapshot(MemorySheet({"Settings": [["Setting", "Value"]]}), blobs, SHEET_ID)


def test_the_same_table_gives_the_same_bytes() -> None:
    grid: Grid = [
        ["SKU", "On hand", "Note", "Paused"],
        ["A-1", 4.0, 'say "hi", then', True],
        ["B-2"],
    ]
    text = stock_csv(grid)

    assert text == 'SKU,On hand,Note,Paused\nA-1,4,"say ""hi"", then",TRUE\nB-2\n'
    assert compress(text) == compress(text)
    assert gzip.decompress(compress(text)).decode() == text


# --- the stock history the learning reads --------------------------------------------------


def test_a_changed_snapshot_is_folded_into_the_month_history(
    sheet: MemorySheet, blobs: Blobs
) -> None:
    from datetime import UTC, date, datetime

    from sheets_bot.services.stock_history import BlobStockHistory, history_key

    sheet.set_cell("Stock", 2, "On hand", 6)
    first = run_snapshot(sheet, blobs, SHEET_ID, now=datetime(2026, 11, 2, 8, tzinfo=UTC))
    sheet.set_cell("Stock", 2, "On hand", 2)
    run_snapshot(sheet, blobs, SHEET_ID, now=datetime(2026, 11, 2, 12, tzinfo=UTC))
    sheet.reads = 0
    quiet = run_snapshot(sheet, blobs, SHEET_ID, now=datetime(2026, 11, 2, 13, tzinfo=UTC))

    assert first.history == history_key(SHEET_ID, date(2026, 11, 1))
    assert not quiet.written
    assert quiet.history is None
    assert sheet.reads == 1  # Stock and Settings in one read
    days = BlobStockHistory(blobs, SHEET_ID).days(date(2026, 11, 2), date(2026, 11, 2))
    assert len(days) == 40
    espresso = next(day for day in days if day.sku == "COF-ESP-1K")
    assert (espresso.opening, espresso.closing, espresso.drops) == (6, 2, 4)


def test_the_day_is_the_shops_day_from_settings_or_the_deployment(
    sheet: MemorySheet, blobs: Blobs
) -> None:
    from datetime import UTC, date, datetime

    from sheets_bot.services.stock_history import BlobStockHistory

    late = datetime(2026, 11, 3, 3, tzinfo=UTC)  # 22:00 on the 2nd in New York
    run_snapshot(sheet, blobs, SHEET_ID, now=late, timezone="America/New_York")
    history = BlobStockHistory(blobs, SHEET_ID)

    assert {day.day for day in history.days(date(2026, 11, 1), date(2026, 11, 30))} == {
        date(2026, 11, 2)
    }
