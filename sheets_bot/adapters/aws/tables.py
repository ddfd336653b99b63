"""The DynamoDB tables of the AWS deployment: names, keys and indexes in one place.

The adapters read their key and index names from here; the tests create the tables in moto
from ``table_definitions``; the SAM template declares the same tables (on-demand billing,
point-in-time recovery on) and must agree with this module.

Three tables, each small and on-demand:

* **ledger** — hash key ``pk`` (S). A PO record is ``pk = "po#<draft id>"``; a counter is
  ``pk = "counter#<series>"``. Two global secondary indexes, both sparse because only PO
  records carry their keys:

  - ``lists``: hash ``list`` (S), range ``list_order`` (S), projection ALL. A record is in
    list ``open`` (ordered by its first approval) until it is sent, then in list ``sent``
    (ordered by when it became sent): ``unfinished`` and ``order_history`` are one Query
    each instead of a Scan.
  - ``by_po``: hash ``po_number`` (S), projection KEYS_ONLY, for ``resolve``.

* **audit** — hash ``pk`` (S), range ``id`` (N). Entries are ``pk = "entry"`` with ids from
  the counter item ``pk = "counter", id = 0``, so ``entries`` is one Query in id order. The
  sparse index ``pending`` (hash ``pending`` (S), range ``id`` (N), KEYS_ONLY) holds only the
  entries not yet mirrored to the sheet.

* **cell memory** — hash ``tab`` (S), range ``part`` (S): a head item per tab and, for a
  memory too big for one item, its compressed chunks.

* **live** — hash ``pk`` (S), range ``sk`` (S), TTL attribute ``expires_at``: the live lanes.
  A POS sale event is ``pk = "sale"``, ``sk = "<UTC time>#<event id>"`` (so ``since`` is one
  Query in time order), and expires after ``SALE_EVENT_DAYS``; while it is not yet applied to
  the sheet it carries ``pending``, which puts it in the sparse index ``pending`` (hash
  ``pending``, range ``sk``, projection ALL). A receipt is ``pk = "receipt"``,
  ``sk = "<PO>#<SKU>"``; a once-only mark is ``pk = "mark"``, ``sk = <key>``. Receipts and
  marks never expire.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import (
        AttributeDefinitionTypeDef,
        CreateTableInputTypeDef,
        GlobalSecondaryIndexTypeDef,
        KeySchemaElementTypeDef,
    )

LEDGER_KEY: Final = "pk"
LEDGER_LISTS_INDEX: Final = "lists"
LEDGER_LIST: Final = "list"
LEDGER_LIST_ORDER: Final = "list_order"
LEDGER_PO_INDEX: Final = "by_po"
LEDGER_PO_NUMBER: Final = "po_number"

AUDIT_KEY: Final = "pk"
AUDIT_ID: Final = "id"
AUDIT_PENDING_INDEX: Final = "pending"
AUDIT_PENDING: Final = "pending"

MEMORY_TAB: Final = "tab"
MEMORY_PART: Final = "part"

LIVE_KEY: Final = "pk"
LIVE_SORT: Final = "sk"
LIVE_PENDING_INDEX: Final = "pending"
LIVE_PENDING: Final = "pending"
LIVE_TTL: Final = "expires_at"
SALE_EVENT_DAYS: Final = 60
"""How long a sale event is kept: the learning's 56-day window and a few days, and far more than the
7 days within which a replayed webhook must be recognised. Longer history is in the Stock
snapshots (730 days); every day of sale events costs storage and point-in-time recovery."""


@dataclass(frozen=True)
class TableNames:
    """The physical names of the tables of one deployment."""

    ledger: str
    audit: str
    memory: str
    live: str = ""
    """The live lanes' table (POS events, receipts, marks); empty where not deployed."""

    @classmethod
    def with_prefix(cls, prefix: str) -> TableNames:
        """``<prefix>-ledger``, ``<prefix>-audit``, ``<prefix>-cell-memory``, ``<prefix>-live``."""
        return cls(
            ledger=f"{prefix}-ledger",
            audit=f"{prefix}-audit",
            memory=f"{prefix}-cell-memory",
            live=f"{prefix}-live",
        )


def table_definitions(names: TableNames) -> list[CreateTableInputTypeDef]:
    """``CreateTable`` requests for the tables, on-demand billing."""
    definitions: list[CreateTableInputTypeDef] = [
        {
            "TableName": names.ledger,
            "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": LEDGER_KEY, "KeyType": "HASH"}],
            "AttributeDefinitions": _strings(
                LEDGER_KEY, LEDGER_LIST, LEDGER_LIST_ORDER, LEDGER_PO_NUMBER
            ),
            "GlobalSecondaryIndexes": [
                _index(LEDGER_LISTS_INDEX, LEDGER_LIST, LEDGER_LIST_ORDER, projection="ALL"),
                _index(LEDGER_PO_INDEX, LEDGER_PO_NUMBER, None, projection="KEYS_ONLY"),
            ],
        },
        {
            "TableName": names.audit,
            "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [
                {"AttributeName": AUDIT_KEY, "KeyType": "HASH"},
                {"AttributeName": AUDIT_ID, "KeyType": "RANGE"},
            ],
            "AttributeDefinitions": [
                *_strings(AUDIT_KEY, AUDIT_PENDING),
                {"AttributeName": AUDIT_ID, "AttributeType": "N"},
            ],
            "GlobalSecondaryIndexes": [
                _index(AUDIT_PENDING_INDEX, AUDIT_PENDING, AUDIT_ID, projection="KEYS_ONLY"),
            ],
        },
        {
            "TableName": names.memory,
            "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [
                {"AttributeName": MEMORY_TAB, "KeyType": "HASH"},
                {"AttributeName": MEMORY_PART, "KeyType": "RANGE"},
            ],
            "AttributeDefinitions": _strings(MEMORY_TAB, MEMORY_PART),
        },
    ]
    if names.live:
        definitions.append(
            {
                "TableName": names.live,
                "BillingMode": "PAY_PER_REQUEST",
                "KeySchema": [
                    {"AttributeName": LIVE_KEY, "KeyType": "HASH"},
                    {"AttributeName": LIVE_SORT, "KeyType": "RANGE"},
                ],
                "AttributeDefinitions": _strings(LIVE_KEY, LIVE_SORT, LIVE_PENDING),
                "GlobalSecondaryIndexes": [
                    _index(LIVE_PENDING_INDEX, LIVE_PENDING, LIVE_SORT, projection="ALL"),
                ],
            }
        )
    return definitions


def create_tables(client: DynamoDBClient, names: TableNames) -> None:
    """Create the tables and wait until they are active (for tests and trials; a
    deployment gets them from the SAM template)."""
    for definition in table_definitions(names):
        client.create_table(**definition)
    waiter = client.get_waiter("table_exists")
    for definition in table_definitions(names):
        waiter.wait(TableName=definition["TableName"], WaiterConfig={"Delay": 1})
    if names.live:
        client.update_time_to_live(
            TableName=names.live,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": LIVE_TTL},
        )


def _strings(*names: str) -> list[AttributeDefinitionTypeDef]:
    return [{"AttributeName": name, "AttributeType": "S"} for name in names]


def _index(
    name: str,
    hash_key: str,
    range_key: str | None,
    *,
    projection: Literal["ALL", "KEYS_ONLY"],
) -> GlobalSecondaryIndexTypeDef:
    schema: list[KeySchemaElementTypeDef] = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    if range_key is not None:
        schema.append({"AttributeName": range_key, "KeyType": "RANGE"})
    return {"IndexName": name, "KeySchema": schema, "Projection": {"ProjectionType": projection}}
