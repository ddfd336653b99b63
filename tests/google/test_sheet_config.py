"""Sheet mode on the command line: the sheet's id from a URL, where credentials and state come
from, and which options go together."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sheets_bot.cli import main
from sheets_bot.config import SheetConfig

ID = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"
URL = f"https://docs.google.com/spreadsheets/d/{ID}/edit#gid=0"


def test_a_url_gives_the_id_and_state_defaults_to_the_home_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))

    config = SheetConfig.build(URL, None, None, None, env={})

    assert config.spreadsheet_id == ID
    assert config.sheet_url == f"https://docs.google.com/spreadsheets/d/{ID}/edit"
    assert config.state_dir == tmp_path / ".sheets-bot" / ID
    assert config.outbox == tmp_path / ".sheets-bot" / ID / "outbox"
    assert (config.credentials_file, config.credentials_json) == (None, None)


def test_state_can_be_anywhere(tmp_path: Path) -> None:
    config = SheetConfig.build(ID, None, str(tmp_path / "s"), "2026-11-23T10:00:00Z", env={})
    assert config.state_dir == tmp_path / "s"
    assert config.now is not None


def test_credentials_flag_then_json_env_then_file_env() -> None:
    env = {
        "SHEETS_BOT_GOOGLE_CREDENTIALS_JSON": '{"type": "service_account"}',
        "GOOGLE_APPLICATION_CREDENTIALS": "/etc/key.json",
    }
    flag = SheetConfig.build(ID, "~/key.json", None, None, env=env)
    assert flag.credentials_file == Path("~/key.json").expanduser()
    assert flag.credentials_json is None

    text = SheetConfig.build(ID, None, None, None, env=env)
    assert text.credentials_file is None
    assert text.credentials_json is not None
    assert text.credentials_json.get_secret_value() == '{"type": "service_account"}'
    assert "service_account" not in repr(text)

    file = SheetConfig.build(ID, None, None, None, env={"GOOGLE_APPLICATION_CREDENTIALS": "/k"})
    assert file.credentials_file == Path("/k")


def test_workbook_and_sheet_do_not_go_together(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "--workbook", "shop.xlsx", "--sheet", ID])
    assert exit_info.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_credentials_without_a_sheet_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--workbook", "shop.xlsx", "--credentials", "key.json"]) == 1
    assert capsys.readouterr().err == (
        "sheets-bot: error: --credentials goes with --sheet (a Google Sheet), not a workbook\n"
    )


def test_a_bad_sheet_argument_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--sheet", "shop.xlsx"]) == 1
    assert capsys.readouterr().err == (
        "sheets-bot: error: --sheet 'shop.xlsx' is not a Google Sheet: pass its URL"
        " (https://docs.google.com/spreadsheets/d/<id>/edit) or the <id> part of it\n"
    )


def test_missing_credentials_say_where_to_put_them(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.delenv("SHEETS_BOT_GOOGLE_CREDENTIALS_JSON", raising=False)

    assert main(["check", "--sheet", ID, "--state", str(tmp_path)]) == 1

    assert capsys.readouterr().err.startswith(
        "sheets-bot: error: no Google credentials: pass --credentials PATH"
    )


def test_local_mode_does_not_load_gspread() -> None:
    code = (
        "import sys, sheets_bot.cli, sheets_bot.config, sheets_bot.wiring;"
        " sys.exit(1 if 'gspread' in sys.modules else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
