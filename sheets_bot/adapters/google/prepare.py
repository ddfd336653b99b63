"""``prepare`` on a Google Sheet: read what the tabs already have, then plan one
``spreadsheets.batchUpdate`` that adds only what is missing.

Read first (``spreadsheets.get`` of rows 1-2 of each tab, with a ``fields`` mask): header
texts, bold and tint of header cells, header notes, the dropdown under each header, protected
ranges and conditional formats. Nothing the owner has is removed or reordered: missing tabs
are added at the end, missing headers after the last header, rows only into tabs with no data
rows. Planning the same state twice gives the same requests, and a prepared sheet plans none.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from sheets_bot.adapters.google import formatting as fmt
from sheets_bot.adapters.google.cells import updates
from sheets_bot.adapters.google.tabs import TabInfo
from sheets_bot.ports import Cell, SeedRows, Written
from sheets_bot.sheet.formats import number_format
from sheets_bot.sheet.layout import Layout, TabSpec
from sheets_bot.sheet.table import is_blank

JsonObject = dict[str, Any]

LOOK_FIELDS: Final = (
    "sheets(properties(sheetId,title),"
    "protectedRanges(range,description,warningOnly),"
    "conditionalFormats(ranges,booleanRule(condition)),"
    "data(columnMetadata(pixelSize),"
    "rowData(values(formattedValue,note,dataValidation(condition(type)),"
    "userEnteredFormat(backgroundColor,textFormat(bold),numberFormat(pattern),wrapStrategy)))))"
)
"""What ``prepare`` must see of rows 1-2 of a tab to know what is there already."""
NEW_TAB_ROWS: Final = 1000
NEW_TAB_COLUMNS: Final = 26


@dataclass
class TabLook:
    """One existing tab as ``prepare`` sees it."""

    info: TabInfo
    header: list[JsonObject] = field(default_factory=list)
    """``CellData`` of row 1."""
    second: list[JsonObject] = field(default_factory=list)
    """``CellData`` of row 2 (where a column's dropdown shows)."""
    protected: list[JsonObject] = field(default_factory=list)
    rules: list[JsonObject] = field(default_factory=list)
    widths: list[int] = field(default_factory=list)
    """Pixel width of each column (0-based), as the sheet has it."""
    has_data: bool = False
    """Whether any row below the headers holds a value (known only for tabs being filled)."""

    def header_texts(self) -> list[Cell]:
        return [cell.get("formattedValue") for cell in self.header]

    def header_cell(self, column: int) -> JsonObject:
        return self.header[column - 1] if column <= len(self.header) else {}

    def second_cell(self, column: int) -> JsonObject:
        return self.second[column - 1] if column <= len(self.second) else {}

    def protected_by_bot(self, column: int) -> bool:
        for item in self.protected:
            cells = item.get("range") or {}
            low = int(cells.get("startColumnIndex") or 0)
            high = cells.get("endColumnIndex")
            if (
                fmt.PROTECTION_MARK in str(item.get("description", ""))
                and low <= column - 1
                and (high is None or column - 1 < int(high))
            ):
                return True
        return False

    def width(self, column: int) -> int:
        if column <= len(self.widths):
            return self.widths[column - 1]
        return fmt.DEFAULT_PIXELS

    def data_format(self, column: int) -> JsonObject:
        """Row 2's format in ``column``: what the column's data rows were given."""
        return self.second_cell(column).get("userEnteredFormat") or {}

    def has_formula_rule(self, formula: str) -> bool:
        for rule in self.rules:
            condition = (rule.get("booleanRule") or {}).get("condition") or {}
            values = [v.get("userEnteredValue") for v in condition.get("values") or []]
            if condition.get("type") == "CUSTOM_FORMULA" and values == [formula]:
                return True
        return False

    def has_move_rule(self, column: int, move: str) -> bool:
        for rule in self.rules:
            condition = (rule.get("booleanRule") or {}).get("condition") or {}
            values = [v.get("userEnteredValue") for v in condition.get("values") or []]
            if condition.get("type") != "TEXT_EQ" or values != [move]:
                continue
            for cells in rule.get("ranges") or []:
                if int(cells.get("startColumnIndex") or 0) == column - 1:
                    return True
        return False


def looks_from(spreadsheet: Mapping[str, Any], tabs: Mapping[str, TabInfo]) -> dict[str, TabLook]:
    """``spreadsheets.get`` (``LOOK_FIELDS``, ranges rows 1-2) -> looks by tab title."""
    looks: dict[str, TabLook] = {}
    for sheet in spreadsheet.get("sheets") or []:
        title = str((sheet.get("properties") or {}).get("title", ""))
        if title not in tabs:
            continue
        rows: list[JsonObject] = []
        widths: list[int] = []
        for data in sheet.get("data") or []:
            rows = list(data.get("rowData") or [])
            widths = [
                int(item.get("pixelSize") or fmt.DEFAULT_PIXELS)
                for item in data.get("columnMetadata") or []
            ]
        cells = [list(row.get("values") or []) for row in rows]
        looks[title] = TabLook(
            info=tabs[title],
            header=cells[0] if cells else [],
            second=cells[1] if len(cells) > 1 else [],
            protected=list(sheet.get("protectedRanges") or []),
            rules=list(sheet.get("conditionalFormats") or []),
            widths=widths,
        )
    return looks


class _Plan:
    """Requests in the order Google must apply them: tabs and grid sizes first, then values,
    then formats (which then cover grown grids)."""

    def __init__(self, taken_ids: Sequence[int]) -> None:
        self.structure: list[JsonObject] = []
        self.values: list[JsonObject] = []
        self.formats: list[JsonObject] = []
        self._next_id = max(taken_ids, default=0) + 1

    def new_sheet_id(self) -> int:
        self._next_id += 1
        return self._next_id - 1

    def requests(self) -> list[JsonObject]:
        return [*self.structure, *self.values, *self.formats]


def plan_prepare(
    layout: Layout,
    looks: Mapping[str, TabLook | None],
    rows: Mapping[str, SeedRows],
    taken_ids: Sequence[int],
) -> list[JsonObject]:
    """Every request ``prepare`` needs; empty when the sheet has it all.

    ``looks`` maps each layout tab name to its look, or ``None`` when the tab is missing."""
    plan = _Plan(taken_ids)
    for spec in layout.tabs:
        look = looks.get(spec.name)
        seed = rows.get(spec.name) or []
        if look is None:
            look = _add_tab(plan, spec, len(seed))
        _plan_tab(plan, spec, look, seed, layout.currency)
    return plan.requests()


def _add_tab(plan: _Plan, spec: TabSpec, seed_rows: int) -> TabLook:
    info = TabInfo(
        sheet_id=plan.new_sheet_id(),
        title=spec.name,
        rows=max(NEW_TAB_ROWS, seed_rows + 1),
        columns=max(NEW_TAB_COLUMNS, len(spec.columns)),
        frozen_rows=1,
    )
    plan.structure.append(
        {
            "addSheet": {
                "properties": {
                    "sheetId": info.sheet_id,
                    "title": spec.name,
                    "gridProperties": {
                        "rowCount": info.rows,
                        "columnCount": info.columns,
                        "frozenRowCount": 1,
                    },
                }
            }
        }
    )
    return TabLook(info)


def _plan_tab(plan: _Plan, spec: TabSpec, look: TabLook, seed: SeedRows, currency: str) -> None:
    info = look.info
    positions, added = _positions(spec, look.header_texts())
    for column, name in added.items():
        plan.values.append(_cells_at(info.sheet_id, {(1, column): name}))
    widest = max(positions.values(), default=0)
    if widest > info.columns:
        plan.structure.append(_grow(info.sheet_id, "COLUMNS", widest - info.columns))
    fill = bool(seed) and not look.has_data
    rows = max(2, len(seed) + 1 if fill else 0)  # row 2 (the dropdowns start there), seeds
    if rows > info.rows:
        plan.structure.append(_grow(info.sheet_id, "ROWS", rows - info.rows))
        plan.formats.extend(
            fmt.formats_for_new_rows(spec, positions, info.sheet_id, info.rows, rows)
        )
    if info.frozen_rows < 1:
        plan.formats.append(
            {
                "updateSheetProperties": {
                    "properties": {
                        "sheetId": info.sheet_id,
                        "gridProperties": {"frozenRowCount": 1},
                    },
                    "fields": "gridProperties.frozenRowCount",
                }
            }
        )
    if fill:
        plan.values.extend(_seed(info.sheet_id, spec, positions, seed))
    _plan_formats(plan, spec, look, positions)
    _plan_reading(plan, spec, look, positions, currency)


def _plan_reading(
    plan: _Plan, spec: TabSpec, look: TabLook, positions: Mapping[str, int], currency: str
) -> None:
    """Widths (only of columns nobody has sized), number formats and wrapping (where row 2
    lacks them), and the Stock tab's tint for problem rows."""
    sheet_id = look.info.sheet_id
    for column in spec.columns:
        position = positions[column.name]
        wanted = fmt.pixels(column)
        if look.width(position) == fmt.DEFAULT_PIXELS and wanted != fmt.DEFAULT_PIXELS:
            plan.formats.append(fmt.column_width(sheet_id, position, wanted))
        data = look.data_format(position)
        pattern = number_format(column, currency)
        if pattern is not None and (data.get("numberFormat") or {}).get("pattern") != pattern:
            plan.formats.append(fmt.number_format(sheet_id, position, pattern))
        if column.wrap and data.get("wrapStrategy") != "WRAP":
            plan.formats.append(fmt.wrap(sheet_id, position))
    if spec.name == "Stock" and fmt.PROBLEM_COLUMN in positions:
        problem = positions[fmt.PROBLEM_COLUMN]
        if not look.has_formula_rule(fmt.problem_formula(problem)):
            plan.formats.append(fmt.problem_rows(sheet_id, problem, max(positions.values())))


def _positions(spec: TabSpec, header: list[Cell]) -> tuple[dict[str, int], dict[int, str]]:
    """Where each layout column is, and the headers to add (column -> text) after the last."""
    positions = fmt.header_positions(spec, header)
    last = max(
        (index for index, text in enumerate(header, start=1) if not is_blank(text)), default=0
    )
    added: dict[int, str] = {}
    for column in spec.columns:
        if column.name not in positions:
            last += 1
            positions[column.name] = last
            added[last] = column.name
    return positions, added


def _plan_formats(plan: _Plan, spec: TabSpec, look: TabLook, positions: Mapping[str, int]) -> None:
    sheet_id = look.info.sheet_id
    unbold = [
        positions[column.name]
        for column in spec.columns
        if not (
            (look.header_cell(positions[column.name]).get("userEnteredFormat") or {}).get(
                "textFormat"
            )
            or {}
        ).get("bold")
    ]
    plan.formats.extend(fmt.bold_headers(sheet_id, unbold))
    colours: dict[int, str] = {}
    unprotected: list[int] = []
    for column in spec.columns:
        position = positions[column.name]
        header = look.header_cell(position)
        tint = fmt.tint_of(column)
        if tint is not None and not fmt.same_colour(
            (header.get("userEnteredFormat") or {}).get("backgroundColor"), tint
        ):
            colours[position] = tint
        if column.note and column.bot_owned and not header.get("note"):
            plan.formats.append(fmt.header_note(sheet_id, position, column.note))
        if column.bot_owned and not column.editable and not look.protected_by_bot(position):
            unprotected.append(position)
    plan.formats.extend(fmt.tints(sheet_id, colours))
    for item in spec.dropdowns:
        position = positions[item.column]
        if not look.second_cell(position).get("dataValidation"):
            plan.formats.append(fmt.dropdown(sheet_id, position, item))
    if fmt.MOVE_COLUMN in positions:
        position = positions[fmt.MOVE_COLUMN]
        plan.formats.extend(
            fmt.move_colour(sheet_id, position, move)
            for move in fmt.MOVES
            if not look.has_move_rule(position, move)
        )
    names = {positions[column.name]: column.name for column in spec.columns}
    for first, width in fmt.runs(unprotected):
        plan.formats.append(
            fmt.protection(sheet_id, first, width, [names[c] for c in range(first, first + width)])
        )


def _grow(sheet_id: int, dimension: str, length: int) -> JsonObject:
    return {"appendDimension": {"sheetId": sheet_id, "dimension": dimension, "length": length}}


def _cells_at(sheet_id: int, cells: Mapping[tuple[int, int], Cell]) -> JsonObject:
    [request] = updates(sheet_id, cells)
    return request


def _seed(
    sheet_id: int, spec: TabSpec, positions: Mapping[str, int], seed: SeedRows
) -> list[JsonObject]:
    """``seed`` rows (in the layout's column order) under the headers, wherever the tab's
    actual columns are."""
    targets = [positions[name] for name in spec.headers]
    cells: dict[tuple[int, int], Written] = {}
    for number, row in enumerate(seed, start=2):
        for target, value in zip(targets, row, strict=False):
            if value is not None and value != "":
                cells[(number, target)] = value
    return updates(sheet_id, cells)
