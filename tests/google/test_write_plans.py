"""How a batch becomes the one request that applies it (no HTTP: the plans themselves)."""

from __future__ import annotations

from sheets_bot.adapters.google.tabs import TabInfo
from sheets_bot.adapters.google.writes import GROWTH_ROWS, plan_writes
from sheets_bot.ports import CellWrite, Grid, RowsAppend, RowsDelete, SheetBatch
from sheets_bot.sheet.layout import DRAFTS, load_layout

LAYOUT = load_layout()
DRAFTS_TAB = TabInfo(sheet_id=7, title=DRAFTS, rows=1000, columns=26)


def test_values_only_is_one_raw_body_in_rectangles() -> None:
    batch = SheetBatch(
        writes=[CellWrite(DRAFTS, 2, 16, "ok"), CellWrite(DRAFTS, 3, 16, None)],
        appends=[RowsAppend(DRAFTS, [["D-1", None, "x"]])],
    )

    plan = plan_writes(batch, {DRAFTS: DRAFTS_TAB}, {DRAFTS: 3}, {}, LAYOUT)

    assert plan.requests == []
    assert plan.values == {
        "valueInputOption": "RAW",
        "data": [
            {"range": "'Drafts'!P2:P3", "majorDimension": "ROWS", "values": [["ok"], [""]]},
            {"range": "'Drafts'!A4", "majorDimension": "ROWS", "values": [["D-1"]]},
            {"range": "'Drafts'!C4", "majorDimension": "ROWS", "values": [["x"]]},
        ],
    }


def test_deletes_go_last_highest_first_in_runs() -> None:
    batch = SheetBatch(deletes=[RowsDelete(DRAFTS, [2, 3, 7]), RowsDelete(DRAFTS, [6, 9])])

    plan = plan_writes(batch, {DRAFTS: DRAFTS_TAB}, {DRAFTS: 9}, {}, LAYOUT)

    spans = [
        (r["deleteDimension"]["range"]["startIndex"], r["deleteDimension"]["range"]["endIndex"])
        for r in plan.requests
    ]
    assert spans == [(8, 9), (5, 7), (1, 3)]
    assert plan.after[DRAFTS].rows == 995


def test_a_batch_that_would_leave_the_grid_as_large_stays_detectable() -> None:
    """Rows added = rows deleted would hide whether a batch whose reply was lost went through:
    the grid grows by one more row."""
    rows: Grid = [[f"D-{n}"] for n in range(GROWTH_ROWS)]
    batch = SheetBatch(
        appends=[RowsAppend(DRAFTS, rows)],
        deletes=[RowsDelete(DRAFTS, list(range(2, 2 + GROWTH_ROWS)))],
    )

    plan = plan_writes(batch, {DRAFTS: DRAFTS_TAB}, {DRAFTS: 1000}, {}, LAYOUT)

    assert plan.values is None
    [grow] = [r["appendDimension"] for r in plan.requests if "appendDimension" in r]
    assert grow["length"] == GROWTH_ROWS + 1
    assert plan.after[DRAFTS].rows != plan.before[DRAFTS].rows
