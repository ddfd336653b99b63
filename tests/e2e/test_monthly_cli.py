"""``sheets-bot summary`` on one machine: a PO approved and sent in November, then on the
first of December the summary of November lands in the outbox and the Audit tab."""

from __future__ import annotations

from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest

from sheets_bot.cli import main
from sheets_bot.testing.sheet_helpers import WorkbookOwner


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_summary_writes_last_months_email_to_the_outbox(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workbook = tmp_path / "shop.xlsx"
    assert main(["init", "--workbook", str(workbook), "--sample"]) == 0
    assert main(["check", "--workbook", str(workbook), "--now", "2026-11-23T10:00:00Z"]) == 0
    owner = WorkbookOwner(workbook)
    for number, row in enumerate(owner.records("Drafts"), start=2):
        if row["Draft"] == "D-0001":
            owner.set_cell("Drafts", number, "Decision", "approve")
    assert main(["poll", "--workbook", str(workbook), "--now", "2026-11-23T10:05:00Z"]) == 0
    outbox = tmp_path / "sheets-bot-state" / "outbox"
    before = set(outbox.glob("*.eml"))
    capsys.readouterr()

    code, out, err = _cli(
        capsys, "summary", "--workbook", str(workbook), "--now", "2026-12-01T07:30:00Z"
    )
    assert code == 0, err
    assert out.startswith("Monthly summary for November 2026: 1 PO sent,")
    # The check and the poll on 23 Nov recorded the Stock tab: one day of 40 items, one of
    # them at zero on hand.
    assert "In stock 97.5% of item-days, 1 stockout day," in out
    assert f"The email is in {outbox}" in out
    [eml] = set(outbox.glob("*.eml")) - before
    message = message_from_bytes(eml.read_bytes(), policy=default)
    assert isinstance(message, EmailMessage)
    assert message["To"] == "owner@cornercafe.example"
    assert message["X-Sheets-Bot-Summary"] == "2026-11"
    text = message.get_body(preferencelist=("plain",))
    assert text is not None
    assert "- Bean Brothers Roasters: 1 PO," in text.get_content()
    assert owner.records("Audit")[-1]["Action"] == "monthly summary sent"


def test_a_bad_month_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workbook = tmp_path / "shop.xlsx"
    assert main(["init", "--workbook", str(workbook)]) == 0
    code, _, err = _cli(capsys, "summary", "--workbook", str(workbook), "--month", "Nov")
    assert code == 1
    assert err == "sheets-bot: error: month 'Nov' must look like 2026-11 (YYYY-MM)\n"
