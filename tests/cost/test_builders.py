"""Each service's lines of the bill, built alone from one month of runs (cost/model.py)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from sheets_bot.cost.model import (
    BUILDERS,
    DAYS_PER_MONTH,
    SCHEDULED,
    SHEET_READERS,
    Line,
    Measurements,
    Month,
    Prices,
    Usage,
    budget_lines,
    dynamodb_lines,
    estimate,
    lambda_lines,
    logs_lines,
    month_of,
    s3_lines,
    scheduler_lines,
    secrets_lines,
    ses_lines,
    sqs_lines,
    transfer_lines,
)

PRICES = Prices.load()


def month(**usage: Any) -> Month:
    return month_of(Usage(**{"items": 2000, **usage}), Measurements.load(), PRICES)


def by_item(lines: list[Line], prefix: str) -> Line:
    [line] = [line for line in lines if line.item.startswith(prefix)]
    return line


def test_the_bill_is_the_builders_lines_in_order() -> None:
    usage = Usage(items=2000, credentials="secret")
    bill = estimate(usage)
    expected = [
        line
        for builder in BUILDERS
        for line in builder(month_of(usage, Measurements.load(), PRICES))
    ]
    assert bill.lines == expected


def test_lambda_requests_are_every_invocation_and_duration_every_gb_second() -> None:
    m = month()
    requests, duration = lambda_lines(m)
    assert requests.quantity == pytest.approx(sum(m.invocations().values()))
    assert requests.usd == pytest.approx(
        requests.quantity / 1e6 * PRICES("lambda", "requests_per_million")
    )
    assert duration.quantity == pytest.approx(sum(m.gb_seconds().values()))
    assert duration.usd == pytest.approx(duration.quantity * PRICES("lambda", "arm64_gb_second"))


def test_dynamodb_prices_the_indexes_and_no_kms() -> None:
    m = month()
    lines = dynamodb_lines(m)
    assert {line.service for line in lines} == {"DynamoDB"}
    index = by_item(lines, "write request units of the 4 indexes")
    assert index.quantity == pytest.approx(m.total("dynamodb_index_wru"))
    assert index.quantity > 0
    assert not [line for line in lines if "KMS" in line.item]


def test_a_pos_adds_dynamodb_writes_and_sale_storage() -> None:
    with_pos, without = dynamodb_lines(month()), dynamodb_lines(month(pos_orders_per_item_day=0))
    for prefix in ("write request units (", "write request units of", "storage"):
        assert by_item(with_pos, prefix).quantity > by_item(without, prefix).quantity


def test_s3_counts_the_mail_ses_stores() -> None:
    quiet, busy = month(forwarded_per_month=0), month(forwarded_per_month=100)
    puts = [by_item(s3_lines(m), "PUT").quantity for m in (quiet, busy)]
    per_message = 1 + busy.run("inbound_email", "s3_puts")  # SES's own put, then the intake's
    assert puts[1] - puts[0] == pytest.approx(100 * per_message)
    assert per_message >= 2


def test_ses_counts_every_email_and_says_its_plan() -> None:
    m = month()
    sent = by_item(ses_lines(m), "emails sent")
    usage = m.usage
    expected = usage.pos * (1 + usage.follow_ups_per_po) + usage.digests_per_month + 1
    assert sent.quantity == pytest.approx(expected)
    assert sent.usd == pytest.approx(expected / 1e3 * PRICES("ses", "emails_per_thousand"))
    assert PRICES("ses", "emails_per_thousand") == 0.16
    assert "default" in PRICES.text("ses", "plan")
    assert "$0.16 per 1,000" in estimate(m.usage).assumptions["ses_outbound_plan"]


def test_scheduler_counts_the_schedules_and_the_one_off_sends() -> None:
    m = month(deferred_sends_per_month=8)
    [line] = scheduler_lines(m)
    assert line.quantity == pytest.approx(sum(m.runs(name) for name in SCHEDULED) + 8)


def test_logs_keep_the_templates_retention() -> None:
    ingestion, storage = logs_lines(month())
    assert storage.quantity == pytest.approx(ingestion.quantity * 7 / DAYS_PER_MONTH)


def test_a_secret_is_priced_only_in_the_secret_mode() -> None:
    assert secrets_lines(month()) == []
    m = month(credentials="secret")
    secret, reads = secrets_lines(m)
    assert secret.usd == PRICES("secrets_manager", "secret_month")
    assert reads.quantity == pytest.approx(sum(m.cold_runs[f][2] for f in SHEET_READERS))


def test_the_queue_the_budget_and_the_transfer_are_one_line_each() -> None:
    m = month()
    assert [line.service for line in sqs_lines(m)] == ["SQS"]
    assert [(line.service, line.usd) for line in budget_lines(m)] == [("AWS Budgets", 0.0)]
    [transfer] = transfer_lines(m)
    assert transfer.usd == pytest.approx(
        transfer.quantity * PRICES("data_transfer", "out_to_internet_gb")
    )


def test_optional_textract_and_bedrock_are_listed_as_excluded() -> None:
    bill = estimate(Usage(items=200))
    assert "Textract" in bill.excludes and "$0.015 a page" in bill.excludes
    assert "Bedrock" in bill.to_json()["excludes"]


def test_a_month_with_more_webhooks_has_more_pos_polls_work() -> None:
    m = month()
    busier = month_of(
        replace(m.usage, pos_orders_per_item_day=2 * m.usage.pos_orders_per_item_day),
        m.measurements,
        PRICES,
    )
    assert busier.pos_ratio > m.pos_ratio
