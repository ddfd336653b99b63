"""The intake on AWS: SES's S3 action has stored the raw message, its Lambda action invokes
``inbound_email`` with the event SES documents; the counts land in the Google Sheet's Proposed
tab (the fake Sheets API), the poller applies them. A failed DKIM and SPF is refused and kept.
AI parsing of a PDF goes to Bedrock, stubbed with botocore's Stubber."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.stub import ANY, Stubber

from lambdas import inbound_email, poll_decisions
from lambdas.ses_events import INBOUND_PREFIX, InboundMail
from sheets_bot.domain.audit import AuditAction
from sheets_bot.sheet.layout import PROPOSED, SETTINGS, STOCK
from tests.aws.test_textract_tables import table_blocks
from tests.email.mail import forward
from tests.lambdas.cloud_world import BUCKET, OWNER, CloudWorld, cloud_world

MESSAGE_ID = "o3vrnil0e2ic28trm7dfhrc2v0cnbeccl4nbp0g1"

# "Event records provided by the Lambda action", as the SES developer guide shows them
# (addresses and ids changed to the café's; header list shortened).
SES_EVENT: dict[str, Any] = {
    "Records": [
        {
            "eventSource": "aws:ses",
            "eventVersion": "1.0",
            "ses": {
                "mail": {
                    "timestamp": "2026-11-23T09:30:02.028Z",
                    "source": f"prvs=144d0cba7={OWNER}",
                    "messageId": MESSAGE_ID,
                    "destination": ["counts@cornercafe.example"],
                    "headersTruncated": False,
                    "headers": [
                        {"name": "Return-Path", "value": f"<prvs=144d0cba7={OWNER}>"},
                        {"name": "X-SES-Spam-Verdict", "value": "PASS"},
                        {"name": "X-SES-Virus-Verdict", "value": "PASS"},
                        {"name": "From", "value": f"Sam Owner <{OWNER}>"},
                        {"name": "To", "value": "counts@cornercafe.example"},
                        {"name": "Subject", "value": "Fwd: stock count"},
                    ],
                    "commonHeaders": {
                        "returnPath": f"prvs=144d0cba7={OWNER}",
                        "from": [f"Sam Owner <{OWNER}>"],
                        "date": "Mon, 23 Nov 2026 09:30:00 +0000",
                        "to": ["counts@cornercafe.example"],
                        "messageId": "<count-1@mail.cornercafe.example>",
                        "subject": "Fwd: stock count",
                    },
                },
                "receipt": {
                    "timestamp": "2026-11-23T09:30:02.028Z",
                    "processingTimeMillis": 1205,
                    "recipients": ["counts@cornercafe.example"],
                    "spamVerdict": {"status": "PASS"},
                    "virusVerdict": {"status": "PASS"},
                    "spfVerdict": {"status": "PASS"},
                    "dkimVerdict": {"status": "PASS"},
                    "dmarcVerdict": {"status": "GRAY"},
                    "action": {
                        "type": "Lambda",
                        "functionArn": "arn:aws:lambda:eu-west-2:123456789012:function:inbound",
                        "invocationType": "Event",
                    },
                },
            },
        }
    ]
}


@pytest.fixture
def world() -> Iterator[CloudWorld]:
    with cloud_world() as world:
        yield world


def deliver(world: CloudWorld, raw: bytes, **verdicts: str) -> dict[str, Any]:
    """What SES does: the S3 action stores the message, the Lambda action invokes us."""
    world.s3.put_object(Bucket=BUCKET, Key=INBOUND_PREFIX + MESSAGE_ID, Body=raw)
    event = copy.deepcopy(SES_EVENT)
    receipt = event["Records"][0]["ses"]["receipt"]
    for name, status in verdicts.items():
        receipt[f"{name}Verdict"] = {"status": status}
    return world.invoke(inbound_email, event)


def test_the_documented_event_is_read() -> None:
    mail = InboundMail.parse(SES_EVENT)
    assert mail.object_key == f"inbound/ses/{MESSAGE_ID}"
    assert (mail.verdicts.spf, mail.verdicts.dkim, mail.verdicts.dmarc) == ("PASS", "PASS", "GRAY")
    assert mail.verdicts.refusal() is None


def test_an_event_without_a_dkim_verdict_counts_it_as_not_passed() -> None:
    event = copy.deepcopy(SES_EVENT)
    receipt = event["Records"][0]["ses"]["receipt"]
    del receipt["dkimVerdict"]
    receipt["spfVerdict"] = {"status": "FAIL"}
    assert (
        InboundMail.parse(event).verdicts.refusal() == "neither SPF (FAIL) nor DKIM (none) passed"
    )


def test_a_message_id_that_is_not_a_key_is_refused() -> None:
    event = copy.deepcopy(SES_EVENT)
    event["Records"][0]["ses"]["mail"]["messageId"] = "../snapshots/x"
    with pytest.raises(ValueError, match="messageId"):
        InboundMail.parse(event)


def test_forwarded_count_to_proposed_then_applied_by_the_poller(world: CloudWorld) -> None:
    raw = forward(("count.csv", b"SKU,Count\nCOF-ESP-1K,14\nDAI-MLK-4L,9\n"))
    world.sheets.requests = 0

    summary = deliver(world, raw)

    assert summary == {
        "key": summary["key"],
        "refused": False,
        "files": 1,
        "outcomes": ["proposed"],
        "proposals": 2,
    }
    assert summary["key"].startswith("inbound/2026-11-23/")
    stored = world.s3.get_object(Bucket=BUCKET, Key=summary["key"])["Body"].read()
    assert stored == raw
    assert world.sheets.requests <= 4
    rows = world.owner.records(PROPOSED)
    assert [(r["SKU"], r["Proposed"]) for r in rows] == [("COF-ESP-1K", 14), ("DAI-MLK-4L", 9)]

    world.owner.set_cell(PROPOSED, 2, "Decision", "apply")
    polled = world.invoke(poll_decisions)
    assert (polled["proposals_applied"], polled["proposals_stale"]) == (["P-0001-01"], 0)
    stock = {row["SKU"]: row for row in world.owner.records(STOCK)}
    assert stock["COF-ESP-1K"]["On hand"] == 14
    assert str(world.owner.records(PROPOSED)[0]["Status"]).startswith("done ")

    again = deliver(world, raw)
    assert (again["outcomes"], again["proposals"]) == (["already proposed"], 0)


def test_failed_dkim_and_spf_is_refused_kept_and_not_answered(world: CloudWorld) -> None:
    raw = forward(("count.csv", b"SKU,Count\nCOF-ESP-1K,99\n"))

    summary = deliver(world, raw, spf="FAIL", dkim="FAIL")

    assert summary["refused"] is True
    assert world.owner.records(PROPOSED) == []
    assert world.emails() == []
    [entry] = [e for e in world.wiring.audit.entries() if e.action == AuditAction.MAIL_REFUSED]
    assert entry.after == {
        "reason": "neither SPF (FAIL) nor DKIM (FAIL) passed",
        "sender": OWNER,
        "message": summary["key"],
    }
    assert world.s3.get_object(Bucket=BUCKET, Key=summary["key"])["Body"].read() == raw


def _turn_on_ai_parsing(world: CloudWorld) -> None:
    grid = world.owner.grid(SETTINGS)
    world.owner.set_grid(SETTINGS, [*grid, ["AI parsing", "yes"]])


def test_a_pdf_count_goes_to_bedrock_when_ai_parsing_is_on(world: CloudWorld) -> None:
    _turn_on_ai_parsing(world)
    pdf = b"%PDF-1.7\n1 0 obj << /Type /Page >> endobj\n%%EOF"
    answer = {"rows": [{"sku": "COF-ESP-1K", "name": None, "on_hand": 11}]}
    with Stubber(world.wiring.textract) as ocr, Stubber(world.wiring.bedrock) as stub:
        ocr.add_response("analyze_document", {"Blocks": [{"BlockType": "PAGE", "Id": "p"}]})
        stub.add_response(
            "converse",
            {
                "output": {
                    "message": {"role": "assistant", "content": [{"text": json.dumps(answer)}]}
                },
                "stopReason": "end_turn",
                "usage": {"inputTokens": 900, "outputTokens": 40, "totalTokens": 940},
                "metrics": {"latencyMs": 800},
            },
            {
                "modelId": world.settings.bedrock_model,
                "system": ANY,
                "messages": ANY,
                "inferenceConfig": {"maxTokens": 4000, "temperature": 0},
            },
        )
        summary = deliver(world, forward(("count.pdf", pdf)))
        stub.assert_no_pending_responses()
        ocr.assert_no_pending_responses()

    assert summary["proposals"] == 1
    [row] = world.owner.records(PROPOSED)
    assert (row["SKU"], row["Proposed"], row["Confidence"]) == ("COF-ESP-1K", 11, 0.5)
    assert "read by AI parsing" in str(row["Status"])


def test_a_photo_of_a_count_sheet_is_read_by_textract_alone(world: CloudWorld) -> None:
    _turn_on_ai_parsing(world)
    photo = b"\xff\xd8\xff\xe0" + b"\0" * 30_000
    blocks = table_blocks([["Item", "Qty"], ["Whole milk 4L", "9"], ["Butter 250g", "40"]])
    with Stubber(world.wiring.textract) as ocr, Stubber(world.wiring.bedrock) as model:
        ocr.add_response(
            "analyze_document",
            {"Blocks": blocks},
            {"Document": {"Bytes": photo}, "FeatureTypes": ["TABLES"]},
        )
        summary = deliver(world, forward(("IMG_0412.jpg", photo)))
        ocr.assert_no_pending_responses()
        model.assert_no_pending_responses()

    assert summary["proposals"] == 1, "butter is already 40"
    [row] = world.owner.records(PROPOSED)
    assert (row["SKU"], row["Proposed"], row["Confidence"]) == ("DAI-MLK-4L", 9, 0.5)


@pytest.mark.parametrize("handler", ["poll_decisions", "daily_check", "drive_sync"])
def test_the_other_functions_load_no_file_reader(handler: str) -> None:
    """The intake's readers (openpyxl, the ODS and CSV readers) stay out of the other
    functions' cold starts: only ``inbound_email`` imports them."""
    code = (
        f"import sys, lambdas.{handler};"
        " sys.exit(1 if {'openpyxl', 'sheets_bot.intake.parse'} & set(sys.modules) else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
