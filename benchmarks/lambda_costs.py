"""What each Lambda handler costs to run, measured: durations, requests and memory at 200 and
2,000 items, written to ``sheets_bot/cost/measurements.json`` for ``sheets-bot cost``.

Each handler runs as Lambda runs it (``tests/lambdas/cloud_world.py``): moto for DynamoDB, S3,
SES, Secrets Manager and Scheduler; real gspread and google-auth against the fake Sheets API,
with ``SHEETS_LATENCY`` seconds added to every Sheets request (a Google round trip from
us-east-1 including the server's own time; Google typically answers a values.batchGet in
100-300 ms). A day is scripted per size: snapshots (changed and unchanged), the daily check,
quiet polls, a poll that sends a PO, cold starts in a new container, and on the 1st the
monthly summary (in a new container: it runs once a month).

Per run it records:

* ``bot_s``: the handler's own time on this machine (wall time less the time inside the fakes);
  Lambda at 256 MB has about a seventh of a vCPU, and the cost model scales this part;
* ``sheets_s``: time inside the Sheets API (added latency plus the fake's serving time), and
  ``aws_s``: time inside moto, both waits that do not scale with CPU;
* requests by service, DynamoDB read and write units (from item and response sizes), S3 gets
  and puts, emails, schedules, log bytes;
* ``peak_mb``: peak Python allocation during the run (tracemalloc, in a second identical run so
  tracing does not slow the timed one).

Cold starts: the import of each handler module and of the Google modules its first call loads,
in a fresh interpreter (median of 5), and the resident memory after it (``baseline_rss_mb``).

Run with ``make bench`` or ``python benchmarks/lambda_costs.py [--out PATH]``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any, Final

if __package__ in (None, ""):  # run as `python benchmarks/lambda_costs.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from moto.core.botocore_stubber import BotocoreStubber

from benchmarks.check_speed import shop_rows
from lambdas import daily_check, drive_sync, monthly_summary, poll_decisions
from sheets_bot.cost.model import MEASUREMENTS, template_deployment
from tests.lambdas.cloud_world import CloudWorld, cloud_world

ROOT: Final = Path(__file__).resolve().parent.parent
SIZES: Final = (200, 2000)
SHEETS_LATENCY: Final = 0.2
"""Seconds added to every Sheets API request."""
QUIET_POLLS: Final = 5
DAY: Final = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)
FIRST_OF_MONTH: Final = datetime(2026, 12, 1, 7, 30, tzinfo=UTC)
PLATFORM_LOG_BYTES: Final = 420
"""Lambda's own START, END and REPORT lines per invocation (text format), roughly."""

_READS: Final = {"GetItem", "Query", "BatchGetItem", "Scan"}
_WRITES: Final = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}


@dataclass
class AwsMeter:
    seconds: float = 0.0
    requests: Counter[str] = field(default_factory=Counter)
    rru: float = 0.0
    wru: float = 0.0
    email_bytes: int = 0


@contextlib.contextmanager
def metering_aws(meter: AwsMeter) -> Iterator[None]:
    """Time and count every request moto answers; estimate DynamoDB capacity units from
    request and response sizes (strongly consistent reads: 4 KB a unit; writes 1 KB, twice in
    a transaction)."""
    original: Callable[..., Any] = BotocoreStubber.process_request

    def metered(self: BotocoreStubber, request: Any) -> Any:
        started = time.perf_counter()
        response = original(self, request)
        meter.seconds += time.perf_counter() - started
        netloc = request.url.split("//", 1)[1].split("/", 1)[0]
        host = "s3" if netloc.startswith("s3.") or ".s3." in netloc else netloc.split(".")[0]
        target = str(request.headers.get("X-Amz-Target", b"") or "")
        operation = target.split(".", 1)[1].strip("'") if "." in target else request.method
        meter.requests[f"{host}:{operation}"] += 1
        body = request.body or b""
        if host == "dynamodb" and response is not None:
            sent = len(body)
            received = len(response[2] or b"")
            if operation in _READS:
                meter.rru += max(1, math.ceil(received / 4096))
            elif operation in _WRITES:
                units = max(1, math.ceil(sent / 1024))
                meter.wru += units * (2 if operation == "TransactWriteItems" else 1)
        if host == "email":
            meter.email_bytes += len(body)
        return response

    BotocoreStubber.process_request = metered  # type: ignore[method-assign]
    try:
        yield
    finally:
        BotocoreStubber.process_request = original  # type: ignore[method-assign]


@dataclass
class Sample:
    wall_s: float
    bot_s: float
    sheets_s: float
    aws_s: float
    sheets_requests: int
    sheets_bytes_sent: int
    aws_requests: dict[str, int]
    dynamodb_rru: float
    dynamodb_wru: float
    s3_gets: int
    s3_puts: int
    emails: int
    email_bytes: int
    schedules: int
    log_bytes: int
    snapshot_bytes: int = 0
    peak_mb: float = 0.0


def invoke(world: CloudWorld, module: ModuleType, event: dict[str, Any] | None = None) -> Sample:
    meter = AwsMeter()
    world.sheets.requests = world.sheets.bytes_sent = 0
    world.sheets.seconds = 0.0
    logged = io.StringIO()
    handler = module.logger.registered_handler
    stream = handler.setStream(logged)
    try:
        with metering_aws(meter):
            started = time.perf_counter()
            result = world.invoke(module, event)
            wall = time.perf_counter() - started
    finally:
        handler.setStream(stream)
    requests = dict(meter.requests)
    return Sample(
        wall_s=wall,
        bot_s=max(wall - world.sheets.seconds - meter.seconds, 0.0),
        sheets_s=world.sheets.seconds,
        aws_s=meter.seconds,
        sheets_requests=world.sheets.requests,
        sheets_bytes_sent=world.sheets.bytes_sent,
        aws_requests=requests,
        dynamodb_rru=meter.rru,
        dynamodb_wru=meter.wru,
        s3_gets=sum(n for k, n in requests.items() if k.startswith("s3") and k.endswith("GET")),
        s3_puts=sum(n for k, n in requests.items() if k.startswith("s3") and k.endswith("PUT")),
        emails=sum(n for k, n in requests.items() if k.startswith("email")),
        email_bytes=meter.email_bytes,
        schedules=sum(n for k, n in requests.items() if k.startswith("scheduler")),
        log_bytes=len(logged.getvalue().encode()) + PLATFORM_LOG_BYTES,
        snapshot_bytes=int(result.get("bytes") or 0),
    )


def median_sample(samples: list[Sample]) -> Sample:
    return sorted(samples, key=lambda sample: sample.wall_s)[len(samples) // 2]


def scripted_day(items: int, *, traced: bool) -> dict[str, Sample]:
    """The runs of one day at ``items``; with ``traced``, their peak allocations instead."""
    runs: dict[str, Sample] = {}
    with cloud_world(rows=shop_rows(items), sheets_latency=SHEETS_LATENCY, now=DAY) as world:

        def run(name: str, module: ModuleType, event: dict[str, Any] | None = None) -> Sample:
            if traced:
                tracemalloc.start()
                tracemalloc.reset_peak()
            sample = invoke(world, module, event)
            if traced:
                sample.peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
                tracemalloc.stop()
            runs[name] = sample
            return sample

        world.new_container(fresh_session=True)
        run("drive_sync_cold", drive_sync)
        unchanged = [run("drive_sync_unchanged", drive_sync) for _ in range(3)]
        runs["drive_sync_unchanged"] = median_sample(unchanged)
        world.owner.set_cell("Stock", 2, "On hand", 1)
        run("drive_sync_changed", drive_sync)
        world.new_container(fresh_session=True)
        run("daily_check_cold", daily_check)
        world.at(DAY.replace(hour=8))
        run("daily_check", daily_check)
        world.at(DAY.replace(hour=9))
        quiet = [run("poll_quiet", poll_decisions) for _ in range(QUIET_POLLS)]
        runs["poll_quiet"] = median_sample(quiet)
        world.approve(world.drafts()[0])
        world.at(DAY.replace(hour=10))
        run("poll_send", poll_decisions)
        world.at(DAY.replace(hour=11))
        world.new_container(fresh_session=True)
        run("poll_cold", poll_decisions)
        world.at(FIRST_OF_MONTH)
        world.new_container(fresh_session=True)
        run("monthly_summary", monthly_summary)
    return runs


_IMPORT_PROBE: Final = """
import json, time
started = time.perf_counter()
import {module}
handler_done = time.perf_counter()
import sheets_bot.adapters.google.sheet, sheets_bot.adapters.google.credentials
import sheets_bot.adapters.google.client
done = time.perf_counter()
with open("/proc/self/status") as status:  # VmHWM: this process's peak since exec
    peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({{"handler_import_s": handler_done - started, "first_call_imports_s":
    done - handler_done, "rss_mb": peak_kb / 1024}}))
"""


def cold_imports(module: str, repeat: int = 5) -> dict[str, float]:
    """Import times and resident memory of a fresh interpreter loading ``module``."""
    results = []
    for _ in range(repeat):
        output = subprocess.run(  # noqa: S603 - our interpreter, our probe
            [sys.executable, "-c", _IMPORT_PROBE.format(module=module)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout
        results.append(json.loads(output))
    return {
        key: round(statistics.median(result[key] for result in results), 3) for key in results[0]
    }


def _rounded(sample: Sample) -> dict[str, Any]:
    return {
        key: round(value, 4) if isinstance(value, float) else value
        for key, value in asdict(sample).items()
    }


def measure() -> dict[str, Any]:
    deployment = template_deployment(ROOT / "infra" / "template.yaml")
    sizes: dict[str, Any] = {}
    for items in SIZES:
        timed = scripted_day(items, traced=False)
        traced = scripted_day(items, traced=True)
        for name, sample in timed.items():
            sample.peak_mb = traced[name].peak_mb
        sizes[str(items)] = {name: _rounded(sample) for name, sample in timed.items()}
        print(
            json.dumps(
                {
                    "items": items,
                    **{
                        name: {"wall_s": round(s.wall_s, 3), "bot_s": round(s.bot_s, 3)}
                        for name, s in timed.items()
                    },
                }
            ),
            flush=True,
        )
    cold = {
        name: cold_imports(f"lambdas.{name}")
        for name in ("daily_check", "drive_sync", "poll_decisions", "monthly_summary")
    }
    print(json.dumps({"cold_imports": cold}), flush=True)
    poller = cold["poll_decisions"]["handler_import_s"]
    print(f"poller cold import {poller * 1000:.0f} ms on this machine (bar: 400 ms)", flush=True)
    return {
        "measured_on": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        "python": platform.python_version(),
        "sheets_latency_s": SHEETS_LATENCY,
        "platform_log_bytes": PLATFORM_LOG_BYTES,
        "deployment": deployment.to_json(),
        "cold_imports": cold,
        "sizes": sizes,
    }


def measure_runs(names: list[str], previous: dict[str, Any]) -> dict[str, Any]:
    """``previous`` with only the runs ``names`` (and their functions' cold imports and the
    deployment) measured anew: for adding a function without re-measuring the others."""
    data: dict[str, Any] = json.loads(json.dumps(previous))
    data["deployment"] = template_deployment(ROOT / "infra" / "template.yaml").to_json()
    for items in SIZES:
        timed = scripted_day(items, traced=False)
        traced = scripted_day(items, traced=True)
        for name in names:
            timed[name].peak_mb = traced[name].peak_mb
            data["sizes"][str(items)][name] = _rounded(timed[name])
    for name in names:
        data["cold_imports"][name] = cold_imports(f"lambdas.{name}")
    return data


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MEASUREMENTS, help="where to write")
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="RUN",
        help="measure only these runs (named as their function), keep the rest of --out",
    )
    args = parser.parse_args(argv)
    if args.only:
        data = measure_runs(args.only, json.loads(args.out.read_text(encoding="utf-8")))
    else:
        data = measure()
    args.out.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main(sys.argv[1:])
