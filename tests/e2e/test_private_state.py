"""The state folder is its owner's alone (issue 18, HTTP surface item 5): `sheets-bot.sqlite`
was created 0644 beside a 0600 `link-key`."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from sheets_bot.adapters.local.link_key import local_link_key
from sheets_bot.adapters.local.sqlite_store import SqliteStore
from sheets_bot.cli import main


@pytest.fixture(autouse=True)
def open_umask() -> Iterator[None]:
    """The usual umask, which leaves files readable by everyone unless made otherwise."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_database_and_its_folder_are_private_after_a_check(tmp_path: Path) -> None:
    workbook = tmp_path / "shop" / "shop.xlsx"
    assert main(["init", "--workbook", str(workbook), "--sample"]) == 0
    assert main(["check", "--workbook", str(workbook), "--now", "2026-11-23T09:00:00Z"]) == 0
    state = workbook.parent / "sheets-bot-state"
    local_link_key(state)

    assert _mode(state) == 0o700
    database = state / "sheets-bot.sqlite"
    assert _mode(database) == 0o600
    assert _mode(state / "link-key") == 0o600
    for companion in (state / "sheets-bot.sqlite-wal", state / "sheets-bot.sqlite-shm"):
        if companion.exists():
            assert _mode(companion) == 0o600


def test_a_database_an_older_release_left_readable_is_tightened(tmp_path: Path) -> None:
    database = tmp_path / "state" / "sheets-bot.sqlite"
    with SqliteStore(database):
        pass
    os.chmod(database, 0o644)

    with SqliteStore(database) as store:
        store.ledger.next_number("draft")

    assert _mode(database) == 0o600
