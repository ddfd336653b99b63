"""The PO ledger in DynamoDB: the same states, transitions and errors as ``SqliteLedger``.

How it stays safe when several Lambdas poll at once, with no read-modify-write anywhere:

* ``record_approval`` is one ``UpdateItem`` whose condition is exactly the rule "new, or not
  claimed yet (or certainly not sent) with different content"; when the condition fails,
  DynamoDB returns the record as it stood (``ReturnValuesOnConditionCheckFailure``), which is
  what the caller gets back. Racing approvals of the same content: one writes, the others read
  its record back.
* ``claim`` is ``UpdateItem ... ConditionExpression state = approved``: exactly one caller's
  condition holds, however many race.
* ``finish`` and ``resolve`` are conditional on the state they leave (``sending``,
  ``unknown``), so a second caller gets the same ``ValueError`` as with SQLite.
* botocore retries a request whose response was lost (a timeout, a 5xx), and the first
  attempt may have been applied. ``claim``, ``finish`` and ``resolve`` store a fresh write
  token with the new state, and their condition also accepts "already in the new state with
  my token": the retry of a won claim still reports the win instead of losing to itself.
* ``assign_po_number`` is one transaction: the ``po`` counter moves from the value read to
  the next on condition that it still holds it, and the record takes that number on
  condition that it has none yet. Two runs numbering at once: one transaction goes through,
  the other is cancelled and reads again (its record numbered, or the next number free), so
  numbers have no gaps and no repeats. Before its number a record's ``po_number`` attribute
  holds ``unassigned#<draft>``: the PO index takes no blank keys.
* ``next_number`` is an atomic ``ADD`` on a counter item. (A retried ``ADD`` whose first
  response was lost skips a number: numbers never repeat, though one may be missing.)

Orders: ``unfinished`` lists records by the time of their first approval (the ``now`` the
caller passed; the draft id breaks ties), ``order_history`` by the ``now`` of the transition
that made each record sent. SQLite uses the order of its writes; the two agree whenever the
callers' clocks do.

Request counts: ``record_approval``, ``claim``, ``finish``, ``get``, ``next_number`` one each;
``unfinished`` and ``order_history`` one Query (a page holds hundreds of records); ``resolve``
a Query, a BatchGet and an update.

``unfinished`` and ``order_history`` read the sparse ``lists`` index, which DynamoDB keeps
eventually consistent (normally well under a second behind): a record approved a moment ago
may be missing from them for that long. Nothing that decides a send reads them: ``get``
reads consistently, and every transition is a conditional write on the table itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Final

from botocore.exceptions import ClientError

from sheets_bot.adapters.aws import tables
from sheets_bot.adapters.aws.dynamo_items import (
    batch_get,
    check_aware,
    is_condition_failure,
    iso,
    number,
    old_item,
    query_all,
    sortable_utc,
    text,
)
from sheets_bot.domain.purchase_order import (
    ApprovedOrder,
    PoRecord,
    PoState,
    po_number_text,
    single_unknown,
)
from sheets_bot.errors import BotError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef, QueryInputTypeDef

    from sheets_bot.adapters.aws.dynamo_items import Item

_FINISHED_STATES: Final = frozenset({PoState.SENT, PoState.FAILED, PoState.UNKNOWN})
_RESOLVED_STATES: Final = frozenset({PoState.SENT, PoState.APPROVED})
_OPEN: Final = "open"
_UNASSIGNED: Final = "unassigned#"
_ASSIGN_ATTEMPTS: Final = 20
_PO_COUNTER: Final[dict[str, AttributeValueTypeDef]] = {tables.LEDGER_KEY: {"S": "counter#po"}}
_SENT: Final = "sent"

_NAMES: Final = {
    "#pk": tables.LEDGER_KEY,
    "#draft": "draft_id",
    "#po": tables.LEDGER_PO_NUMBER,
    "#state": "state",
    "#fingerprint": "fingerprint",
    "#order": "order",
    "#approved": "approved_at",
    "#updated": "updated_at",
    "#detail": "detail",
    "#list": tables.LEDGER_LIST,
    "#list_order": tables.LEDGER_LIST_ORDER,
    "#write": "write_token",
}
"""Every attribute goes by a placeholder: several (state, order, list) are reserved words."""


class DynamoLedger:
    """The ``Ledger`` port over the ledger table (see ``tables``)."""

    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    def __repr__(self) -> str:
        return f"DynamoLedger(table={self._table!r})"

    def record_approval(self, order: ApprovedOrder, now: datetime) -> PoRecord:
        stamp = iso(now)
        if order.not_before is not None:
            check_aware(order.not_before)
        try:
            response = self._client.update_item(
                TableName=self._table,
                Key=_record_key(order.draft_id),
                UpdateExpression=(
                    "SET #draft = :draft, #po = :po, #state = :approved,"
                    " #fingerprint = :fingerprint, #order = :order, #approved = :now,"
                    " #updated = :now, #detail = :empty, #list = :open,"
                    " #list_order = if_not_exists(#list_order, :first)"
                ),
                ConditionExpression=(
                    "attribute_not_exists(#pk)"
                    " OR (#state IN (:approved, :failed) AND #fingerprint <> :fingerprint)"
                ),
                ExpressionAttributeNames=_names(
                    "#pk", "#draft", "#po", "#state", "#fingerprint", "#order", "#approved"
                )
                | _names("#updated", "#detail", "#list", "#list_order"),
                ExpressionAttributeValues={
                    ":draft": {"S": order.draft_id},
                    ":po": {"S": order.po_number or f"{_UNASSIGNED}{order.draft_id}"},
                    ":approved": {"S": PoState.APPROVED.value},
                    ":failed": {"S": PoState.FAILED.value},
                    ":fingerprint": {"S": order.fingerprint},
                    ":order": {"S": order.to_json()},
                    ":now": {"S": stamp},
                    ":empty": {"S": ""},
                    ":open": {"S": _OPEN},
                    ":first": {"S": f"{sortable_utc(now)}#{order.draft_id}"},
                },
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            current = old_item(error) if is_condition_failure(error) else None
            if current is None:
                raise
            # Claimed, sent, unknown, or the same content: the record stands as it is.
            return _record(current)
        return _record(response["Attributes"])

    def claim(self, draft_id: str, now: datetime) -> bool:
        try:
            self._client.update_item(
                TableName=self._table,
                Key=_record_key(draft_id),
                UpdateExpression="SET #state = :sending, #updated = :now, #write = :write",
                ConditionExpression=(
                    "#state = :approved OR (#state = :sending AND #write = :write)"
                ),
                ExpressionAttributeNames=_names("#state", "#updated", "#write"),
                ExpressionAttributeValues={
                    ":sending": {"S": PoState.SENDING.value},
                    ":approved": {"S": PoState.APPROVED.value},
                    ":now": {"S": iso(now)},
                    ":write": {"S": _write_token()},
                },
            )
        except ClientError as error:
            if is_condition_failure(error):
                return False
            raise
        return True

    def finish(self, draft_id: str, state: str, detail: str, now: datetime) -> None:
        if state not in _FINISHED_STATES:
            raise ValueError(
                f"a send of draft {draft_id} can finish as sent, failed or unknown, not {state!r}"
            )
        final = PoState(state)
        stamp = iso(now)
        values: dict[str, AttributeValueTypeDef] = {
            ":state": {"S": final.value},
            ":detail": {"S": detail},
            ":now": {"S": stamp},
            ":sending": {"S": PoState.SENDING.value},
            ":write": {"S": _write_token()},
        }
        update = "SET #state = :state, #detail = :detail, #updated = :now, #write = :write"
        names = _names("#pk", "#state", "#detail", "#updated", "#write")
        if final is PoState.SENT:
            update += ", #list = :sent, #list_order = :sent_order"
            names |= _names("#list", "#list_order")
            values[":sent"] = {"S": _SENT}
            values[":sent_order"] = {"S": f"{sortable_utc(now)}#{draft_id}"}
        try:
            self._client.update_item(
                TableName=self._table,
                Key=_record_key(draft_id),
                UpdateExpression=update,
                ConditionExpression=(
                    "attribute_exists(#pk)"
                    " AND (#state = :sending OR (#state = :state AND #write = :write))"
                ),
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if not is_condition_failure(error):
                raise
            current = old_item(error)
            if current is None:
                raise KeyError(f"no PO record for draft {draft_id} in the ledger") from None
            record = _record(current)
            raise ValueError(
                f"PO {record.po_number} (draft {draft_id}) is {record.state}, not sending:"
                f" it can not be marked {state}"
            ) from None

    def get(self, draft_id: str) -> PoRecord | None:
        response = self._client.get_item(
            TableName=self._table, Key=_record_key(draft_id), ConsistentRead=True
        )
        item = response.get("Item")
        return _record(item) if item else None

    def unfinished(self) -> list[PoRecord]:
        """In the order the drafts were first approved."""
        return [_record(item) for item in self._list(_OPEN)]

    def resolve(self, po_number: str, state: str, now: datetime) -> PoRecord:
        if state not in _RESOLVED_STATES:
            raise ValueError(
                f"PO {po_number}: an unknown send is resolved as sent or approved, not {state!r}"
            )
        resolved = PoState(state)
        stamp = iso(now)
        target = single_unknown(po_number, self._records_of(po_number), state)
        values: dict[str, AttributeValueTypeDef] = {
            ":state": {"S": resolved.value},
            ":now": {"S": stamp},
            ":unknown": {"S": PoState.UNKNOWN.value},
            ":write": {"S": _write_token()},
        }
        update = "SET #state = :state, #updated = :now, #write = :write"
        names = _names("#state", "#updated", "#write")
        if resolved is PoState.SENT:
            update += ", #list = :sent, #list_order = :sent_order"
            names |= _names("#list", "#list_order")
            values[":sent"] = {"S": _SENT}
            values[":sent_order"] = {"S": f"{sortable_utc(now)}#{target.draft_id}"}
        try:
            response = self._client.update_item(
                TableName=self._table,
                Key=_record_key(target.draft_id),
                UpdateExpression=update,
                ConditionExpression="#state = :unknown OR (#state = :state AND #write = :write)",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            current = old_item(error) if is_condition_failure(error) else None
            if current is None:
                raise
            raise ValueError(
                f"PO {po_number} is {_record(current).state}, not unknown: only a send whose"
                f" outcome is unknown can be resolved as {state}"
            ) from None
        return _record(response["Attributes"])

    def order_history(self) -> Mapping[str, list[int]]:
        """Lines of sent orders by SKU, in the order the orders became sent."""
        history: dict[str, list[int]] = {}
        for item in self._list(_SENT, projection="#order"):
            for line in ApprovedOrder.from_json(text(item, "order")).lines:
                history.setdefault(line.sku, []).append(line.quantity)
        return history

    def next_number(self, series: str) -> int:
        response = self._client.update_item(
            TableName=self._table,
            Key={tables.LEDGER_KEY: {"S": f"counter#{series}"}},
            UpdateExpression="ADD #value :one",
            ExpressionAttributeNames={"#value": "value"},
            ExpressionAttributeValues={":one": {"N": "1"}},
            ReturnValues="UPDATED_NEW",
        )
        return number(response["Attributes"], "value")

    def assign_po_number(self, draft_id: str, prefix: str) -> PoRecord:
        for _ in range(_ASSIGN_ATTEMPTS):
            current = self.get(draft_id)
            if current is None:
                raise KeyError(f"no PO record for draft {draft_id} in the ledger")
            if current.order.po_number:
                return current
            counter = self._client.get_item(
                TableName=self._table, Key=_PO_COUNTER, ConsistentRead=True
            ).get("Item")
            last = number(counter, "value") if counter else 0
            order = replace(current.order, po_number=po_number_text(prefix, last + 1))
            try:
                self._client.transact_write_items(
                    TransactItems=[
                        {
                            "Update": {
                                "TableName": self._table,
                                "Key": _PO_COUNTER,
                                "UpdateExpression": "SET #value = :next",
                                "ConditionExpression": (
                                    "#value = :last" if counter else "attribute_not_exists(#value)"
                                ),
                                "ExpressionAttributeNames": {"#value": "value"},
                                "ExpressionAttributeValues": {":next": {"N": str(last + 1)}}
                                | ({":last": {"N": str(last)}} if counter else {}),
                            }
                        },
                        {
                            "Update": {
                                "TableName": self._table,
                                "Key": _record_key(draft_id),
                                "UpdateExpression": "SET #po = :po, #order = :order",
                                "ConditionExpression": "begins_with(#po, :unassigned)",
                                "ExpressionAttributeNames": _names("#po", "#order"),
                                "ExpressionAttributeValues": {
                                    ":po": {"S": order.po_number},
                                    ":order": {"S": order.to_json()},
                                    ":unassigned": {"S": _UNASSIGNED},
                                },
                            }
                        },
                    ]
                )
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                    raise
                continue  # another run took that number, or numbered this record: look again
            return replace(current, order=order)
        raise BotError(f"could not give draft {draft_id} a PO number: the ledger is too busy")

    def _list(self, name: str, projection: str | None = None) -> list[Item]:
        """The records in list ``name`` of the ``lists`` index, in list order."""
        request: QueryInputTypeDef = {
            "TableName": self._table,
            "IndexName": tables.LEDGER_LISTS_INDEX,
            "KeyConditionExpression": "#list = :list",
            "ExpressionAttributeNames": _names("#list"),
            "ExpressionAttributeValues": {":list": {"S": name}},
        }
        if projection is not None:
            request["ProjectionExpression"] = projection
            request["ExpressionAttributeNames"] = _names("#list", projection)
        return list(query_all(self._client, request))

    def _records_of(self, po_number: str) -> list[PoRecord]:
        """Every record of ``po_number``, read consistently, in the order first approved."""
        keys = [
            {tables.LEDGER_KEY: item[tables.LEDGER_KEY]}
            for item in query_all(
                self._client,
                {
                    "TableName": self._table,
                    "IndexName": tables.LEDGER_PO_INDEX,
                    "KeyConditionExpression": "#po = :po",
                    "ExpressionAttributeNames": _names("#po"),
                    "ExpressionAttributeValues": {":po": {"S": po_number}},
                },
            )
        ]
        items = batch_get(self._client, self._table, keys)
        items.sort(key=lambda item: text(item, tables.LEDGER_LIST_ORDER))
        return [_record(item) for item in items]


def _write_token() -> str:
    """A fresh id for one transition, stored with it: if the SDK retries the request after a
    lost response, the retry finds its own write in place and succeeds instead of failing."""
    return uuid.uuid4().hex


def _names(*placeholders: str) -> dict[str, str]:
    return {placeholder: _NAMES[placeholder] for placeholder in placeholders}


def _record_key(draft_id: str) -> dict[str, AttributeValueTypeDef]:
    return {tables.LEDGER_KEY: {"S": f"po#{draft_id}"}}


def _record(item: Item) -> PoRecord:
    return PoRecord(
        order=ApprovedOrder.from_json(text(item, "order")),
        state=PoState(text(item, "state")),
        approved_at=datetime.fromisoformat(text(item, "approved_at")),
        updated_at=datetime.fromisoformat(text(item, "updated_at")),
        detail=text(item, "detail"),
    )
