"""What each Lambda handler costs to run, measured: durations, requests and memory at 200 and
2,000 items, written to ``sheets_bot/cost/measurements.json`` for ``sheets-bot cost``.

Each handler runs as Lambda runs it (``tests/lambdas/cloud_world.py``): moto for DynamoDB, S3,
SES, Secrets Manager and Scheduler; real gspread and google-auth against the fake Sheets API,
with ``SHEETS_LATENCY`` seconds added to every Sheets request (a Google round trip from
us-east-1 including the server's own time; Google typically answers a values.batchGet in
100-300 ms). A day is scripted per size: snapshots (changed and unchanged), the daily check,
the digest (sent by the daily check), quiet polls, a click on the digest's Approve link (the
page, then its button), POS webhooks (as many as one poll gathers at that size:
``pos_events_per_poll``, from the model's ``Usage``) and the poll that applies them, the poll
that sends the PO, the supplier's confirmation click and the poll that claims it, a receiving on the
Orders tab and the poll that applies it, a forwarded count through the email intake, cold
starts in a new container, and on the 1st the monthly summary (in a new container: it runs
once a month).

The machine may be loaded (other builds share its two cores): every repeated run is measured
several times and the median kept, and the whole day is run ``--repeat`` times (default 3) and
the median of each metric kept.

Per run it records:

* ``bot_s``: the handler's own time on this machine (wall time less the time inside the fakes);
  Lambda at 256 MB has about a seventh of a vCPU, and the cost model scales this part;
* ``sheets_s``: time inside the Sheets API (added latency plus the fake's serving time), and
  ``aws_s``: time inside moto, both waits that do not scale with CPU;
* requests by service, DynamoDB read and write units (from item and response sizes) and the
  write units of the tables' indexes (which moto does not bill: ``index_units``), S3 gets and
  puts, SQS requests, emails, schedules, log bytes;
* ``peak_mb``: peak Python allocation during the run (tracemalloc, in a second identical run so
  tracing does not slow the timed one).

Cold starts: the import of each handler module and of the Google modules its first call loads,
in a fresh interpreter (median of ``--imports``, default 7), and the resident memory after it
(``rss_mb``). The poller's import is printed against its 400 ms bar.

Run with ``make bench`` or ``python benchmarks/lambda_costs.py [--out PATH]``.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import io
import json
import math
import platform
import re
import statistics
import subprocess
import sys
import time
import tracemalloc
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any, Final
from urllib.parse import parse_qs, urlsplit

if __package__ in (None, ""):  # run as `python benchmarks/lambda_costs.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from moto.core.botocore_stubber import BotocoreStubber
from pydantic import SecretStr

from benchmarks.check_speed import shop_rows
from lambdas import (
    daily_check,
    decision_link,
    drive_sync,
    inbound_email,
    monthly_summary,
    poll_decisions,
    pos_webhook,
    supplier_confirm,
)
from lambdas.ses_events import INBOUND_PREFIX
from sheets_bot.adapters.aws import web_wiring
from sheets_bot.adapters.aws.tables import TableNames, table_definitions
from sheets_bot.adapters.aws.web_wiring import PUBLIC_LANES, WebSettings, WebWiring
from sheets_bot.cost.model import FUNCTIONS, MEASUREMENTS, Usage, template_deployment
from sheets_bot.sheet.layout import ORDERS
from tests.aws.moto_support import REGION, aws_session
from tests.email.mail import forward
from tests.lambdas.cloud_world import BUCKET, PREFIX, CloudWorld, cloud_world
from tests.lambdas.test_inbound_email import SES_EVENT
from tests.live.pos_bodies import SHOPIFY_SECRET, shopify_order, shopify_request

ROOT: Final = Path(__file__).resolve().parent.parent
SIZES: Final = (200, 2000)
SHEETS_LATENCY: Final = 0.2
"""Seconds added to every Sheets API request."""
QUIET_POLLS: Final = 5
DAY: Final = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)
FIRST_OF_MONTH: Final = datetime(2026, 12, 1, 7, 30, tzinfo=UTC)
PLATFORM_LOG_BYTES: Final = 420
DOMAIN: Final = "abcdefgh.lambda-url.us-east-1.on.aws"
LIVE: Final = TableNames.with_prefix(PREFIX).live
WARM_REPEATS: Final = 3
"""Warm runs of each per-event function; the median is kept."""
COUNTED_LINES: Final = 20
"""Lines in the forwarded stock count."""
"""Lambda's own START, END and REPORT lines per invocation (text format), roughly."""

_READS: Final = {"GetItem", "Query", "BatchGetItem", "Scan"}
_WRITES: Final = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}


_INDEXES: Final = {
    definition["TableName"]: [
        (index["KeySchema"][0]["AttributeName"], index["Projection"].get("ProjectionType", "ALL"))
        for index in definition.get("GlobalSecondaryIndexes", [])
    ]
    for definition in table_definitions(TableNames.with_prefix(PREFIX))
}
"""Per table, its global secondary indexes: (hash key attribute, projection)."""
_IN_AN_ALL_INDEX: Final = {
    TableNames.with_prefix(PREFIX).live: "sale",
    TableNames.with_prefix(PREFIX).ledger: "po#",
}
"""Per table, the key prefix of the items in its ALL-projection index (sale events, PO
records): any write of one writes that index too."""


def _writes(operation: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    """The single-item writes in a DynamoDB write request."""
    if operation == "TransactWriteItems":
        return [
            entry[kind]
            for entry in body.get("TransactItems", [])
            for kind in ("Put", "Update", "Delete")
            if kind in entry
        ]
    if operation == "BatchWriteItem":
        return [
            {"TableName": table, **(r.get("PutRequest") or r.get("DeleteRequest") or {})}
            for table, requests in body.get("RequestItems", {}).items()
            for r in requests
        ]
    return [body]


def index_units(operation: str, body: dict[str, Any]) -> int:
    """Index write units of a write request (moto bills no index): one per index whose key
    attribute the write sets or removes, or whose item it changes with projection ALL (a KB
    of the item a unit); KEYS_ONLY index writes are one unit."""
    units = 0
    for write in _writes(operation, body):
        table = write.get("TableName", "")
        item = write.get("Item") or write.get("Key") or {}
        named = set(item) | set(write.get("ExpressionAttributeNames", {}).values())
        named |= set(re.findall(r"[A-Za-z_]+", write.get("UpdateExpression", "")))
        pk = str(next(iter(item.get("pk", {}).values()), ""))
        size = max(1, math.ceil(len(json.dumps(write)) / 1024))
        for attribute, projection in _INDEXES.get(table, []):
            prefix = _IN_AN_ALL_INDEX.get(table)
            in_all = projection == "ALL" and prefix is not None and pk.startswith(prefix)
            if attribute in named or in_all:
                units += size if projection == "ALL" else 1
    return units


@dataclass
class AwsMeter:
    seconds: float = 0.0
    requests: Counter[str] = field(default_factory=Counter)
    rru: float = 0.0
    wru: float = 0.0
    index_wru: float = 0.0
    email_bytes: int = 0
    put_bytes: int = 0


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
                meter.index_wru += index_units(operation, json.loads(body or b"{}"))
                if operation == "PutItem":
                    meter.put_bytes += sent
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
    sqs_requests: int
    log_bytes: int
    dynamodb_put_bytes: int = 0
    """Request bytes of the items put: an upper bound of what they store."""
    dynamodb_index_wru: float = 0.0
    """Write units of the tables' global secondary indexes (``index_units``)."""
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
        dynamodb_index_wru=meter.index_wru,
        s3_gets=sum(n for k, n in requests.items() if k.startswith("s3") and k.endswith("GET")),
        s3_puts=sum(n for k, n in requests.items() if k.startswith("s3") and k.endswith("PUT")),
        emails=sum(n for k, n in requests.items() if k.startswith("email")),
        email_bytes=meter.email_bytes,
        dynamodb_put_bytes=meter.put_bytes,
        schedules=sum(n for k, n in requests.items() if k.startswith("scheduler")),
        sqs_requests=sum(n for k, n in requests.items() if k.startswith("sqs")),
        log_bytes=len(logged.getvalue().encode()) + PLATFORM_LOG_BYTES,
        snapshot_bytes=int(result.get("bytes") or 0) if "bytes" in result else 0,
    )


def median_sample(samples: list[Sample]) -> Sample:
    return sorted(samples, key=lambda sample: sample.wall_s)[len(samples) // 2]


def url_event(method: str, url: str, body: bytes = b"", **headers: str) -> dict[str, Any]:
    """A Function URL event (payload format 2.0), the body base64-encoded as Lambda sends it."""
    parts = urlsplit(url)
    return {
        "version": "2.0",
        "rawPath": parts.path or "/",
        "rawQueryString": parts.query,
        "headers": {"host": DOMAIN, **headers},
        "requestContext": {"domainName": DOMAIN, "http": {"method": method, "path": parts.path}},
        "body": base64.b64encode(body).decode(),
        "isBase64Encoded": True,
    }


def form_post(url: str) -> dict[str, Any]:
    """The page's button: the token POSTed back as a form."""
    token = parse_qs(urlsplit(url).query)["t"][0]
    form = "application/x-www-form-urlencoded"
    return url_event("POST", url, f"t={token}".encode(), **{"content-type": form})


def _plain(message: Any) -> str:
    part = message.get_body(("plain",))
    return str(part.get_content()) if part is not None else ""


def new_web_container(world: CloudWorld) -> None:
    """The public functions' own wiring (live table only), anew as in a new container."""
    settings = WebSettings(
        region=REGION,
        live_table=LIVE,
        shopify_secret=SecretStr(SHOPIFY_SECRET.decode()),
        link_key=SecretStr(world.settings.link_key.get_secret_value())
        if world.settings.link_key
        else None,
    )
    session = aws_session()
    web_wiring.use(
        *(
            WebWiring(settings, lane=lane, session=session, clock=world.clock)
            for lane in PUBLIC_LANES
        )
    )


def webhook(n: int, items: int) -> dict[str, Any]:
    """The ``n``th Shopify orders/create webhook of the day: two lines of the shop's SKUs, an
    order every 20 seconds from 08:00 (before the poll that applies them)."""
    lines = tuple((n * 10 + k, f"SKU-{(n * 7 + k * 13) % items:06d}", 1 + k) for k in range(2))
    placed = (DAY.replace(hour=8) + timedelta(seconds=20 * n)).isoformat()
    order = shopify_order(order_id=10_000 + n, lines=lines, created_at=placed)
    request = shopify_request("orders/create", order)
    headers = {**dict(request.headers), "x-shopify-webhook-id": str(uuid.UUID(int=n))}
    return url_event("POST", "/pos/shopify", request.body, **headers)


def ses_delivery(world: CloudWorld, items: int) -> dict[str, Any]:
    """What SES does with a forwarded count: store the raw message, then invoke the function."""
    rows = "".join(f"SKU-{n * 9 % items:06d},{n + 3}\n" for n in range(COUNTED_LINES))
    raw = forward(("count.csv", f"SKU,Count\n{rows}".encode()))
    event: dict[str, Any] = json.loads(json.dumps(SES_EVENT))
    message_id = event["Records"][0]["ses"]["mail"]["messageId"]
    world.s3.put_object(Bucket=BUCKET, Key=INBOUND_PREFIX + message_id, Body=raw)
    return event


def scripted_day(items: int, *, traced: bool) -> dict[str, Sample]:
    """The runs of one day at ``items``; with ``traced``, their peak allocations instead."""
    runs: dict[str, Sample] = {}
    with cloud_world(rows=shop_rows(items), sheets_latency=SHEETS_LATENCY, now=DAY) as world:
        world.settings = world.settings.model_copy(
            update={"live_table": LIVE, "confirm_url": f"https://{DOMAIN}/confirm"}
        )

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

        def repeated(name: str, module: ModuleType, events: list[dict[str, Any]]) -> None:
            runs[name] = median_sample([run(name, module, event) for event in events])

        world.new_container(fresh_session=True)
        run("drive_sync_cold", drive_sync)
        repeated("drive_sync_unchanged", drive_sync, [{"reason": "sync"}] * 3)
        world.owner.set_cell("Stock", 2, "On hand", 1)
        run("drive_sync_changed", drive_sync)
        world.new_container(fresh_session=True)
        run("daily_check_cold", daily_check)
        digest = _plain(world.digests()[-1])
        world.at(DAY.replace(hour=8))
        run("daily_check", daily_check)
        world.at(DAY.replace(hour=9))
        repeated("poll_quiet", poll_decisions, [{"reason": "poll"}] * QUIET_POLLS)

        # POS webhooks, as many as a poll gathers at this size, then the poll applying them.
        new_web_container(world)
        events = [webhook(n, items) for n in range(pos_events_per_poll(items) + 1)]
        run("pos_webhook_cold", pos_webhook, events[0])
        repeated("pos_webhook", pos_webhook, events[1:])
        world.at(DAY.replace(hour=9, minute=30))
        run("poll_pos", poll_decisions)

        # A click on the digest's first Approve link: the page (cold, then warm), the button.
        found = re.search(r"Approve: (\S+)", digest)
        if found is None:
            raise RuntimeError("the digest has no Approve link")
        approve = found.group(1)
        world.new_container(fresh_session=True)
        run("decision_link_cold", decision_link, url_event("GET", approve))
        repeated("decision_link_get", decision_link, [url_event("GET", approve)] * WARM_REPEATS)
        run("decision_link_post", decision_link, form_post(approve))
        world.at(DAY.replace(hour=10))
        run("poll_send", poll_decisions)

        # The supplier's confirmation click from the PO email, then the poll claiming it.
        sent = _plain(world.emails()[-1])
        link = re.search(r"https://\S+/confirm\?t=\S+", sent)
        if link is None:
            raise RuntimeError("the PO email has no confirmation link")
        confirm = link.group(0)
        new_web_container(world)
        run("supplier_confirm_cold", supplier_confirm, url_event("GET", confirm))
        page = [url_event("GET", confirm)] * WARM_REPEATS
        repeated("supplier_confirm_get", supplier_confirm, page)
        run("supplier_confirm_post", supplier_confirm, form_post(confirm))
        world.at(DAY.replace(hour=10, minute=30))
        run("poll_confirm", poll_decisions)

        # The delivery arrives: the owner marks the PO's first line received.
        orders = world.owner.grid(ORDERS)
        status = orders[0].index("Status") + 1
        world.owner.type_in(ORDERS, 2, status, "received")
        world.at(DAY.replace(hour=11))
        run("poll_receive", poll_decisions)

        world.at(DAY.replace(hour=11, minute=30))
        world.new_container(fresh_session=True)
        run("poll_cold", poll_decisions)

        # A forwarded stock count: each message is a new container.
        world.at(DAY.replace(hour=12))
        world.new_container(fresh_session=True)
        run("inbound_email", inbound_email, ses_delivery(world, items))

        world.at(FIRST_OF_MONTH)
        world.new_container(fresh_session=True)
        run("monthly_summary", monthly_summary)
        web_wiring.use(None)
    return runs


def pos_events_per_poll(items: int) -> int:
    """Sale webhooks one poll finds buffered at ``items``: the model's daily events spread over
    the polls of the opening hours."""
    usage = Usage(items=items)
    return max(1, round(usage.pos_events_per_day / usage.polls_with_pos_events_per_day))


_IMPORT_PROBE: Final = """
import json, time
started = time.perf_counter()
import {module}
handler_done = time.perf_counter()
{first_call}
done = time.perf_counter()
with open("/proc/self/status") as status:  # VmHWM: this process's peak since exec
    peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({{"handler_import_s": handler_done - started, "first_call_imports_s":
    done - handler_done, "rss_mb": peak_kb / 1024}}))
"""
_GOOGLE: Final = (
    "import sheets_bot.adapters.google.sheet, sheets_bot.adapters.google.credentials\n"
    "import sheets_bot.adapters.google.client"
)
FIRST_CALL: Final = {
    "pos_webhook": "import sheets_bot.adapters.aws.dynamodb_live",
    "supplier_confirm": "import sheets_bot.adapters.aws.dynamodb_live",
}
"""What a function's first call imports beyond its module: the Google modules, except for the
two public functions that never read the sheet."""


def cold_imports(module: str, repeat: int) -> dict[str, float]:
    """Import times and resident memory of a fresh interpreter loading ``lambdas.module``
    (median of ``repeat``)."""
    probe = _IMPORT_PROBE.format(
        module=f"lambdas.{module}", first_call=FIRST_CALL.get(module, _GOOGLE)
    )
    results = []
    for _ in range(repeat):
        output = subprocess.run(  # noqa: S603 - our interpreter, our probe
            [sys.executable, "-c", probe],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout
        results.append(json.loads(output))
    summary = {
        key: round(statistics.median(result[key] for result in results), 3) for key in results[0]
    }
    spread = sorted(result["handler_import_s"] for result in results)
    summary["handler_import_min_s"] = round(spread[0], 3)
    summary["handler_import_max_s"] = round(spread[-1], 3)
    return summary


def _rounded(sample: Sample) -> dict[str, Any]:
    return {
        key: round(value, 4) if isinstance(value, float) else value
        for key, value in asdict(sample).items()
    }


def median_day(days: list[dict[str, Sample]]) -> dict[str, Sample]:
    """Per run, the median of each timing over the repeated days (counts are the first day's:
    they do not vary)."""
    merged: dict[str, Sample] = {}
    for name, first in days[0].items():
        values = asdict(first)
        for key in ("wall_s", "bot_s", "sheets_s", "aws_s"):
            values[key] = statistics.median(getattr(day[name], key) for day in days)
        merged[name] = Sample(**values)
    return merged


def measure_sizes(repeat: int) -> dict[str, Any]:
    sizes: dict[str, Any] = {}
    for items in SIZES:
        timed = median_day([scripted_day(items, traced=False) for _ in range(repeat)])
        traced = scripted_day(items, traced=True)
        for name, sample in timed.items():
            sample.peak_mb = traced[name].peak_mb
        sizes[str(items)] = {name: _rounded(sample) for name, sample in timed.items()}
        summary = {name: round(sample.wall_s, 3) for name, sample in timed.items()}
        print(json.dumps({"items": items, "wall_s": summary}), flush=True)
    return sizes


def measure(repeat: int, imports: int) -> dict[str, Any]:
    deployment = template_deployment(ROOT / "infra" / "template.yaml")
    sizes = measure_sizes(repeat)
    cold = {name: cold_imports(name, imports) for name in FUNCTIONS}
    print(json.dumps({"cold_imports": cold}), flush=True)
    poller = cold["poll_decisions"]
    print(
        f"poller cold import {poller['handler_import_s'] * 1000:.0f} ms, median of {imports}"
        f" (min {poller['handler_import_min_s'] * 1000:.0f}, max"
        f" {poller['handler_import_max_s'] * 1000:.0f}) on this machine (bar: 400 ms)",
        flush=True,
    )
    return {
        "measured_on": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        "python": platform.python_version(),
        "sheets_latency_s": SHEETS_LATENCY,
        "platform_log_bytes": PLATFORM_LOG_BYTES,
        "method": (
            f"timings: median of {repeat} scripted days (repeated runs within a day: median of"
            f" their repeats); cold imports: median of {imports} fresh interpreters; the"
            " machine was shared with other builds, so single runs are noisy"
        ),
        "deployment": deployment.to_json(),
        "pos_events_per_poll": {str(items): pos_events_per_poll(items) for items in SIZES},
        "cold_imports": cold,
        "sizes": sizes,
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MEASUREMENTS, help="where to write")
    parser.add_argument("--repeat", type=int, default=3, help="scripted days per size")
    parser.add_argument("--imports", type=int, default=7, help="fresh interpreters per import")
    args = parser.parse_args(argv)
    data = measure(args.repeat, args.imports)
    args.out.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main(sys.argv[1:])
