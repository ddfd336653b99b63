"""The whole loop on a Google Sheet, through the command line, real gspread and google-auth,
the fake Sheets API and a generated service-account key: init -> check -> the owner picks
approve in the sheet -> poll -> email in the outbox, Orders and Audit updated, Drafts lines
gone. Plus the request-count bars of the daily check and a quiet poll on 2,000 items."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
import responses

from benchmarks.check_speed import shop_rows
from sheets_bot.adapters.clock import FixedClock
from sheets_bot.adapters.local.sqlite_store import SqliteStore
from sheets_bot.cli import main
from sheets_bot.services.check import run_check
from sheets_bot.services.poll import run_poll
from sheets_bot.services.setup import run_init
from sheets_bot.services.shop import Core
from sheets_bot.sheet.layout import DRAFTS, load_layout
from sheets_bot.testing import lanes
from sheets_bot.testing.fake_sheets_api import FakeSheetsApi
from sheets_bot.testing.google_credentials import (
    serve_tokens,
    service_account_key,
    without_background_lookups,
)
from sheets_bot.testing.google_sheet_owner import FakeSheetOwner, fake_google_sheet
from sheets_bot.testing.recording_mailer import RecordingMailer
from tests.outbox import po_emails

ACCOUNT = "corner-cafe-bot@corner-cafe.iam.gserviceaccount.com"
NOW = "2026-11-23T10:00:00Z"


@dataclass
class World:
    fake: FakeSheetsApi
    key: str
    credentials: Path
    state: Path

    @property
    def url(self) -> str:
        return f"https://docs.google.com/spreadsheets/d/{self.key}/edit#gid=0"

    @property
    def owner(self) -> FakeSheetOwner:
        return FakeSheetOwner(self.fake, self.key)

    def args(self, command: str, *more: str) -> list[str]:
        where = ["--sheet", self.url, "--credentials", str(self.credentials)]
        return [command, *where, "--state", str(self.state), *more]


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    without_background_lookups(monkeypatch)
    credentials = tmp_path / "key.json"
    credentials.write_text(json.dumps(service_account_key(ACCOUNT)), encoding="utf-8")
    fake = FakeSheetsApi()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake.install(rsps)
        serve_tokens(rsps)
        key = fake.create_spreadsheet("Corner Café")
        yield World(fake, key, credentials, tmp_path / "state")


def cli(capsys: pytest.CaptureFixture[str], args: list[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def approve(world: World, draft: str) -> None:
    """The owner picks approve in the Decision dropdown of every line of ``draft``."""
    grid = world.owner.grid(DRAFTS)
    decision = grid[0].index("Decision") + 1
    for number, row in enumerate(grid[1:], start=2):
        if row and row[0] == draft:
            world.owner.type_in(DRAFTS, number, decision, "approve")


def test_init_check_approve_poll_on_a_google_sheet(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli(capsys, world.args("init", "--sample"))
    assert (code, err) == (0, "")
    assert f"Ready: https://docs.google.com/spreadsheets/d/{world.key}/edit with Stock" in out
    assert f"as {ACCOUNT}" in out
    assert f"check --sheet {world.key}" in out
    assert world.fake.counts["spreadsheets.batchUpdate"] == 1

    world.fake.reset_counts()
    code, out, err = cli(capsys, world.args("check", "--now", NOW))
    assert (code, err) == (0, "")
    assert "Checked 40 items: 8 urgent, 6 reorder, 9 watch, 14 stocked." in out
    assert f"Open https://docs.google.com/spreadsheets/d/{world.key}/edit, tab 'Drafts'" in out
    assert f"poll --sheet {world.key}" in out
    assert world.fake.total <= 4
    drafts = world.owner.records(DRAFTS)
    assert drafts[0]["Draft"] == "D-0001"

    approve(world, "D-0001")
    world.fake.reset_counts()
    code, out, err = cli(capsys, world.args("poll", "--now", "2026-11-23T10:05:00Z"))
    assert (code, err) == (0, "")
    assert "Sent PO-0001 to Bean Brothers Roasters <orders@beanbrothers.example>" in out
    assert world.fake.total <= 4

    [eml] = po_emails(world.state / "outbox")
    message = message_from_bytes(eml.read_bytes(), policy=default)
    assert isinstance(message, EmailMessage)
    assert message["To"] == "orders@beanbrothers.example"
    assert {part.get_filename() for part in message.iter_attachments()} == {"PO-0001.csv"}

    orders = world.owner.records("Orders")
    assert [(r["PO"], r["SKU"], r["Qty"]) for r in orders] == [
        ("PO-0001", "COF-ESP-1K", 24),
        ("PO-0001", "COF-DEC-1K", 2),
    ]
    assert not [r for r in world.owner.records(DRAFTS) if r["Draft"] == "D-0001"]
    assert len(world.owner.records(DRAFTS)) == len(drafts) - 2
    stock = {r["SKU"]: r for r in world.owner.records("Stock")}
    assert stock["COF-ESP-1K"]["On order"] == 24
    actions = [r["Action"] for r in world.owner.records("Audit")]
    assert actions[-3:] == ["approve", "send claimed", "po sent"]

    world.fake.reset_counts()
    code, out, _ = cli(capsys, world.args("poll", "--now", "2026-11-23T10:10:00Z"))
    assert code == 0
    assert "Waiting for your decision" in out
    assert world.fake.total <= 2
    assert len(po_emails(world.state / "outbox")) == 1


def test_a_sheet_not_shared_names_the_address_to_share_it_with(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    world.fake.set_shared(world.key, False)

    code, out, err = cli(capsys, world.args("init"))

    assert (code, out) == (1, "")
    assert err == (
        f"sheets-bot: error: no access to the Google Sheet {world.key}:"
        f" share the sheet with {ACCOUNT} as Editor\n"
    )


def test_a_wrong_id_is_a_one_line_error(
    world: World, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    wrong = "1" + "Z" * 43
    args = ["check", "--sheet", wrong, "--credentials", str(world.credentials)]
    code, _, err = cli(capsys, [*args, "--state", str(tmp_path / "s")])

    assert code == 1
    assert err == (
        f"sheets-bot: error: the Google Sheet {wrong} was not found: check the id or URL"
        " passed to --sheet\n"
    )


def test_a_renamed_header_is_named(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(capsys, world.args("init", "--sample"))[0] == 0
    stock = world.owner.grid("Stock")
    world.owner.type_in("Stock", 1, stock[0].index("Daily sales") + 1, "Sales per day")

    code, _, err = cli(capsys, world.args("check", "--now", NOW))

    assert code == 1
    assert "tab 'Stock' has no column 'Daily sales'" in err


def test_init_again_changes_nothing(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(capsys, world.args("init", "--sample"))[0] == 0
    before = {tab: world.owner.grid(tab) for tab in world.fake.tab_titles(world.key)}
    world.fake.reset_counts()

    assert cli(capsys, world.args("init", "--sample"))[0] == 0

    assert world.fake.counts["spreadsheets.batchUpdate"] == 0
    assert {tab: world.owner.grid(tab) for tab in world.fake.tab_titles(world.key)} == before


def test_resolve_needs_no_credentials(
    world: World, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.delenv("SHEETS_BOT_GOOGLE_CREDENTIALS_JSON", raising=False)
    args = ["resolve", "PO-0009", "--sent", "--sheet", world.key, "--state", str(world.state)]

    code, _, err = cli(capsys, args)

    assert code == 1
    assert "PO-0009" in err
    assert world.fake.total == 0


@pytest.mark.parametrize("items", [200, 2000])
def test_request_bars_hold_and_do_not_grow_with_items(tmp_path: Path, items: int) -> None:
    """A daily check makes at most 4 requests to the Sheets API, a poll with nothing to do at
    most 2, whatever the number of items."""
    now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    with FakeSheetsApi.running(history=5) as fake:
        key = fake.create_spreadsheet("Shop")
        run_init(fake_google_sheet(fake, key), sample=False)
        fake_google_sheet(fake, key).prepare(load_layout(), shop_rows(items))
        store = SqliteStore(tmp_path / "state.sqlite")

        def core() -> Core:
            return lanes.core(fake_google_sheet(fake, key), store, FixedClock(now))

        fake.reset_counts()
        report = run_check(lanes.check_ports(core()))
        check = dict(fake.counts)
        fake.reset_counts()
        run_poll(lanes.poll_ports(core(), RecordingMailer()))
        poll = dict(fake.counts)
        store.close()

    assert len(report.items) == items
    assert report.lines_added > 0
    assert sum(check.values()) <= 4, check
    assert sum(poll.values()) <= 2, poll
    assert check["values.batchGet"] == 1
