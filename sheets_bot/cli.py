"""The command line: the same services as the cloud, against the local workbook and state."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from pydantic import ValidationError

from sheets_bot.adapters.clock import FixedClock, SystemClock
from sheets_bot.adapters.local.outbox import OutboxMailer
from sheets_bot.adapters.local.smtp import SmtpMailer
from sheets_bot.adapters.local.sqlite_store import SqliteStore
from sheets_bot.adapters.local.workbook import LocalWorkbook
from sheets_bot.cli_output import format_check, format_poll
from sheets_bot.config import LocalConfig
from sheets_bot.errors import BotError
from sheets_bot.ports import Clock, Mailer
from sheets_bot.services.check import run_check
from sheets_bot.services.poll import run_poll
from sheets_bot.services.setup import run_init
from sheets_bot.services.shop import Adapters


def _mailer(config: LocalConfig) -> Mailer:
    if config.smtp is None:
        return OutboxMailer(config.outbox)
    return SmtpMailer(
        config.smtp.host,
        config.smtp.port,
        config.smtp.username,
        config.smtp.password.get_secret_value(),
        starttls=config.smtp.starttls,
    )


@contextmanager
def local_adapters(config: LocalConfig) -> Iterator[Adapters]:
    config.state_dir.mkdir(parents=True, exist_ok=True)
    clock: Clock = FixedClock(config.now) if config.now else SystemClock()
    store = SqliteStore(config.database)
    try:
        with LocalWorkbook(config.workbook, lock_dir=config.state_dir) as sheet:
            yield Adapters(
                sheet=sheet,
                ledger=store.ledger,
                audit=store.audit,
                memory=store.memory,
                mailer=_mailer(config),
                clock=clock,
            )
    finally:
        store.close()


def _program() -> str:
    """How the user ran us (``.venv/bin/sheets-bot`` after ``make demo``), to echo back."""
    invoked = sys.argv[0] if sys.argv else ""
    return invoked if Path(invoked).name == "sheets-bot" else "sheets-bot"


def _init(config: LocalConfig, sample: bool) -> str:
    config.workbook.parent.mkdir(parents=True, exist_ok=True)
    config.state_dir.mkdir(parents=True, exist_ok=True)
    with LocalWorkbook(config.workbook, lock_dir=config.state_dir, create=True) as sheet:
        tabs = run_init(sheet, sample=sample)
    what = "the sample café" if sample else "empty tabs and default Settings"
    return (
        f"Ready: {config.workbook} with {', '.join(tabs)} ({what}).\n"
        f"State (ledger, audit, outbox) lives in {config.state_dir}.\n"
        f"Next: {_program()} check --workbook {config.workbook}"
    )


def _check(config: LocalConfig) -> str:
    with local_adapters(config) as adapters:
        report = run_check(adapters)
    return format_check(report, workbook=config.workbook, program=_program())


def _poll(config: LocalConfig) -> str:
    with local_adapters(config) as adapters:
        report = run_poll(adapters)
    return format_poll(report, outbox=config.outbox if config.smtp is None else None)


def _resolve(config: LocalConfig, po: str, sent: bool) -> str:
    with local_adapters(config) as adapters:
        record = adapters.ledger.resolve(po, "sent" if sent else "approved", adapters.clock.now())
    if sent:
        return f"{record.po_number} recorded as sent; the next poll moves it to Orders."
    return f"{record.po_number} re-opened; the next poll sends it again."


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sheets-bot",
        description="Inventory reorder bot: checks the stock list, drafts purchase orders, and"
        " sends them only after the owner approves.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--workbook",
        metavar="PATH",
        help="the shop's .xlsx workbook (default: $SHEETS_BOT_WORKBOOK or ./shop.xlsx)",
    )
    common.add_argument(
        "--state",
        metavar="DIR",
        help=f"ledger, audit and outbox folder (default: {'{workbook folder}'}/sheets-bot-state)",
    )
    common.add_argument(
        "--now", metavar="ISO-8601", help="run as of this time, e.g. 2026-11-23T09:00:00Z"
    )
    init = sub.add_parser(
        "init", parents=[common], help="create the workbook with every tab, dropdowns, colours"
    )
    init.add_argument("--sample", action="store_true", help="fill it with the sample café")
    sub.add_parser(
        "check", parents=[common], help="the daily check: moves per item, draft purchase orders"
    )
    sub.add_parser(
        "poll", parents=[common], help="act on Decision dropdowns: send approved POs, close skips"
    )
    resolve = sub.add_parser(
        "resolve", parents=[common], help="settle a PO whose send outcome is unknown"
    )
    resolve.add_argument("po", metavar="PO", help="the PO number, e.g. PO-0003")
    outcome = resolve.add_mutually_exclusive_group(required=True)
    outcome.add_argument("--sent", action="store_true", help="it did go out: record it as sent")
    outcome.add_argument("--resend", action="store_true", help="it did not: send it again")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = LocalConfig.build(args.workbook, args.state, args.now)
        if args.command == "init":
            output = _init(config, args.sample)
        elif args.command == "check":
            output = _check(config)
        elif args.command == "poll":
            output = _poll(config)
        else:
            output = _resolve(config, args.po, args.sent)
    except (BotError, ValueError, KeyError, ValidationError) as error:
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        print(f"sheets-bot: error: {message}", file=sys.stderr)
        return 1
    print(output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
