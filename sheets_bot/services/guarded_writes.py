"""Write cells the bot owns without ever overwriting what the owner typed there since.

The bot remembers what it last wrote per (row id, column). A cell that is not blank and no
longer holds that value was changed by the owner: it is kept, and reported. Clearing the cell
hands it back to the bot.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sheets_bot.ports import BotFormula, CellWrite, SheetBatch, Sparkline, Written
from sheets_bot.sheet.table import Row, Table, cell_text, number_text


def written_text(value: Written) -> str:
    """What a written value reads back as where it is readable: a sparkline as its text (the
    local workbook), a formula as itself; plain values as ``cell_text``."""
    if isinstance(value, (Sparkline, BotFormula)):
        return value.text
    return cell_text(value)


@dataclass
class GuardedWriter:
    table: Table
    remembered: Mapping[tuple[str, str], str]
    batch: SheetBatch
    memory: dict[tuple[str, str], str] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)
    """Located notes of owner values the bot left alone."""

    def owner_changed(self, row: Row, key: str, column: str) -> bool:
        current = row.text(column)
        if not current or not self.remembered:
            return False
        return current != self.remembered.get((key, column))

    def put(self, row: Row, key: str, column: str, value: Written) -> bool:
        """Write ``value`` unless the owner changed the cell; True when the bot owns it."""
        if not self.table.has(column):
            return False
        return self.put_row(row, key, {column: value}) == 0

    def put_row(self, row: Row, key: str, values: Mapping[str, Written]) -> int:
        """``put`` each of a row's ``values`` (column -> value) the tab has; how many cells
        were kept as the owner typed them. One loop per row: a check puts every bot column of
        every Stock row."""
        columns, tab = self.table.columns, self.table.name
        cells = row.values
        remembered, memory, writes = self.remembered, self.memory, self.batch.writes
        kept = 0
        for column, value in values.items():
            position = columns.get(column)
            if position is None:
                continue
            raw = cells.get(column)
            cell = (key, column)
            if raw is None:
                current = ""  # a blank cell: the bot's to fill
            else:
                current = raw.strip() if type(raw) is str else cell_text(raw)
                if current and remembered:
                    last = remembered.get(cell)
                    if current != last:
                        if last is not None:
                            memory[cell] = last
                        self.kept.append(
                            f"{tab} row {row.number}, column '{column}': kept your"
                            f" {current!r} (clear the cell to let the bot fill it again)"
                        )
                        kept += 1
                        continue
            # written_text, with the commonest values (blank, text, a float) first
            if value is None:
                text = ""
            elif type(value) is str:
                text = value.strip()
            elif type(value) is float:
                text = number_text(value)
            else:
                text = written_text(value)
            if text != current:
                writes.append(CellWrite(tab, row.number, position, value))
            memory[cell] = text
        return kept

    def merged_memory(self) -> dict[tuple[str, str], str]:
        """What to remember for the tab: the old memory updated with this run's writes."""
        merged = dict(self.remembered)
        merged.update(self.memory)
        return merged
