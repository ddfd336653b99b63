"""A tab as it stands after a run's batch, worked out from what the run read: no second read.

The digest goes out at the end of the daily check and must show the drafts the check just
wrote; reading the sheet again would cost a Sheets request, so the batch is applied to the
``Table`` in memory instead. Row numbers stay those of the read (appended rows are numbered
after its last row) and deleted rows are gone.
"""

from __future__ import annotations

from sheets_bot.ports import BotFormula, Cell, SheetBatch, Sparkline, Written
from sheets_bot.sheet.table import Row, Table, is_blank


def table_after(table: Table, batch: SheetBatch) -> Table:
    names = {position: name for name, position in table.columns.items()}
    values: dict[int, dict[str, Cell]] = {row.number: dict(row.values) for row in table}
    for write in batch.writes:
        if write.tab != table.name or write.column not in names:
            continue
        values.setdefault(write.row, dict.fromkeys(table.columns))[names[write.column]] = _as_read(
            write.value
        )
    next_row = table.last_row + 1
    for append in batch.appends:
        if append.tab != table.name:
            continue
        for cells in append.rows:
            values[next_row] = {
                name: cells[position - 1] if position - 1 < len(cells) else None
                for name, position in table.columns.items()
            }
            next_row += 1
    for delete in batch.deletes:
        if delete.tab == table.name:
            for number in delete.rows:
                values.pop(number, None)
    rows = [
        Row(number, row)
        for number, row in sorted(values.items())
        if not all(is_blank(value) for value in row.values())
    ]
    last_row = max((row.number for row in rows), default=1)
    return Table(table.spec, table.columns, rows, last_row)


def _as_read(value: Written) -> Cell:
    """A bot formula or sparkline as the run would read it back: its text (the digest never
    looks at those cells, it only needs a plain value there)."""
    if isinstance(value, BotFormula | Sparkline):
        return value.text
    return value
