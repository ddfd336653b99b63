"""The CellMemory contract, run against every implementation: the in-memory fake,
SQLite and DynamoDB (moto)."""

from __future__ import annotations

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
