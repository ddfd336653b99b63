"""The CellMemory contract, run against every implementation: the in-memory fake,
SQLite and DynamoDB (moto)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sheets_bot.adapters.aws.dynamodb_memory import DynamoCellMemory
from sheets_bot.adapters.local.sqlite_store import SqliteCellMemory, SqliteStore
from sheets_bot.ports import CellMemory
from sheets_bot.testing.memory_store import MemoryCellMemory
from tests.aws.moto_support import TABLES, aws_session

from .store_fixtures import STORE_KINDS, database_path, open_stores


def _satisfies_the_port(store: SqliteStore) -> None:
    """Never called: mypy checks that every implementation is structurally a CellMemory."""
    _sqlite: CellMemory = SqliteCellMemory(store)
    _memory: CellMemory = MemoryCellMemory()
    _dynamodb: CellMemory = DynamoCellMemory(aws_session().client("dynamodb"), TABLES.memory)


@pytest.fixture(params=STORE_KINDS)
def memory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CellMemory]:
    with open_stores(request.param, tmp_path) as stores:
        yield stores.memory


STOCK_CELLS = {
    ("BEAN-1KG", "Reorder point"): "18",
    ("BEAN-1KG", "Move"): "reorder",
    ("FILT-100", "Move"): "stocked",
    ("MUG-CER", "Note"): "Vidrado à mão — não lavar na máquina",
}


def test_a_tab_never_remembered_recalls_nothing(memory: CellMemory) -> None:
    assert memory.recall("Stock") == {}


def test_what_is_remembered_is_recalled(memory: CellMemory) -> None:
    memory.remember("Stock", STOCK_CELLS)

    assert memory.recall("Stock") == STOCK_CELLS


def test_remember_replaces_everything_for_the_tab(memory: CellMemory) -> None:
    memory.remember("Stock", STOCK_CELLS)

    memory.remember("Stock", {("BEAN-1KG", "Move"): "stocked", ("TEA-50", "Move"): "watch"})

    assert memory.recall("Stock") == {
        ("BEAN-1KG", "Move"): "stocked",
        ("TEA-50", "Move"): "watch",
    }


def test_remembering_nothing_forgets_the_tab(memory: CellMemory) -> None:
    memory.remember("Stock", STOCK_CELLS)

    memory.remember("Stock", {})

    assert memory.recall("Stock") == {}


def test_tabs_are_independent(memory: CellMemory) -> None:
    drafts = {("D-0001", "Status"): "drafted", ("D-0001", "Quantity"): "24"}
    memory.remember("Stock", STOCK_CELLS)
    memory.remember("Drafts", drafts)

    memory.remember("Stock", {})

    assert memory.recall("Drafts") == drafts
    assert memory.recall("Stock") == {}


def test_empty_text_is_a_value_like_any_other(memory: CellMemory) -> None:
    memory.remember("Stock", {("BEAN-1KG", "Note"): ""})

    assert memory.recall("Stock") == {("BEAN-1KG", "Note"): ""}


def test_changing_the_given_or_recalled_mapping_does_not_change_the_memory(
    memory: CellMemory,
) -> None:
    cells = dict(STOCK_CELLS)
    memory.remember("Stock", cells)
    cells[("NEW-1", "Move")] = "urgent"
    recalled = memory.recall("Stock")
    assert isinstance(recalled, dict)
    recalled.clear()

    assert memory.recall("Stock") == STOCK_CELLS


def test_twenty_thousand_cells_round_trip_quickly(memory: CellMemory) -> None:
    cells = {
        (f"SKU-{row:05d}", column): f"{row}-{column}"
        for row in range(5_000)
        for column in ("Reorder point", "Move", "On order", "Last checked")
    }
    assert len(cells) == 20_000
    started = time.perf_counter()

    memory.remember("Stock", cells)
    memory.remember("Stock", cells)
    recalled = memory.recall("Stock")

    assert recalled == cells
    assert time.perf_counter() - started < 10


def test_cells_survive_closing_and_reopening_sqlite(tmp_path: Path) -> None:
    path = database_path(tmp_path)
    with SqliteStore(path) as store:
        store.memory.remember("Stock", STOCK_CELLS)

    with SqliteStore(path) as reopened:
        assert reopened.memory.recall("Stock") == STOCK_CELLS


def test_cells_kept_one_row_per_cell_by_an_older_version_are_recalled_sqlite(
    tmp_path: Path,
) -> None:
    """Schema 1 kept a row per cell; opening such a file moves each tab's cells into the
    tab's one JSON row, and nothing is lost (other tabs, unicode, empty values)."""
    path = database_path(tmp_path)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    old = sqlite3.connect(path)
    old.execute(
        'CREATE TABLE cell_memory (tab TEXT NOT NULL, row_id TEXT NOT NULL, "column" TEXT'
        ' NOT NULL, value TEXT NOT NULL, PRIMARY KEY (tab, row_id, "column")) WITHOUT ROWID'
    )
    drafts = {("D-0001 BEAN-1KG", "Order qty"): "24", ("D-0001 BEAN-1KG", "Send to"): ""}
    old.executemany(
        'INSERT INTO cell_memory (tab, row_id, "column", value) VALUES (?, ?, ?, ?)',
        [
            (tab, row_id, column, value)
            for tab, cells in (("Stock", STOCK_CELLS), ("Drafts", drafts))
            for (row_id, column), value in cells.items()
        ],
    )
    old.execute("PRAGMA user_version = 1")
    old.commit()
    old.close()

    with SqliteStore(path) as store:
        assert store.memory.recall("Stock") == STOCK_CELLS
        assert store.memory.recall("Drafts") == drafts
        assert store.memory.recall("Orders") == {}
    with SqliteStore(path) as reopened:
        assert reopened.memory.recall("Stock") == STOCK_CELLS


def test_cells_in_any_order_are_recalled_as_remembered(memory: CellMemory) -> None:
    # A row's cells out of order, a row coming back after others, columns first seen late.
    cells = {
        ("B", "Move"): "watch",
        ("A", "Note"): "n",
        ("A", "Move"): "reorder",
        ("B", "Reorder point"): "4",
        ("C", "Note"): "",
        ("A", "Days left"): "2.5",
        ("B", "Note"): "x",
    }
    memory.remember("Stock", cells)

    assert memory.recall("Stock") == cells
