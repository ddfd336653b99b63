"""What every use case needs: the core ports, the shop read from the sheet in one request, and
the unit of work of one run."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Generic, TypedDict, TypeVar
from zoneinfo import ZoneInfo

from sheets_bot.domain.audit import AuditAction, AuditEntry
from sheets_bot.domain.audit_text import before_lines, change_lines
from sheets_bot.domain.models import ShopSettings, Supplier
from sheets_bot.domain.problems import Problem
from sheets_bot.errors import SheetLayoutError
from sheets_bot.ports import (
    AuditLog,
    CellMemory,
    Clock,
    Ledger,
    RowsAppend,
    Sheet,
    SheetBatch,
)
from sheets_bot.sheet.layout import AUDIT, load_layout
from sheets_bot.sheet.rows import read_suppliers
from sheets_bot.sheet.settings import read_settings
from sheets_bot.sheet.table import Table


@dataclass(frozen=True, kw_only=True)
class Core:
    """The ports every run that reads and writes the sheet has: the sheet, the PO ledger, the
    audit log, the bot's cell memory and the clock. Each lane's bundle (``services/lanes.py``)
    is this plus the ports of its use case; ``Run`` needs only these."""

    sheet: Sheet
    ledger: Ledger
    audit: AuditLog
    memory: CellMemory
    clock: Clock


class CoreFields(TypedDict):
    """``Core``'s ports as keywords: a lane's bundle is built as
    ``PollPorts(**core_fields(core), mailer=..., ...)``."""

    sheet: Sheet
    ledger: Ledger
    audit: AuditLog
    memory: CellMemory
    clock: Clock


def core_fields(core: Core) -> CoreFields:
    """The core ports of ``core`` (a ``Core`` or any lane's bundle), as keywords."""
    return CoreFields(
        sheet=core.sheet,
        ledger=core.ledger,
        audit=core.audit,
        memory=core.memory,
        clock=core.clock,
    )


P_co = TypeVar("P_co", bound=Core, covariant=True)
"""The lane bundle a run runs against (``CheckPorts``, ``PollPorts``, ...)."""


@dataclass
class ShopView:
    """The tabs of one run, read together, with settings and suppliers parsed."""

    tables: dict[str, Table]
    settings: ShopSettings
    suppliers: dict[str, Supplier]
    problems: list[Problem] = field(default_factory=list)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    def __getitem__(self, tab: str) -> Table:
        return self.tables[tab]


def read_shop(sheet: Sheet, tabs: Sequence[str], *, optional: Sequence[str] = ()) -> ShopView:
    """One read of every tab the run needs; a missing tab or header stops the run, named.

    Tabs in ``optional`` are read in the same request (name them in ``tabs`` or not), but a
    sheet without them is fine: they are then absent from ``tables`` (a sheet set up before
    that tab was part of the contract)."""
    layout = load_layout()
    wanted = [*tabs, *(tab for tab in optional if tab not in tabs)]
    grids = sheet.read(wanted, append_only=[tab for tab in wanted if tab == AUDIT])
    tables = {
        tab: Table.from_grid(layout.tab(tab), grids.get(tab))
        for tab in wanted
        if tab in grids or tab not in optional
    }
    settings, problems = read_settings(tables["Settings"])
    for tab in optional:
        if tab not in tables and tab in grids:
            try:
                tables[tab] = Table.from_grid(layout.tab(tab), grids[tab])
            except SheetLayoutError as error:
                problems.append(Problem(tab, None, error.header, "is missing from the tab"))
    suppliers: dict[str, Supplier] = {}
    if "Suppliers" in tables:
        suppliers, supplier_problems = read_suppliers(tables["Suppliers"])
        problems.extend(supplier_problems)
    return ShopView(tables, settings, suppliers, problems)


MemoryUpdate = Mapping[str, Mapping[tuple[str, str], str]]
"""Per tab, the cells the bot wrote (row id, column) -> text, for ``CellMemory.remember``."""


@dataclass(frozen=True)
class _Checkpoint:
    """How far the run had got when ``Run.checkpoint`` was called."""

    writes: int
    appends: int
    deletes: int
    entries: int
    undo: int
    settle: int
    memory: MemoryUpdate | None


class Run(AbstractContextManager["Run[P_co]"], Generic[P_co]):
    """The unit of work of one use case run: the sheet changes and audit entries it builds up,
    written together by ``commit``, and the steps that undo what it claimed outside the sheet
    when it does not commit.

    Held as a context manager::

        with Run(ports, view, now) as run:
            ...  # build run.batch, run.audit(...), run.on_rollback(...)
            run.commit()

    Leaving the block without a commit (an exception, or an early return) rolls back: the
    undo steps registered with ``on_rollback`` run, newest first (claims released, POS events
    put back), and nothing reaches the sheet. Steps registered with ``on_commit`` run only
    after a commit succeeded (POS events settled).

    Some steps cannot be undone: an email sent is sent. ``checkpoint`` marks what the run has
    built so far as kept: should the run then fail before its commit, ``__exit__`` commits the
    changes up to the checkpoint (and only the undo steps registered after it run), so what
    was sent is recorded once and never lost. A failure inside ``commit`` itself (the sheet
    or the audit log unreachable) commits nothing more: the ledger, written as each step
    happened, has the last word, and the next run completes what is missing.

    ``adapters`` is the lane's bundle of ports (``CheckPorts``, ``PollPorts``, ...): the use
    case reads its ports from it; the commit uses only its ``Core``.
    """

    def __init__(self, adapters: P_co, view: ShopView, now: datetime):
        self.adapters: P_co = adapters
        self.view = view
        self.now = now
        self.batch = SheetBatch()
        self.entries: list[AuditEntry] = []
        self._undo: list[Callable[[], None]] = []
        self._settle: list[Callable[[], None]] = []
        self._checkpoint: _Checkpoint | None = None
        self._commit_started = False
        self.committed = False

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.committed:
            return
        if exc is None:
            self.rollback()
            return
        try:
            if not self._commit_started:
                self._commit_checkpoint(exc)
        finally:
            try:
                self.rollback()
            except Exception as error:  # the run's own failure is the one to raise
                exc.add_note(f"undoing the run's claims also failed: {error!r}")

    def audit(
        self,
        who: str,
        action: AuditAction,
        subject: str,
        before: Mapping[str, object] | None = None,
        after: Mapping[str, object] | None = None,
    ) -> None:
        self.entries.append(AuditEntry(self.now, who, action, subject, before, after))

    def on_rollback(self, step: Callable[[], None]) -> None:
        """Run ``step`` if this run ends without committing (newest step first)."""
        self._undo.append(step)

    def on_commit(self, step: Callable[[], None]) -> None:
        """Run ``step`` once this run's commit succeeded."""
        self._settle.append(step)

    def checkpoint(self, memory: MemoryUpdate | None = None) -> None:
        """Keep what the run built so far even if it fails later: see the class docstring.
        ``memory`` is what the bot wrote up to here, remembered with it."""
        self._checkpoint = _Checkpoint(
            writes=len(self.batch.writes),
            appends=len(self.batch.appends),
            deletes=len(self.batch.deletes),
            entries=len(self.entries),
            undo=len(self._undo),
            settle=len(self._settle),
            memory=memory,
        )

    def commit(self, memory: MemoryUpdate | None = None) -> None:
        """Record the audit entries, write the sheet, remember the cells, then settle."""
        self._commit_started = True
        commit(self.adapters, self.view, self.batch, self.entries, memory)
        self.committed = True
        self._undo.clear()
        for step in self._settle:
            step()

    def rollback(self) -> None:
        """Undo what was claimed outside the sheet, newest first; every step runs even if
        one fails (the first failure is raised after, or noted on the run's own failure)."""
        steps, self._undo = self._undo, []
        failure: BaseException | None = None
        for step in reversed(steps):
            try:
                step()
            except Exception as error:  # the other steps still run
                failure = failure or error
        if failure is not None:
            raise failure

    def _commit_checkpoint(self, exc: BaseException) -> None:
        """The run failed before its commit: commit what the checkpoint kept. The undo steps
        registered before it are then kept too; should that commit fail, all of them run."""
        kept = self._checkpoint
        if kept is None:
            return
        del self.batch.writes[kept.writes :]
        del self.batch.appends[kept.appends :]
        del self.batch.deletes[kept.deletes :]
        del self.entries[kept.entries :]
        if self.batch or self.entries:
            try:
                commit(self.adapters, self.view, self.batch, self.entries, kept.memory)
            except Exception as error:  # the run's own failure is the one to raise
                exc.add_note(f"committing what the run did before it failed also failed: {error!r}")
                return
        settle, self._settle = self._settle[: kept.settle], []
        del self._undo[: kept.undo]
        for step in settle:
            step()


def commit(
    adapters: Core,
    view: ShopView,
    batch: SheetBatch,
    entries: Sequence[AuditEntry],
    memory: MemoryUpdate | None = None,
) -> None:
    """Record the run's audit entries, then write the sheet in one batch (with the entries
    not yet mirrored to the Audit tab), then remember what the bot wrote.

    Audit entries are stored before the sheet write so a crash in between loses nothing: the
    next run mirrors whatever is still unmirrored.
    """
    if entries:
        adapters.audit.record(entries)
    pending = adapters.audit.unmirrored()
    audit_table = view.tables.get(AUDIT)
    if pending and audit_table is not None:
        zone = view.zone
        batch.appends.append(
            RowsAppend(
                AUDIT,
                [
                    audit_table.new_row(
                        {
                            "When": entry.when.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S %Z"),
                            "Who": entry.who,
                            "Action": str(entry.action),
                            "Subject": entry.subject,
                            "Before": before_lines(entry.before),
                            "After": change_lines(entry.before, entry.after),
                        }
                    )
                    for _, entry in pending
                ],
            )
        )
    if batch:
        adapters.sheet.apply(batch)
    if pending and audit_table is not None:
        adapters.audit.mark_mirrored([entry_id for entry_id, _ in pending])
    for tab, cells in (memory or {}).items():
        adapters.memory.remember(tab, cells)
