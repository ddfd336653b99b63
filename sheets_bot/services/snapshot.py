"""``drive_sync``: a snapshot of the Stock tab in ``Blobs``, written only when it changed.

On AWS the blobs are an S3 bucket with versioning, so the one key per sheet,
``snapshots/<sheet id>/stock.csv.gz``, accumulates a version per change: the stock history later
issues learn sales rates from. A quiet shop costs one ``Sheet.read`` and one small blob read
every 15 minutes, and nothing is written:

1. read the Stock tab (one ``Sheet.read`` of one tab);
2. render it as CSV (every cell as the sheet shows it, trailing blanks trimmed) and take the
   SHA-256 of that text;
3. compare with the digest kept beside the snapshot (``stock.sha256``, a 64-byte blob);
4. if they differ, put the gzipped CSV, then the new digest.

Put in that order, a run that dies between the two leaves the old digest, and the next run
writes the same snapshot again: a duplicate version, never a missed one. The gzip stream has no
timestamp or file name in it, so the same table always gives the same bytes.

Given the time of the run (``now``), a changed snapshot is also folded into the per-month stock
history (``services.stock_history``: one more GET and PUT, before the snapshot is put), which
the learning reads as ``StockDay`` records. Days end at midnight in the shop's timezone: the
deployment's on AWS, the Settings tab's (read in the same request) locally. A changed run then
costs 1 sheet read, 2 GETs (the digest, this month's history; 3 on a month's first change)
and 3 PUTs (history, snapshot, digest); a quiet run is unchanged: 1 sheet read and 1 GET.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Final
from zoneinfo import ZoneInfo

from sheets_bot.errors import SheetLayoutError
from sheets_bot.ports import Blobs, Cell, Grid, Sheet
from sheets_bot.services.stock_history import BlobStockHistory, on_hand_reading
from sheets_bot.sheet.layout import SETTINGS, STOCK, load_layout
from sheets_bot.sheet.settings import read_settings
from sheets_bot.sheet.table import Table

CONTENT_TYPE: Final = "application/gzip"
"""The snapshot blob: gzip of UTF-8 CSV (``.csv.gz``)."""
DIGEST_TYPE: Final = "text/plain; charset=us-ascii"


def snapshot_key(sheet_id: str) -> str:
    """Where the snapshots of ``sheet_id``'s Stock tab go: one key, a version per change."""
    return f"snapshots/{sheet_id}/stock.csv.gz"


def digest_key(sheet_id: str) -> str:
    """The SHA-256 of the last snapshot's CSV, beside it."""
    return f"snapshots/{sheet_id}/stock.sha256"


@dataclass(frozen=True)
class SnapshotReport:
    key: str
    written: bool
    """False when the Stock tab is as it was at the last snapshot."""
    rows: int
    """Data rows below the header."""
    digest: str
    version: str | None = None
    """The version id of the snapshot written (S3's), ``None`` when nothing was written."""
    size: int = 0
    """Bytes of the gzipped snapshot."""
    history: str | None = None
    """The stock-history blob the change was folded into, if any."""


def _cell_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def stock_csv(grid: Grid) -> str:
    """The tab as CSV text: one line per row, cells as plain text, ``\\n`` line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in grid:
        writer.writerow([_cell_text(value) for value in row])
    return out.getvalue()


def compress(text: str) -> bytes:
    """gzip with no time or name in the header: the same text, the same bytes."""
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def _settings_zone(grid: Grid | None) -> ZoneInfo:
    """The Settings tab's timezone; UTC when the tab is missing or cannot be read."""
    try:
        settings, _ = read_settings(Table.from_grid(load_layout().tab(SETTINGS), grid))
    except SheetLayoutError:
        return ZoneInfo("UTC")
    return ZoneInfo(settings.timezone)


def run_snapshot(
    sheet: Sheet,
    blobs: Blobs,
    sheet_id: str,
    *,
    now: datetime | None = None,
    timezone: str | None = None,
) -> SnapshotReport:
    """Snapshot ``sheet``'s Stock tab into ``blobs`` if it changed since the last one; with
    ``now``, fold the change into the stock history too (days in ``timezone``, or the Settings
    tab's when it is ``None``)."""
    wants_settings = now is not None and timezone is None
    grids = sheet.read([STOCK, SETTINGS] if wants_settings else [STOCK])
    grid = grids.get(STOCK)
    if grid is None:
        raise SheetLayoutError(STOCK, None)
    text = stock_csv(grid)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    key = snapshot_key(sheet_id)
    rows = max(len(grid) - 1, 0)
    try:
        last = blobs.get(digest_key(sheet_id)).decode("ascii", errors="replace").strip()
    except KeyError:
        last = ""
    if last == digest:
        return SnapshotReport(key=key, written=False, rows=rows, digest=digest)
    history = None
    if now is not None:
        zone = ZoneInfo(timezone) if timezone else _settings_zone(grids.get(SETTINGS))
        history = BlobStockHistory(blobs, sheet_id).record(on_hand_reading(grid), now, zone)
    data = compress(text)
    version = blobs.put(key, data, CONTENT_TYPE)
    blobs.put(digest_key(sheet_id), digest.encode("ascii"), DIGEST_TYPE)
    return SnapshotReport(
        key=key,
        written=True,
        rows=rows,
        digest=digest,
        version=version,
        size=len(data),
        history=history,
    )
