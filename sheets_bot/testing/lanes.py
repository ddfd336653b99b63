"""Lane bundles (``services/lanes.py``) for tests and benchmarks: the core on a given sheet,
state store and clock, and every store not given an empty in-memory one. The optional ports
(claims, scheduler, confirmation links, links, parser, narrator) are off unless given."""

from __future__ import annotations

from typing import Protocol

from sheets_bot.domain.confirm_links import ConfirmLinks
from sheets_bot.ports import (
    AuditLog,
    CellMemory,
    Claims,
    Clock,
    LearnerStates,
    Ledger,
    Mailer,
    Marks,
    ReceiptLog,
    RunFailures,
    SalesLog,
    Scheduler,
    Sheet,
    StockHistory,
)
from sheets_bot.services.decision_links import LinkSigner
from sheets_bot.services.lanes import CheckPorts, DailyPorts, PollPorts
from sheets_bot.services.shop import Core, core_fields
from sheets_bot.testing.learning_fakes import MemoryStockHistory
from sheets_bot.testing.memory_learner import MemoryLearnerStates
from sheets_bot.testing.memory_live import MemoryReceiptLog, MemorySalesLog
from sheets_bot.testing.memory_marks import MemoryMarks, MemoryRunFailures


class StateStore(Protocol):
    """``MemoryStore`` or ``SqliteStore``: the ledger, audit log and cell memory."""

    @property
    def ledger(self) -> Ledger: ...

    @property
    def audit(self) -> AuditLog: ...

    @property
    def memory(self) -> CellMemory: ...


def core(sheet: Sheet, store: StateStore, clock: Clock) -> Core:
    return Core(
        sheet=sheet, ledger=store.ledger, audit=store.audit, memory=store.memory, clock=clock
    )


def check_ports(
    on: Core,
    *,
    history: StockHistory | None = None,
    sales: SalesLog | None = None,
    receipts: ReceiptLog | None = None,
    learned: LearnerStates | None = None,
) -> CheckPorts:
    return CheckPorts(
        **core_fields(on),
        history=history if history is not None else MemoryStockHistory(),
        sales=sales if sales is not None else MemorySalesLog(),
        receipts=receipts if receipts is not None else MemoryReceiptLog(),
        learned=learned if learned is not None else MemoryLearnerStates(),
    )


def daily_ports(
    on: Core,
    mailer: Mailer,
    *,
    marks: Marks | None = None,
    failures: RunFailures | None = None,
    links: LinkSigner | None = None,
    history: StockHistory | None = None,
    sales: SalesLog | None = None,
    receipts: ReceiptLog | None = None,
    learned: LearnerStates | None = None,
) -> DailyPorts:
    check = check_ports(on, history=history, sales=sales, receipts=receipts, learned=learned)
    return DailyPorts(
        **core_fields(on),
        history=check.history,
        sales=check.sales,
        receipts=check.receipts,
        learned=check.learned,
        mailer=mailer,
        marks=marks if marks is not None else MemoryMarks(),
        failures=failures if failures is not None else MemoryRunFailures(),
        links=links,
    )


def poll_ports(
    on: Core,
    mailer: Mailer,
    *,
    sales: SalesLog | None = None,
    receipts: ReceiptLog | None = None,
    claims: Claims | None = None,
    scheduler: Scheduler | None = None,
    confirm_links: ConfirmLinks | None = None,
) -> PollPorts:
    return PollPorts(
        **core_fields(on),
        mailer=mailer,
        sales=sales if sales is not None else MemorySalesLog(),
        receipts=receipts if receipts is not None else MemoryReceiptLog(),
        claims=claims,
        scheduler=scheduler,
        confirm_links=confirm_links,
    )
