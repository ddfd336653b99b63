"""A busy Saturday on loopback: 10,000 POS webhook events in bursts, the poller applying them.

``sheets-bot serve``'s server (``make_server``) on 127.0.0.1 with the POS webhook over the local
SQLite state; client threads send signed Shopify ``orders/create`` webhooks in bursts, one burst
per simulated minute, with replays (the POS retrying) and forged ones mixed in; meanwhile the
poller runs every 5 simulated minutes, as the schedule does, against a Google Sheet on the fake
Sheets API (real gspread) or the memory sheet. At the end every Stock ``On hand`` must equal its
start minus exactly the units of the accepted sales (each applied once, none lost, replays
ignored), and no simulated minute may have more than one Sheets write.

Prints one JSON object: events, webhook latencies (p50, p99, max), events per second, polls,
Sheets requests and the most writes in any minute. Run with ``make bench``; ``tests/live/
test_webhook_load.py`` runs a smaller load with the same checks.
"""

from __future__ import annotations

import json
import logging
import random
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as `python benchmarks/webhook_load.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sheets_bot.adapters.clock import FixedClock
from sheets_bot.adapters.local.sqlite_live import SqliteClaims, SqliteReceiptLog, SqliteSalesLog
from sheets_bot.adapters.local.sqlite_store import SqliteStore
from sheets_bot.ports import CellWrite, Grid, SeedRows, Sheet, SheetBatch
from sheets_bot.services.lanes import PollPorts
from sheets_bot.services.poll import run_poll
from sheets_bot.services.setup import run_init
from sheets_bot.sheet.layout import Layout
from sheets_bot.sheet.table import cell_text
from sheets_bot.testing import lanes
from sheets_bot.testing.fake_sheets_api import FakeSheetsApi
from sheets_bot.testing.google_sheet_owner import FakeSheetOwner, fake_google_sheet
from sheets_bot.testing.memory_sheet import MemorySheet
from sheets_bot.testing.recording_mailer import RecordingMailer
from sheets_bot.web.pos_webhook import PosSecrets, pos_webhook_app
from sheets_bot.web.server import make_server
from sheets_bot.web.signatures import shopify_signature

SECRET = b"load-test-shopify-secret"
START = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
STOCK_START = 1_000_000
POLL_EVERY_MINUTES = 5


@dataclass
class LoadResult:
    events: int
    accepted: int
    replays: int
    forged_refused: int
    latencies: list[float] = field(repr=False)
    seconds: float
    polls: int
    sheets_requests: int
    most_writes_in_a_minute: int
    mismatched_items: list[str]
    applied_events: int
    unapplied_left: int

    def summary(self) -> dict[str, object]:
        ordered = sorted(self.latencies)
        return {
            "events": self.events,
            "accepted": self.accepted,
            "replays_ignored": self.replays,
            "forged_refused": self.forged_refused,
            "webhook_p50_ms": round(statistics.median(ordered) * 1000, 1),
            "webhook_p99_ms": round(ordered[int(len(ordered) * 0.99) - 1] * 1000, 1),
            "webhook_max_ms": round(ordered[-1] * 1000, 1),
            "events_per_second": round(self.events / self.seconds),
            "polls": self.polls,
            "sheets_requests": self.sheets_requests,
            "most_sheets_writes_in_a_minute": self.most_writes_in_a_minute,
            "applied_events": self.applied_events,
            "unapplied_left": self.unapplied_left,
            "items_off": len(self.mismatched_items),
        }


@dataclass(frozen=True)
class Webhook:
    body: bytes
    signature: str
    sku: str
    quantity: int


def _webhooks(count: int, skus: list[str], rng: random.Random) -> list[Webhook]:
    hooks = []
    for n in range(count):
        sku = rng.choice(skus)
        quantity = rng.randint(1, 3)
        at = START - timedelta(seconds=count - n)  # sold just before the load: never ahead
        order = {
            "id": 5_000_000_000 + n,
            "created_at": at.isoformat(),
            "processed_at": at.isoformat(),
            "source_name": "pos",
            "line_items": [
                {"id": 9_000_000_000 + n, "sku": sku, "quantity": quantity, "price": "4.20"}
            ],
        }
        body = json.dumps(order, separators=(",", ":")).encode()
        hooks.append(Webhook(body, shopify_signature(SECRET, body), sku, quantity))
    return hooks


def _post(url: str, hook: Webhook, *, forged: bool = False) -> tuple[int, int, float]:
    """(status, events the buffer had seen already, seconds)."""
    signature = "Zm9yZ2Vk" if forged else hook.signature
    request = urllib.request.Request(  # noqa: S310 - loopback, a URL we built
        url,
        data=hook.body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Shopify-Topic": "orders/create",
            "X-Shopify-Hmac-Sha256": signature,
        },
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            answer = json.loads(response.read())
            return int(response.status), int(answer["ignored"]), time.perf_counter() - started
    except urllib.error.HTTPError as error:
        return error.code, 0, time.perf_counter() - started


class _CountingSheet:
    """Wraps the sheet: which simulated minute each write fell in."""

    def __init__(self, inner: Sheet, minute: Callable[[], int]) -> None:
        self.inner = inner
        self.minute = minute
        self.writes: Counter[int] = Counter()

    @property
    def location(self) -> str:
        return self.inner.location

    def read(self, tabs: Sequence[str], *, append_only: Sequence[str] = ()) -> Mapping[str, Grid]:
        return self.inner.read(tabs, append_only=append_only)

    def apply(self, batch: SheetBatch) -> None:
        self.writes[self.minute()] += 1
        self.inner.apply(batch)

    def prepare(self, layout: Layout, rows: Mapping[str, SeedRows]) -> None:
        self.inner.prepare(layout, rows)


@contextmanager
def _sheet(
    kind: str,
) -> Iterator[tuple[Callable[[], Sheet], Callable[[], dict[str, float]], Callable[[], int]]]:
    """(a sheet for one run, the Stock On hand by SKU, Sheets requests so far)."""
    if kind == "memory":
        memory = MemorySheet()
        run_init(memory, sample=True)

        def on_hand_memory() -> dict[str, float]:
            return {str(r["SKU"]): float(cell_text(r["On hand"])) for r in memory.records("Stock")}

        yield (lambda: memory), on_hand_memory, lambda: memory.reads + memory.applies
        return
    with FakeSheetsApi.running(history=2) as fake:
        key = fake.create_spreadsheet("Busy café")
        run_init(fake_google_sheet(fake, key), sample=True)
        owner = FakeSheetOwner(fake, key)

        def on_hand_google() -> dict[str, float]:
            return {str(r["SKU"]): float(cell_text(r["On hand"])) for r in owner.records("Stock")}

        fake.reset_counts()
        yield (lambda: fake_google_sheet(fake, key)), on_hand_google, lambda: fake.total


def run_load(
    folder: Path,
    *,
    events: int = 10_000,
    bursts: int = 20,
    workers: int = 16,
    replay_share: float = 0.05,
    forged_share: float = 0.01,
    sheet: str = "google",
    seed: int = 7,
) -> LoadResult:
    rng = random.Random(seed)  # noqa: S311 - a seeded load, not a secret
    store = SqliteStore(folder / "sheets-bot.sqlite")
    sales = SqliteSalesLog(store)
    clock = FixedClock(START)
    minute = [0]
    with _sheet(sheet) as (open_sheet, on_hand, requests_so_far):
        skus = sorted(on_hand())
        first = open_sheet()
        grid = first.read(["Stock"])["Stock"]
        header = [cell_text(v) for v in grid[0]]
        column = header.index("On hand") + 1
        first.apply(
            SheetBatch(
                writes=[
                    CellWrite("Stock", row, column, STOCK_START) for row in range(2, len(grid) + 1)
                ]
            )
        )
        start_levels = on_hand()
        hooks = _webhooks(events, skus, rng)
        counting: list[_CountingSheet] = []

        def adapters() -> PollPorts:
            wrapped = _CountingSheet(open_sheet(), lambda: minute[0])
            counting.append(wrapped)
            return lanes.poll_ports(
                lanes.core(wrapped, store, clock),
                RecordingMailer(),
                sales=sales,
                receipts=SqliteReceiptLog(store),
                claims=SqliteClaims(store),
            )

        server = make_server({"/pos": pos_webhook_app(PosSecrets(SECRET), sales, clock)}, port=0)
        url = f"http://127.0.0.1:{server.server_address[1]}/pos/shopify"
        serving = threading.Thread(target=server.serve_forever, daemon=True)
        serving.start()
        base_requests = requests_so_far()
        polls = 0
        latencies: list[float] = []
        replays = 0
        statuses: Counter[int] = Counter()
        poll_errors: list[BaseException] = []

        def poll_now() -> None:
            nonlocal polls
            try:
                run_poll(adapters())
                polls += 1
            except BaseException as error:  # reported after the load
                poll_errors.append(error)

        started = time.perf_counter()
        per_burst = events // bursts
        poller: threading.Thread | None = None
        try:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                for burst in range(bursts):
                    chunk = hooks[burst * per_burst : (burst + 1) * per_burst]
                    sends: list[tuple[Webhook, bool]] = [(h, False) for h in chunk]
                    sends += [(h, False) for h in rng.sample(chunk, int(len(chunk) * replay_share))]
                    sends += [(h, True) for h in rng.sample(chunk, int(len(chunk) * forged_share))]
                    rng.shuffle(sends)
                    for status, ignored, seconds in pool.map(
                        lambda s: _post(url, s[0], forged=s[1]), sends
                    ):
                        statuses[status] += 1
                        replays += ignored
                        latencies.append(seconds)
                    minute[0] += 1
                    clock.advance(minutes=1)
                    if minute[0] % POLL_EVERY_MINUTES == 0:
                        if poller is not None:
                            poller.join()
                        poller = threading.Thread(target=poll_now)
                        poller.start()  # runs while the next burst arrives
            if poller is not None:
                poller.join()
            minute[0] += POLL_EVERY_MINUTES
            clock.advance(minutes=POLL_EVERY_MINUTES)
            poll_now()
        finally:
            server.shutdown()
            server.server_close()
        seconds = time.perf_counter() - started
        if poll_errors:
            raise poll_errors[0]
        sold: Counter[str] = Counter()
        for hook in hooks:
            sold[hook.sku] += hook.quantity
        levels = on_hand()
        mismatched = [
            f"{sku}: {levels[sku]} != {start_levels[sku] - sold[sku]}"
            for sku in skus
            if levels[sku] != start_levels[sku] - sold[sku]
        ]
        writes: Counter[int] = Counter()
        for wrapped in counting:
            writes.update(wrapped.writes)
        result = LoadResult(
            events=events,
            accepted=statuses[200] - replays,
            replays=replays,
            forged_refused=statuses[401],
            latencies=latencies,
            seconds=seconds,
            polls=polls,
            sheets_requests=requests_so_far() - base_requests,
            most_writes_in_a_minute=max(writes.values(), default=0),
            mismatched_items=mismatched,
            applied_events=len(sales.since(START - timedelta(days=1))) - len(sales.unapplied()),
            unapplied_left=len(sales.unapplied()),
        )
    store.close()
    return result


def main() -> None:
    # A refused webhook logs a warning each; the forged ones are part of the load.
    logging.getLogger("sheets_bot.web.pos").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as folder:
        result = run_load(Path(folder))
    print(json.dumps(result.summary()))
    assert result.mismatched_items == [], result.mismatched_items[:5]
    assert result.applied_events == result.events
    assert result.most_writes_in_a_minute <= 1


if __name__ == "__main__":
    main()
