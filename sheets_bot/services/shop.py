"""What every use case needs: the adapters, and the shop read from the sheet in one request."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sheets_bot.domain.audit import AuditAction, AuditEntry
from sheets_bot.domain.confirm_links import ConfirmLinks
from sheets_bot.domain.models import ShopSettings, Supplier
from sheets_bot.domain.problems import Problem
from sheets_bot.errors import SheetLayoutError
from sheets_bot.ports import (
    AuditLog,
    CellMemory,
    Claims,
    Clock,
    Ledger,
    Mailer,
    Marks,
    Narrator,
    ReceiptLog,
    RowsAppend,
    RunFailures,
    SalesLog,
    Scheduler,
    Sheet,
    SheetBatch,
    StockHistory,
)
from sheets_bot.sheet.layout import AUDIT, load_layout
from sheets_bot.sheet.rows import read_suppliers
from sheets_bot.sheet.settings import read_settings
from sheets_bot.sheet.table import Table


@dataclass(frozen=True)
class Adapters:
    """The ports a use case runs against; ``cli.py`` and the Lambda handlers build these."""

    sheet: Sheet
    ledger: Ledger
    audit: AuditLog
    memory: CellMemory
    mailer: Mailer
    clock: Clock
    scheduler: Scheduler | None = None
    """One-off runs (a poll when quiet hours end); without one, the next regular poll after
    quiet hours sends what waited."""
    sales: SalesLog | None = None
    """POS sale events, where a point of sale is connected."""
    receipts: ReceiptLog | None = None
    """Deliveries received, where the Orders tab has any."""
    history: StockHistory | None = None
    """Stock per item per day, from the Stock tab snapshots."""
    marks: Marks | None = None
    """The last digest's date and used link nonces; without it no digest is sent."""
    failures: RunFailures | None = None
    """Failed runs for the next digest, where the deployment keeps them."""
    claims: Claims | None = None
    """Once-only claims of the live lanes (an Orders line received, a supplier's confirmation,
    a follow-up sent); without them the poll does no receiving, confirmations or follow-ups."""
    confirm_links: ConfirmLinks | None = None
    """Signs the confirmation link each PO email carries; without it the email has none."""
    narrator: Narrator | None = None
    """A model for the monthly summary's narrative (Bedrock), where the deployment has one."""


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


class Run:
    """What one run of a use case builds up before it commits: sheet changes and audit entries."""

    def __init__(self, adapters: Adapters, view: ShopView, now: datetime):
        self.adapters = adapters
        self.view = view
        self.now = now
        self.batch = SheetBatch()
        self.entries: list[AuditEntry] = []

    def audit(
        self,
        who: str,
        action: AuditAction,
        subject: str,
        before: Mapping[str, object] | None = None,
        after: Mapping[str, object] | None = None,
    ) -> None:
        self.entries.append(AuditEntry(self.now, who, action, subject, before, after))

    def commit(self, memory: Mapping[str, Mapping[tuple[str, str], str]] | None = None) -> None:
        commit(self.adapters, self.view, self.batch, self.entries, memory)


def commit(
    adapters: Adapters,
    view: ShopView,
    batch: SheetBatch,
    entries: Sequence[AuditEntry],
    memory: Mapping[str, Mapping[tuple[str, str], str]] | None = None,
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
                            "Before": entry.before_text(),
                            "After": entry.after_text(),
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
