"""BedrockParser with botocore's Stubber in place of Bedrock: what it sends (model, bounded
tokens, the file as a document or image block), what it accepts back, what it refuses."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from botocore.stub import ANY, Stubber

from sheets_bot.adapters.aws.bedrock_parser import MAX_PAGES, MAX_TOKENS, BedrockParser, pdf_pages
from sheets_bot.intake.columns import Field
from sheets_bot.intake.limits import AttachmentRejected
from tests.aws.moto_support import aws_session

if TYPE_CHECKING:
    from mypy_boto3_bedrock_runtime import BedrockRuntimeClient

MODEL = "global.anthropic.claude-haiku-4-5-20251001-v1:0"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Pages /Count 1 >>\n2 0 obj << /Type /Page >>\n%%EOF"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


@pytest.fixture
def client() -> BedrockRuntimeClient:
    return aws_session().client("bedrock-runtime")


@pytest.fixture
def stub(client: BedrockRuntimeClient) -> Iterator[Stubber]:
    with Stubber(client) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


def answer(text: str, stop: str = "end_turn") -> dict[str, Any]:
    return {
        "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
        "stopReason": stop,
        "usage": {"inputTokens": 1, "outputTokens": 1, "totalTokens": 2},
        "metrics": {"latencyMs": 1},
    }


def expect(stub: Stubber, response: dict[str, Any], first_block: Any = ANY) -> None:
    stub.add_response(
        "converse",
        response,
        {
            "modelId": MODEL,
            "system": ANY,
            "messages": [
                {
                    "role": "user",
                    "content": [first_block, {"text": "Extract the item lines as JSON."}],
                }
            ],
            "inferenceConfig": {"maxTokens": MAX_TOKENS, "temperature": 0},
        },
    )


def test_a_pdf_is_sent_as_a_document_and_its_rows_come_back(
    client: BedrockRuntimeClient, stub: Stubber
) -> None:
    rows = {
        "rows": [
            {"sku": "A-1", "name": "Oat milk", "on_hand": 12},
            {"sku": None, "name": "Honey", "unit_cost": 4.1, "pack_size": 6},
            {"sku": None, "name": None, "on_hand": 3},
            {"sku": "B-2", "name": "Jam"},
        ]
    }
    document = {"document": {"format": "pdf", "name": "count", "source": {"bytes": PDF}}}
    expect(stub, answer("```json\n" + json.dumps(rows) + "\n```"), document)

    parsed = BedrockParser(client, MODEL).parse("count.pdf", "application/pdf", PDF)

    assert [(r.row, r.sku, r.name, r.values) for r in parsed] == [
        (1, "A-1", "Oat milk", {Field.ON_HAND: Decimal(12)}),
        (2, "", "Honey", {Field.UNIT_COST: Decimal("4.1"), Field.PACK_SIZE: Decimal(6)}),
    ]


def test_an_image_is_sent_as_an_image(client: BedrockRuntimeClient, stub: Stubber) -> None:
    image = {"image": {"format": "png", "source": {"bytes": PNG}}}
    expect(stub, answer('{"rows": []}'), image)
    assert BedrockParser(client, MODEL).parse("photo.png", "image/png", PNG) == []


def test_mail_text_is_sent_as_text(client: BedrockRuntimeClient, stub: Stubber) -> None:
    expect(stub, answer('{"rows": [{"name": "milk", "on_hand": 4}]}'))
    [row] = BedrockParser(client, MODEL).parse("message body", "text/plain", b"milk 4")
    assert (row.name, row.values) == ("milk", {Field.ON_HAND: Decimal(4)})


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (answer("Sure! Here are the rows."), "not the expected table"),
        (answer('{"rows": [{"name": "milk", "on_hand": -4}]}'), "not the expected table"),
        (answer('{"rows": [{"name": "milk", "on_hand": "lots"}]}'), "not the expected table"),
        (answer('{"rows": []', stop="max_tokens"), "more lines than the AI parser answers"),
    ],
)
def test_unusable_answers_are_refused(
    client: BedrockRuntimeClient, stub: Stubber, response: dict[str, Any], message: str
) -> None:
    expect(stub, response)
    with pytest.raises(AttachmentRejected, match=message):
        BedrockParser(client, MODEL).parse("count.pdf", "application/pdf", PDF)


def test_a_bedrock_error_is_a_refused_file(client: BedrockRuntimeClient, stub: Stubber) -> None:
    stub.add_client_error("converse", "ThrottlingException", "slow down")
    with pytest.raises(AttachmentRejected, match=r"\(ThrottlingException\); forward it again"):
        BedrockParser(client, MODEL).parse("count.pdf", "application/pdf", PDF)


def test_too_many_pages_never_reach_bedrock(client: BedrockRuntimeClient, stub: Stubber) -> None:
    long_pdf = b"%PDF-1.7\n" + b"<< /Type /Page >>\n" * (MAX_PAGES + 1)
    assert pdf_pages(long_pdf) == MAX_PAGES + 1
    assert pdf_pages(PDF) == 1
    with pytest.raises(AttachmentRejected, match=f"reads at most {MAX_PAGES}"):
        BedrockParser(client, MODEL).parse("long.pdf", "application/pdf", long_pdf)
