"""The cell memory in DynamoDB: one tab's memory as compressed JSON, in as few items as fit.

A tab's memory is read and replaced whole, so it is stored whole: the (row id, column, value)
triples as JSON, zlib-compressed, in the tab's partition. Twenty thousand cells compress to
well under the 400 KB item limit, so normally the **head item** holds the data itself and
``remember`` is one PutItem, ``recall`` one GetItem. On-demand writes are billed per 1 KB, so
one item of compressed data is also the cheapest way to write it.

A memory too big for one item is split into chunks keyed by a fresh generation
(``chunk#<generation>#<n>``), written first; then the head is switched to that generation in
one PutItem, and the chunks of the generation it replaced are deleted. A reader therefore sees
the old memory or the new one, never a mix; if a writer deletes the chunks a reader was about
to read, the reader starts again from the head. Chunks left by a writer that died before
switching the head are never read (no head names them).
"""

from __future__ import annotations

import json
import uuid
import zlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

from sheets_bot.adapters.aws import tables
from sheets_bot.adapters.aws.dynamo_items import batch_write, number, query_all, text
from sheets_bot.errors import AdapterError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import WriteRequestUnionTypeDef

    from sheets_bot.adapters.aws.dynamo_items import Item

CHUNK_BYTES: Final = 350_000
"""Compressed bytes per item: below DynamoDB's 400 KB item limit with room for the keys."""
_HEAD: Final = "head"
_READ_ATTEMPTS: Final = 3


class CellMemoryCorrupt(AdapterError):
    """Chunks that a tab's head names stayed missing over several reads."""


class DynamoCellMemory:
    """The ``CellMemory`` port over the cell memory table (see ``tables``)."""

    def __init__(self, client: DynamoDBClient, table: str, *, chunk_bytes: int = CHUNK_BYTES):
        if not 0 < chunk_bytes <= CHUNK_BYTES:
            raise ValueError(f"chunk_bytes must be between 1 and {CHUNK_BYTES}")
        self._client = client
        self._table = table
        self._chunk_bytes = chunk_bytes

    def __repr__(self) -> str:
        return f"DynamoCellMemory(table={self._table!r})"

    def recall(self, tab: str) -> Mapping[tuple[str, str], str]:
        for _ in range(_READ_ATTEMPTS):
            response = self._client.get_item(
                TableName=self._table, Key=_key(tab, _HEAD), ConsistentRead=True
            )
            head = response.get("Item")
            if head is None:
                return {}
            if "data" in head:
                return _decode(head["data"]["B"])
            data = self._chunks(tab, text(head, "generation"), number(head, "chunks"))
            if data is not None:
                return _decode(data)
        raise CellMemoryCorrupt(
            f"what the bot remembers of tab {tab!r} is incomplete in table {self._table}"
            " (parts of it are missing, as if another run replaced them meanwhile): run again"
        )

    def remember(self, tab: str, cells: Mapping[tuple[str, str], str]) -> None:
        payload = _encode(cells)
        head: Item = {tables.MEMORY_TAB: {"S": tab}, tables.MEMORY_PART: {"S": _HEAD}}
        if len(payload) <= self._chunk_bytes:
            head["data"] = {"B": payload}
        else:
            generation = uuid.uuid4().hex
            parts = [
                payload[start : start + self._chunk_bytes]
                for start in range(0, len(payload), self._chunk_bytes)
            ]
            batch_write(
                self._client,
                self._table,
                [
                    {
                        "PutRequest": {
                            "Item": {**_key(tab, _chunk(generation, n)), "data": {"B": part}}
                        }
                    }
                    for n, part in enumerate(parts)
                ],
            )
            head["generation"] = {"S": generation}
            head["chunks"] = {"N": str(len(parts))}
        response = self._client.put_item(TableName=self._table, Item=head, ReturnValues="ALL_OLD")
        old = response.get("Attributes", {})
        if "generation" in old:
            replaced = text(old, "generation")
            deletes: list[WriteRequestUnionTypeDef] = [
                {"DeleteRequest": {"Key": _key(tab, _chunk(replaced, n))}}
                for n in range(number(old, "chunks"))
            ]
            batch_write(self._client, self._table, deletes)

    def _chunks(self, tab: str, generation: str, count: int) -> bytes | None:
        """The chunks of ``generation`` joined, or None if some are gone (replaced meanwhile)."""
        items = list(
            query_all(
                self._client,
                {
                    "TableName": self._table,
                    "KeyConditionExpression": "#tab = :tab AND begins_with(#part, :prefix)",
                    "ExpressionAttributeNames": {
                        "#tab": tables.MEMORY_TAB,
                        "#part": tables.MEMORY_PART,
                    },
                    "ExpressionAttributeValues": {
                        ":tab": {"S": tab},
                        ":prefix": {"S": f"chunk#{generation}#"},
                    },
                    "ConsistentRead": True,
                },
            )
        )
        if len(items) != count:
            return None
        return b"".join(item["data"]["B"] for item in items)


def _key(tab: str, part: str) -> Item:
    return {tables.MEMORY_TAB: {"S": tab}, tables.MEMORY_PART: {"S": part}}


def _chunk(generation: str, n: int) -> str:
    """Zero-padded, so the chunks sort in order."""
    return f"chunk#{generation}#{n:06d}"


def _encode(cells: Mapping[tuple[str, str], str]) -> bytes:
    triples = [[row_id, column, value] for (row_id, column), value in cells.items()]
    text_form = json.dumps(triples, ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(text_form.encode(), 6)


def _decode(payload: bytes) -> dict[tuple[str, str], str]:
    triples: list[list[str]] = json.loads(zlib.decompress(payload).decode())
    return {(row_id, column): value for row_id, column, value in triples}
