"""Shared helpers of the store contract suites: the stores under test, a realistic order,
and the worker of the cross-process race (it must live in an importable module, because the
"spawn" start method imports it afresh in the child process)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path
from zoneinfo import ZoneInfo

from sheets_bot.adapters.aws.dynamodb_audit import DynamoAuditLog
from sheets_bot.adapters.aws.dynamodb_ledger import DynamoLedger
from sheets_bot.adapters.aws.dynamodb_memory import DynamoCellMemory
from sheets_bot.adapters.local.sqlite_store import SqliteStore
from sheets_bot.domain.models import PoFormat
from sheets_bot.domain.purchase_order import ApprovedOrder, OrderLine
from sheets_bot.ports import AuditLog, CellMemory, Ledger
from sheets_bot.testing.memory_store import MemoryStore
from tests.aws.moto_support import TABLES, dynamodb_tables

STORE_KINDS = ["memory", "sqlite", "dynamodb"]

SHOP_TIME = ZoneInfo("Europe/Lisbon")
T0 = datetime(2025, 3, 14, 9, 30, tzinfo=SHOP_TIME)
"""A morning in the shop's timezone; tests step from it with ``at(minutes)``."""


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


@dataclass(frozen=True)
class Stores:
    ledger: Ledger
    audit: AuditLog
    memory: CellMemory


def database_path(tmp_path: Path) -> Path:
    """Inside a folder that does not exist yet: the store must create it."""
    return tmp_path / "state" / "sheets-bot.sqlite"


@contextmanager
def open_stores(kind: str, tmp_path: Path) -> Iterator[Stores]:
    if kind == "memory":
        fakes = MemoryStore()
        yield Stores(fakes.ledger, fakes.audit, fakes.memory)
    elif kind == "sqlite":
        with SqliteStore(database_path(tmp_path)) as store:
            yield Stores(store.ledger, store.audit, store.memory)
    elif kind == "dynamodb":
        with dynamodb_tables() as client:
            yield Stores(
                DynamoLedger(client, TABLES.ledger),
                DynamoAuditLog(client, TABLES.audit),
                DynamoCellMemory(client, TABLES.memory),
            )
    else:
        raise ValueError(f"unknown store kind {kind!r}")


def make_order(
    draft_id: str = "D-0001",
    po_number: str = "PO-0001",
    *,
    quantities: tuple[int, int, int] = (24, 12, 6),
    note: str = "Deliver to the back door, please.",
    not_before: datetime | None = None,
) -> ApprovedOrder:
    """An order to a coffee supplier with three lines and Decimal unit costs."""
    beans, filters, mugs = quantities
    return ApprovedOrder(
        draft_id=draft_id,
        po_number=po_number,
        supplier="Torrefação Lusa",
        send_to="Orders@Torrefacao-Lusa.example",
        po_format=PoFormat.BOTH,
        lines=(
            OrderLine(
                "BEAN-1KG", "Espresso beans 1 kg", beans, Decimal("18.40"), drafted_quantity=20
            ),
            OrderLine("FILT-100", "Paper filters (100)", filters, Decimal("2.15")),
            OrderLine("MUG-CER", "Ceramic mug", mugs, Decimal("6.90"), drafted_quantity=6),
        ),
        note=note,
        not_before=not_before,
    )


def race_in_process(path: str, barrier: Barrier, results: Queue[tuple[bool, int]]) -> None:
    """One poller of the cross-process race: open the shared file, wait for the others, then
    approve, claim and draw a number at the same moment they do."""
    with SqliteStore(Path(path)) as store:
        barrier.wait(timeout=60)
        store.ledger.record_approval(make_order(), at(1))
        won = store.ledger.claim("D-0001", at(2))
        number = store.ledger.next_number("draft")
        results.put((won, number))
