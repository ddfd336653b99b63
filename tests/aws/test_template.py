"""infra/template.yaml and the code cannot drift: tables as tables.py declares them, the
handlers and environment the code reads, reserved concurrency, logs, architecture, schedules,
and least privilege."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from cfnlint.decode import cfn_yaml

from lambdas import daily_check, poll_decisions
from sheets_bot.adapters.aws.run_lock import LEASE_SECONDS
from sheets_bot.adapters.aws.tables import TableNames, table_definitions
from sheets_bot.cloud_config import ENV, REQUIRED

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "infra" / "template.yaml"
FUNCTIONS = {
    "DailyCheckFunction": "daily-check",
    "DriveSyncFunction": "drive-sync",
    "PollDecisionsFunction": "poll-decisions",
}
TABLES = {"LedgerTable": "ledger", "AuditTable": "audit", "CellMemoryTable": "memory"}
WRITE_ACTION = re.compile(r":(Put|Update|Delete|Create|Send|Write|Batch|Transact|Pass|Invoke)")


@cache
def template() -> dict[str, Any]:
    loaded: dict[str, Any] = cfn_yaml.load(str(TEMPLATE))
    return loaded


def resources(kind: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in template()["Resources"].items() if r["Type"] == kind}


def props(name: str) -> dict[str, Any]:
    found: dict[str, Any] = template()["Resources"][name]["Properties"]
    return found


def function_setting(name: str, key: str) -> Any:
    return props(name).get(key, template()["Globals"]["Function"].get(key))


def _sorted(items: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    return sorted((dict(item) for item in items), key=lambda item: str(item[key]))


@pytest.mark.parametrize(("logical", "role"), sorted(TABLES.items()))
def test_tables_are_as_tables_py_declares_them(logical: str, role: str) -> None:
    names = TableNames.with_prefix("STACK")
    [expected] = [d for d in table_definitions(names) if d["TableName"] == getattr(names, role)]
    actual = props(logical)

    assert actual["TableName"] == {
        "Fn::Sub": expected["TableName"].replace("STACK", "${AWS::StackName}")
    }
    assert actual["BillingMode"] == expected["BillingMode"] == "PAY_PER_REQUEST"
    assert [dict(k) for k in actual["KeySchema"]] == list(expected["KeySchema"])
    assert _sorted(actual["AttributeDefinitions"], "AttributeName") == _sorted(
        [dict(d) for d in expected["AttributeDefinitions"]], "AttributeName"
    )
    indexes = {
        index["IndexName"]: ([dict(k) for k in index["KeySchema"]], dict(index["Projection"]))
        for index in actual.get("GlobalSecondaryIndexes", [])
    }
    assert indexes == {
        index["IndexName"]: (list(index["KeySchema"]), dict(index["Projection"]))
        for index in expected.get("GlobalSecondaryIndexes", [])
    }
    assert actual["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}


def test_every_table_is_declared() -> None:
    assert set(resources("AWS::DynamoDB::Table")) == set(TABLES)


@pytest.mark.parametrize(("logical", "name"), sorted(FUNCTIONS.items()))
def test_functions_are_small_arm64_python_with_their_own_logs(logical: str, name: str) -> None:
    assert function_setting(logical, "Architectures") == ["arm64"]
    assert function_setting(logical, "Runtime") in ("python3.12", "python3.13")
    assert 128 <= function_setting(logical, "MemorySize") <= 256
    assert props(logical)["FunctionName"] == {"Fn::Sub": f"${{AWS::StackName}}-{name}"}
    module, attribute = props(logical)["Handler"].rsplit(".", 1)
    assert callable(getattr(importlib.import_module(module), attribute))
    log_group = props(logical)["LoggingConfig"]["LogGroup"]["Ref"]
    assert props(log_group)["RetentionInDays"] == 7
    assert props(log_group)["LogGroupName"] == {
        "Fn::Sub": f"/aws/lambda/${{AWS::StackName}}-{name}"
    }
    assert template()["Resources"][logical]["Metadata"] == {"BuildMethod": "makefile"}
    assert f"build-{logical}" in (ROOT / "Makefile").read_text(encoding="utf-8")


def test_every_log_group_keeps_seven_days() -> None:
    groups = resources("AWS::Logs::LogGroup")
    assert len(groups) == 3
    assert {group["Properties"]["RetentionInDays"] for group in groups.values()} == {7}


def test_the_poller_runs_one_at_a_time() -> None:
    assert props("PollDecisionsFunction")["ReservedConcurrentExecutions"] == 1


def test_timeouts_cover_the_wait_for_the_sheet_and_the_lease_outlives_them() -> None:
    assert props("DailyCheckFunction")["Timeout"] > daily_check.WAIT_FOR_SHEET + 30
    assert props("PollDecisionsFunction")["Timeout"] > poll_decisions.WAIT_FOR_SHEET + 30
    assert max(props(name)["Timeout"] for name in FUNCTIONS) < LEASE_SECONDS


def test_the_environment_is_what_cloud_settings_reads() -> None:
    variables = dict(template()["Globals"]["Function"]["Environment"]["Variables"])
    variables.update(props("PollDecisionsFunction")["Environment"]["Variables"])
    ours = {name for name in variables if name.startswith("SHEETS_BOT_")}

    assert ours <= set(ENV.values())
    assert {ENV[field] for field in REQUIRED if field != "region"} <= ours


def test_schedules_have_the_shops_timezone_and_the_right_rates() -> None:
    schedules = resources("AWS::Scheduler::Schedule")
    by_target = {
        s["Properties"]["Target"]["Arn"]["Fn::GetAtt"][0]: s["Properties"]
        for s in schedules.values()
    }
    assert by_target["PollDecisionsFunction"]["ScheduleExpression"] == "rate(5 minutes)"
    assert by_target["DriveSyncFunction"]["ScheduleExpression"] == "rate(15 minutes)"
    assert "cron(${Minute} ${Hour} * * ? *)" in str(
        by_target["DailyCheckFunction"]["ScheduleExpression"]
    )
    for schedule in by_target.values():
        assert schedule["ScheduleExpressionTimezone"] == {"Ref": "Timezone"}
        assert schedule["Target"]["RoleArn"] == {"Fn::GetAtt": ["SchedulerRole", "Arn"]}


def test_the_bucket_is_versioned_private_encrypted_and_trimmed() -> None:
    bucket = props("SnapshotBucket")
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    assert set(bucket["PublicAccessBlockConfiguration"].values()) == {True}
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    [rule] = bucket["LifecycleConfiguration"]["Rules"]
    assert "NoncurrentVersionExpiration" in rule


def _statements() -> Iterator[tuple[str, dict[str, Any]]]:
    for name, role in resources("AWS::IAM::Role").items():
        for policy in role["Properties"].get("Policies", []):
            if "Fn::If" in policy:
                policy = policy["Fn::If"][1]
            for statement in policy["PolicyDocument"]["Statement"]:
                yield name, statement


def test_no_write_action_on_every_resource() -> None:
    for role, statement in _statements():
        actions = (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
        resource = statement["Resource"]
        if any(WRITE_ACTION.search(action) for action in actions):
            assert resource != "*", f"{role}: {actions} on *"
            assert "*" not in (resource if isinstance(resource, list) else [resource])


def test_each_function_has_its_own_role_and_no_managed_policies() -> None:
    roles = {props(name)["Role"]["Fn::GetAtt"][0] for name in FUNCTIONS}
    assert len(roles) == 3
    for role in roles:
        assert "ManagedPolicyArns" not in props(role)
    assert "Policies" not in template()["Globals"]["Function"]


def test_only_the_poller_may_send_mail_or_schedule() -> None:
    for role, statement in _statements():
        actions = " ".join(
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
        if "ses:" in actions or "scheduler:" in actions or "iam:PassRole" in actions:
            assert role == "PollDecisionsRole"


def test_the_secret_is_readable_only_when_that_option_is_chosen() -> None:
    for name in ("DailyCheckRole", "DriveSyncRole", "PollDecisionsRole"):
        conditional = [p for p in props(name)["Policies"] if "Fn::If" in p]
        assert [p["Fn::If"][0] for p in conditional] == ["UseSecret"]
        assert conditional[0]["Fn::If"][2] == {"Ref": "AWS::NoValue"}
    assert template()["Conditions"]["UseSecret"] == {
        "Fn::Equals": [{"Ref": "GoogleCredentialMode"}, "secret"]
    }


def test_a_budget_alerts_the_owner() -> None:
    [budget] = resources("AWS::Budgets::Budget").values()
    subscribers = budget["Properties"]["NotificationsWithSubscribers"]
    assert {s["Subscribers"][0]["Address"]["Ref"] for s in subscribers} == {"OwnerEmail"}


def test_drive_sync_writes_and_the_check_only_reads_the_stock_history() -> None:
    from datetime import date

    from sheets_bot.services.stock_history import history_key

    prefix = history_key("SHEET", date(2026, 1, 1)).split("/", 1)[0]
    found = {
        role: statement
        for role, statement in _statements()
        if statement.get("Sid") == "StockHistory"
    }
    resource = {"Fn::Sub": f"${{SnapshotBucket.Arn}}/{prefix}/*"}
    assert set(found) == {"DailyCheckRole", "DriveSyncRole"}
    assert found["DriveSyncRole"]["Action"] == ["s3:GetObject", "s3:PutObject"]
    assert found["DailyCheckRole"]["Action"] == "s3:GetObject"
    assert all(statement["Resource"] == resource for statement in found.values())
