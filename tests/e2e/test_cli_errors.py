"""Every error at the terminal is one line that says what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheets_bot.cli import main


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "shop.xlsx"
    assert main(["init", "--workbook", str(path), "--sample"]) == 0
    return path


def _error(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    assert main(list(args)) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith("sheets-bot: error: ")
    return err.removeprefix("sheets-bot: error: ").strip()


@pytest.mark.parametrize(
    ("now", "says"),
    [
        ("2026-12-08", "--now '2026-12-08' has no time zone: add Z (UTC) or an offset, like"),
        ("tomorrow", "--now 'tomorrow' is not a time: give an ISO-8601 time, like"),
    ],
)
def test_a_bad_now_says_what_to_type(
    workbook: Path, capsys: pytest.CaptureFixture[str], now: str, says: str
) -> None:
    message = _error(capsys, "poll", "--workbook", str(workbook), "--now", now)
    assert message.startswith(says)
    assert "2026-11-23T09:00:00Z" in message
    assert "validation error" not in message and "isoformat" not in message


def test_resolve_an_unknown_po_is_not_quoted(
    workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    message = _error(capsys, "resolve", "PO-9999", "--sent", "--workbook", str(workbook))
    assert message == (
        "no PO PO-9999 in the ledger: check the number in the Orders tab or the digest"
    )


def test_init_on_a_full_workbook_says_it_kept_the_rows(
    workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["init", "--workbook", str(workbook)]) == 0
    out = capsys.readouterr().out
    assert "your rows kept" in out
    assert "empty tabs" not in out


def test_settings_problems_are_not_under_nothing_is_drafted(
    workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sheets_bot.testing.sheet_helpers import WorkbookOwner

    owner = WorkbookOwner(workbook)
    number = next(
        n for n, row in enumerate(owner.records("Settings"), 2) if row["Setting"] == "Currency"
    )
    owner.set_cell("Settings", number, "Value", "pounds")
    capsys.readouterr()
    assert main(["check", "--workbook", str(workbook), "--now", "2026-11-23T10:00:00Z"]) == 0
    out = capsys.readouterr().out
    settings = out.index("Settings and Suppliers (1):")
    rows = out.index("nothing is drafted from these rows")
    assert "'pounds' is not a 3-letter ISO 4217" in out[settings:rows]


@pytest.mark.parametrize("command", ["check", "poll", "serve", "summary", "cost", "resolve"])
def test_every_command_help_says_what_it_does(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = capsys.readouterr().out
    description = out.split("\n\n")[1].strip()
    assert description and description[0].isupper() and description.endswith(".")
    if command == "cost":
        assert "POS sale webhooks a day" in out
