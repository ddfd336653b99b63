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


@dataclass(frozen=True)
class TableNames:
    """The physical names of the three tables of one deployment."""

    ledger: str
    audit: str
    memory: str

    @classmethod
    def with_prefix(cls, prefix: str) -> TableNames:
        """``<prefix>-ledger``, ``<prefix>-audit`` and ``<prefix>-cell-memory``."""
        return cls(
            ledger=f"{prefix}-ledger", audit=f"{prefix}-audit", memory=f"{prefix}-cell-memory"
        )


def table_definitions(names: TableNames) -> list[CreateTableInputTypeDef]:
    """``CreateTable`` requests for the three tables, on-demand billing."""
    return [
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


def create_tables(client: DynamoDBClient, names: TableNames) -> None:
    """Create the three tables and wait until they are active (for tests and trials; a
    deployment gets them from the SAM template)."""
    for definition in table_definitions(names):
        client.create_table(**definition)
    waiter = client.get_waiter("table_exists")
    for definition in table_definitions(names):
        waiter.wait(TableName=definition["TableName"], WaiterConfig={"Delay": 1})


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
