"""The monthly summary function on moto and the fake Sheets API: a PO sent in November, then
on 1 December the summary of November in SES to the owner, audited in the sheet; with the
stack's AI summary on, the narrative from Bedrock (botocore Stubber) or the template."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest
from botocore.stub import ANY, Stubber

from lambdas import daily_check, monthly_summary, poll_decisions
from sheets_bot.adapters.aws.bedrock_narrator import HAIKU_4_5
from sheets_bot.adapters.aws.wiring import AwsWiring, use
from tests.lambdas.cloud_world import FROM_ADDRESS, OWNER, CloudWorld, cloud_world

FIRST_OF_DECEMBER = datetime(2026, 12, 1, 7, 30, tzinfo=UTC)


@pytest.fixture
def world() -> Iterator[CloudWorld]:
    with cloud_world() as world:
        world.invoke(daily_check)
        world.approve("D-0001")
        world.at(datetime(2026, 11, 23, 10, 5, tzinfo=UTC))
        assert world.invoke(poll_decisions)["sent"] == ["PO-0001"]
        world.at(FIRST_OF_DECEMBER)
        yield world


def _summary_email(world: CloudWorld) -> EmailMessage:
    [email] = [e for e in world.emails() if e["X-Sheets-Bot-Summary"]]
    return email


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def _ai_on_in_settings(world: CloudWorld) -> None:
    for number, row in enumerate(world.owner.records("Settings"), start=2):
        if row["Setting"] == "AI summary":
            world.owner.set_cell("Settings", number, "Value", "yes")


def _with_model(world: CloudWorld) -> AwsWiring:
    """A container of a stack deployed with AiSummary yes."""
    settings = world.settings.model_copy(update={"summary_model": HAIKU_4_5})
    wiring = AwsWiring(settings, session=world.wiring.session, clock=world.clock)
    use(wiring)
    world.wiring = wiring
    return wiring


def test_the_summary_of_november_goes_to_the_owner(world: CloudWorld) -> None:
    result = world.invoke(monthly_summary, {"reason": "monthly summary"})

    assert result == {
        "reason": "monthly summary",
        "month": "2026-11",
        "pos_sent": 1,
        "late": 1,  # sent 23 Nov, 5 days' lead time: due 28 Nov, still open on the 30th
        "stock_history": False,
        "narrative": "template",
        "chart": False,
        "problems": 0,
        "already_sent": False,
    }
    email = _summary_email(world)
    assert email["To"].addresses[0].addr_spec == OWNER
    assert email["From"].addresses[0].addr_spec == FROM_ADDRESS
    assert email["X-Sheets-Bot-Summary"] == "2026-11"
    assert "- Bean Brothers Roasters: 1 PO," in _text(email)
    assert "No stock history yet" in _text(email)
    assert "- PO-0001 from Bean Brothers Roasters: expected 28 Nov, not received" in _text(email)
    assert world.owner.records("Audit")[-1]["Action"] == "monthly summary sent"


def test_a_repeated_schedule_event_sends_nothing_more(world: CloudWorld) -> None:
    world.invoke(monthly_summary, {"reason": "monthly summary"})
    again = world.invoke(monthly_summary, {"reason": "monthly summary"})
    assert again["already_sent"] is True
    assert len([e for e in world.emails() if e["X-Sheets-Bot-Summary"]]) == 1
    by_hand = world.invoke(monthly_summary, {"reason": "by hand", "month": "2026-11"})
    assert by_hand["already_sent"] is False
    assert len([e for e in world.emails() if e["X-Sheets-Bot-Summary"]]) == 2


def test_a_month_may_be_asked_for(world: CloudWorld) -> None:
    result = world.invoke(monthly_summary, {"reason": "by hand", "month": "2026-10"})
    assert (result["month"], result["pos_sent"]) == ("2026-10", 0)


def test_with_ai_on_bedrock_writes_the_narrative(world: CloudWorld) -> None:
    wiring = _with_model(world)
    _ai_on_in_settings(world)
    with Stubber(wiring.bedrock) as stubber:
        stubber.add_response(
            "converse",
            {
                "output": {
                    "message": {
                        "role": "assistant",
                        "content": [{"text": "One PO went to Bean Brothers <Roasters>."}],
                    }
                },
                "stopReason": "end_turn",
                "usage": {"inputTokens": 200, "outputTokens": 20, "totalTokens": 220},
                "metrics": {"latencyMs": 500},
            },
            {
                "modelId": HAIKU_4_5,
                "system": ANY,
                "messages": ANY,
                "inferenceConfig": ANY,
            },
        )
        result = world.invoke(monthly_summary)
        stubber.assert_no_pending_responses()
    assert result["narrative"] == "ai"
    html = _summary_email(world).get_body(preferencelist=("html",))
    assert html is not None
    assert "Bean Brothers &lt;Roasters&gt;." in str(html.get_content())


def test_a_bedrock_failure_still_sends_the_summary(world: CloudWorld) -> None:
    wiring = _with_model(world)
    _ai_on_in_settings(world)
    with Stubber(wiring.bedrock) as stubber:
        stubber.add_client_error("converse", "ServiceUnavailableException", http_status_code=503)
        result = world.invoke(monthly_summary)
    assert result["narrative"] == "template"
    assert "In November 2026 the bot sent 1 purchase order" in _text(_summary_email(world))


def test_without_the_stacks_model_the_setting_alone_does_nothing(world: CloudWorld) -> None:
    _ai_on_in_settings(world)
    assert world.wiring.monthly_adapters().narrator is None
    assert world.invoke(monthly_summary)["narrative"] == "template"
