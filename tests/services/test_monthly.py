"""The monthly summary service on the scripted November: one email, one audit entry, and the
narrative from Bedrock (stubbed with botocore's Stubber) or from the template."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from email.message import EmailMessage
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from sheets_bot.adapters.aws.bedrock_narrator import HAIKU_4_5, BedrockNarrator
from sheets_bot.documents.monthly_narrative import MAX_NARRATIVE_CHARS, MAX_TOKENS
from sheets_bot.domain.history import Receipt
from sheets_bot.domain.monthly import Month
from sheets_bot.services.monthly import run_summary
from tests.services.monthly_world import ListedReceipts, MonthWorld


def body(message: EmailMessage, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None
    return str(part.get_content())


def converse_answer(text: str, stop: str = "end_turn") -> dict[str, Any]:
    return {
        "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
        "stopReason": stop,
        "usage": {"inputTokens": 300, "outputTokens": 60, "totalTokens": 360},
        "metrics": {"latencyMs": 800},
    }


@pytest.fixture
def bedrock() -> Iterator[tuple[BedrockNarrator, Stubber]]:
    client = boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106 - a stub never sends it
    )
    with Stubber(client) as stubber:
        yield BedrockNarrator(client), stubber
        stubber.assert_no_pending_responses()


def test_the_summary_of_last_month_goes_to_the_owner_once() -> None:
    world = MonthWorld.november()
    report = run_summary(world.ports)
    assert report.month == Month(2026, 11)
    assert world.history is not None
    assert world.history.calls == [  # type: ignore[attr-defined]
        (Month(2026, 11).start, Month(2026, 11).end)
    ]
    [message] = world.mailer.sent
    assert message["To"] == "owner@cornercafe.example"
    assert message["Subject"] == (
        "Corner Café & Pantry: November 2026 - 3 POs, £132.00, 3 late deliveries, 1 out of stock"
    )
    text = body(message, "plain")
    assert "- Bean Bros: 1 PO, £84.00" in text
    assert "- Dairy Co: 2 POs, £48.00 (1 line(s) without a unit cost)" in text
    assert "In stock 95.6% of 90 item-days (4 stockout days)." in text
    assert "- PO-0001 from Bean Bros: expected 7 Nov, received 13 Nov, 6 days late" in text
    assert "- Strawberry jam <b> (SKU JAM-1): 12 on hand" in text
    assert report.narrative_by == "template"
    assert report.narrative.startswith("In November 2026 the bot sent 3 purchase orders")
    assert report.chart
    audit = world.sheet.records("Audit")
    assert [(row["Action"], row["Subject"]) for row in audit] == [
        ("monthly summary sent", "2026-11")
    ]
    assert world.sheet.applies == 1


def test_month_may_be_named() -> None:
    world = MonthWorld.november()
    report = run_summary(world.ports, Month(2026, 10))
    assert report.figures.pos_sent == 1  # PO-0000, sent 28 October
    assert "October 2026" in str(world.mailer.sent[0]["Subject"])


def test_without_a_stock_history_it_says_so_and_invents_nothing() -> None:
    world = MonthWorld.november(with_history=False)
    report = run_summary(world.ports)
    text = body(world.mailer.sent[0], "plain")
    assert "No stock history yet" in text
    assert "In stock" not in text and "stockout day" not in text
    assert "Did not sell" not in text
    assert not report.chart
    assert world.mailer.sent[0].get_body(preferencelist=("related",)) is None


def test_receipts_fill_in_received_on() -> None:
    world = MonthWorld.november()
    world.receipts = ListedReceipts(
        [
            Receipt(
                "PO-0003",
                "Dairy Co",
                "MLK-4",
                10,
                10,
                datetime(2026, 11, 25, 9, 15, tzinfo=UTC),
                datetime(2026, 11, 26, 14, 0, tzinfo=UTC),
            )
        ]
    )
    report = run_summary(world.ports)
    assert [late.po for late in report.figures.late] == ["PO-0001", "PO-0000"]


def test_an_unreadable_received_on_is_a_located_problem() -> None:
    world = MonthWorld.november()
    world.sheet.set_cell("Orders", 3, "Received on", "next tuesday")  # PO-0001
    report = run_summary(world.ports)
    assert any(
        "Orders row 3" in problem and "Received on" in problem and "next tuesday" in problem
        for problem in report.problems
    ), report.problems
    assert "PO-0001" not in [late.po for late in report.figures.late]


class RecordingNarrator:
    """A narrator that must not be asked: the owner left AI summary off."""

    def __init__(self) -> None:
        self.calls = 0

    def narrate(self, instructions: str, facts: str, *, max_tokens: int) -> str:
        self.calls += 1
        return "should not be used"


def test_ai_summary_is_off_by_default() -> None:
    world = MonthWorld.november()
    narrator = RecordingNarrator()
    world.narrator = narrator
    report = run_summary(world.ports)
    assert narrator.calls == 0
    assert report.narrative_by == "template"


def test_bedrock_writes_the_narrative_from_the_figures_only(
    bedrock: tuple[BedrockNarrator, Stubber],
) -> None:
    narrator, stubber = bedrock
    answer = (
        "November went well: 3 POs for 132.00 GBP. <script>alert(1)</script> Bean Bros was"
        " 6 days late.\n\nStrawberry jam did not sell."
    )
    stubber.add_response(
        "converse",
        converse_answer(answer),
        {
            "modelId": HAIKU_4_5,
            "system": [{"text": ANY}],
            "messages": ANY,
            "inferenceConfig": {"maxTokens": MAX_TOKENS, "temperature": 0.2},
        },
    )
    world = MonthWorld.november(ai_summary="yes")
    world.narrator = narrator
    report = run_summary(world.ports)
    assert report.narrative_by == "ai"
    html = body(world.mailer.sent[0], "html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html
    assert "Written by AI from the figures below" in html
    text = body(world.mailer.sent[0], "plain")
    assert "Strawberry jam did not sell." in text


def test_the_prompt_holds_the_figures_and_the_rule_to_invent_nothing(
    bedrock: tuple[BedrockNarrator, Stubber],
) -> None:
    narrator, stubber = bedrock
    seen: dict[str, Any] = {}

    def capture(**params: Any) -> None:
        seen.update(params)

    stubber.add_response("converse", converse_answer("Fine month."))
    client = narrator.client
    client.meta.events.register("provide-client-params.bedrock-runtime.Converse", capture)
    world = MonthWorld.november(ai_summary="yes")
    world.narrator = narrator
    run_summary(world.ports)
    params = seen["params"]
    assert "do not invent" in params["system"][0]["text"]
    facts = params["messages"][0]["content"][0]["text"]
    assert "Purchase orders sent: 3, total spend 132.00 GBP." in facts
    assert "Late delivery: PO-0001 from Bean Bros, 6 day(s) late, delivered." in facts
    assert "In-stock rate: 95.6% of 90 item-days; stockout item-days: 4." in facts
    assert "owner@" not in facts and "@example.com" not in facts


@pytest.mark.parametrize(
    "failure",
    ["ThrottlingException", "AccessDeniedException", "ValidationException"],
)
def test_a_bedrock_failure_falls_back_to_the_template(
    bedrock: tuple[BedrockNarrator, Stubber], failure: str
) -> None:
    narrator, stubber = bedrock
    stubber.add_client_error("converse", service_error_code=failure, http_status_code=400)
    world = MonthWorld.november(ai_summary="yes")
    world.narrator = narrator
    report = run_summary(world.ports)
    assert report.narrative_by == "template"
    assert len(world.mailer.sent) == 1
    assert "Written by AI" not in body(world.mailer.sent[0], "plain")


def test_a_filtered_or_empty_answer_falls_back_to_the_template(
    bedrock: tuple[BedrockNarrator, Stubber],
) -> None:
    narrator, stubber = bedrock
    stubber.add_response("converse", converse_answer("", "end_turn"))
    stubber.add_response("converse", converse_answer("partial", "content_filtered"))
    for _ in range(2):
        world = MonthWorld.november(ai_summary="yes")
        world.narrator = narrator
        assert run_summary(world.ports).narrative_by == "template"


def test_a_long_answer_is_cut_short(bedrock: tuple[BedrockNarrator, Stubber]) -> None:
    narrator, stubber = bedrock
    stubber.add_response("converse", converse_answer("word " * 1000 + "\x00\x1b[31m"))
    world = MonthWorld.november(ai_summary="yes")
    world.narrator = narrator
    report = run_summary(world.ports)
    assert report.narrative_by == "ai"
    assert len(report.narrative) <= MAX_NARRATIVE_CHARS + 1
    assert "\x00" not in report.narrative and "\x1b" not in report.narrative


def test_an_unreadable_quantity_or_cost_is_located_and_the_rest_still_counts() -> None:
    world = MonthWorld.november()
    world.sheet.set_cell("Orders", 3, "Unit cost", "ask Sam")  # PO-0001's only line
    world.sheet.set_cell("Orders", 4, "Qty", "thirty")  # PO-0002's milk line
    report = run_summary(world.ports)
    assert any("Orders row 3" in p and "'ask Sam'" in p for p in report.problems)
    assert any("Orders row 4" in p and "'thirty'" in p for p in report.problems)
    spend = {s.supplier: (s.pos, s.spend, s.unpriced_lines) for s in report.figures.spend}
    assert spend["Bean Bros"] == (1, Decimal(0), 1)
    assert spend["Dairy Co"] == (2, Decimal("12.00"), 1)  # jam 6 x 2.00; PO-0003 unpriced


def test_once_sends_a_month_only_once_and_by_hand_it_sends_again() -> None:
    world = MonthWorld.november()
    first = run_summary(world.ports, once=True)
    second = run_summary(world.ports, once=True)
    assert (first.already_sent, second.already_sent) == (False, True)
    assert second.message_id == first.message_id
    assert len(world.mailer.sent) == 1
    run_summary(world.ports, Month(2026, 11))
    assert len(world.mailer.sent) == 2
    run_summary(world.ports, Month(2026, 10), once=True)  # another month: sent
    assert len(world.mailer.sent) == 3


def test_a_month_in_progress_says_so_in_the_subject_and_the_text() -> None:
    world = MonthWorld.november()
    world.clock.instant = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
    report = run_summary(world.ports, Month(2026, 11))
    [message] = world.mailer.sent
    subject = str(message["Subject"])
    assert subject.startswith("Corner Café & Pantry: November 2026 so far (10 days) - ")
    assert "2 late deliveries" in subject  # PO-0000 and PO-0001, as of the 10th
    text = body(message, "plain")
    assert "monthly summary, November 2026 so far (10 days)" in text
    assert "Did not sell" not in text
    assert report.narrative.startswith("So far in November 2026 (10 days) the bot sent")
