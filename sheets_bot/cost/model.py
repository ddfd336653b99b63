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

HERE: Final = Path(__file__).resolve().parent
PRICES: Final = HERE / "prices.toml"
MEASUREMENTS: Final = HERE / "measurements.json"

DAYS_PER_MONTH: Final = 365.25 / 12
FULL_VCPU_MB: Final = 1769
"""Lambda gives a function one full vCPU at 1,769 MB, and a proportional share below."""
GB: Final = 1e9
FUNCTIONS: Final = ("daily_check", "drive_sync", "poll_decisions", "monthly_summary")
_LOGICAL: Final = {
    "DailyCheckFunction": "daily_check",
    "DriveSyncFunction": "drive_sync",
    "PollDecisionsFunction": "poll_decisions",
    "MonthlySummaryFunction": "monthly_summary",
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


def template_deployment(path: Path) -> Deployment:
    """The shape of the functions in a SAM template (needs cfn-lint, a dev dependency)."""
    from cfnlint.decode import cfn_yaml

    template: dict[str, Any] = cfn_yaml.load(str(path))
    resources = template["Resources"]
    defaults = template.get("Globals", {}).get("Function", {})
    schedules = {
        r["Properties"]["Target"]["Arn"]["Fn::GetAtt"][0]: r["Properties"]["ScheduleExpression"]
        for r in resources.values()
        if r["Type"] == "AWS::Scheduler::Schedule"
    }
    functions = {}
    for logical, name in _LOGICAL.items():
        properties = resources[logical]["Properties"]
        expression = schedules[logical]
        if isinstance(expression, dict):  # a cron built from the DigestTime parameter (07:30)
            expression = expression["Fn::Sub"][0].replace("${Minute}", "30").replace("${Hour}", "7")
        functions[name] = FunctionShape(
            memory_mb=int(properties.get("MemorySize", defaults.get("MemorySize", 128))),
            timeout_s=int(properties.get("Timeout", defaults.get("Timeout", 3))),
            schedule=str(expression),
            runs_per_month=round(runs_per_month(str(expression)), 2),
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

    def __call__(self, service: str, name: str) -> float:
        return float(self.table[service][name])

    @classmethod
    def load(cls, path: Path = PRICES) -> Prices:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        table = {key: value for key, value in data.items() if isinstance(value, dict)}
        return cls(read_on=str(data["read_on"]), region=str(data["region"]), table=table)


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


@dataclass(frozen=True)
class Usage:
    """What the shop does in a month, beyond the schedule. Defaults are a busy small shop."""

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
        default_factory=lambda: {"poll_decisions": 12.0, "drive_sync": 48.0, "daily_check": 1.0}
    )
    """Containers the platform starts anew: the poll runs every 5 minutes and mostly stays
    warm; the sync's 15-minute gaps often outlast an idle container; the daily check is
    always cold."""
    history_days: float = 730.0
    """Snapshot versions kept (the bucket's lifecycle rule); storage is priced when full."""

    @property
    def pos(self) -> float:
        return self.pos_per_month if self.pos_per_month >= 0 else 20 + 0.05 * self.items


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
    """Modelled billed duration of a warm run of each function at this size."""
    peak_memory_mb: dict[str, float]
    assumptions: dict[str, Any]

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
            "assumptions": self.assumptions,
            "excludes": "Bedrock (optional parsing of forwarded counts, monthly narrative)",
        }


def cpu_scale(memory_mb: int) -> float:
    """How much slower than one full core the function's CPU share is."""
    return max(1.0, FULL_VCPU_MB / memory_mb)


def estimate(
    usage: Usage,
    measurements: Measurements | None = None,
    prices: Prices | None = None,
) -> Bill:
    """The monthly bill of ``usage`` on this deployment."""
    m = measurements or Measurements.load()
    price = prices or Prices.load()
    deployment = m.deployment
    items = usage.items
    lines: list[Line] = []

    def run(name: str, metric: str) -> float:
        return m.run(name, metric, items)

    def duration(name: str, function: str) -> float:
        scale = cpu_scale(deployment.functions[function].memory_mb)
        return run(name, "bot_s") * scale + run(name, "sheets_s") + run(name, "aws_s")

    def cold_extra(function: str, warm: str, cold: str) -> float:
        scale = cpu_scale(deployment.functions[function].memory_mb)
        imports = m.cold(function, "handler_import_s") + m.cold(function, "first_call_imports_s")
        return imports * scale + max(duration(cold, function) - duration(warm, function), 0.0)

    shapes = deployment.functions
    polls = shapes["poll_decisions"].runs_per_month
    syncs = shapes["drive_sync"].runs_per_month
    checks = shapes["daily_check"].runs_per_month
    summaries = shapes["monthly_summary"].runs_per_month
    sends = min(usage.pos, polls)
    changed = min(usage.snapshot_changes_per_day * DAYS_PER_MONTH, syncs)
    deferred = usage.deferred_sends_per_month
    cold = {name: per_day * DAYS_PER_MONTH for name, per_day in usage.cold_starts_per_day.items()}

    # Which measured run each invocation of the month looks like.
    mix: dict[str, list[tuple[str, float]]] = {
        "poll_decisions": [
            ("poll_quiet", polls - sends),
            ("poll_send", sends),
        ],
        "drive_sync": [("drive_sync_unchanged", syncs - changed), ("drive_sync_changed", changed)],
        "daily_check": [("daily_check", checks)],
        "monthly_summary": [("monthly_summary", summaries)],
    }
    cold_runs = {
        "poll_decisions": ("poll_quiet", "poll_cold", cold.get("poll_decisions", 0.0) + deferred),
        "drive_sync": ("drive_sync_unchanged", "drive_sync_cold", cold.get("drive_sync", 0.0)),
        "daily_check": ("daily_check", "daily_check_cold", min(cold.get("daily_check", 0), checks)),
        # Once a month: always a new container; the measured run is one (first calls included).
        "monthly_summary": ("monthly_summary", "monthly_summary", summaries),
    }
    invocations = {name: sum(n for _, n in runs) for name, runs in mix.items()}
    invocations["poll_decisions"] += deferred

    # Lambda
    gb_seconds = 0.0
    for function, runs in mix.items():
        gb = shapes[function].memory_mb / 1024
        seconds = sum(duration(name, function) * count for name, count in runs)
        if function == "poll_decisions":
            seconds += duration("poll_send", function) * deferred
        warm, cold_name, starts = cold_runs[function]
        seconds += cold_extra(function, warm, cold_name) * starts
        gb_seconds += seconds * gb
    requests = sum(invocations.values())
    lines.append(
        Line(
            "Lambda",
            "requests",
            requests,
            "requests",
            requests / 1e6 * price("lambda", "requests_per_million"),
        )
    )
    lines.append(
        Line(
            "Lambda",
            "duration, arm64 (incl. cold starts)",
            gb_seconds,
            "GB-s",
            gb_seconds * price("lambda", "arm64_gb_second"),
        )
    )

    # Everything counted per run
    def total(metric: str) -> float:
        count = 0.0
        for runs in mix.values():
            count += sum(run(name, metric) * n for name, n in runs)
        count += run("poll_send", metric) * deferred
        return count

    rru, wru = total("dynamodb_rru"), total("dynamodb_wru")
    table_gb = (items * 2_000 + 5_000_000) / GB
    lines += [
        Line(
            "DynamoDB",
            "read request units",
            rru,
            "RRU",
            rru / 1e6 * price("dynamodb", "read_request_units_per_million"),
        ),
        Line(
            "DynamoDB",
            "write request units",
            wru,
            "WRU",
            wru / 1e6 * price("dynamodb", "write_request_units_per_million"),
        ),
        Line(
            "DynamoDB",
            "storage (ledger, audit after a year, cell memory)",
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

    gets, puts = total("s3_gets"), total("s3_puts")
    snapshot_bytes = run("drive_sync_changed", "snapshot_bytes")
    stored_gb = snapshot_bytes * usage.snapshot_changes_per_day * usage.history_days / GB
    lines += [
        Line("S3", "PUT requests", puts, "requests", puts / 1e3 * price("s3", "put_per_thousand")),
        Line("S3", "GET requests", gets, "requests", gets / 1e3 * price("s3", "get_per_thousand")),
        Line(
            "S3",
            f"storage: {usage.history_days:g} days of snapshot versions",
            stored_gb,
            "GB-month",
            stored_gb * price("s3", "storage_gb_month"),
        ),
    ]

    emails = usage.pos + usage.digests_per_month + summaries
    mail_gb = (
        run("poll_send", "email_bytes") * usage.pos
        + run("monthly_summary", "email_bytes") * summaries
    ) / GB
    lines += [
        Line(
            "SES",
            "emails (POs, daily digests, monthly summaries)",
            emails,
            "emails",
            emails / 1e3 * price("ses", "emails_per_thousand"),
        ),
        Line(
            "SES",
            "attachment data",
            mail_gb,
            "GB",
            mail_gb * price("ses", "attachments_gb"),
        ),
    ]

    scheduled = polls + syncs + checks + summaries + deferred
    lines.append(
        Line(
            "EventBridge Scheduler",
            "invocations (recurring and one-off)",
            scheduled,
            "invocations",
            scheduled / 1e6 * price("scheduler", "invocations_per_million"),
        )
    )

    log_gb = total("log_bytes") / GB
    stored_logs = log_gb * deployment.log_retention_days / DAYS_PER_MONTH
    lines += [
        Line(
            "CloudWatch Logs",
            "ingestion",
            log_gb,
            "GB",
            log_gb * price("logs", "ingestion_gb"),
        ),
        Line(
            "CloudWatch Logs",
            f"storage ({deployment.log_retention_days}-day retention)",
            stored_logs,
            "GB-month",
            stored_logs * price("logs", "storage_gb_month"),
        ),
    ]

    if usage.credentials == "secret":
        reads = sum(cold.values()) + deferred
        lines += [
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

    lines.append(Line("SQS", "failure queue (only failed runs)", 0, "requests", 0.0))
    lines.append(
        Line("AWS Budgets", "one budget, no actions", 1, "budget", price("budgets", "budget_month"))
    )
    out_gb = (total("sheets_bytes_sent") + run("poll_send", "email_bytes") * usage.pos) / GB
    lines.append(
        Line(
            "Data transfer",
            "out to the internet (Sheets API requests)",
            out_gb,
            "GB",
            out_gb * price("data_transfer", "out_to_internet_gb"),
        )
    )

    typical = {
        "daily_check": "daily_check",
        "drive_sync": "drive_sync_unchanged",
        "poll_decisions": "poll_quiet",
        "monthly_summary": "monthly_summary",
    }
    durations = {function: duration(name, function) for function, name in typical.items()}
    durations["poll_decisions (sending)"] = duration("poll_send", "poll_decisions")
    runs_of = {name: [*(n for n, _ in mix[name]), cold_runs[name][1]] for name in FUNCTIONS}
    peaks = {
        function: m.cold(function, "rss_mb")
        + max(run(name, "peak_mb") for name in runs_of[function])
        for function in FUNCTIONS
    }
    return Bill(
        items=items,
        credentials=usage.credentials,
        prices_read_on=price.read_on,
        region=price.region,
        lines=lines,
        durations_s=durations,
        peak_memory_mb=peaks,
        assumptions={
            "pos_per_month": round(usage.pos, 1),
            "digests_per_month": round(usage.digests_per_month, 1),
            "deferred_sends_per_month": usage.deferred_sends_per_month,
            "snapshot_changes_per_day": usage.snapshot_changes_per_day,
            "cold_starts_per_day": dict(usage.cold_starts_per_day),
            "snapshot_history_days": usage.history_days,
            "sheets_latency_s": m.data.get("sheets_latency_s"),
            "measured_on": m.data.get("measured_on"),
        },
    )


def format_bill(bill: Bill) -> str:
    """The bill as a table a person reads."""
    google = (
        "service-account key in Secrets Manager"
        if bill.credentials == "secret"
        else "workload identity federation, no stored key"
    )
    rows = [
        f"Monthly AWS cost of sheets-bot at {bill.items:,} items ({google})",
        f"List prices, {bill.region}, read {bill.prices_read_on}, without free tier; Bedrock"
        " (optional) excluded.",
        "",
        f"{'Service':<22} {'Item':<50} {'Quantity':>22} {'USD':>8}",
        f"{'-' * 22} {'-' * 50} {'-' * 22} {'-' * 8}",
    ]
    for line in bill.lines:
        quantity = f"{_quantity(line.quantity)} {line.unit}"
        rows.append(f"{line.service:<22} {line.item:<50} {quantity:>22} {line.usd:>8.4f}")
    rows.append(f"{'':<22} {'Total':<50} {'':>22} {bill.total_usd:>8.4f}")
    rows.append("")
    rows.append(
        "Warm run, billed seconds: "
        + ", ".join(f"{name} {seconds:.2f}" for name, seconds in bill.durations_s.items())
    )
    rows.append(
        "Peak memory, MB (of 256): "
        + ", ".join(f"{name} {mb:.0f}" for name, mb in bill.peak_memory_mb.items())
    )
    rows.append(
        "Assumed: "
        + ", ".join(f"{key.replace('_', ' ')} {value}" for key, value in bill.assumptions.items())
    )
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
