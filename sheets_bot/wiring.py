"""Building what a command-line run needs: the sheet (a local workbook or a Google Sheet), the
SQLite state, the mailer and the clock, as the bundle of ports of the run's lane
(``services/lanes.py``). ``cli.py`` parses and prints; this wires: ``open_machine(config)``
opens the sheet and the state for one run, and its ``check_ports()``, ``daily_ports()``,
``poll_ports()``, ``intake_ports()``, ``monthly_ports()`` and ``link_ports()`` give each lane
its bundle.

On one machine every port is there except what only a deployment has: no scheduler (nothing
runs on its own here), no narrator and no AI parser (Bedrock), and the suppliers'
confirmation links only with ``SHEETS_BOT_PUBLIC_URL``.

Sheet mode keeps its state (ledger, audit, cell memory, outbox) in a folder on this machine
and holds a lock on it for the run, as local mode holds one on the workbook, so two runs on
one machine never interleave their reads and writes of the sheet.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sheets_bot.adapters.clock import FixedClock, SystemClock
from sheets_bot.adapters.local.file_failures import FileRunFailures
from sheets_bot.adapters.local.folder_blobs import FolderBlobs
from sheets_bot.adapters.local.link_key import local_link_key
from sheets_bot.adapters.local.outbox import OutboxMailer
from sheets_bot.adapters.local.private_files import private_dir
from sheets_bot.adapters.local.smtp import SmtpMailer
from sheets_bot.adapters.local.sqlite_live import SqliteClaims, SqliteReceiptLog, SqliteSalesLog
from sheets_bot.adapters.local.sqlite_marks import SqliteMarks
from sheets_bot.adapters.local.sqlite_store import SqliteStore
from sheets_bot.adapters.local.workbook import LocalWorkbook
from sheets_bot.config import LocalConfig, RunConfig, SheetConfig
from sheets_bot.domain.confirm_links import ConfirmLinks
from sheets_bot.errors import BotError
from sheets_bot.ports import Clock, Mailer, Sheet
from sheets_bot.services.decision_links import LinkSigner
from sheets_bot.services.lanes import (
    CheckPorts,
    DailyPorts,
    IntakePorts,
    LinkPorts,
    MonthlyPorts,
    PollPorts,
)
from sheets_bot.services.learner_states import BlobLearnerStates
from sheets_bot.services.shop import Core, core_fields
from sheets_bot.services.snapshot import SnapshotReport, run_snapshot
from sheets_bot.services.stock_history import BlobStockHistory
from sheets_bot.web.confirm_app import CONFIRM_PATH

if TYPE_CHECKING:
    from sheets_bot.adapters.google.sheet import GoogleSheet

LOCK_TIMEOUT = 30.0
"""Seconds a run waits for another run on the same sheet to finish."""


def build_mailer(config: RunConfig) -> Mailer:
    if config.smtp is None:
        return OutboxMailer(config.outbox)
    return SmtpMailer(
        config.smtp.host,
        config.smtp.port,
        config.smtp.username,
        config.smtp.password.get_secret_value(),
        starttls=config.smtp.starttls,
    )


def build_clock(config: RunConfig) -> Clock:
    return FixedClock(config.now) if config.now else SystemClock()


LOCAL_SHEET_ID = "workbook"
"""The history key part for a local workbook (its state folder is its own)."""


def history_id(config: LocalConfig | SheetConfig) -> str:
    return config.spreadsheet_id if isinstance(config, SheetConfig) else LOCAL_SHEET_ID


def record_snapshot(config: LocalConfig | SheetConfig, core: Core) -> SnapshotReport | None:
    """On one machine there is no 15-minute sync: each check and poll on a local workbook
    snapshots the Stock tab (the same ``run_snapshot`` as drive sync, days in the Settings
    tab's timezone), so the stock history builds up here too: one more read of the file.

    Not for a Google Sheet from this machine: that read would be a Sheets request past the
    check's and poll's bars; there the AWS drive sync keeps the history."""
    if isinstance(config, SheetConfig):
        return None
    return run_snapshot(
        core.sheet,
        FolderBlobs(config.blobs),
        history_id(config),
        now=core.clock.now(),
    )


@contextmanager
def state_store(config: RunConfig) -> Iterator[SqliteStore]:
    private_dir(config.state_dir)
    store = SqliteStore(config.database)
    try:
        yield store
    finally:
        store.close()


def link_key(config: RunConfig) -> bytes:
    """The key the digest's links and the suppliers' confirmation links are signed with:
    ``SHEETS_BOT_LINK_KEY``, else one made once and kept (0600) in the state folder."""
    if config.live.link_key is not None:
        return config.live.link_key.get_secret_value().encode("utf-8")
    return local_link_key(config.state_dir)


def build_confirm_links(config: RunConfig) -> ConfirmLinks | None:
    """Links only where suppliers can reach the page (``SHEETS_BOT_PUBLIC_URL``)."""
    if not config.live.public_url:
        return None
    return ConfirmLinks(config.live.public_url.rstrip("/") + CONFIRM_PATH, link_key(config))


def link_signer(config: RunConfig, links_url: str | None = None) -> LinkSigner:
    """Signs the digest's Approve/Skip links, pointing to ``links_url`` (``--links-url``)
    if given, else to Settings' ``Links URL``."""
    from sheets_bot.sheet.settings import parse_links_url

    try:
        base = parse_links_url(links_url) if links_url else ""
    except ValueError as error:
        raise BotError(f"--links-url {links_url!r} {error}") from None
    return LinkSigner(link_key(config), base)


@dataclass(frozen=True)
class Machine:
    """One run's wiring on this machine: the sheet, and everything else in the state folder
    (SQLite, the blobs folder, the outbox or SMTP). Each lane takes its bundle of ports."""

    config: LocalConfig | SheetConfig
    store: SqliteStore
    sheet: Sheet
    clock: Clock

    def core(self) -> Core:
        store = self.store
        return Core(
            sheet=self.sheet,
            ledger=store.ledger,
            audit=store.audit,
            memory=store.memory,
            clock=self.clock,
        )

    def history(self) -> BlobStockHistory:
        """The Stock history this machine's checks and polls snapshot (``record_snapshot``)."""
        return BlobStockHistory(FolderBlobs(self.config.blobs), history_id(self.config))

    def learned(self) -> BlobLearnerStates:
        """Each item's learned demand, kept in the state folder's blobs between checks."""
        return BlobLearnerStates(FolderBlobs(self.config.blobs), history_id(self.config))

    def check_ports(self) -> CheckPorts:
        return CheckPorts(
            **core_fields(self.core()),
            history=self.history(),
            sales=SqliteSalesLog(self.store),
            receipts=SqliteReceiptLog(self.store),
            learned=self.learned(),
        )

    def daily_ports(self, links_url: str | None = None) -> DailyPorts:
        """The check and digest, the digest's links pointing to ``links_url`` if given."""
        return DailyPorts(
            **core_fields(self.core()),
            history=self.history(),
            sales=SqliteSalesLog(self.store),
            receipts=SqliteReceiptLog(self.store),
            learned=self.learned(),
            mailer=build_mailer(self.config),
            marks=SqliteMarks(self.store),
            failures=run_failures(self.config),
            links=link_signer(self.config, links_url),
        )

    def poll_ports(self) -> PollPorts:
        """The poll with every live lane; no scheduler: nothing runs on its own here, so the
        next ``sheets-bot poll`` after quiet hours sends what waited."""
        return PollPorts(
            **core_fields(self.core()),
            mailer=build_mailer(self.config),
            sales=SqliteSalesLog(self.store),
            receipts=SqliteReceiptLog(self.store),
            claims=SqliteClaims(self.store),
            confirm_links=build_confirm_links(self.config),
        )

    def intake_ports(self) -> IntakePorts:
        """A forwarded email: the raw message kept in the state folder's blobs; no AI parser
        on this machine (such a file is reported as needing it)."""
        return IntakePorts(**core_fields(self.core()), blobs=FolderBlobs(self.config.blobs))

    def monthly_ports(self) -> MonthlyPorts:
        """The monthly summary; no narrator on this machine (the template writes it)."""
        return MonthlyPorts(
            **core_fields(self.core()),
            mailer=build_mailer(self.config),
            history=self.history(),
            receipts=SqliteReceiptLog(self.store),
        )

    def link_ports(self) -> LinkPorts:
        return LinkPorts(**core_fields(self.core()), marks=SqliteMarks(self.store))


@contextmanager
def local_machine(config: LocalConfig) -> Iterator[Machine]:
    with (
        state_store(config) as store,
        LocalWorkbook(config.workbook, lock_dir=config.state_dir) as sheet,
    ):
        yield Machine(config, store, sheet, build_clock(config))


def run_failures(config: RunConfig) -> FileRunFailures:
    """Failed runs of this machine, for the next digest."""
    return FileRunFailures(config.state_dir / "failures.jsonl")


@contextmanager
def sheet_run(config: SheetConfig) -> Iterator[None]:
    """Hold the lock of this sheet's state folder for one run."""
    private_dir(config.state_dir)
    with _locked(config.state_dir / "run.lock", config.sheet_url):
        yield


def open_sheet(config: SheetConfig) -> GoogleSheet:
    """The Google Sheet of ``config``, with its credentials loaded (no request yet). gspread is
    imported here, so local mode never loads it."""
    from sheets_bot.adapters.google.credentials import load_identity
    from sheets_bot.adapters.google.sheet import open_google_sheet

    identity = load_identity(
        path=config.credentials_file,
        json_text=config.credentials_json.get_secret_value() if config.credentials_json else None,
    )
    return open_google_sheet(config.spreadsheet_id, identity)


@contextmanager
def sheet_machine(config: SheetConfig) -> Iterator[Machine]:
    with sheet_run(config), state_store(config) as store:
        yield Machine(config, store, open_sheet(config), build_clock(config))


@contextmanager
def open_machine(config: LocalConfig | SheetConfig) -> Iterator[Machine]:
    """The sheet and this machine's state for one run (the workbook's or the sheet's lock
    held): ``with open_machine(config) as machine: run_poll(machine.poll_ports())``."""
    if isinstance(config, SheetConfig):
        with sheet_machine(config) as machine:
            yield machine
    else:
        with local_machine(config) as machine:
            yield machine


@contextmanager
def _locked(path: Path, what: str, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    with path.open("ab") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BotError(
                        f"another sheets-bot run is using {what}; wait for it to finish,"
                        " then run again"
                    ) from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
