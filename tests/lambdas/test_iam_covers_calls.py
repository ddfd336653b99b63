"""Every AWS call a handler makes in a day is allowed by its role in infra/template.yaml.

moto does not enforce IAM, so a role that lacks a permission the code needs passes every other
test and fails only in the owner's account. Here each call the handlers make in a day (sync,
check with its digest, a digest link opened and confirmed, approve, poll, the monthly summary)
is recorded through botocore's ``before-parameter-build`` event, turned into the IAM action and
the template resource it touches, and checked against the statements of that function's role.
So is a forwarded count through the intake. The two public functions (POS webhook, supplier
confirmation) have static tests of their one-statement roles in test_template.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from lambdas import (
    daily_check,
    decision_link,
    drive_sync,
    inbound_email,
    monthly_summary,
    poll_decisions,
)
from sheets_bot.adapters.aws.tables import TableNames
from tests.aws.test_template import _statements, props
from tests.email.mail import forward
from tests.lambdas.cloud_world import BUCKET, PREFIX, CloudWorld, _session, cloud_world
from tests.lambdas.test_a_day import _body, _link, _url_event
from tests.lambdas.test_inbound_email import deliver

FUNCTIONS = {
    drive_sync: "DriveSyncFunction",
    daily_check: "DailyCheckFunction",
    poll_decisions: "PollDecisionsFunction",
    monthly_summary: "MonthlySummaryFunction",
    decision_link: "DecisionLinkFunction",
    inbound_email: "InboundEmailFunction",
}
NAMES = TableNames.with_prefix(PREFIX)
TABLES = {
    NAMES.ledger: "LedgerTable",
    NAMES.audit: "AuditTable",
    NAMES.memory: "CellMemoryTable",
    NAMES.live: "LiveTable",
}
SERVICES = {
    "dynamodb": "dynamodb",
    "s3": "s3",
    "sqs": "sqs",
    "sesv2": "ses",
    "scheduler": "scheduler",
}
RENAMED = {
    ("s3", "ListObjectsV2"): "ListBucket",
    ("s3", "ListObjectVersions"): "ListBucketVersions",
    ("s3", "HeadObject"): "GetObject",
    ("dynamodb", "TransactWriteItems"): "PutItem",
    ("sqs", "DeleteMessageBatch"): "DeleteMessage",
}
"""Calls whose IAM action has another name (a transaction of Puts needs PutItem)."""


@dataclass(frozen=True)
class Call:
    function: str
    action: str
    resource: str
    """The template's logical resource, with ``/key`` for S3 objects."""


def _resource(service: str, params: dict[str, Any]) -> str:
    if service == "dynamodb":
        names = [
            params.get("TableName"),
            *params.get("RequestItems", {}),
            *(
                next(iter(item.values())).get("TableName")
                for item in params.get("TransactItems", [])
            ),
        ]
        return ",".join(sorted({TABLES[name] for name in names if name}))
    if service == "s3":
        assert params.get("Bucket") == BUCKET, params
        key = params.get("Key")
        return f"SnapshotBucket/{key}" if key else "SnapshotBucket"
    if service == "sqs":
        return "FailureQueue"
    return "*"


def _allowed(role: str, call: Call) -> bool:
    return any(
        call.action in _listed(statement["Action"]) and _covers(statement["Resource"], call)
        for name, statement in _statements()
        if name == role and statement.get("Effect") == "Allow"
    )


def _listed(value: Any) -> list[Any]:
    """A statement's Resource as a list, each table reference as a stack that creates its
    tables has it (the branch of ``Fn::If [CreateTables, ...]`` that names the resource)."""
    entries = value if isinstance(value, list) else [value]
    return [
        entry["Fn::If"][1]
        if isinstance(entry, dict) and entry.get("Fn::If", [None])[0] == "CreateTables"
        else entry
        for entry in entries
    ]


def _covers(resource: Any, call: Call) -> bool:
    """Whether a statement's Resource names every resource of the call (an S3 object by a
    ``${SnapshotBucket.Arn}/prefix/*`` pattern, the bucket itself by its ARN)."""
    if call.resource == "*":
        return True
    for wanted in call.resource.split(","):
        logical, _, key = wanted.partition("/")
        named = [entry for entry in _listed(resource) if logical in str(entry)]
        if key:
            prefixes = [
                str(entry["Fn::Sub"]).split("}/", 1)[1].rstrip("*")
                for entry in named
                if isinstance(entry, dict) and "Fn::Sub" in entry and "}/" in str(entry)
            ]
            if not any(key.startswith(prefix) for prefix in prefixes):
                return False
        elif not any(isinstance(entry, dict) and "Fn::GetAtt" in entry for entry in named):
            return False
    return True


@pytest.fixture
def recorded() -> Iterator[tuple[CloudWorld, list[Call]]]:
    calls: list[Call] = []
    current: list[str] = []

    def record(model: Any, params: dict[str, Any], **_: Any) -> None:
        service = model.service_model.service_name
        if not current or service not in SERVICES:
            return
        operation = RENAMED.get((service, model.name), model.name)
        calls.append(
            Call(current[-1], f"{SERVICES[service]}:{operation}", _resource(service, params))
        )

    events = _session().events
    events.register("before-parameter-build", record)
    try:
        with cloud_world() as world:
            # As deployed: the live table is there (POS events, receipts, claims).
            world.settings = world.settings.model_copy(update={"live_table": NAMES.live})
            world.new_container()
            original = world.invoke

            def invoke(module: ModuleType, event: Any = None) -> dict[str, Any]:
                current.append(FUNCTIONS[module])
                try:
                    return original(module, event)
                finally:
                    current.pop()

            world.invoke = invoke  # type: ignore[method-assign]
            yield world, calls
    finally:
        events.unregister("before-parameter-build", record)


def test_every_call_of_a_day_is_allowed_by_the_functions_role(
    recorded: tuple[CloudWorld, list[Call]],
) -> None:
    world, calls = recorded
    world.invoke(drive_sync)
    world.invoke(daily_check)
    [digest] = world.digests()
    approve = _link(_body(digest, "plain"), "D-0002", "approve")
    world.invoke(decision_link, _url_event("GET", approve))
    token = parse_qs(urlsplit(approve).query)["t"][0]
    world.invoke(decision_link, _url_event("POST", approve, {"t": token}))
    world.approve("D-0001")
    world.at(datetime(2026, 11, 23, 10, 5, tzinfo=UTC))
    world.invoke(poll_decisions)
    world.owner.set_cell("Stock", 2, "On hand", 1)
    world.invoke(drive_sync)
    world.at(datetime(2026, 12, 1, 7, 30, tzinfo=UTC))
    world.invoke(daily_check)
    world.invoke(monthly_summary, {"reason": "monthly summary"})

    assert {call.function for call in calls} == set(FUNCTIONS.values()) - {"InboundEmailFunction"}
    assert _denied(calls) == []


def test_every_call_of_a_forwarded_count_is_allowed_by_the_intakes_role(
    recorded: tuple[CloudWorld, list[Call]],
) -> None:
    world, calls = recorded
    deliver(world, forward(("count.csv", b"SKU,Count\nCOF-ESP-1K,14\n")))
    deliver(world, forward(("count.csv", b"SKU,Count\nCOF-ESP-1K,14\n")))  # seen before
    deliver(world, forward(("count.csv", b"SKU,Count\n")), spf="FAIL", dkim="FAIL")

    assert {call.function for call in calls} == {"InboundEmailFunction"}
    assert _denied(calls) == []


def _denied(calls: list[Call]) -> list[Call]:
    return sorted(
        {
            call
            for call in calls
            if not _allowed(props(call.function)["Role"]["Fn::GetAtt"][0], call)
        },
        key=str,
    )
