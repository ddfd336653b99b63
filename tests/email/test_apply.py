"""The owner's apply / skip on the Proposed tab, acted on by the poll: Stock written and
audited, skips left alone, a Stock cell changed since the proposal never overwritten. In
memory, then through the command line on a real workbook and on a Google Sheet (the fake
Sheets API)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from sheets_bot.adapters.local.folder_blobs import FolderBlobs
from sheets_bot.cli import main
from sheets_bot.services.ingest import ingest_message
from sheets_bot.services.proposals import apply_proposals
from sheets_bot.services.shop import Run, read_shop
from sheets_bot.sheet.layout import PROPOSED, STOCK
from tests.e2e.test_google_loop import World, cli
from tests.email.mail import forward
from tests.services.harness import Shop

COUNT = b"SKU,Count\nCOF-ESP-1K,14\nDAI-MLK-4L,9\nBAK-FLR-16,3\n"
EVIL = b'SKU,Item,Qty\nZZ-1,"=HYPERLINK(""http://evil.example"",""x"")",3\n'


def decide(shop: Shop, *decisions: str) -> None:
    for number, value in zip(range(2, 2 + len(decisions)), decisions, strict=True):
        if value:
            shop.sheet.set_cell(PROPOSED, number, "Decision", value)


@pytest.fixture
def shop(tmp_path: Path) -> Shop:
    shop = Shop.sample()
    ingest_message(shop.intake_ports(FolderBlobs(tmp_path / "blobs")), forward(("c.csv", COUNT)))
    shop.clock.advance(minutes=5)
    return shop


def test_apply_skip_and_stale(shop: Shop) -> None:
    decide(shop, "apply", "skip", "apply")
    flour = shop.stock_row("BAK-FLR-16")
    shop.sheet.set_cell(STOCK, flour, "On hand", 1)  # the owner counted again since

    report = shop.poll().proposals

    assert (report.applied, report.skipped, report.stale) == (
        ["P-0001-01"],
        ["P-0001-02"],
        ["P-0001-03"],
    )
    assert shop.stock("COF-ESP-1K")["On hand"] == 14
    assert shop.stock("DAI-MLK-4L")["On hand"] == 5, "skip leaves Stock alone"
    assert shop.stock("BAK-FLR-16")["On hand"] == 1, "the owner's newer count is kept"
    statuses = [row["Status"] for row in shop.rows(PROPOSED)]
    assert statuses[0] == "done 2026-11-23 10:05"
    assert statuses[1] == "skipped 2026-11-23 10:05"
    assert statuses[2] == ("stale: Stock On hand is now '1', not '2' as when proposed; not applied")
    [applied] = [e for e in shop.store.audit.entries() if e.action == "proposal applied"]
    assert (applied.who, applied.subject) == ("owner (sheet)", "COF-ESP-1K")
    assert applied.before == {"On hand": 6, "proposal": "P-0001-01"}
    assert applied.after == {"On hand": 14, "proposal": "P-0001-01"}

    applies = shop.sheet.applies
    again = shop.poll().proposals
    assert not again, "rows acted on are left alone"
    assert shop.sheet.applies == applies, "nothing to write"


def test_a_poll_with_nothing_to_do_reads_once_and_writes_nothing(shop: Shop) -> None:
    reads, applies = shop.sheet.reads, shop.sheet.applies
    shop.poll()
    assert (shop.sheet.reads - reads, shop.sheet.applies - applies) == (1, 0)


def test_a_newer_count_replaces_the_pending_older_one(shop: Shop, tmp_path: Path) -> None:
    again = forward(
        ("d.csv", b"SKU,Count\nCOF-ESP-1K,20\n"),
        message_id="<2@x>",
        date="Mon, 23 Nov 2026 11:00:00 +0000",
    )
    ingest_message(shop.intake_ports(FolderBlobs(tmp_path / "blobs")), again)
    rows = shop.rows(PROPOSED)
    assert str(rows[0]["Status"]).startswith("replaced by P-0002-01, a newer count")
    assert "replaces P-0001-01" in str(rows[-1]["Why"])
    decide(shop, "apply", "", "", "apply")

    report = shop.poll().proposals

    assert report.applied == ["P-0002-01"], "the replaced proposal is never applied"
    assert shop.stock("COF-ESP-1K")["On hand"] == 20


def test_an_older_count_arriving_late_does_not_replace_the_newer(
    shop: Shop, tmp_path: Path
) -> None:
    late = forward(
        ("d.csv", b"SKU,Count\nCOF-ESP-1K,20\n"),
        message_id="<3@x>",
        date="Sun, 22 Nov 2026 08:00:00 +0000",
    )
    ingest_message(shop.intake_ports(FolderBlobs(tmp_path / "blobs")), late)
    rows = shop.rows(PROPOSED)
    assert rows[0]["Status"] is None
    assert str(rows[-1]["Status"]).startswith("replaced by P-0001-01, a newer count already")


def test_a_count_from_an_unverified_sender_is_never_applied(shop: Shop, tmp_path: Path) -> None:
    raw = forward(("u.csv", b"SKU,Count\nDAI-OAT-1L,3\n"), message_id="<4@x>", authenticated=False)
    ingest_message(shop.intake_ports(FolderBlobs(tmp_path / "blobs")), raw)
    row = shop.rows(PROPOSED)[-1]
    assert str(row["Status"]).startswith("sender not verified")
    decide(shop, *([""] * (len(shop.rows(PROPOSED)) - 1)), "apply")

    report = shop.poll().proposals

    assert report.refused and "was not verified" in report.refused[0]
    assert shop.stock("DAI-OAT-1L")["On hand"] == 18


def test_unmatched_and_edited_rows_cannot_be_applied(shop: Shop, tmp_path: Path) -> None:
    ingest_message(
        shop.intake_ports(FolderBlobs(tmp_path / "blobs")),
        forward(("e.csv", EVIL), message_id="<3>"),
    )
    shop.sheet.set_cell(PROPOSED, 2, "Proposed", "lots")
    decide(shop, "apply", "", "", "apply")

    report = shop.poll().proposals

    assert report.refused == [
        "P-0001-01: Proposed 'lots' is not a number",
        "P-0002-01: SKU 'ZZ-1' is on no Stock row",
    ]
    assert shop.stock("COF-ESP-1K")["On hand"] == 6


def test_a_sheet_without_a_proposed_tab_still_polls(shop: Shop) -> None:
    del shop.sheet.tabs[PROPOSED]
    assert not shop.poll().proposals


def test_apply_proposals_writes_only_into_the_runs_batch(shop: Shop) -> None:
    decide(shop, "apply")
    view = read_shop(shop.sheet, (STOCK, PROPOSED, "Settings"))
    run = Run(shop.core, view, shop.clock.now())
    apply_proposals(run, view[PROPOSED], view[STOCK])
    assert len(run.batch.writes) == 2
    assert shop.stock("COF-ESP-1K")["On hand"] == 6


def _cells(path: Path, tab: str) -> list[dict[str, object]]:
    book = openpyxl.load_workbook(path)
    rows = list(book[tab].iter_rows(values_only=True))
    headers = [str(header) for header in rows[0]]
    return [dict(zip(headers, row, strict=False)) for row in rows[1:]]


def test_forward_apply_poll_on_a_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workbook = tmp_path / "shop.xlsx"
    assert main(["init", "--workbook", str(workbook), "--sample"]) == 0
    message = tmp_path / "count.eml"
    message.write_bytes(forward(("count.csv", COUNT), ("evil.csv", EVIL)))
    capsys.readouterr()

    assert main(["ingest", str(message), "--workbook", str(workbook)]) == 0
    out = capsys.readouterr().out
    kept = tmp_path / "sheets-bot-state" / "blobs" / "inbound"
    assert f"Kept the message as {kept}/" in out
    assert len(list(kept.glob("*/*.eml"))) == 1
    assert "count.csv: 3 change(s) proposed" in out
    assert "evil.csv: 0 change(s) proposed, 1 row(s) unmatched" in out
    assert main(["ingest", str(message), "--workbook", str(workbook)]) == 0
    assert "already proposed from an earlier message; nothing new" in capsys.readouterr().out

    book = openpyxl.load_workbook(workbook)
    sheet = book[PROPOSED]
    item = next(c for c in sheet[5] if str(c.value).startswith("=HYPERLINK"))
    assert item.data_type == "s", "written as text, never as a formula"
    sheet["J2"] = "apply"
    sheet["J3"] = "skip"
    book.save(workbook)

    assert main(["poll", "--workbook", str(workbook)]) == 0
    out = capsys.readouterr().out
    assert "Applied to Stock: P-0001-01" in out
    assert "Skipped proposals: P-0001-02" in out
    stock = {row["SKU"]: row for row in _cells(workbook, STOCK)}
    assert stock["COF-ESP-1K"]["On hand"] == 14
    assert stock["DAI-MLK-4L"]["On hand"] == 5
    actions = [row["Action"] for row in _cells(workbook, "Audit")]
    assert actions[-2:] == ["proposal skipped", "proposal applied"] or actions[-2:] == [
        "proposal applied",
        "proposal skipped",
    ]


def test_forward_apply_poll_on_a_google_sheet(
    world: World,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    assert cli(capsys, world.args("init", "--sample"))[0] == 0
    message = tmp_path / "count.eml"
    message.write_bytes(forward(("count.csv", COUNT), ("evil.csv", EVIL)))

    world.fake.reset_counts()
    code, out, err = cli(capsys, world.args("ingest", str(message), "--now", "2026-11-23T10:00Z"))
    assert (code, err) == (0, "")
    assert "4 row(s) in the Proposed tab" in out
    assert world.fake.total <= 4
    evil = world.fake.get_cell(world.key, f"{PROPOSED}!D5")
    assert evil == '=HYPERLINK("http://evil.example","x")', "RAW: text, not a formula"

    world.owner.set_cell(PROPOSED, 2, "Decision", "apply")
    world.owner.set_cell(PROPOSED, 4, "Decision", "apply")
    world.owner.set_cell(STOCK, _stock_row(world, "BAK-FLR-16"), "On hand", 1)
    world.fake.reset_counts()
    code, out, _ = cli(capsys, world.args("poll", "--now", "2026-11-23T10:05Z"))
    assert code == 0
    assert "Applied to Stock: P-0001-01" in out
    assert "Not applied, Stock changed since they were proposed: P-0001-03" in out
    assert world.fake.total <= 4
    stock = {row["SKU"]: row for row in world.owner.records(STOCK)}
    assert (stock["COF-ESP-1K"]["On hand"], stock["BAK-FLR-16"]["On hand"]) == (14, 1)

    world.fake.reset_counts()
    assert cli(capsys, world.args("poll", "--now", "2026-11-23T10:10Z"))[0] == 0
    assert world.fake.total <= 2, "a poll with nothing to do"


def _stock_row(google: World, sku: str) -> int:
    records = google.owner.records(STOCK)
    return next(n for n, row in enumerate(records, start=2) if row["SKU"] == sku)
