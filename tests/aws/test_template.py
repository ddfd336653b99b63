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

from lambdas import daily_check, inbound_email, monthly_summary, poll_decisions
from lambdas.ses_events import INBOUND_PREFIX
from sheets_bot.adapters.aws import tables
from sheets_bot.adapters.aws.bedrock_narrator import HAIKU_4_5
from sheets_bot.adapters.aws.run_lock import LEASE_SECONDS
from sheets_bot.adapters.aws.tables import TableNames, table_definitions
from sheets_bot.adapters.aws.web_wiring import WEB_ENV, WEB_LANES
from sheets_bot.cloud_config import ENV, LANES, REQUIRED

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "infra" / "template.yaml"
FUNCTIONS = {
    "DailyCheckFunction": "daily-check",
    "DriveSyncFunction": "drive-sync",
    "PollDecisionsFunction": "poll-decisions",
    "InboundEmailFunction": "inbound-email",
    "DecisionLinkFunction": "decision-link",
    "PosWebhookFunction": "pos-webhook",
    "SupplierConfirmFunction": "supplier-confirm",
    "MonthlySummaryFunction": "monthly-summary",
}
SCHEDULED = (
    "DailyCheckFunction",
    "DriveSyncFunction",
    "PollDecisionsFunction",
    "MonthlySummaryFunction",
)
PUBLIC = {"PosWebhookFunction": "PosWebhookUrl", "SupplierConfirmFunction": "SupplierConfirmUrl"}
TABLES = {
    "LedgerTable": "ledger",
    "AuditTable": "audit",
    "CellMemoryTable": "memory",
    "LiveTable": "live",
}
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


def created(node: Any) -> Any:
    """A reference to a table as a stack that creates its tables has it."""
    if isinstance(node, dict) and "Fn::If" in node and node["Fn::If"][0] == "CreateTables":
        return node["Fn::If"][1]
    if isinstance(node, list):
        return [created(entry) for entry in node]
    return node


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
    assert len(groups) == len(FUNCTIONS)
    assert {group["Properties"]["RetentionInDays"] for group in groups.values()} == {7}


def test_the_poller_runs_one_at_a_time() -> None:
    assert props("PollDecisionsFunction")["ReservedConcurrentExecutions"] == 1


def test_timeouts_cover_the_wait_for_the_sheet_and_the_lease_outlives_them() -> None:
    assert props("DailyCheckFunction")["Timeout"] > daily_check.WAIT_FOR_SHEET + 30
    assert props("PollDecisionsFunction")["Timeout"] > poll_decisions.WAIT_FOR_SHEET + 30
    assert props("InboundEmailFunction")["Timeout"] > inbound_email.WAIT_FOR_SHEET + 30
    assert props("MonthlySummaryFunction")["Timeout"] > monthly_summary.WAIT_FOR_SHEET + 30
    assert max(props(name)["Timeout"] for name in SCHEDULED) < LEASE_SECONDS


NOT_FROM_THE_TEMPLATE = {"region", "ses_configuration_set"}
"""Settings a lane reads that the template has no parameter for: the Lambda runtime sets
AWS_REGION; a configuration set is an option of a hand-made deployment."""


def lane(logical: str) -> str:
    """The handler module of a function: ``lambdas.poll_decisions.handler`` -> its lane."""
    return str(props(logical)["Handler"]).split(".")[1]


@pytest.mark.parametrize("logical", sorted(FUNCTIONS))
def test_each_function_gets_exactly_the_variables_its_lane_reads(logical: str) -> None:
    """The wiring of a lane sees only LANES[lane] (CloudSettings.only), so what the template
    sets a function is exactly what its handler and wiring read, and nothing more."""
    variables = set(props(logical)["Environment"]["Variables"])
    if lane(logical) in WEB_LANES:
        fields = WEB_LANES[lane(logical)]
        expected = {WEB_ENV[f] for f in fields if f not in NOT_FROM_THE_TEMPLATE}
    else:
        fields = LANES[lane(logical)]
        expected = {ENV[f] for f in fields if f not in NOT_FROM_THE_TEMPLATE}
    assert variables == expected
    assert set(REQUIRED) <= set(fields) or lane(logical) in WEB_LANES


def test_the_shared_environment_is_only_powertools() -> None:
    shared = template()["Globals"]["Function"]["Environment"]["Variables"]
    assert shared == {"POWERTOOLS_SERVICE_NAME": "sheets-bot", "POWERTOOLS_LOG_LEVEL": "INFO"}
    assert {lane(name) for name in FUNCTIONS} == set(LANES) | set(WEB_LANES)


def _holds(condition: str, parameters: dict[str, str]) -> bool:
    """A template condition for the given parameter values (Equals and Not of Refs only)."""

    def value(node: Any) -> Any:
        if isinstance(node, dict) and "Ref" in node:
            return parameters.get(node["Ref"], template()["Parameters"][node["Ref"]].get("Default"))
        if isinstance(node, dict) and "Fn::Equals" in node:
            left, right = node["Fn::Equals"]
            return value(left) == value(right)
        if isinstance(node, dict) and "Fn::Not" in node:
            return not value(node["Fn::Not"][0])
        return node

    return bool(value(template()["Conditions"][condition]))


def deployed(parameters: dict[str, str]) -> set[str]:
    """The resources a stack with ``parameters`` creates."""
    return {
        name
        for name, resource in template()["Resources"].items()
        if "Condition" not in resource or _holds(resource["Condition"], parameters)
    }


def test_the_email_intake_exists_only_with_an_inbound_address() -> None:
    intake = {
        "InboundEmailFunction",
        "InboundEmailRole",
        "InboundEmailLogs",
        "InboundEmailPermission",
        "InboundRuleSet",
        "InboundRule",
    }
    without = deployed({})
    assert intake.isdisjoint(without)
    assert intake <= deployed({"InboundAddress": "counts@example.com"})
    for name in without:  # nothing created without it refers to the intake
        assert "InboundEmail" not in str(template()["Resources"][name]), name


def _resolved(node: Any, holds: dict[str, bool]) -> Any:
    """``node`` with each Fn::If replaced by the branch its condition picks."""
    if isinstance(node, dict):
        if "Fn::If" in node:
            condition, yes, no = node["Fn::If"]
            return _resolved(yes if holds[condition] else no, holds)
        return {key: _resolved(value, holds) for key, value in node.items()}
    if isinstance(node, list):
        return [_resolved(value, holds) for value in node]
    return node


def test_a_redeploy_after_a_delete_uses_the_retained_tables() -> None:
    """The tables are retained when a stack is deleted; a new stack given the old one's name
    in ExistingTablesPrefix creates none and points every function and role at them."""
    parameters = {"ExistingTablesPrefix": "old-shop"}
    assert set(TABLES).isdisjoint(deployed(parameters))
    assert set(TABLES) <= deployed({})
    holds = {name: _holds(name, parameters) for name in template()["Conditions"]}
    names = TableNames.with_prefix("${ExistingTablesPrefix}")
    for name in deployed(parameters):
        resource = _resolved(template()["Resources"][name], holds)
        for table in TABLES:
            assert table not in str(resource), f"{name} refers to {table}"
        variables = resource.get("Properties", {}).get("Environment", {}).get("Variables", {})
        for variable, role in (
            ("SHEETS_BOT_LEDGER_TABLE", "ledger"),
            ("SHEETS_BOT_AUDIT_TABLE", "audit"),
            ("SHEETS_BOT_MEMORY_TABLE", "memory"),
            ("SHEETS_BOT_LIVE_TABLE", "live"),
        ):
            if variable in variables:
                assert variables[variable] == {"Fn::Sub": getattr(names, role)}
    for table in TABLES:
        assert template()["Resources"][table]["DeletionPolicy"] == "Retain"


def test_the_public_functions_have_a_concurrency_cap() -> None:
    """A flood on a public URL is throttled (429, the POS retries) instead of billed."""
    for function in PUBLIC:
        assert 1 <= props(function)["ReservedConcurrentExecutions"] <= 5


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
    monthly = by_target["MonthlySummaryFunction"]["ScheduleExpression"]["Fn::Sub"]
    assert monthly[0] == "cron(${Minute} ${Hour} 1 * ? *)"  # the 1st, at the digest time
    assert monthly[1] == by_target["DailyCheckFunction"]["ScheduleExpression"]["Fn::Sub"][1]
    for schedule in by_target.values():
        assert schedule["ScheduleExpressionTimezone"] == {"Ref": "Timezone"}
        assert schedule["Target"]["RoleArn"] == {"Fn::GetAtt": ["SchedulerRole", "Arn"]}


def test_the_bucket_is_versioned_private_encrypted_and_trimmed() -> None:
    bucket = props("SnapshotBucket")
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    assert set(bucket["PublicAccessBlockConfiguration"].values()) == {True}
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    snapshots, learned = bucket["LifecycleConfiguration"]["Rules"]
    assert "Prefix" not in snapshots and "NoncurrentVersionExpiration" in snapshots
    # the learned demand is replaced daily: its old versions go after a week
    assert learned["Prefix"] == "learning/"
    assert learned["NoncurrentVersionExpiration"] == {"NoncurrentDays": 7}


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
    assert len(roles) == len(FUNCTIONS)
    for role in roles:
        assert "ManagedPolicyArns" not in props(role)
    assert "Policies" not in template()["Globals"]["Function"]


def _actions(statement: dict[str, Any]) -> str:
    action = statement["Action"]
    return " ".join(action if isinstance(action, list) else [action])


def test_only_the_poller_schedules_and_only_it_the_digest_and_the_summary_send_mail() -> None:
    for role, statement in _statements():
        actions = _actions(statement)
        if "scheduler:" in actions or "iam:PassRole" in actions:
            assert role == "PollDecisionsRole"
        if "ses:" in actions:
            assert role in ("PollDecisionsRole", "DailyCheckRole", "MonthlySummaryRole")
            assert statement["Condition"] == {
                "StringEquals": {"ses:FromAddress": {"Ref": "FromAddress"}}
            }


def test_only_the_daily_check_reads_the_failure_queue() -> None:
    readers = {
        role
        for role, statement in _statements()
        if "sqs:ReceiveMessage" in _actions(statement) or "sqs:DeleteMessage" in _actions(statement)
    }
    assert readers == {"DailyCheckRole"}
    [statement] = [
        s for role, s in _statements() if role == "DailyCheckRole" and "sqs:Receive" in _actions(s)
    ]
    assert statement["Resource"] == {"Fn::GetAtt": ["FailureQueue", "Arn"]}


def test_the_link_function_is_public_by_url_only_and_writes_no_po_record() -> None:
    url = props("DecisionLinkUrl")
    assert url["AuthType"] == "NONE"
    assert url["TargetFunctionArn"] == {"Fn::GetAtt": ["DecisionLinkFunction", "Arn"]}
    permissions = [
        p["Properties"]
        for p in resources("AWS::Lambda::Permission").values()
        if p["Properties"]["FunctionName"] == {"Ref": "DecisionLinkFunction"}
    ]
    assert len(permissions) == 2
    assert {p["Action"] for p in permissions} == {
        "lambda:InvokeFunctionUrl",
        "lambda:InvokeFunction",
    }
    for permission in permissions:
        assert permission.get("FunctionUrlAuthType") == "NONE" or (
            permission.get("InvokedViaFunctionUrl") is True
        )
    link_statements = [s for role, s in _statements() if role == "DecisionLinkRole"]
    for statement in link_statements:
        assert "UpdateItem" not in _actions(statement) or statement["Sid"] == "Audit"
        assert "ses:" not in _actions(statement) and "sqs:" not in _actions(statement)
    assert template()["Parameters"]["LinkSigningKey"]["NoEcho"] is True
    for function in ("DailyCheckFunction", "DecisionLinkFunction"):
        variables = props(function)["Environment"]["Variables"]
        assert variables["SHEETS_BOT_LINK_KEY"] == {"Ref": "LinkSigningKey"}
    check = props("DailyCheckFunction")["Environment"]["Variables"]
    assert check["SHEETS_BOT_LINKS_URL"] == {"Fn::GetAtt": ["DecisionLinkUrl", "FunctionUrl"]}
    assert check["SHEETS_BOT_DIGEST_TIME"] == {"Ref": "DigestTime"}


def test_the_summary_may_use_only_its_model_and_only_when_chosen() -> None:
    bedrock = [(role, s) for role, s in _statements() if "bedrock:" in str(s["Action"])]
    assert sorted(role for role, _ in bedrock) == ["InboundEmailRole", "MonthlySummaryRole"]
    [statement] = [s for role, s in bedrock if role == "MonthlySummaryRole"]
    assert statement["Action"] == "bedrock:InvokeModel"
    assert statement["Resource"] == {
        "Fn::Sub": "arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/"
        "${BedrockModelId}"
    }
    [policy] = [
        p["Fn::If"]
        for p in props("MonthlySummaryRole")["Policies"]
        if "Fn::If" in p and p["Fn::If"][0] == "AiSummaryEnabled"
    ]
    assert policy[2] == {"Ref": "AWS::NoValue"}
    assert template()["Conditions"]["AiSummaryEnabled"] == {
        "Fn::Equals": [{"Ref": "AiSummary"}, "yes"]
    }
    assert template()["Parameters"]["AiSummary"]["Default"] == "no"
    assert template()["Parameters"]["BedrockModelId"]["Default"] == HAIKU_4_5
    variables = props("MonthlySummaryFunction")["Environment"]["Variables"]
    assert variables[ENV["summary_model"]] == {
        "Fn::If": ["AiSummaryEnabled", {"Ref": "BedrockModelId"}, ""]
    }


def test_the_summary_is_never_retried_by_lambda() -> None:
    config = props("MonthlySummaryFunction")["EventInvokeConfig"]
    assert config["MaximumRetryAttempts"] == 0
    assert config["DestinationConfig"]["OnFailure"]["Destination"] == {
        "Fn::GetAtt": ["FailureQueue", "Arn"]
    }


def test_the_secret_is_readable_only_when_that_option_is_chosen() -> None:
    for name in (
        "DailyCheckRole",
        "DriveSyncRole",
        "PollDecisionsRole",
        "InboundEmailRole",
        "DecisionLinkRole",
        "MonthlySummaryRole",
    ):
        conditional = [
            p for p in props(name)["Policies"] if "Fn::If" in p and p["Fn::If"][0] == "UseSecret"
        ]
        assert len(conditional) == 1
        assert conditional[0]["Fn::If"][2] == {"Ref": "AWS::NoValue"}
    assert template()["Conditions"]["UseSecret"] == {
        "Fn::Equals": [{"Ref": "GoogleCredentialMode"}, "secret"]
    }


def test_a_budget_alerts_the_owner() -> None:
    [budget] = resources("AWS::Budgets::Budget").values()
    subscribers = budget["Properties"]["NotificationsWithSubscribers"]
    assert {s["Subscribers"][0]["Address"]["Ref"] for s in subscribers} == {"OwnerEmail"}


def _statement(role: str, sid: str) -> dict[str, Any]:
    found: dict[str, Any] = next(
        s for name, s in _statements() if name == role and s.get("Sid") == sid
    )
    return found


def test_ses_stores_inbound_mail_where_the_handler_reads_it_then_invokes_it() -> None:
    rule = props("InboundRule")["Rule"]
    s3_action, lambda_action = (action for action in rule["Actions"])
    assert s3_action["S3Action"] == {
        "BucketName": {"Ref": "SnapshotBucket"},
        "ObjectKeyPrefix": INBOUND_PREFIX,
    }
    assert lambda_action["LambdaAction"] == {
        "FunctionArn": {"Fn::GetAtt": ["InboundEmailFunction", "Arn"]},
        "InvocationType": "Event",
    }
    assert rule["Recipients"] == [{"Ref": "InboundAddress"}]
    assert rule["ScanEnabled"] is True
    for name in ("InboundRuleSet", "InboundRule", "InboundEmailPermission"):
        assert template()["Resources"][name]["Condition"] == "ReceivesMail"
    assert set(template()["Resources"]["InboundRule"]["DependsOn"]) == {
        "SnapshotBucketPolicy",
        "InboundEmailPermission",
    }


def test_only_ses_of_this_account_may_store_mail_or_invoke_the_intake() -> None:
    statements = props("SnapshotBucketPolicy")["PolicyDocument"]["Statement"]
    [ses] = [s["Fn::If"][1] for s in statements if "Fn::If" in s]
    assert ses["Principal"] == {"Service": "ses.amazonaws.com"}
    assert ses["Action"] == "s3:PutObject"
    assert ses["Resource"] == {"Fn::Sub": f"${{SnapshotBucket.Arn}}/{INBOUND_PREFIX}*"}
    assert ses["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    assert "aws:SourceArn" in ses["Condition"]["ArnLike"]
    permission = props("InboundEmailPermission")
    assert permission["Principal"] == "ses.amazonaws.com"
    assert permission["SourceAccount"] == {"Ref": "AWS::AccountId"}


def test_the_intake_reads_and_writes_only_under_inbound_and_sends_no_mail() -> None:
    mail = _statement("InboundEmailRole", "InboundMail")
    assert mail["Resource"] == {"Fn::Sub": "${SnapshotBucket.Arn}/inbound/*"}
    actions = " ".join(
        " ".join(s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
        for name, s in _statements()
        if name == "InboundEmailRole"
    )
    assert "ses:" not in actions
    assert "CellMemoryTable" not in str(
        [s["Resource"] for name, s in _statements() if name == "InboundEmailRole"]
    )
    ai = _statement("InboundEmailRole", "AiParsing")
    assert ai["Action"] == "bedrock:InvokeModel"
    assert _statement("InboundEmailRole", "TablesInScans")["Action"] == "textract:AnalyzeDocument"
    star = [s for name, s in _statements() if s["Resource"] == "*"]
    assert [s["Action"] for s in star] == ["textract:AnalyzeDocument"], (
        "the one action without ARNs"
    )


def test_the_live_table_expires_sale_events() -> None:
    assert props("LiveTable")["TimeToLiveSpecification"] == {
        "AttributeName": tables.LIVE_TTL,
        "Enabled": True,
    }


@pytest.mark.parametrize(("function", "url"), sorted(PUBLIC.items()))
def test_the_public_functions_have_an_open_url_and_answer_fast(function: str, url: str) -> None:
    assert props(url) == {
        "TargetFunctionArn": {"Fn::GetAtt": [function, "Arn"]},
        "AuthType": "NONE",
    }
    permissions = [
        p["Properties"]
        for p in resources("AWS::Lambda::Permission").values()
        if p["Properties"]["FunctionName"] == {"Ref": function}
    ]
    assert sorted(p["Action"] for p in permissions) == [
        "lambda:InvokeFunction",
        "lambda:InvokeFunctionUrl",
    ]
    assert props(function)["Timeout"] <= 10


@pytest.mark.parametrize(
    ("role", "actions"),
    [
        ("PosWebhookRole", {"dynamodb:PutItem", "dynamodb:Query"}),
        ("SupplierConfirmRole", {"dynamodb:GetItem", "dynamodb:PutItem"}),
    ],
)
def test_the_public_functions_may_touch_only_the_live_table(role: str, actions: set[str]) -> None:
    statements = [s for name, s in _statements() if name == role and s["Sid"] != "Logs"]
    [statement] = statements
    granted = (
        statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
    )
    assert set(granted) == actions
    assert created(statement["Resource"]) == {"Fn::GetAtt": ["LiveTable", "Arn"]}
    if role == "PosWebhookRole":  # the sale items only: no receipts, no claims
        assert statement["Condition"] == {
            "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["sale"]}
        }


def test_the_public_functions_environment_is_what_web_settings_reads() -> None:
    for function in PUBLIC:
        names = set(props(function)["Environment"]["Variables"])
        assert names <= set(WEB_ENV.values())
    poll = props("PollDecisionsFunction")["Environment"]["Variables"]
    assert poll["SHEETS_BOT_CONFIRM_URL"] == {"Fn::Sub": "${SupplierConfirmUrl.FunctionUrl}confirm"}
    assert template()["Parameters"]["LinkSigningKey"]["NoEcho"] is True
    for secret in ("ShopifyWebhookSecret", "SquareSignatureKey"):
        assert template()["Parameters"][secret]["NoEcho"] is True


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
    assert set(found) == {"DailyCheckRole", "DriveSyncRole", "MonthlySummaryRole"}
    assert found["DriveSyncRole"]["Action"] == ["s3:GetObject", "s3:PutObject"]
    assert found["DailyCheckRole"]["Action"] == "s3:GetObject"
    assert found["MonthlySummaryRole"]["Action"] == "s3:GetObject"
    assert all(statement["Resource"] == resource for statement in found.values())


def test_only_the_check_reads_and_writes_the_learned_demand() -> None:
    from sheets_bot.services.learner_states import PREFIX, learner_key

    assert learner_key("SHEET").startswith(f"{PREFIX}/")
    found = [
        (role, statement)
        for role, statement in _statements()
        if f"/{PREFIX}/" in str(statement.get("Resource"))
    ]
    assert [(role, statement["Sid"]) for role, statement in found] == [
        ("DailyCheckRole", "LearnedDemand")
    ]
    [(_, statement)] = found
    assert statement["Action"] == ["s3:GetObject", "s3:PutObject"]
    assert statement["Resource"] == {"Fn::Sub": f"${{SnapshotBucket.Arn}}/{PREFIX}/*"}


@pytest.mark.parametrize("role", ["DailyCheckRole", "MonthlySummaryRole"])
def test_the_check_and_the_summary_may_read_sales_and_receipts_only(role: str) -> None:
    """The learning (daily check) and the monthly summary read POS events and receipts
    through the live table: a Query, and nothing that writes."""
    live = [
        statement
        for name, statement in _statements()
        if name == role and "LiveTable" in str(statement["Resource"])
    ]
    assert [(s["Action"], created(s["Resource"])) for s in live] == [
        ("dynamodb:Query", {"Fn::GetAtt": ["LiveTable", "Arn"]})
    ]


# --- the cost model prices every function -----------------------------------------------


def test_every_function_in_the_template_is_priced_by_the_cost_model() -> None:
    from sheets_bot.cost.model import FUNCTIONS as PRICED
    from sheets_bot.cost.model import Measurements, unpriced_functions

    functions = resources("AWS::Serverless::Function") | resources("AWS::Lambda::Function")
    assert unpriced_functions(template()["Resources"]) == set()
    measured = Measurements.load().deployment.functions
    assert {name.replace("_", "-") for name in measured} == {
        props(logical)["FunctionName"]["Fn::Sub"].removeprefix("${AWS::StackName}-")
        for logical in functions
    }
    assert set(measured) == set(PRICED)


def test_no_role_may_delete_an_audit_entry() -> None:
    """Only a page's marker of unmirrored ids may be deleted; the entries never."""
    for role, statement in _statements():
        if "AuditTable" in str(statement["Resource"]) and "DeleteItem" in _actions(statement):
            assert statement["Condition"] == {
                "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["unmirrored"]}
            }, role
