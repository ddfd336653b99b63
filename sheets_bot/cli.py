"""The command line: the same services as the cloud, against the local workbook or a Google
Sheet, with state on this machine. Parsing and printing only; ``wiring`` builds each lane's
ports."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sheets_bot.adapters.local.private_files import private_dir
from sheets_bot.adapters.local.workbook import LocalWorkbook
from sheets_bot.cli_output import format_check, format_poll, format_summary
from sheets_bot.config import LocalConfig, SheetConfig
from sheets_bot.domain.digest import FailedRun
from sheets_bot.errors import BotError
from sheets_bot.services.daily import run_daily
from sheets_bot.services.digest import DigestReport, run_digest
from sheets_bot.services.poll import run_poll
from sheets_bot.services.setup import run_init
from sheets_bot.wiring import (
    build_clock,
    open_machine,
    open_sheet,
    record_snapshot,
    run_failures,
    sheet_run,
    state_store,
)

Config = LocalConfig | SheetConfig


def _program() -> str:
    """How the user ran us (``.venv/bin/sheets-bot`` after ``make demo``), to echo back."""
    invoked = sys.argv[0] if sys.argv else ""
    return invoked if Path(invoked).name == "sheets-bot" else "sheets-bot"


def _what(sample: bool, *, existed: bool) -> str:
    """What ``init`` made: a new sheet is empty or the sample; an existing one is completed,
    the rows it had kept (the sample only fills tabs that were empty)."""
    if not existed:
        return "the sample café" if sample else "empty tabs and default Settings"
    filled = "; the sample café where a tab was empty" if sample else ""
    return f"missing tabs, headers and formats added, your rows kept{filled}"


def _init(config: Config, sample: bool) -> str:
    if isinstance(config, SheetConfig):
        with sheet_run(config):
            sheet = open_sheet(config)
            tabs = run_init(sheet, sample=sample)
        return (
            f"Ready: {config.sheet_url} with {', '.join(tabs)}"
            f" ({_what(sample, existed=True)}).\n"
            f"sheets-bot works on it as {sheet.account} (shared as Editor).\n"
            f"State (ledger, audit, outbox) lives in {config.state_dir}.\n"
            f"Next: {_program()} check --sheet {config.spreadsheet_id}"
        )
    config.workbook.parent.mkdir(parents=True, exist_ok=True)
    existed = config.workbook.exists()
    private_dir(config.state_dir)
    with LocalWorkbook(config.workbook, lock_dir=config.state_dir, create=True) as workbook:
        tabs = run_init(workbook, sample=sample)
    return (
        f"Ready: {config.workbook} with {', '.join(tabs)} ({_what(sample, existed=existed)}).\n"
        f"State (ledger, audit, outbox) lives in {config.state_dir}.\n"
        f"Next: {_program()} check --workbook {config.workbook}"
    )


def _digest_line(report: DigestReport, config: Config) -> str:
    if not report.sent:
        return f"Digest: {report.reason}."
    where = f" (in {config.outbox})" if config.smtp is None else ""
    return f"Digest sent to the owner: {report.subject}{where}"


def _check(config: Config, links_url: str | None) -> str:
    with open_machine(config) as machine:
        daily = run_daily(machine.daily_ports(links_url))
        record_snapshot(config, machine.core())
    if isinstance(config, SheetConfig):
        text = format_check(daily.check, sheet=config.spreadsheet_id, program=_program())
    else:
        text = format_check(daily.check, workbook=config.workbook, program=_program())
    return f"{text}\n{_digest_line(daily.digest, config)}"


def _digest(config: Config, force: bool, links_url: str | None) -> str:
    with open_machine(config) as machine:
        report = run_digest(machine.daily_ports(links_url), force=force)
    if not report.sent and report.reason == "not due":
        return (
            "Digest: not due (already sent today, quiet hours, or before Digest time);"
            " --force sends it now."
        )
    return _digest_line(report, config)


def _poll(config: Config) -> str:
    with open_machine(config) as machine:
        report = run_poll(machine.poll_ports())
        record_snapshot(config, machine.core())
    return format_poll(report, outbox=config.outbox if config.smtp is None else None)


def _ingest(config: Config, message: str) -> str:
    from sheets_bot.ingest_output import format_ingest
    from sheets_bot.services.ingest import ingest_message

    path = Path(message).expanduser()
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise BotError(f"cannot read {path}: {error.strerror or error}") from error
    with open_machine(config) as machine:
        report = ingest_message(machine.intake_ports(), raw)
    return format_ingest(report, program=_program(), stored_in=config.blobs)


def _resolve(config: Config, po: str, sent: bool) -> str:
    if isinstance(config, SheetConfig):
        with sheet_run(config), state_store(config) as store:
            now = build_clock(config).now()
            record = store.ledger.resolve(po, "sent" if sent else "approved", now)
    else:
        with open_machine(config) as machine:
            record = machine.store.ledger.resolve(
                po, "sent" if sent else "approved", machine.clock.now()
            )
    if sent:
        return f"{record.po_number} recorded as sent; the next poll moves it to Orders."
    return f"{record.po_number} re-opened; the next poll sends it again."


def _serve(config: Config, host: str, port: int, poll_every: str | None) -> str:
    """Serve the digest's links, the POS webhooks and the confirmation page until Ctrl-C;
    with ``poll_every``, run the poll on that timer too."""
    from sheets_bot.services.decision_links import links_notice
    from sheets_bot.services.shop import read_shop
    from sheets_bot.sheet.layout import SETTINGS
    from sheets_bot.web.decision import NEXT_POLL_UNKNOWN, next_poll_within
    from sheets_bot.web.local_apps import local_apps
    from sheets_bot.web.poll_timer import PollTimer, describe, parse_interval
    from sheets_bot.web.server import make_server

    interval = parse_interval(poll_every) if poll_every else None
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    with open_machine(config) as machine:
        links_url = read_shop(machine.sheet, (SETTINGS,)).settings.links_url
    when_sent = next_poll_within(describe(interval)) if interval else NEXT_POLL_UNKNOWN
    timer = PollTimer(interval, lambda: _poll(config)) if interval else None
    with state_store(config) as store:
        apps = local_apps(config, store, build_clock(config), when_sent=when_sent)
        server = make_server(apps, host=host, port=port)
        bound_host, bound_port = server.server_address[:2]
        polling = (
            f"the poll runs every {describe(interval)}"
            if interval
            else "nothing polls: run `sheets-bot poll` from cron, or serve with --poll-every 5m"
        )
        print(
            f"Serving {', '.join(sorted(apps))} on http://{bound_host!s}:{bound_port}"
            f" (Ctrl-C stops); {polling}.\n{links_notice(links_url, int(bound_port))}",
            flush=True,
        )
        if timer is not None:
            timer.start()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            if timer is not None:
                timer.stop()
            server.server_close()
    return "Stopped."


def _summary(config: Config, month: str | None) -> str:
    from sheets_bot.domain.monthly import Month
    from sheets_bot.services.monthly import run_summary

    wanted = Month.parse(month) if month else None
    with open_machine(config) as machine:
        report = run_summary(machine.monthly_ports(), wanted)
    return format_summary(report, outbox=config.outbox if config.smtp is None else None)


def _command(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    *,
    help: str,
    **options: Any,
) -> argparse.ArgumentParser:
    """A subcommand whose ``--help`` page opens with what it does (the line the command list
    shows, as a sentence)."""
    return sub.add_parser(name, help=help, description=help[0].upper() + help[1:] + ".", **options)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sheets-bot",
        description="Inventory reorder bot: checks the stock list, drafts purchase orders, and"
        " sends them only after the owner approves.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    where = common.add_mutually_exclusive_group()
    where.add_argument(
        "--workbook",
        metavar="PATH",
        help="the shop's .xlsx workbook (default: $SHEETS_BOT_WORKBOOK or ./shop.xlsx)",
    )
    where.add_argument(
        "--sheet",
        metavar="SHEET_ID_OR_URL",
        help="the shop's Google Sheet instead: its URL or id",
    )
    common.add_argument(
        "--credentials",
        metavar="PATH",
        help="with --sheet: a service-account key or workload identity configuration (default:"
        " $SHEETS_BOT_GOOGLE_CREDENTIALS_JSON, then $GOOGLE_APPLICATION_CREDENTIALS)",
    )
    common.add_argument(
        "--state",
        metavar="DIR",
        help="ledger, audit and outbox folder (default: {workbook folder}/sheets-bot-state,"
        " or ~/.sheets-bot/{sheet id} with --sheet)",
    )
    common.add_argument(
        "--now", metavar="ISO-8601", help="run as of this time, e.g. 2026-11-23T09:00:00Z"
    )
    common.add_argument(
        "--unattended",
        action="store_true",
        help="for cron: a check, poll or digest that fails is also listed in the next digest"
        " (nobody reads cron's terminal); without it, errors stay in the terminal",
    )
    init = _command(
        sub, "init", parents=[common], help="create the sheet's tabs, headers, dropdowns, colours"
    )
    init.add_argument("--sample", action="store_true", help="fill it with the sample café")
    links = argparse.ArgumentParser(add_help=False)
    links.add_argument(
        "--links-url",
        metavar="URL",
        help="where the digest's Approve/Skip links point (default: Settings 'Links URL',"
        " else http://127.0.0.1:8080, where `sheets-bot serve` answers)",
    )
    _command(
        sub,
        "check",
        parents=[common, links],
        help="the daily check: moves per item, draft purchase orders; then the digest if due",
    )
    digest = _command(
        sub, "digest", parents=[common, links], help="send the owner's daily digest if it is due"
    )
    digest.add_argument(
        "--force", action="store_true", help="send it now, even if sent today or not due yet"
    )
    _command(
        sub,
        "poll",
        parents=[common],
        help="act on Decision dropdowns: send approved POs, close skips",
    )
    ingest = _command(
        sub,
        "ingest",
        parents=[common],
        help="a forwarded count or price list (.eml) into the Proposed tab",
    )
    ingest.add_argument("message", metavar="MESSAGE.eml", help="the raw email, as saved")
    summary = _command(
        sub, "summary", parents=[common], help="email the owner the monthly summary (last month)"
    )
    summary.add_argument(
        "--month", metavar="YYYY-MM", help="the month to sum up (default: the month before)"
    )
    resolve = _command(
        sub, "resolve", parents=[common], help="settle a PO whose send outcome is unknown"
    )
    resolve.add_argument("po", metavar="PO", help="the PO number, e.g. PO-0003")
    outcome = resolve.add_mutually_exclusive_group(required=True)
    outcome.add_argument("--sent", action="store_true", help="it did go out: record it as sent")
    outcome.add_argument("--resend", action="store_true", help="it did not: send it again")
    serve = _command(
        sub,
        "serve",
        parents=[common],
        help="answer the digest's Approve/Skip links, the POS webhooks and the suppliers'"
        " confirmation page on this machine",
    )
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (127.0.0.1: this machine only)"
    )
    serve.add_argument("--port", type=int, default=8080, help="port to listen on (8080)")
    serve.add_argument(
        "--poll-every",
        metavar="INTERVAL",
        help="also run the poll on a timer (5m, 90s, 1h), so approved POs go out without cron",
    )
    cost = _command(sub, "cost", help="the monthly AWS bill of the deployment in infra/")
    cost.add_argument("--items", type=int, required=True, metavar="N", help="items in Stock")
    cost.add_argument("--json", action="store_true", help="one JSON object (with total_usd)")
    cost.add_argument(
        "--credentials",
        choices=("wif", "secret"),
        default="wif",
        help="how the functions reach Google (default wif; secret adds Secrets Manager)",
    )
    cost.add_argument(
        "--pos-webhooks-per-day",
        type=float,
        metavar="N",
        help="POS sale webhooks a day (default: the sample cafe's rate per item; 0: no POS)",
    )
    cost.add_argument(
        "--forwarded-per-month",
        type=float,
        metavar="N",
        help="emails to the intake address a month (default: weekly count + 1 per 50 items)",
    )
    simulate = _command(
        sub,
        "simulate",
        help="replay your daily sales through the bot's rules and the fixed rule, side by side",
    )
    simulate.add_argument("--sales", required=True, metavar="CSV", help="date,sku,units")
    simulate.add_argument(
        "--items",
        required=True,
        metavar="CSV",
        help="sku,lead_time_days,pack_size,unit_cost (optional moq, supplier)",
    )
    simulate.add_argument(
        "--warmup", type=int, default=28, metavar="N", help="days seen, not scored (28)"
    )
    simulate.add_argument(
        "--backorders", action="store_true", help="unmet demand waits (default: lost)"
    )
    simulate.add_argument("--json", action="store_true", help="one JSON object a line")
    simulate.add_argument("--plot", metavar="PNG", help="also write fill rate vs inventory here")
    return parser


def _simulate(args: argparse.Namespace) -> str:
    from sheets_bot.simulation.run import simulate

    return simulate(
        Path(args.sales),
        Path(args.items),
        warmup=args.warmup,
        backorders=args.backorders,
        as_json=args.json,
        plot_path=Path(args.plot) if args.plot else None,
    )


def _cost(args: argparse.Namespace) -> str:
    from sheets_bot.cost.cli import cost_report

    return cost_report(
        args.items,
        credentials=args.credentials,
        as_json=args.json,
        pos_webhooks_per_day=args.pos_webhooks_per_day,
        forwarded_per_month=args.forwarded_per_month,
    )


def _config(args: argparse.Namespace) -> Config:
    if args.sheet is not None:
        return SheetConfig.build(args.sheet, args.credentials, args.state, args.now)
    if args.credentials is not None:
        raise BotError("--credentials goes with --sheet (a Google Sheet), not a workbook")
    return LocalConfig.build(args.workbook, args.state, args.now)


RECORDED_FAILURES = ("check", "poll", "digest")
"""Commands cron runs: with ``--unattended`` a failure is kept for the next digest (nobody
reads cron's terminal). Without it, the person at the terminal has read the error already."""


def _record_failure(config: Config | None, args: argparse.Namespace, error: BaseException) -> None:
    command = args.command
    if config is None or command not in RECORDED_FAILURES or not args.unattended:
        return
    reason = getattr(error, "reason", "")
    try:
        now = build_clock(config).now()
        run_failures(config).record(
            FailedRun(
                f"sheets-bot {command}",
                now,
                type(error).__name__,
                reason if isinstance(reason, str) else "",
            )
        )
    except OSError:
        return


def _one_line_error(error: BaseException) -> str:
    """The error's first line as the user should read it: a KeyError's text without the
    quotes ``str()`` puts around it, a pydantic error as its first message."""
    if isinstance(error, ValidationError):
        first = error.errors()[0] if error.errors() else None
        if first is not None:
            where = ".".join(str(part) for part in first.get("loc", ()))
            return f"{where}: {first.get('msg', '')}" if where else str(first.get("msg", ""))
    text = str(error.args[0]) if isinstance(error, KeyError) and error.args else str(error)
    return text.splitlines()[0] if text.strip() else type(error).__name__


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    config: Config | None = None
    try:
        if args.command == "cost":
            print(_cost(args))
            return 0
        if args.command == "simulate":
            print(_simulate(args))
            return 0
        config = _config(args)
        if args.command == "init":
            output = _init(config, args.sample)
        elif args.command == "check":
            output = _check(config, args.links_url)
        elif args.command == "digest":
            output = _digest(config, args.force, args.links_url)
        elif args.command == "serve":
            output = _serve(config, args.host, args.port, args.poll_every)
        elif args.command == "poll":
            output = _poll(config)
        elif args.command == "ingest":
            output = _ingest(config, args.message)
        elif args.command == "summary":
            output = _summary(config, args.month)
        else:
            output = _resolve(config, args.po, args.sent)
    except (BotError, ValueError, KeyError, ValidationError) as error:
        _record_failure(config, args, error)
        message = _one_line_error(error)
        print(f"sheets-bot: error: {message}", file=sys.stderr)
        return 1
    except Exception as error:
        _record_failure(config, args, error)
        raise
    print(output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
