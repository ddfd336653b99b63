"""Tables in photos and scanned PDFs, read by Amazon Textract before any model is asked.

A photo of a count sheet or a scanned one-page PDF has no text layer for the model to read;
Textract's ``AnalyzeDocument`` (``TABLES``) finds the table and its cells. The cells go through
the same header and number reading as a forwarded spreadsheet (``sheets_bot.intake``), so a
table with a recognisable header needs no model at all. Anything else (no table, a header
nothing recognises, a PDF of several pages, which the synchronous API does not take, or mail
text) goes to the model parser it wraps.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from botocore.exceptions import BotoCoreError, ClientError

from sheets_bot.adapters.aws.bedrock_parser import pdf_pages
from sheets_bot.intake.limits import AttachmentRejected
from sheets_bot.intake.parse import ParsedRow, parse_attachment
from sheets_bot.ports import Parser

if TYPE_CHECKING:
    from mypy_boto3_textract import TextractClient

MAX_BYTES: Final = 10_000_000
"""Textract's limit on a document sent as bytes."""
_SCANNABLE: Final = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff")


def tables_of(blocks: Sequence[Mapping[str, Any]]) -> list[list[list[str]]]:
    """Each TABLE block as rows of cell texts (a cell's WORD children joined by spaces)."""
    by_id = {block["Id"]: block for block in blocks if "Id" in block}

    def children(block: Mapping[str, Any]) -> list[Mapping[str, Any]]:
        ids = [
            child
            for relation in block.get("Relationships", [])
            if relation.get("Type") == "CHILD"
            for child in relation.get("Ids", [])
        ]
        return [by_id[child] for child in ids if child in by_id]

    tables: list[list[list[str]]] = []
    for block in blocks:
        if block.get("BlockType") != "TABLE":
            continue
        cells = [cell for cell in children(block) if cell.get("BlockType") == "CELL"]
        if not cells:
            continue
        height = max(int(cell.get("RowIndex", 1)) for cell in cells)
        width = max(int(cell.get("ColumnIndex", 1)) for cell in cells)
        grid = [[""] * width for _ in range(height)]
        for cell in cells:
            words = [w.get("Text", "") for w in children(cell) if w.get("BlockType") == "WORD"]
            grid[int(cell.get("RowIndex", 1)) - 1][int(cell.get("ColumnIndex", 1)) - 1] = " ".join(
                words
            )
        tables.append(grid)
    return tables


def _as_csv(grid: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(grid)
    return buffer.getvalue().encode("utf-8")


class TextractThenModel:
    """``Parser``: Textract's tables first, read like a spreadsheet; else the model."""

    def __init__(self, client: TextractClient, model: Parser) -> None:
        self._client = client
        self.model = model

    def __repr__(self) -> str:
        return f"TextractThenModel(model={self.model!r})"

    def parse(self, filename: str, content_type: str, data: bytes) -> list[ParsedRow]:
        scannable = data.startswith(_SCANNABLE) and len(data) <= MAX_BYTES
        if scannable and not (data.startswith(b"%PDF") and pdf_pages(data) > 1):
            rows = self._table_rows(data)
            if rows:
                return rows
        return self.model.parse(filename, content_type, data)

    def _table_rows(self, data: bytes) -> list[ParsedRow]:
        try:
            response = self._client.analyze_document(
                Document={"Bytes": data}, FeatureTypes=["TABLES"]
            )
        except (ClientError, BotoCoreError):
            return []  # an unsupported or unreadable scan: the model may still read it
        for grid in tables_of(response.get("Blocks", [])):
            try:
                sheet = parse_attachment("table.csv", _as_csv(grid))
            except AttachmentRejected:
                continue
            if sheet.rows:
                return list(sheet.rows)
        return []
