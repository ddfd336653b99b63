"""The monthly bill of the AWS deployment, line by line: pure arithmetic over three inputs.

* the deployment's shape (memory, timeouts, schedules) as ``infra/template.yaml`` declares it,
  recorded in ``measurements.json`` by the benchmark (a test checks it still matches);
* measured runs at 200 and 2,000 items (``measurements.json``), interpolated linearly by items;
* list prices (``prices.toml``).

How a measured run becomes billed Lambda time: the handler's own work (``bot_s``, measured on
a full core) is scaled by the share of a vCPU Lambda gives the function (1,769 MB = one vCPU,
so 256 MB gets about a seventh), and the time spent waiting on the Sheets API and AWS is
added unscaled. A cold start adds the imports (also scaled) and the first call's extra work
(new clients, the secret, a Google token). Everything else is counted per request or per
byte from the same runs. Usage that no benchmark can measure (POs a month, how often the Stock
tab changes, cold starts) is in ``Usage``, stated in the output.
"""

from __future__ import annotations

import json
import math
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

from sheets_bot.adapters.aws.tables import SALE_EVENT_DAYS

HERE: Final = Path(__file__).resolve().parent
PRICES: Final = HERE / "prices.toml"
MEASUREMENTS: Final = HERE / "measurements.json"

DAYS_PER_MONTH: Final = 365.25 / 12
FULL_VCPU_MB: Final = 1769
"""Lambda gives a function one full vCPU at 1,769 MB, and a proportional share below."""
GB: Final = 1e9
SCHEDULED: Final = ("daily_check", "drive_sync", "poll_decisions", "monthly_summary")
"""Functions the EventBridge Scheduler invokes."""
PER_EVENT: Final = ("inbound_email", "decision_link", "pos_webhook", "supplier_confirm")
"""Functions invoked per outside event: an email to the intake address (SES), a click on a
digest link, a POS webhook, a supplier's confirmation click (Function URLs)."""
FUNCTIONS: Final = SCHEDULED + PER_EVENT
SHEET_READERS: Final = (
    "daily_check",
    "drive_sync",
    "poll_decisions",
    "monthly_summary",
    "inbound_email",
    "decision_link",
)
"""Functions that open the Google Sheet (and so read the key secret once per container)."""
_LOGICAL: Final = {
    "DailyCheckFunction": "daily_check",
    "DriveSyncFunction": "drive_sync",
    "PollDecisionsFunction": "poll_decisions",
    "MonthlySummaryFunction": "monthly_summary",
    "InboundEmailFunction": "inbound_email",
    "DecisionLinkFunction": "decision_link",
    "PosWebhookFunction": "pos_webhook",
    "SupplierConfirmFunction": "supplier_confirm",
}
"""Every function of the template, by logical id (a test fails on one missing here)."""
_EVENT_SOURCE: Final = {
    "inbound_email": "SES receipt rule, per message",
    "decision_link": "Function URL, per digest link request",
    "pos_webhook": "Function URL, per POS webhook",
    "supplier_confirm": "Function URL, per confirmation page request",
}

Credentials = Literal["wif", "secret"]


# --- the deployment's shape ----------------------------------------------------------------


def runs_per_month(expression: str) -> float:
    """How often a schedule expression fires in an average month."""
    text = expression.strip()
    if text.startswith("rate(") and text.endswith(")"):
        amount, unit = text[5:-1].split()
        minutes = {"minute": 1, "hour": 60, "day": 1440}[unit.rstrip("s")]
        return DAYS_PER_MONTH * 1440 / (int(amount) * minutes)
    if text.startswith("cron(") and text.endswith(")"):
        minute, hour, day, month, weekday, *_ = text[5:-1].split()
        per_day = len(hour.split(",")) * len(minute.split(","))
        if "*" in (minute, hour) or "/" in minute + hour or "-" in minute + hour:
            raise ValueError(f"cannot count runs of {expression!r}")
        if (day, month, weekday) in (("*", "*", "?"), ("?", "*", "*")):
            return DAYS_PER_MONTH * per_day
        if day.isdigit() and 1 <= int(day) <= 28 and (month, weekday) == ("*", "?"):
            return float(per_day)  # once a month, on that day
    raise ValueError(f"cannot count runs of {expression!r}")


@dataclass(frozen=True)
class FunctionShape:
    memory_mb: int
    timeout_s: int
    schedule: str
    runs_per_month: float


@dataclass(frozen=True)
class Deployment:
    functions: dict[str, FunctionShape]
    log_retention_days: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Deployment:
        return cls(
            functions={name: FunctionShape(**shape) for name, shape in data["functions"].items()},
            log_retention_days=int(data["log_retention_days"]),
        )


def template_functions(resources: Mapping[str, Any]) -> set[str]:
    """Logical ids of the template's Lambda functions."""
    kinds = {"AWS::Serverless::Function", "AWS::Lambda::Function"}
    return {logical for logical, r in resources.items() if r["Type"] in kinds}


def unpriced_functions(resources: Mapping[str, Any]) -> set[str]:
    """Functions of the template the cost model has no runs for."""
    return template_functions(resources) - set(_LOGICAL)


def template_deployment(path: Path) -> Deployment:
    """The shape of the functions in a SAM template (needs cfn-lint, a dev dependency).
    A function the model does not price is an error, not a line left out of the bill."""
    from cfnlint.decode import cfn_yaml

    template: dict[str, Any] = cfn_yaml.load(str(path))
    resources = template["Resources"]
    missing = unpriced_functions(resources)
    if missing:
        raise ValueError(
            f"the cost model does not price {', '.join(sorted(missing))}: add it to"
            " sheets_bot/cost/model.py and measure it in benchmarks/lambda_costs.py"
        )
    defaults = template.get("Globals", {}).get("Function", {})
    schedules = {
        r["Properties"]["Target"]["Arn"]["Fn::GetAtt"][0]: r["Properties"]["ScheduleExpression"]
        for r in resources.values()
        if r["Type"] == "AWS::Scheduler::Schedule"
    }
    functions = {}
    for logical, name in _LOGICAL.items():
        properties = resources[logical]["Properties"]
        if name in SCHEDULED:
            expression = schedules[logical]
            if isinstance(expression, dict):  # a cron from the DigestTime parameter (07:30)
                expression = (
                    expression["Fn::Sub"][0].replace("${Minute}", "30").replace("${Hour}", "7")
                )
            schedule, runs = str(expression), round(runs_per_month(str(expression)), 2)
        else:
            schedule, runs = _EVENT_SOURCE[name], 0.0
        functions[name] = FunctionShape(
            memory_mb=int(properties.get("MemorySize", defaults.get("MemorySize", 128))),
            timeout_s=int(properties.get("Timeout", defaults.get("Timeout", 3))),
            schedule=schedule,
            runs_per_month=runs,
        )
    retention = {
        int(r["Properties"]["RetentionInDays"])
        for r in resources.values()
        if r["Type"] == "AWS::Logs::LogGroup"
    }
    return Deployment(functions=functions, log_retention_days=max(retention))


# --- inputs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prices:
    read_on: str
    region: str
    table: dict[str, dict[str, float]]
    notes: dict[str, dict[str, str]] = field(default_factory=dict)
    """The text values of the file (which SES plan the outbound price is)."""

    def __call__(self, service: str, name: str) -> float:
        return float(self.table[service][name])

    def text(self, service: str, name: str) -> str:
        return self.notes.get(service, {}).get(name, "")

    @classmethod
    def load(cls, path: Path = PRICES) -> Prices:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        sections = {key: value for key, value in data.items() if isinstance(value, dict)}
        table = {
            key: {k: v for k, v in values.items() if not isinstance(v, str)}
            for key, values in sections.items()
        }
        notes = {
            key: {k: v for k, v in values.items() if isinstance(v, str)}
            for key, values in sections.items()
        }
        return cls(str(data["read_on"]), str(data["region"]), table, notes)


@dataclass(frozen=True)
class Measurements:
    data: dict[str, Any]

    @classmethod
    def load(cls, path: Path = MEASUREMENTS) -> Measurements:
        return cls(json.loads(path.read_text(encoding="utf-8")))

    @property
    def deployment(self) -> Deployment:
        return Deployment.from_json(self.data["deployment"])

    @property
    def sizes(self) -> list[int]:
        return sorted(int(size) for size in self.data["sizes"])

    def run(self, name: str, metric: str, items: int) -> float:
        """``metric`` of run ``name`` at ``items``: linear between the measured sizes,
        extended along the same line beyond them, never below zero."""
        sizes = self.sizes
        low, high = sizes[0], sizes[-1]
        at_low = float(self.data["sizes"][str(low)][name][metric])
        at_high = float(self.data["sizes"][str(high)][name][metric])
        if high == low:
            return max(at_low, 0.0)
        return max(at_low + (at_high - at_low) * (items - low) / (high - low), 0.0)

    def cold(self, function: str, metric: str) -> float:
        return float(self.data["cold_imports"][function][metric])

    def pos_batch(self, items: int) -> float:
        """Sale webhooks buffered for the measured ``poll_pos`` run at ``items`` (linear
        between the measured sizes, as the runs are)."""
        batches = self.data["pos_events_per_poll"]
        low, high = self.sizes[0], self.sizes[-1]
        at_low, at_high = float(batches[str(low)]), float(batches[str(high)])
        if high == low:
            return at_low
        return max(at_low + (at_high - at_low) * (items - low) / (high - low), 1.0)


SAMPLE_CAFE_ORDERS_PER_ITEM_DAY: Final = 235 / 1.5 / 40
"""POS orders a day per stocked item, from the sample café (sheet_templates/sample_shop): its
Stock tab sells 235 takeaway cups a day (8 oz 95, 12 oz 140) over 40 items; at about 1.5 drinks
an order that is ~157 orders, 3.9 per item. One Shopify ``orders/create`` webhook per order."""
POLLS_PER_HOUR: Final = 12


@dataclass(frozen=True)
class Usage:
    """What the shop does in a month, beyond the schedule: every assumption of the bill is
    here, and printed with it. Defaults are a busy small shop; those that scale with the item
    count say how."""

    items: int
    credentials: Credentials = "wif"
    pos_per_month: float = -1.0
    """POs sent; default 20 + 5 per 100 items (30 at 200 items, 120 at 2,000)."""
    digests_per_month: float = DAYS_PER_MONTH
    deferred_sends_per_month: float = 8.0
    """POs approved in quiet hours, each sent by a one-off scheduled poll (a cold start)."""
    snapshot_changes_per_day: float = 24.0
    """Syncs that find the Stock tab changed (writes); the rest only compare a digest."""
    cold_starts_per_day: Mapping[str, float] = field(
        default_factory=lambda: {
            "poll_decisions": 12.0,
            "drive_sync": 48.0,
            "pos_webhook": 12.0,
        }
    )
    """Containers the platform starts anew: the poll runs every 5 minutes and mostly stays
    warm; the sync's 15-minute gaps often outlast an idle container; the POS webhook, called
    every minute or so in trading hours, about once an hour. The daily check, the monthly
    summary, every intake message, digest click and confirmation click are all cold starts."""
    history_days: float = 730.0
    """Snapshot versions kept (the bucket's lifecycle rule); storage is priced when full."""
    pos_orders_per_item_day: float = SAMPLE_CAFE_ORDERS_PER_ITEM_DAY
    """POS webhooks a day per item (0: no POS connected); the default is the sample café's."""
    trading_hours_per_day: float = 12.0
    """Hours the POS sends sales in; each poll in them applies what was buffered."""
    forwarded_per_month: float = -1.0
    """Emails to the intake address; default a weekly count plus one price list per 50
    items a month (8.3 at 200 items, 44 at 2,000)."""
    link_clicks_per_po: float = 0.5
    """Digest Approve/Skip clicks per PO (the rest are decided in the sheet); each click is
    the confirmation page and its button: two requests."""
    confirmations_per_po: float = 1.0
    """Supplier confirmation clicks per PO (page and button: two requests)."""
    follow_ups_per_po: float = 0.25
    """Reminder emails to suppliers who did not confirm."""
    receivings_per_po: float = 1.0
    """Polls that apply a receiving marked on the Orders tab, per PO."""
    chunks_per_forwarded: float = 2.0
    """256 KB chunks SES bills per received message: a CSV is one, a PDF or photo a few."""

    @property
    def pos(self) -> float:
        return self.pos_per_month if self.pos_per_month >= 0 else 20 + 0.05 * self.items

    @property
    def pos_events_per_day(self) -> float:
        return self.pos_orders_per_item_day * self.items

    @property
    def polls_with_pos_events_per_day(self) -> float:
        """Polls that find sales buffered: every poll in trading hours, or one per event."""
        return min(self.trading_hours_per_day * POLLS_PER_HOUR, self.pos_events_per_day)

    @property
    def forwarded(self) -> float:
        if self.forwarded_per_month >= 0:
            return self.forwarded_per_month
        return 52 / 12 + self.items / 50


# --- the bill -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    service: str
    item: str
    quantity: float
    unit: str
    usd: float


@dataclass
class Bill:
    items: int
    credentials: Credentials
    prices_read_on: str
    region: str
    lines: list[Line]
    durations_s: dict[str, float]
    """Modelled billed seconds of a typical run of each function at this size, imports not
    included: the daily check's is its run of the day (a new container's first call, with the
    digest), the others' a warm one."""
    peak_memory_mb: dict[str, float]
    invocations: dict[str, float]
    """Invocations a month, per function."""
    gb_seconds: dict[str, float]
    """Billed GB-seconds a month, per function (cold starts included)."""
    assumptions: dict[str, Any]
    excludes: str = ""
    """What the bill leaves out, with its price where it has one."""

    @property
    def total_usd(self) -> float:
        return sum(line.usd for line in self.lines)

    def by_service(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for line in self.lines:
            totals[line.service] = totals.get(line.service, 0.0) + line.usd
        return totals

    def to_json(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "total_usd": round(self.total_usd, 4),
            "by_service_usd": {k: round(v, 4) for k, v in self.by_service().items()},
            "lines": [
                {**asdict(line), "usd": round(line.usd, 5), "quantity": round(line.quantity, 4)}
                for line in self.lines
            ],
            "credentials": self.credentials,
            "prices": {"region": self.region, "read_on": self.prices_read_on, "free_tier": False},
            "durations_s": {k: round(v, 3) for k, v in self.durations_s.items()},
            "peak_memory_mb": {k: round(v, 1) for k, v in self.peak_memory_mb.items()},
            "invocations": {k: round(v, 1) for k, v in self.invocations.items()},
            "gb_seconds": {k: round(v, 2) for k, v in self.gb_seconds.items()},
            "assumptions": self.assumptions,
            "excludes": self.excludes,
        }


def cpu_scale(memory_mb: int) -> float:
    """How much slower than one full core the function's CPU share is."""
    return max(1.0, FULL_VCPU_MB / memory_mb)


@dataclass(frozen=True)
class Month:
    """One month of the deployment at ``usage``: which measured run each invocation looks
    like (``mix``), which of them start a new container (``cold_runs``), and the counts every
    builder reads. The builders (``lambda_lines``, ``dynamodb_lines``, ...) each price one
    service from it."""

    usage: Usage
    measurements: Measurements
    price: Prices
    mix: dict[str, list[tuple[str, float]]]
    """Per function: (measured run, invocations a month) pairs."""
    cold_runs: dict[str, tuple[str, str, float]]
    """Per function: (warm run, cold run, cold starts a month)."""
    pos_ratio: float
    """Sales a POS poll finds buffered, against the batch ``poll_pos`` was measured with."""

    @property
    def deployment(self) -> Deployment:
        return self.measurements.deployment

    def runs(self, function: str) -> float:
        return self.deployment.functions[function].runs_per_month

    @property
    def pos(self) -> float:
        return self.usage.pos

    @property
    def follow_ups(self) -> float:
        return self.usage.follow_ups_per_po * self.usage.pos

    @property
    def pos_events(self) -> float:
        """POS webhooks a month (each one item in the live table)."""
        return self.usage.pos_events_per_day * DAYS_PER_MONTH

    def run(self, name: str, metric: str) -> float:
        """A measured run at this size; the poll applying POS sales is scaled from the quiet
        poll by the sales it finds buffered, against the batch it was measured with."""
        items = self.usage.items
        value = self.measurements.run(name, metric, items)
        if name == "poll_pos":
            quiet = self.measurements.run("poll_quiet", metric, items)
            return quiet + max(value - quiet, 0.0) * self.pos_ratio
        return value

    def duration(self, name: str, function: str) -> float:
        """Billed seconds of run ``name`` of ``function``: its own work at the function's CPU
        share, the waits on the Sheets API and AWS as they were."""
        scale = cpu_scale(self.deployment.functions[function].memory_mb)
        return (
            self.run(name, "bot_s") * scale + self.run(name, "sheets_s") + self.run(name, "aws_s")
        )

    def cold_extra(self, function: str) -> float:
        """What a cold start adds to a warm run: the imports and the first call's extra work."""
        warm, cold, _ = self.cold_runs[function]
        scale = cpu_scale(self.deployment.functions[function].memory_mb)
        m = self.measurements
        imports = m.cold(function, "handler_import_s") + m.cold(function, "first_call_imports_s")
        return imports * scale + max(
            self.duration(cold, function) - self.duration(warm, function), 0.0
        )

    def total(self, metric: str) -> float:
        """``metric`` summed over every invocation of the month."""
        return sum(self.run(name, metric) * n for runs in self.mix.values() for name, n in runs)

    def invocations(self) -> dict[str, float]:
        return {name: sum(n for _, n in runs) for name, runs in self.mix.items()}

    def gb_seconds(self) -> dict[str, float]:
        """Billed GB-seconds per function, cold starts included."""
        found = {}
        for function, runs in self.mix.items():
            gb = self.deployment.functions[function].memory_mb / 1024
            seconds = sum(self.duration(name, function) * count for name, count in runs)
            seconds += self.cold_extra(function) * self.cold_runs[function][2]
            found[function] = seconds * gb
        return found


def month_of(usage: Usage, measurements: Measurements, price: Prices) -> Month:
    """Which measured run each invocation of the month looks like. The polls that do work are
    taken out of the quiet ones: sending (and a follow-up email: measured as a send), applying
    buffered POS sales, claiming a confirmation, applying a receiving or the Proposed rows of a
    forwarded count (measured as a receiving: both write the Stock tab)."""
    shapes = measurements.deployment.functions
    polls = shapes["poll_decisions"].runs_per_month
    syncs = shapes["drive_sync"].runs_per_month
    checks = shapes["daily_check"].runs_per_month
    summaries = shapes["monthly_summary"].runs_per_month
    pos = usage.pos
    with_sales = usage.polls_with_pos_events_per_day
    per_poll = usage.pos_events_per_day / with_sales if with_sales else 0.0
    changed = min(usage.snapshot_changes_per_day * DAYS_PER_MONTH, syncs)
    deferred = usage.deferred_sends_per_month
    cold = {name: per_day * DAYS_PER_MONTH for name, per_day in usage.cold_starts_per_day.items()}
    pos_events = usage.pos_events_per_day * DAYS_PER_MONTH
    clicks = usage.link_clicks_per_po * pos
    confirmations = usage.confirmations_per_po * pos
    forwarded = usage.forwarded
    working = {
        "poll_send": min(pos, polls) + usage.follow_ups_per_po * pos,
        "poll_pos": with_sales * DAYS_PER_MONTH,
        "poll_confirm": confirmations,
        "poll_receive": usage.receivings_per_po * pos + forwarded,
    }
    scale_down = min(1.0, polls / max(sum(working.values()), 1e-9))
    working = {name: count * scale_down for name, count in working.items()}
    mix: dict[str, list[tuple[str, float]]] = {
        "poll_decisions": [
            ("poll_quiet", polls - sum(working.values())),
            *working.items(),
            ("poll_send", deferred),  # the one-off scheduled polls, beyond the schedule
        ],
        "drive_sync": [("drive_sync_unchanged", syncs - changed), ("drive_sync_changed", changed)],
        # The daily check sends the digest and reads the failure queue: its first run of the
        # day is the measured one (the later "not due" run is not how it runs on AWS).
        "daily_check": [("daily_check_cold", checks)],
        "monthly_summary": [("monthly_summary", summaries)],
        "inbound_email": [("inbound_email", forwarded)],
        "decision_link": [("decision_link_get", clicks), ("decision_link_post", clicks)],
        "pos_webhook": [("pos_webhook", pos_events)],
        "supplier_confirm": [
            ("supplier_confirm_get", confirmations),
            ("supplier_confirm_post", confirmations),
        ],
    }
    cold_runs = {
        "poll_decisions": ("poll_quiet", "poll_cold", cold.get("poll_decisions", 0.0) + deferred),
        "drive_sync": ("drive_sync_unchanged", "drive_sync_cold", cold.get("drive_sync", 0.0)),
        # Once a day, once a month, or once a message: always a new container, and the
        # measured run is one (first calls included); only the imports are added.
        "daily_check": ("daily_check_cold", "daily_check_cold", checks),
        "monthly_summary": ("monthly_summary", "monthly_summary", summaries),
        "inbound_email": ("inbound_email", "inbound_email", forwarded),
        # Each click opens the page in a new container; its button finds it warm.
        "decision_link": ("decision_link_get", "decision_link_cold", clicks),
        "supplier_confirm": ("supplier_confirm_get", "supplier_confirm_cold", confirmations),
        "pos_webhook": (
            "pos_webhook",
            "pos_webhook_cold",
            min(cold.get("pos_webhook", 0.0), pos_events),
        ),
    }
    return Month(
        usage=usage,
        measurements=measurements,
        price=price,
        mix=mix,
        cold_runs=cold_runs,
        pos_ratio=per_poll / measurements.pos_batch(usage.items),
    )


def lambda_lines(month: Month) -> list[Line]:
    requests = sum(month.invocations().values())
    gb_seconds = sum(month.gb_seconds().values())
    price = month.price
    return [
        Line(
            "Lambda",
            "requests (Function URLs add no charge)",
            requests,
            "requests",
            requests / 1e6 * price("lambda", "requests_per_million"),
        ),
        Line(
            "Lambda",
            "duration, arm64 (incl. cold starts)",
            gb_seconds,
            "GB-s",
            gb_seconds * price("lambda", "arm64_gb_second"),
        ),
    ]


def dynamodb_lines(month: Month) -> list[Line]:
    """The four tables on demand, encrypted with AWS-owned keys (no KMS requests to price),
    their global secondary indexes (the live table's ``pending``, the ledger's ``lists`` and
    ``by_po``, the audit table's ``pending``: written as measured), storage and point-in-time
    recovery."""
    price = month.price
    wru_price = price("dynamodb", "write_request_units_per_million") / 1e6
    rru, wru = month.total("dynamodb_rru"), month.total("dynamodb_wru")
    index_wru = month.total("dynamodb_index_wru")
    item_bytes = month.run("pos_webhook", "dynamodb_put_bytes")
    live_gb = item_bytes * month.usage.pos_events_per_day * SALE_EVENT_DAYS / GB
    table_gb = (month.usage.items * 2_000 + 5_000_000) / GB + live_gb
    return [
        Line(
            "DynamoDB",
            "read request units (4 tables, on demand)",
            rru,
            "RRU",
            rru / 1e6 * price("dynamodb", "read_request_units_per_million"),
        ),
        Line("DynamoDB", "write request units (4 tables, on demand)", wru, "WRU", wru * wru_price),
        Line(
            "DynamoDB",
            "write request units of the 4 indexes (live, ledger x2, audit)",
            index_wru,
            "WRU",
            index_wru * wru_price,
        ),
        Line(
            "DynamoDB",
            f"storage (ledger, audit, cell memory; live: {SALE_EVENT_DAYS} days of sales)",
            table_gb,
            "GB-month",
            table_gb * price("dynamodb", "storage_gb_month"),
        ),
        Line(
            "DynamoDB",
            "point-in-time recovery",
            table_gb,
            "GB-month",
            table_gb * price("dynamodb", "pitr_gb_month"),
        ),
    ]


def s3_lines(month: Month) -> list[Line]:
    price = month.price
    gets = month.total("s3_gets")
    puts = month.total("s3_puts") + month.usage.forwarded  # SES's S3 action stores each message
    snapshot_bytes = month.run("drive_sync_changed", "snapshot_bytes")
    usage = month.usage
    stored_gb = snapshot_bytes * usage.snapshot_changes_per_day * usage.history_days / GB
    return [
        Line(
            "S3",
            "PUT requests (snapshots, history blobs, mail)",
            puts,
            "requests",
            puts / 1e3 * price("s3", "put_per_thousand"),
        ),
        Line(
            "S3",
            "GET requests (snapshots, history blobs, mail)",
            gets,
            "requests",
            gets / 1e3 * price("s3", "get_per_thousand"),
        ),
        Line(
            "S3",
            f"storage: {usage.history_days:g} days of snapshot versions",
            stored_gb,
            "GB-month",
            stored_gb * price("s3", "storage_gb_month"),
        ),
    ]


def ses_lines(month: Month) -> list[Line]:
    """Outbound at the per-1,000 price of the plan in prices.toml (``ses.plan``), inbound per
    message and per 256 KB chunk."""
    price, usage = month.price, month.usage
    summaries = month.runs("monthly_summary")
    sent = month.pos + month.follow_ups
    emails = sent + usage.digests_per_month + summaries
    mail_gb = (
        month.run("poll_send", "email_bytes") * sent
        + month.run("daily_check_cold", "email_bytes") * usage.digests_per_month
        + month.run("monthly_summary", "email_bytes") * summaries
    ) / GB
    forwarded = usage.forwarded
    chunks = forwarded * usage.chunks_per_forwarded
    per_thousand = price("ses", "emails_per_thousand")
    return [
        Line(
            "SES",
            "emails sent (POs, follow-ups, daily digests, monthly summaries)",
            emails,
            "emails",
            emails / 1e3 * per_thousand,
        ),
        Line("SES", "outgoing data", mail_gb, "GB", mail_gb * price("ses", "attachments_gb")),
        Line(
            "SES",
            "emails received (forwarded counts, price lists)",
            forwarded,
            "emails",
            forwarded / 1e3 * price("ses", "received_per_thousand"),
        ),
        Line(
            "SES",
            "incoming mail chunks (256 KB each)",
            chunks,
            "chunks",
            chunks / 1e3 * price("ses", "incoming_chunks_per_thousand"),
        ),
    ]


def scheduler_lines(month: Month) -> list[Line]:
    scheduled = sum(month.runs(name) for name in SCHEDULED) + month.usage.deferred_sends_per_month
    return [
        Line(
            "EventBridge Scheduler",
            "invocations (recurring and one-off)",
            scheduled,
            "invocations",
            scheduled / 1e6 * month.price("scheduler", "invocations_per_million"),
        )
    ]


def logs_lines(month: Month) -> list[Line]:
    retention = month.deployment.log_retention_days
    log_gb = month.total("log_bytes") / GB
    stored = log_gb * retention / DAYS_PER_MONTH
    return [
        Line(
            "CloudWatch Logs",
            "ingestion",
            log_gb,
            "GB",
            log_gb * month.price("logs", "ingestion_gb"),
        ),
        Line(
            "CloudWatch Logs",
            f"storage ({retention}-day retention)",
            stored,
            "GB-month",
            stored * month.price("logs", "storage_gb_month"),
        ),
    ]


def secrets_lines(month: Month) -> list[Line]:
    """The Google key secret, read once per cold start of a function that opens the sheet;
    none with workload identity federation."""
    if month.usage.credentials != "secret":
        return []
    reads = sum(month.cold_runs[function][2] for function in SHEET_READERS)
    price = month.price
    return [
        Line(
            "Secrets Manager",
            "the Google key secret",
            1,
            "secret-month",
            price("secrets_manager", "secret_month"),
        ),
        Line(
            "Secrets Manager",
            "reads (once per cold start)",
            reads,
            "API calls",
            reads / 1e4 * price("secrets_manager", "api_calls_per_ten_thousand"),
        ),
    ]


def sqs_lines(month: Month) -> list[Line]:
    queue = month.total("sqs_requests")
    return [
        Line(
            "SQS",
            "failure queue: the daily check's reads (failed runs add one each)",
            queue,
            "requests",
            queue / 1e6 * month.price("sqs", "requests_per_million"),
        )
    ]


def budget_lines(month: Month) -> list[Line]:
    return [
        Line(
            "AWS Budgets",
            "one budget, no actions",
            1,
            "budget",
            month.price("budgets", "budget_month"),
        )
    ]


def transfer_lines(month: Month) -> list[Line]:
    out_gb = (
        month.total("sheets_bytes_sent") + month.run("poll_send", "email_bytes") * month.pos
    ) / GB
    return [
        Line(
            "Data transfer",
            "out to the internet (Sheets API requests)",
            out_gb,
            "GB",
            out_gb * month.price("data_transfer", "out_to_internet_gb"),
        )
    ]


BUILDERS: Final = (
    lambda_lines,
    dynamodb_lines,
    s3_lines,
    ses_lines,
    scheduler_lines,
    logs_lines,
    secrets_lines,
    sqs_lines,
    budget_lines,
    transfer_lines,
)
"""One per service, in the order the bill lists them."""

_TYPICAL_RUN: Final = {
    "daily_check": "daily_check_cold",
    "drive_sync": "drive_sync_unchanged",
    "poll_decisions": "poll_quiet",
    "monthly_summary": "monthly_summary",
    "inbound_email": "inbound_email",
    "decision_link": "decision_link_post",
    "pos_webhook": "pos_webhook",
    "supplier_confirm": "supplier_confirm_post",
}


def _assumptions(month: Month) -> dict[str, Any]:
    usage, m = month.usage, month.measurements
    return {
        "pos_per_month": round(usage.pos, 1),
        "digests_per_month": round(usage.digests_per_month, 1),
        "deferred_sends_per_month": usage.deferred_sends_per_month,
        "snapshot_changes_per_day": usage.snapshot_changes_per_day,
        "cold_starts_per_day": dict(usage.cold_starts_per_day),
        "snapshot_history_days": usage.history_days,
        "pos_webhooks_per_day": round(usage.pos_events_per_day, 1),
        "pos_orders_per_item_day": round(usage.pos_orders_per_item_day, 2),
        "trading_hours_per_day": usage.trading_hours_per_day,
        "forwarded_emails_per_month": round(usage.forwarded, 1),
        "chunks_per_forwarded_email": usage.chunks_per_forwarded,
        "digest_link_clicks_per_month": round(usage.link_clicks_per_po * usage.pos, 1),
        "confirmation_clicks_per_month": round(usage.confirmations_per_po * usage.pos, 1),
        "follow_up_emails_per_month": round(month.follow_ups, 1),
        "receivings_per_month": round(usage.receivings_per_po * usage.pos, 1),
        "ses_outbound_plan": (
            f"${month.price('ses', 'emails_per_thousand'):.2f} per 1,000 emails,"
            f" {month.price.text('ses', 'plan')}"
        ),
        "sheets_latency_s": m.data.get("sheets_latency_s"),
        "measured_on": m.data.get("measured_on"),
    }


def estimate(
    usage: Usage,
    measurements: Measurements | None = None,
    prices: Prices | None = None,
) -> Bill:
    """The monthly bill of ``usage`` on this deployment: each builder's lines."""
    m = measurements or Measurements.load()
    price = prices or Prices.load()
    month = month_of(usage, m, price)
    durations = {f: month.duration(name, f) for f, name in _TYPICAL_RUN.items()}
    durations["poll_decisions (sending)"] = month.duration("poll_send", "poll_decisions")
    durations["poll_decisions (POS sales)"] = month.duration("poll_pos", "poll_decisions")
    runs_of = {f: [*(n for n, _ in month.mix[f]), month.cold_runs[f][1]] for f in FUNCTIONS}
    peaks = {
        f: m.cold(f, "rss_mb") + max(month.run(name, "peak_mb") for name in runs_of[f])
        for f in FUNCTIONS
    }
    return Bill(
        items=usage.items,
        credentials=usage.credentials,
        prices_read_on=price.read_on,
        region=price.region,
        lines=[line for builder in BUILDERS for line in builder(month)],
        durations_s=durations,
        peak_memory_mb=peaks,
        invocations=month.invocations(),
        gb_seconds=month.gb_seconds(),
        assumptions=_assumptions(month),
        excludes=excluded(price),
    )


def excluded(price: Prices) -> str:
    """The optional services the bill leaves out: both run only when the owner turns them on
    in Settings, and their use depends on what is forwarded."""
    page = price("textract", "analyze_document_tables_per_page")
    return (
        "Bedrock (optional: parsing forwarded counts, the monthly narrative);"
        f" Textract (optional: ${page:g} a page of a scanned count or photo)"
    )


def format_bill(bill: Bill) -> str:
    """The bill as a table a person reads, then the usage it assumes."""
    google = (
        "service-account key in Secrets Manager"
        if bill.credentials == "secret"
        else "workload identity federation, no stored key"
    )
    rows = [
        f"Monthly AWS cost of sheets-bot at {bill.items:,} items ({google})",
        f"List prices, {bill.region}, read {bill.prices_read_on}, without free tier.",
        f"Not included: {bill.excludes}.",
        "",
        f"{'Service':<22} {'Item':<64} {'Quantity':>22} {'USD':>8}",
        f"{'-' * 22} {'-' * 64} {'-' * 22} {'-' * 8}",
    ]
    for line in bill.lines:
        quantity = f"{_quantity(line.quantity)} {line.unit}"
        rows.append(f"{line.service:<22} {line.item:<64} {quantity:>22} {line.usd:>8.4f}")
    rows.append(f"{'':<22} {'Total':<64} {'':>22} {bill.total_usd:>8.4f}")
    rows += ["", "Lambda by function:", f"  {'Function':<18} {'Invocations':>12} {'GB-s':>10}"]
    for name, count in bill.invocations.items():
        rows.append(f"  {name:<18} {_quantity(count):>12} {_quantity(bill.gb_seconds[name]):>10}")
    rows.append("")
    rows.append(
        "Billed seconds of a run (daily check: its run of the day with the digest; the rest"
        " warm; cold-start imports not included): "
        + ", ".join(f"{name} {seconds:.2f}" for name, seconds in bill.durations_s.items())
    )
    rows.append(
        "Peak memory, MB (of 256): "
        + ", ".join(f"{name} {mb:.0f}" for name, mb in bill.peak_memory_mb.items())
    )
    rows += [
        "",
        "Usage assumed (sheets_bot.cost.model.Usage; --pos-webhooks-per-day and"
        " --forwarded-per-month override two):",
    ]
    rows += [f"  {key.replace('_', ' ')}: {value}" for key, value in bill.assumptions.items()]
    return "\n".join(rows)


def _quantity(value: float) -> str:
    if value == 0:
        return "0"
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 1:
        return f"{value:.1f}"
    digits = max(2, -math.floor(math.log10(abs(value))) + 1)
    return f"{value:.{digits}f}"
