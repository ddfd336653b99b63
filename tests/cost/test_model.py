"""The cost model: the bill at 200 and 2,000 items is under its targets, has a line per
service, follows the template's schedule and the measured runs, and prices come from one file."""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path
from typing import Final

import pytest

from lambdas import daily_check, inbound_email, monthly_summary, poll_decisions
from sheets_bot.cli import main
from sheets_bot.cost.model import (
    FULL_VCPU_MB,
    FUNCTIONS,
    MEASUREMENTS,
    PER_EVENT,
    PRICES,
    SAMPLE_CAFE_ORDERS_PER_ITEM_DAY,
    SCHEDULED,
    Bill,
    Measurements,
    Prices,
    Usage,
    cpu_scale,
    estimate,
    runs_per_month,
    template_deployment,
    unpriced_functions,
)

ROOT = Path(__file__).resolve().parents[2]
SERVICES = {
    "Lambda",
    "DynamoDB",
    "S3",
    "SES",
    "EventBridge Scheduler",
    "CloudWatch Logs",
    "SQS",
    "AWS Budgets",
    "Data transfer",
}


NO_POS: Final = 0.0
"""POS webhooks per item a day without a POS connected."""


def test_without_a_pos_200_items_cost_under_half_a_dollar() -> None:
    assert estimate(Usage(items=200, pos_orders_per_item_day=NO_POS)).total_usd < 0.50


def test_without_a_pos_2000_items_cost_under_a_dollar_fifty() -> None:
    assert estimate(Usage(items=2000, pos_orders_per_item_day=NO_POS)).total_usd < 1.50


def test_with_a_pos_at_the_sample_cafes_rate_200_items_cost_under_thirty_cents() -> None:
    assert estimate(Usage(items=200)).total_usd < 0.30


def test_with_a_pos_at_the_sample_cafes_rate_2000_items_cost_under_a_dollar_fifty() -> None:
    assert estimate(Usage(items=2000)).total_usd < 1.50


def test_a_webhook_costs_a_few_writes_not_a_few_per_line() -> None:
    """One item per webhook (stored, taken, settled), the poll's audit entries one page per
    run: with the indexes, a few write units per webhook of two lines (the benchmark's), where
    an item per line written in transactions cost about ten per line."""
    with_pos = estimate(Usage(items=2000))
    without = estimate(Usage(items=2000, pos_orders_per_item_day=NO_POS))

    def writes(bill: Bill) -> float:
        return sum(line.quantity for line in bill.lines if line.unit == "WRU")

    per_webhook = (writes(with_pos) - writes(without)) / with_pos.invocations["pos_webhook"]
    assert 3 <= per_webhook < 8


def test_a_line_per_service() -> None:
    bill = estimate(Usage(items=200))
    assert set(bill.by_service()) == SERVICES
    lambda_items = {line.item for line in bill.lines if line.service == "Lambda"}
    assert lambda_items == {
        "requests (Function URLs add no charge)",
        "duration, arm64 (incl. cold starts)",
    }
    assert set(bill.invocations) == set(FUNCTIONS) == set(bill.gb_seconds)
    assert all(bill.gb_seconds[name] > 0 for name in FUNCTIONS)


def test_a_stored_key_adds_secrets_manager() -> None:
    wif = estimate(Usage(items=200))
    secret = estimate(Usage(items=200, credentials="secret"))

    assert set(secret.by_service()) == SERVICES | {"Secrets Manager"}
    assert secret.by_service()["Secrets Manager"] == pytest.approx(0.40, abs=0.01)
    assert secret.total_usd - wif.total_usd == pytest.approx(0.40, abs=0.01)


def test_more_items_cost_more() -> None:
    totals = [estimate(Usage(items=n)).total_usd for n in (50, 200, 1000, 2000, 5000)]
    assert totals == sorted(totals)


def test_the_schedule_is_the_templates() -> None:
    measured = Measurements.load().deployment
    assert measured == template_deployment(ROOT / "infra" / "template.yaml")
    polls = measured.functions["poll_decisions"]
    assert polls.schedule == "rate(5 minutes)"
    assert polls.runs_per_month == pytest.approx(8766, abs=1)


def test_invocations_follow_the_schedule() -> None:
    bill = estimate(Usage(items=200, deferred_sends_per_month=0))
    expected = sum(runs_per_month(e) for e in ("rate(5 minutes)", "rate(15 minutes)"))
    monthly = 1  # the summary on the 1st
    scheduled = sum(bill.invocations[name] for name in SCHEDULED)
    assert scheduled == pytest.approx(expected + 365.25 / 12 + monthly, rel=1e-3)
    [requests] = [line for line in bill.lines if line.item.startswith("requests")]
    assert requests.quantity == pytest.approx(sum(bill.invocations.values()))


def test_per_event_invocations_follow_the_stated_usage() -> None:
    usage = Usage(items=2000)
    bill = estimate(usage)
    month = 365.25 / 12
    assert bill.invocations["pos_webhook"] == pytest.approx(usage.pos_events_per_day * month)
    assert bill.invocations["inbound_email"] == pytest.approx(usage.forwarded)
    # a click is the page and its button
    assert bill.invocations["decision_link"] == pytest.approx(2 * 0.5 * usage.pos)
    assert bill.invocations["supplier_confirm"] == pytest.approx(2 * usage.pos)
    assert bill.assumptions["pos_webhooks_per_day"] == pytest.approx(
        usage.pos_events_per_day, abs=0.1
    )


def test_the_usage_scales_with_items() -> None:
    small, large = Usage(items=200), Usage(items=2000)
    assert large.pos_events_per_day == pytest.approx(10 * small.pos_events_per_day)
    assert large.forwarded > small.forwarded
    assert large.pos > small.pos


def test_pos_webhooks_are_the_sample_cafes_rate() -> None:
    """235 takeaway cups a day over 40 items in the sample café's Stock tab."""
    with (ROOT / "sheet_templates" / "sample_shop" / "stock.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    cups = sum(float(row["Daily sales"]) for row in rows if row["SKU"].startswith("PAK-CUP"))
    assert (cups, len(rows)) == (235, 40)
    assert pytest.approx(cups / 1.5 / len(rows)) == SAMPLE_CAFE_ORDERS_PER_ITEM_DAY


def test_without_a_pos_or_intake_those_lines_cost_nothing() -> None:
    quiet = Usage(items=200, pos_orders_per_item_day=0, forwarded_per_month=0)
    bill = estimate(quiet)
    assert bill.invocations["pos_webhook"] == 0
    assert bill.invocations["inbound_email"] == 0
    assert bill.total_usd < estimate(Usage(items=200)).total_usd


def test_a_function_the_model_does_not_price_fails(tmp_path: Path) -> None:
    text = (ROOT / "infra" / "template.yaml").read_text(encoding="utf-8")
    extra = text.replace(
        "  DailyCheckFunction:\n",
        "  NightlyFunction:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Handler: lambdas.nightly.handler\n\n  DailyCheckFunction:\n",
        1,
    )
    path = tmp_path / "template.yaml"
    path.write_text(extra, encoding="utf-8")
    with pytest.raises(ValueError, match="does not price NightlyFunction"):
        template_deployment(path)


def test_every_template_function_is_priced() -> None:
    from cfnlint.decode import cfn_yaml

    resources = cfn_yaml.load(str(ROOT / "infra" / "template.yaml"))["Resources"]
    assert unpriced_functions(resources) == set()
    assert set(PER_EVENT) <= set(Measurements.load().deployment.functions)


def test_timeouts_are_sized_from_the_measured_runs() -> None:
    """Each timeout covers three times the modelled warm run at 2,000 items (plus the cold
    start and the wait for the sheet's lease)."""
    measurements = Measurements.load()
    shapes = measurements.deployment.functions
    bill = estimate(Usage(items=2000))
    waits = {
        "daily_check": daily_check.WAIT_FOR_SHEET,
        "poll_decisions": poll_decisions.WAIT_FOR_SHEET,
        "monthly_summary": monthly_summary.WAIT_FOR_SHEET,
        "inbound_email": inbound_email.WAIT_FOR_SHEET,
        "decision_link": 10.0,  # AwsWiring.link_adapters: the button's wait for the lease
    }
    for function, shape in shapes.items():
        cold = (
            measurements.cold(function, "handler_import_s")
            + measurements.cold(function, "first_call_imports_s")
        ) * cpu_scale(shape.memory_mb)
        run = max(v for k, v in bill.durations_s.items() if k.startswith(function))
        assert shape.timeout_s >= 3 * run + cold + waits.get(function, 0), function


def test_the_functions_fit_in_their_memory() -> None:
    shapes = Measurements.load().deployment.functions
    for function, peak in estimate(Usage(items=2000)).peak_memory_mb.items():
        assert peak < shapes[function].memory_mb * 0.8, function


def test_prices_live_in_one_dated_file() -> None:
    prices = Prices.load()
    assert (prices.read_on, prices.region) == ("2026-12-01", "us-east-1")
    text = PRICES.read_text(encoding="utf-8")
    assert "without any free tier" in text.lower()
    assert prices("lambda", "arm64_gb_second") == pytest.approx(0.0000133334)


def test_every_price_comes_from_the_file() -> None:
    prices = Prices.load()
    doubled = Prices(
        prices.read_on,
        prices.region,
        {service: {k: v * 2 for k, v in table.items()} for service, table in prices.table.items()},
    )
    single = estimate(Usage(items=2000, credentials="secret"), prices=prices)
    double = estimate(Usage(items=2000, credentials="secret"), prices=doubled)
    assert double.total_usd == pytest.approx(2 * single.total_usd)


def test_interpolation_is_linear_between_the_sizes_and_never_negative() -> None:
    data = copy.deepcopy(Measurements.load().data)
    data["sizes"]["200"]["poll_quiet"]["bot_s"] = 0.1
    data["sizes"]["2000"]["poll_quiet"]["bot_s"] = 1.0
    measurements = Measurements(data)

    assert measurements.run("poll_quiet", "bot_s", 1100) == pytest.approx(0.55)
    assert measurements.run("poll_quiet", "bot_s", 3800) == pytest.approx(1.9)
    data["sizes"]["2000"]["poll_quiet"]["bot_s"] = 0.0
    assert measurements.run("poll_quiet", "bot_s", 5000) == 0.0


def test_cpu_share_follows_memory() -> None:
    assert cpu_scale(256) == pytest.approx(FULL_VCPU_MB / 256)
    assert cpu_scale(FULL_VCPU_MB) == 1.0
    assert cpu_scale(4096) == 1.0


@pytest.mark.parametrize(
    ("expression", "runs"),
    [
        ("rate(5 minutes)", 8766.0),
        ("rate(15 minutes)", 2922.0),
        ("rate(1 hour)", 730.5),
        ("cron(30 7 * * ? *)", 30.4375),
        ("cron(0 7,19 * * ? *)", 60.875),
        ("cron(30 7 1 * ? *)", 1.0),
    ],
)
def test_runs_per_month(expression: str, runs: float) -> None:
    assert runs_per_month(expression) == pytest.approx(runs)


def test_an_unknown_schedule_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot count"):
        runs_per_month("cron(0/5 * * * ? *)")


def test_measurements_say_how_they_were_made() -> None:
    data = json.loads(MEASUREMENTS.read_text(encoding="utf-8"))
    assert data["sheets_latency_s"] > 0
    assert set(data["sizes"]) == {"200", "2000"}
    assert set(data["cold_imports"]) == set(FUNCTIONS)
    assert "median" in data["method"]


def test_the_command_prints_json_with_a_total(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cost", "--items", "2000", "--json"]) == 0
    out = capsys.readouterr().out
    bill = json.loads(out)
    assert out.count("\n") == 1
    assert bill["total_usd"] == pytest.approx(estimate(Usage(items=2000)).total_usd, abs=1e-3)
    assert {line["service"] for line in bill["lines"]} == SERVICES
    assert bill["prices"] == {"region": "us-east-1", "read_on": "2026-12-01", "free_tier": False}


def test_the_command_prints_the_bill_line_by_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cost", "--items", "200", "--credentials", "secret"]) == 0
    out = capsys.readouterr().out
    assert "Monthly AWS cost of sheets-bot at 200 items" in out
    assert "read 2026-12-01, without free tier" in out
    assert "Usage assumed" in out
    assert "pos webhooks per day" in out
    for service in SERVICES | {"Secrets Manager"}:
        assert service in out
    assert "Total" in out


def test_the_command_refuses_no_items(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cost", "--items", "0"]) == 1
    assert "at least one item" in capsys.readouterr().err


def test_the_monthly_summary_is_one_cold_run_and_one_email_a_month() -> None:
    without = Measurements.load()
    data = copy.deepcopy(without.data)
    for size in data["sizes"].values():
        size["monthly_summary"] = {key: 0 for key in size["monthly_summary"]}
    zeroed = estimate(Usage(items=200), measurements=Measurements(data))
    bill = estimate(Usage(items=200))
    [emails] = [line for line in bill.lines if line.item.startswith("emails sent")]
    [before] = [line for line in zeroed.lines if line.item.startswith("emails sent")]
    assert emails.quantity == before.quantity  # counted from the schedule, not the runs
    assert "monthly summaries" in emails.item
    assert 0 < bill.total_usd - zeroed.total_usd < 0.001
    assert bill.durations_s["monthly_summary"] > 0


def test_the_polls_pos_work_grows_with_the_sales_not_the_polls() -> None:
    """Once every trading-hours poll finds sales, more sales add the same per sale."""

    def writes(per_item: float) -> float:
        bill = estimate(Usage(items=2000, pos_orders_per_item_day=per_item))
        return sum(line.quantity for line in bill.lines if line.unit == "WRU")

    one, two, three = (writes(n) for n in (0.5, 1.0, 1.5))
    assert two - one == pytest.approx(three - two, rel=1e-6)
    assert two > one


def test_the_pos_measurement_says_its_batch() -> None:
    measurements = Measurements.load()
    for items in measurements.sizes:
        usage = Usage(items=items)
        expected = usage.pos_events_per_day / usage.polls_with_pos_events_per_day
        assert measurements.pos_batch(items) == pytest.approx(expected, abs=0.5)
