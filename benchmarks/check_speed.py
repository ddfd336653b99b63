"""How long the daily check and a quiet poll take, and how much memory, by shop size.

Prints one JSON line per size and adapter. Run with ``make bench``; not part of the tests.

Memory tracing slows Python down four- to fivefold, so each run is made twice on a fresh shop:
once timed without tracing (``check_seconds``, ``poll_seconds``: the real durations), once
under ``tracemalloc`` for the peak (``check_peak_mib``, with ``check_seconds_traced``, the
same check's duration under tracing). ``python benchmarks/check_speed.py 20000 50000`` runs
given sizes (in memory, and in a workbook up to 2,000 items).

Measured 2026-12-07 on the shared two-core machine (load average about 1 when each run
started, other helpers' work coming and going), in memory, median of 3 runs with the range
(the peak is the same every run):

    items    check s, before   check s, after   traced s, before → after   peak MiB
    20,000   7.1 (7.0-7.1)     4.2 (3.5-5.5)    30.1 → 20.9                135 → 140
    50,000   19.0 (18.3-21.7)  10.0 (9.8-11.7)  62.3 → 65.5 (61.0-66.3)    335 → 344

"Before" is main without the check's speed work (columns found per row, a
``dataclasses.replace`` per item, every ``Why`` phrased, a SQLite row per remembered cell, the
cyclic collector running). Under ``tracemalloc`` the 50,000-item check is no faster: tracing
costs per allocation, and the work removed was mostly calls, not allocations.

Measured again 2026-12-07 for the second round (load average about 2, other helpers' tests
running), main and this work run one after the other so both saw the same load, median of 3
with the range:

    items    check s, main      check s, after    peak MiB, main → after
    20,000   3.9 (3.7-4.2)      3.0 (2.9-3.4)     140 → 139
    50,000   10.7 (10.5-12.4)   7.9 (7.8-8.4)     344 → 341

and once more after merging main's policy work (which costs the check time of its own), at a
load average below 1:

    20,000   5.0 (4.9-5.1)      3.7 (3.4-3.7)
    50,000   10.6 (10.3-14.1)   8.8 (8.3-8.9)     peak 340 after; 8.2 s (7.7-10.3) in 3 more runs

What the second round removed, largest first in the profile of the 50,000-item check: the
pydantic model and the Decimals of every Stock row whose cells are plainly valid (any other
row still goes through the full validation, which locates its problems); a ``replace`` that
rebuilt every item through ``__init__`` (a plain copy of its fields now); the ranking lists of
the supplier choice for an item without Supplier items rows (its one candidate is scored
directly); the per-cell bookkeeping of written cells (blank cells and floats first, a
``CellWrite`` that is a named tuple); the remembered cells packed row by row; and in the
in-memory sheet, rows grown once per write rather than a cell at a time.

**Learned demand** (``learned_run``, one ``"case": "learned demand"`` line per size): every
item has a kept demand filter (1 to 120 days of history of every shape), saved through the
day before yesterday; the check loads it, folds yesterday into every item and saves it.
``save_ms`` is encode + write to a folder, ``load_ms`` read + decode (best of 3);
``fold_a_day_seconds`` the learning of one day for every item from the loaded state,
``learn_56_days_seconds`` every item learned from a 56-day window (what each check did before
the state was kept, and still does on the first check or after a gap). Measured 2026-12-07
on the shared two-core machine under load (load average 4 to 5: about twice a quiet
machine's times; one run each):

    items    blob      save     load     fold a day   learn 56 days   check, all learned
    20,000   1.2 MB    0.29 s   0.43 s   0.66 s       13.6 s          12.6 s
    50,000   3.0 MB    1.14 s   1.71 s   2.77 s       40.0 s          34.9 s

Of the 50,000-item check with every item learned, the learning (state, fold, forecasts) is
about a tenth; the fill-rate policy of every learned item (``evaluation``, ``fill_rate``) and
the Stock writes are the rest. Without history the kept state is empty and costs nothing:
the same 50,000-item check, in the same minute, took 37.2 s with it (3.8 s learning) and
39.6 s with the code before it (4.1 s learning); 18.0 s in a quieter minute.

Measured 2026-12-08 (a quiet machine), the 50,000-item check with every item learned, the
code before and after the check stopped phrasing every item's ``basis`` (the words that lead
an order line's ``Why``, now made only for the items it orders), run by turns: 21.8 s
(21.4-22.3) before, 19.7 s (18.0-21.5) after, median of 3. The fill-rate search of every
learned item is now the largest part (a third, under a profiler), then the Stock writes.
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sheets_bot.adapters.clock import FixedClock
from sheets_bot.adapters.local.folder_blobs import FolderBlobs
from sheets_bot.adapters.local.sqlite_store import SqliteStore
from sheets_bot.adapters.local.workbook import LocalWorkbook
from sheets_bot.domain.demand import WINDOW_DAYS, DemandDay
from sheets_bot.domain.forecast import DemandFilter
from sheets_bot.domain.history import SaleEvent
from sheets_bot.domain.learned_demand import ItemDemand, LearnedDemand, advance
from sheets_bot.ports import Cell, Grid, Sheet
from sheets_bot.services.check import run_check
from sheets_bot.services.learner_states import BlobLearnerStates, learner_key
from sheets_bot.services.poll import run_poll
from sheets_bot.services.setup import run_init
from sheets_bot.services.shop import Core
from sheets_bot.sheet.layout import STOCK, SUPPLIERS, load_layout
from sheets_bot.testing import lanes
from sheets_bot.testing.memory_learner import MemoryLearnerStates
from sheets_bot.testing.memory_live import MemorySalesLog
from sheets_bot.testing.memory_sheet import MemorySheet
from sheets_bot.testing.recording_mailer import RecordingMailer

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
SUPPLIER_COUNT = 12


def shop_rows(items: int, seed: int = 7) -> dict[str, Grid]:
    """A synthetic shop: ``items`` rows spread over a dozen suppliers, a mix of every move."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible synthetic shop, not a secret
    layout = load_layout()
    stock_headers = layout.tab(STOCK).headers
    suppliers: Grid = [
        [
            f"Supplier {n}",
            f"orders{n}@supplier.example",
            "",
            rng.choice([2, 5, 7, 14]),
            "csv",
            "yes",
        ]
        for n in range(SUPPLIER_COUNT)
    ]
    stock: Grid = []
    for n in range(items):
        daily = round(rng.uniform(0, 20), 1)
        record: dict[str, Cell] = {
            "Item": f"Item {n}",
            "SKU": f"SKU-{n:06d}",
            "Supplier": f"Supplier {n % SUPPLIER_COUNT}",
            "On hand": rng.randint(0, 400),
            "Daily sales": daily,
            "Safety buffer": rng.randint(0, 30),
            "Pack size": rng.choice([1, 6, 12]),
            "Unit cost": round(rng.uniform(0.5, 30), 2),
        }
        stock.append([record.get(header) for header in stock_headers])
    return {STOCK: stock, SUPPLIERS: suppliers}


def timed(action: Callable[[], object]) -> float:
    """Seconds ``action`` takes, without memory tracing."""
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def traced(action: Callable[[], object]) -> tuple[float, float]:
    """Seconds (slowed by the tracing) and peak MiB allocated by Python while ``action`` runs."""
    tracemalloc.start()
    try:
        seconds = timed(action)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    return seconds, peak


def shop_runs(
    adapter: str, rows: dict[str, Grid], folder: Path
) -> tuple[Callable[[], object], Callable[[], object], SqliteStore]:
    """A fresh shop in ``folder``: its check, its poll, and the store to close after."""
    store = SqliteStore(folder / "state.sqlite")

    def adapters(sheet: Sheet) -> Core:
        return lanes.core(sheet, store, FixedClock(NOW))

    if adapter == "memory":
        sheet = MemorySheet()
        run_init(sheet, sample=False)
        sheet.prepare(load_layout(), rows)
        return (
            (lambda: run_check(lanes.check_ports(adapters(sheet)))),
            (lambda: run_poll(lanes.poll_ports(adapters(sheet), RecordingMailer()))),
            store,
        )
    path = folder / "shop.xlsx"
    with LocalWorkbook(path, lock_dir=folder) as workbook:
        run_init(workbook, sample=False)
        workbook.prepare(load_layout(), rows)

    def check() -> None:
        with LocalWorkbook(path, lock_dir=folder) as workbook:
            run_check(lanes.check_ports(adapters(workbook)))

    def poll() -> None:
        with LocalWorkbook(path, lock_dir=folder) as workbook:
            run_poll(lanes.poll_ports(adapters(workbook), RecordingMailer()))

    return check, poll, store


def run(adapter: str, items: int, folder: Path) -> dict[str, object]:
    rows = shop_rows(items)
    check, poll, store = shop_runs(adapter, rows, folder / "timed")
    check_s = timed(check)
    poll_s = timed(poll)
    store.close()
    check, _, store = shop_runs(adapter, rows, folder / "traced")
    traced_s, check_mib = traced(check)
    store.close()
    return {
        "adapter": adapter,
        "items": items,
        "check_seconds": round(check_s, 3),
        "check_peak_mib": round(check_mib, 1),
        "check_seconds_traced": round(traced_s, 3),
        "poll_seconds": round(poll_s, 3),
    }


def learned_state(items: int, through: date, seed: int = 11) -> LearnedDemand:
    """Every item of ``shop_rows(items)`` with a filter of its own: 1 to 120 days of demand
    of every shape (daily, weekly, sporadic; a few stock-outs), so the numbers differ as a
    real shop's do (the blob's size depends on it)."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible synthetic history
    kept = {}
    for n in range(items):
        demand = DemandFilter()
        chance = rng.choice([1.0, 0.5, 0.15, 0.05])
        size = rng.uniform(0.5, 20)
        for _ in range(rng.randint(1, 120)):
            sold = float(rng.randint(1, max(1, round(size * 2)))) if rng.random() < chance else 0
            demand.update(sold, rng.random() < 0.02)
        kept[f"sku-{n:06d}"] = ItemDemand(through, demand)
    return LearnedDemand(through, kept)


def learned_run(items: int, folder: Path) -> dict[str, object]:
    """The learned demand of ``items`` items: its blob's size, saving and loading it in a
    folder (encode + write, read + decode; best of 3), and the in-memory check that loads it,
    folds yesterday's sales of every item in and saves it again."""
    today = NOW.date()
    state = learned_state(items, today - timedelta(days=2))
    blobs = BlobLearnerStates(FolderBlobs(folder / "blobs"), "bench")
    save_s = min(timed(lambda: blobs.save(state)) for _ in range(3))
    load_s = min(timed(blobs.load) for _ in range(3))
    data = (folder / "blobs" / learner_key("bench")).read_bytes()
    yesterday = NOW - timedelta(days=1)
    sales = MemorySalesLog()
    sales.add(
        [
            SaleEvent(f"e{n}", "shopify", f"SKU-{n:06d}", 1 + n % 5, yesterday)
            for n in range(items)
            if n % 3
        ]
    )
    sheet = MemorySheet()
    run_init(sheet, sample=False)
    sheet.prepare(load_layout(), shop_rows(items))
    store = SqliteStore(folder / "state.sqlite")
    learned = MemoryLearnerStates(data)
    ports = lanes.check_ports(
        lanes.core(sheet, store, FixedClock(NOW)), sales=sales, learned=learned
    )
    check_s = timed(lambda: run_check(ports))
    store.close()
    assert learned.saves == 1
    # the learning alone: a day folded into every kept filter, against every item learned
    # from its 56-day window (the first check, or after a gap: what each check did before)
    keys = list(state.items)
    one_day = [DemandDay(today - timedelta(days=1), 2.0)]
    window = [DemandDay(today - timedelta(days=n), float(n % 4)) for n in range(WINDOW_DAYS, 0, -1)]
    kept = BlobLearnerStates(FolderBlobs(folder / "blobs"), "bench").load()
    fold_s = timed(lambda: advance(kept, dict.fromkeys(keys, one_day), keys, today))
    reseed_s = timed(lambda: advance(None, dict.fromkeys(keys, window), keys, today))
    return {
        "case": "learned demand",
        "items": items,
        "blob_kib": round(len(data) / 1024, 1),
        "save_ms": round(save_s * 1000, 1),
        "load_ms": round(load_s * 1000, 1),
        "fold_a_day_seconds": round(fold_s, 3),
        "learn_56_days_seconds": round(reseed_s, 3),
        "check_seconds": round(check_s, 3),
    }


def main(argv: list[str]) -> None:
    sizes = [int(arg) for arg in argv] or [200, 2000, 20000, 50000]
    for adapter in ("memory", "workbook"):
        for items in sizes:
            if adapter == "workbook" and items > 2000:
                continue
            with tempfile.TemporaryDirectory() as folder:
                print(json.dumps(run(adapter, items, Path(folder))), flush=True)
    for items in sizes:
        with tempfile.TemporaryDirectory() as folder:
            print(json.dumps(learned_run(items, Path(folder))), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
