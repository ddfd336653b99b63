"""TextractThenModel with botocore's Stubber: a photo's table is read like a spreadsheet and
no model is asked; no table, an unreadable scan or a long PDF go to the model."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from botocore.stub import Stubber

from sheets_bot.adapters.aws.textract_tables import TextractThenModel, tables_of
from sheets_bot.intake.columns import Field
from sheets_bot.intake.parse import ParsedRow
from tests.aws.moto_support import aws_session

if TYPE_CHECKING:
    from mypy_boto3_textract import TextractClient

PHOTO = b"\xff\xd8\xff\xe0" + b"\0" * 64
ONE_PAGE = b"%PDF-1.4\n<< /Type /Page >>\n%%EOF"
TWO_PAGES = b"%PDF-1.4\n<< /Type /Page >>\n<< /Type /Page >>\n%%EOF"


def table_blocks(rows: list[list[str]]) -> list[dict[str, Any]]:
    """Blocks as AnalyzeDocument returns them: TABLE -> CELL -> WORD, by CHILD ids."""
    blocks: list[dict[str, Any]] = []
    cell_ids = []
    for r, row in enumerate(rows, start=1):
        for c, text in enumerate(row, start=1):
            words = []
            for n, word in enumerate(text.split()):
                words.append(f"w{r}-{c}-{n}")
                blocks.append({"BlockType": "WORD", "Id": words[-1], "Text": word})
            cell = {"BlockType": "CELL", "Id": f"c{r}-{c}", "RowIndex": r, "ColumnIndex": c}
            if words:
                cell["Relationships"] = [{"Type": "CHILD", "Ids": words}]
            blocks.append(cell)
            cell_ids.append(cell["Id"])
    table = {
        "BlockType": "TABLE",
        "Id": "t1",
        "Relationships": [{"Type": "CHILD", "Ids": cell_ids}],
    }
    return [{"BlockType": "PAGE", "Id": "p1"}, table, *blocks]


class Model:
    def __init__(self) -> None:
        self.asked: list[str] = []

    def parse(self, filename: str, content_type: str, data: bytes) -> list[ParsedRow]:
        self.asked.append(filename)
        return [ParsedRow(1, "FROM-MODEL", "", {Field.ON_HAND: Decimal(1)})]


@pytest.fixture
def client() -> TextractClient:
    return aws_session().client("textract")


@pytest.fixture
def stub(client: TextractClient) -> Iterator[Stubber]:
    with Stubber(client) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


def test_tables_of_lays_cells_out_by_row_and_column() -> None:
    blocks = table_blocks([["SKU", "Item name", "Qty"], ["A-1", "Oat milk 1L", "12"]])
    assert tables_of(blocks) == [[["SKU", "Item name", "Qty"], ["A-1", "Oat milk 1L", "12"]]]
    assert tables_of([{"BlockType": "PAGE", "Id": "p"}]) == []


def test_a_photos_table_needs_no_model(client: TextractClient, stub: Stubber) -> None:
    blocks = table_blocks([["Item", "Count"], ["Oat milk 1L", "12 ea"], ["Honey", "3"]])
    stub.add_response(
        "analyze_document",
        {"Blocks": blocks},
        {"Document": {"Bytes": PHOTO}, "FeatureTypes": ["TABLES"]},
    )
    model = Model()

    rows = TextractThenModel(client, model).parse("count.jpg", "image/jpeg", PHOTO)

    assert [(r.name, r.values) for r in rows] == [
        ("Oat milk 1L", {Field.ON_HAND: Decimal(12)}),
        ("Honey", {Field.ON_HAND: Decimal(3)}),
    ]
    assert model.asked == []


@pytest.mark.parametrize(
    "answer",
    [
        {"Blocks": [{"BlockType": "PAGE", "Id": "p1"}]},
        {"Blocks": table_blocks([["Delivered by", "Tuesday"]])},
    ],
    ids=["no table", "no recognisable header"],
)
def test_without_a_usable_table_the_model_reads_it(
    client: TextractClient, stub: Stubber, answer: dict[str, Any]
) -> None:
    stub.add_response("analyze_document", answer)
    model = Model()
    rows = TextractThenModel(client, model).parse("scan.pdf", "application/pdf", ONE_PAGE)
    assert [r.sku for r in rows] == ["FROM-MODEL"]


def test_an_unsupported_scan_goes_to_the_model(client: TextractClient, stub: Stubber) -> None:
    stub.add_client_error("analyze_document", "UnsupportedDocumentException", "no")
    model = Model()
    TextractThenModel(client, model).parse("scan.pdf", "application/pdf", ONE_PAGE)
    assert model.asked == ["scan.pdf"]


def test_long_pdfs_and_text_skip_textract(client: TextractClient, stub: Stubber) -> None:
    model = Model()
    parser = TextractThenModel(client, model)
    parser.parse("long.pdf", "application/pdf", TWO_PAGES)
    parser.parse("message body", "text/plain", b"milk 4")
    assert model.asked == ["long.pdf", "message body"]
