"""The whole loop on one machine, through the command line, a real workbook, SQLite and the
outbox: init -> check -> the owner picks approve -> poll -> email file, Orders, Audit."""

from __future__ import annotations

from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sheets_bot.cli import main
from sheets_bot.sheet.layout import load_layout
from sheets_bot.testing.sheet_helpers import WorkbookOwner
from tests.outbox import po_emails

NOW = "2026-11-23T10:00:00Z"


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "shop" / "shop.xlsx"
    assert main(["init", "--workbook", str(path), "--sample"]) == 0
    return path


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _approve(owner: WorkbookOwner, draft: str, decision: str = "approve") -> None:
    for number, row in enumerate(owner.records("Drafts"), start=2):
        if row["Draft"] == draft:
            owner.set_cell("Drafts", number, "Decision", decision)


def _outbox(workbook: Path) -> list[Path]:
    return po_emails(workbook.parent / "sheets-bot-state" / "outbox")


def test_init_check_approve_poll_sends_the_po_and_records_it(
    workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _cli(capsys, "check", "--workbook", str(workbook), "--now", NOW)
    assert code == 0
    assert "Checked 40 items: 8 urgent, 6 reorder, 9 watch, 14 stocked." in out
    assert f"sheets-bot poll --workbook {workbook}" in out
    owner = WorkbookOwner(workbook)
    assert owner.records("Drafts")[0]["Draft"] == "D-0001"

    _approve(owner, "D-0001")
    code, out, _ = _cli(
        capsys, "poll", "--workbook", str(workbook), "--now", "2026-11-23T10:05:00Z"
    )
    assert code == 0
    assert "Sent PO-0001 to Bean Brothers Roasters <orders@beanbrothers.example>" in out

    [eml] = _outbox(workbook)
    message = message_from_bytes(eml.read_bytes(), policy=default)
    assert isinstance(message, EmailMessage)
    assert message["To"] == "orders@beanbrothers.example"
    assert message["Reply-To"] == "owner@cornercafe.example"
    attachments = {part.get_filename(): part for part in message.iter_attachments()}
    assert set(attachments) == {"PO-0001.csv"}
    csv_part = attachments["PO-0001.csv"].get_payload(decode=True)
    assert isinstance(csv_part, bytes)
    assert b"COF-ESP-1K" in csv_part

    assert [(r["PO"], r["SKU"], r["Qty"]) for r in owner.records("Orders")] == [
        ("PO-0001", "COF-ESP-1K", 24),
        ("PO-0001", "COF-DEC-1K", 2),
    ]
    assert not [r for r in owner.records("Drafts") if r["Draft"] == "D-0001"]
    stock = {r["SKU"]: r for r in owner.records("Stock")}
    assert stock["COF-ESP-1K"]["On order"] == 24
    actions = [r["Action"] for r in owner.records("Audit")]
    assert actions[-3:] == ["approve", "send claimed", "po sent"]

    code, out, _ = _cli(
        capsys, "poll", "--workbook", str(workbook), "--now", "2026-11-23T10:10:00Z"
    )
    assert code == 0
    assert len(_outbox(workbook)) == 1


def test_a_pdf_supplier_gets_a_pdf(workbook: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _cli(capsys, "check", "--workbook", str(workbook), "--now", NOW)
    owner = WorkbookOwner(workbook)
    harbour = next(
        r["Draft"] for r in owner.records("Drafts") if r["Supplier"] == "Harbour Bakery Supplies"
    )
    _approve(owner, str(harbour))
    _cli(capsys, "poll", "--workbook", str(workbook), "--now", NOW)
    [eml] = _outbox(workbook)
    message = message_from_bytes(eml.read_bytes(), policy=default)
    assert isinstance(message, EmailMessage)
    [pdf] = list(message.iter_attachments())
    payload = pdf.get_payload(decode=True)
    assert isinstance(payload, bytes)
    assert payload.startswith(b"%PDF")


def test_the_workbook_has_real_dropdowns_on_decision(workbook: Path) -> None:
    sheet = load_workbook(workbook)["Drafts"]
    lists = [dv for dv in sheet.data_validations.dataValidation if dv.type == "list"]
    decision = next(dv for dv in lists if dv.formula1 == '"approve,edit,skip"')
    assert "O2" in decision.sqref


def test_quiet_hours_through_the_command_line(
    workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _cli(capsys, "check", "--workbook", str(workbook), "--now", NOW)
    _approve(WorkbookOwner(workbook), "D-0001")
    code, out, _ = _cli(
        capsys, "poll", "--workbook", str(workbook), "--now", "2026-11-23T23:00:00Z"
    )
    assert code == 0
    assert "Approved D-0001 at 06:00 (held for quiet hours" in out
    assert _outbox(workbook) == []
    code, out, _ = _cli(
        capsys, "poll", "--workbook", str(workbook), "--now", "2026-11-24T06:00:00Z"
    )
    assert "Sent PO-0001" in out
    assert len(_outbox(workbook)) == 1


def test_a_workbook_open_in_libreoffice_is_refused(
    workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lock = workbook.parent / f".~lock.{workbook.name}#"
    lock.write_text("owner,host,...")
    before = workbook.read_bytes()
    code, out, err = _cli(capsys, "check", "--workbook", str(workbook), "--now", NOW)
    assert code == 1
    assert out == ""
    assert err.startswith("sheets-bot: error: ")
    assert len(err.strip().splitlines()) == 1
    assert "LibreOffice" in err
    assert workbook.read_bytes() == before


def test_a_renamed_header_is_a_one_line_error(
    workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = load_workbook(workbook)
    sheet = book["Stock"]
    for cell in sheet[1]:
        if cell.value == "Daily sales":
            cell.value = "Sales per day"
    book.save(workbook)
    code, _, err = _cli(capsys, "check", "--workbook", str(workbook), "--now", NOW)
    assert code == 1
    assert err.strip() == (
        "sheets-bot: error: tab 'Stock' has no column 'Daily sales' in its first row"
        " (was it renamed or deleted? `sheets-bot init` adds missing headers)"
    )


def test_a_missing_workbook_says_to_run_init(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _cli(capsys, "check", "--workbook", str(tmp_path / "nope.xlsx"))
    assert code == 1
    assert "sheets-bot init" in err


def test_init_again_keeps_the_owners_rows(
    workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = WorkbookOwner(workbook).records("Stock")
    assert main(["init", "--workbook", str(workbook), "--sample"]) == 0
    assert WorkbookOwner(workbook).records("Stock") == before


def test_resolve_an_unknown_po_number_fails_clearly(
    workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _cli(capsys, "resolve", "PO-9999", "--sent", "--workbook", str(workbook))
    assert code == 1
    assert "PO-9999" in err


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in ("init", "check", "poll", "resolve"):
        assert command in out


def test_init_without_sample_gives_empty_tabs_and_default_settings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "new.xlsx"
    assert main(["init", "--workbook", str(path)]) == 0
    owner = WorkbookOwner(path)
    assert owner.records("Stock") == []
    settings = {row["Setting"]: row["Value"] for row in owner.records("Settings")}
    assert settings["Quiet hours"] == "21:00-07:00"
    assert list(settings) == [setting.key for setting in load_layout().settings]
    assert (settings["Use learned"], settings["Safety method"]) == ("both", "fill rate")
    assert settings["Fill target A"] == "98%"
    assert (settings["Digest time"], settings["Empty digest"]) == ("07:30", "one-line")
    assert settings["Receiving updates on hand"] == "yes"
    code, out, _ = _cli(capsys, "check", "--workbook", str(path), "--now", NOW)
    assert code == 0
    assert "Checked 0 items" in out
