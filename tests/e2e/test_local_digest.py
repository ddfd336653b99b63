"""The digest on one machine, through the command line: `check` writes it to the outbox when
due, `digest` sends it once a day (or now with --force), the link key is made once with 0600,
and a run that failed (as under cron) is listed in the next digest."""

from __future__ import annotations

import re
import socket
import stat
import subprocess
import sys
import urllib.request
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from sheets_bot.cli import main
from sheets_bot.testing.sheet_helpers import WorkbookOwner
from tests.outbox import digests, po_emails


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "shop" / "shop.xlsx"
    assert main(["init", "--workbook", str(path), "--sample"]) == 0
    return path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _text(path: Path) -> str:
    message = message_from_bytes(path.read_bytes(), policy=default)
    assert isinstance(message, EmailMessage)
    body = message.get_body(("plain",))
    assert body is not None
    content: str = body.get_content()
    return content


def test_check_then_digest_once_a_day(workbook: Path, capsys: pytest.CaptureFixture[str]) -> None:
    state = workbook.parent / "sheets-bot-state"
    where = ["--workbook", str(workbook)]
    code, out, _ = _run(capsys, "check", *where, "--now", "2026-11-23T05:30:00Z")
    assert code == 0
    assert "Digest: not due." in out  # quiet hours (22:00-06:00)
    assert digests(state / "outbox") == []

    code, out, _ = _run(capsys, "digest", *where, "--now", "2026-11-23T07:40:00Z")
    assert code == 0
    assert out.startswith("Digest sent to the owner: Corner Café & Pantry: 8 urgent, 5 drafts")
    [first] = digests(state / "outbox")
    text = _text(first)
    assert "Approve: http://127.0.0.1:8080/decision?t=" in text
    assert f"Workbook: {workbook}" in text
    assert po_emails(state / "outbox") == []

    code, out, _ = _run(capsys, "check", *where, "--now", "2026-11-23T09:00:00Z")
    assert "Digest: not due." in out
    code, out, _ = _run(capsys, "digest", *where, "--now", "2026-11-23T09:05:00Z")
    assert out.startswith("Digest: not due")
    code, out, _ = _run(
        capsys,
        "digest",
        *where,
        "--now",
        "2026-11-23T09:06:00Z",
        "--force",
        "--links-url",
        "https://links.example/",
    )
    assert "Digest sent" in out
    assert "Approve: https://links.example/decision?t=" in _text(digests(state / "outbox")[-1])

    code, _, err = _run(capsys, "digest", *where, "--force", "--links-url", "javascript:alert(1)")
    assert code == 1
    assert "--links-url 'javascript:alert(1)' must be an address like" in err

    key = state / "link-key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert len(key.read_bytes()) == 32
    before = key.read_bytes()
    _run(capsys, "digest", *where, "--now", "2026-11-24T07:40:00Z")
    assert key.read_bytes() == before


def test_an_unattended_failed_run_is_in_the_next_digest_a_terminal_one_is_not(
    workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lock = workbook.with_name(f".~lock.{workbook.name}#")
    lock.write_text("someone,editing")
    code, _, err = _run(
        capsys, "check", "--workbook", str(workbook), "--now", "2026-11-23T07:30:00Z"
    )
    assert code == 1
    assert "open" in err  # said at the terminal, to the person who ran it: not recorded
    for minute in (35, 40):
        code, _, err = _run(
            capsys,
            "poll",
            "--unattended",
            "--workbook",
            str(workbook),
            "--now",
            f"2026-11-23T07:{minute}:00Z",
        )
        assert code == 1
    lock.unlink()

    code, out, _ = _run(
        capsys, "check", "--workbook", str(workbook), "--now", "2026-11-23T07:45:00Z"
    )
    assert code == 0
    assert "Digest sent to the owner" in out
    [digest] = digests(workbook.parent / "sheets-bot-state" / "outbox")
    runs = _text(digest).split("Runs that failed", 1)[1]
    assert runs.split("\n\n")[0].splitlines()[2:3] == [
        "- sheets-bot poll: the workbook was open in Excel or LibreOffice, for 2 polls"
        " between 23 Nov 07:35 and 07:40"
    ]
    _run(capsys, "digest", "--workbook", str(workbook), "--now", "2026-11-24T07:45:00Z")
    assert "Runs that failed" not in _text(
        digests(workbook.parent / "sheets-bot-state" / "outbox")[-1]
    )


def test_sheets_bot_serve_answers_the_digests_links(
    workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    now = "2026-11-23T07:45:00Z"
    base = f"http://127.0.0.1:{port}"
    assert main(["check", "--workbook", str(workbook), "--now", now, "--links-url", base]) == 0
    capsys.readouterr()
    link = re.search(
        r"Skip: (\S+)", _text(digests(workbook.parent / "sheets-bot-state" / "outbox")[0])
    )
    assert link is not None
    program = Path(sys.executable).with_name("sheets-bot")
    server = subprocess.Popen(
        [str(program), "serve", "--workbook", str(workbook), "--port", str(port), "--now", now],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        assert f"/decision, /pos on {base} " in server.stdout.readline()
        with urllib.request.urlopen(link.group(1), timeout=10) as response:
            page = response.read().decode("utf-8")
        assert "Skip D-0001 for Bean Brothers Roasters?" in page
        token = parse_qs(urlsplit(link.group(1)).query)["t"][0]
        form = urlencode({"t": token}).encode("ascii")
        with urllib.request.urlopen(f"{base}/decision", data=form, timeout=10) as response:
            assert "Skipped: D-0001" in response.read().decode("utf-8")
    finally:
        server.terminate()
        server.wait(timeout=10)
    decisions = {
        str(row["Decision"])
        for row in WorkbookOwner(workbook).records("Drafts")
        if row["Draft"] == "D-0001"
    }
    assert decisions == {"skip"}
