"""The owner's spreadsheet as a local ``.xlsx`` workbook (openpyxl), implementing ``Sheet``.

One ``with LocalWorkbook(...)`` block is one bot run: it refuses to start while the file is
open in LibreOffice or Excel (their lock file sits beside it), holds an exclusive ``flock``
so two runs never interleave read-modify-write, loads the workbook once, and saves it
atomically (temp file + ``os.replace``) only when something changed.

openpyxl never computes formulas and drops their cached results when it saves. So the file
is loaded twice: once as is (kept, so the owner's formulas survive the save) and once with
``data_only=True`` (the results LibreOffice or Excel cached), which ``read`` uses for formula
cells until the bot's own save drops those results; from then on they read as blank.
"""

from __future__ import annotations

import fcntl
import math
import os
import tempfile
import time as clock
from collections.abc import Callable, Mapping, Sequence
from copy import copy
from datetime import date, datetime, time, timedelta
from pathlib import Path
from types import TracebackType
from typing import IO, TypeVar

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.cell import Cell as XlCell
from openpyxl.comments import Comment
from openpyxl.formatting.rule import Rule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.styles.fills import Fill
from openpyxl.styles.proxy import StyleProxy
from openpyxl.utils.cell import column_index_from_string, get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.dimensions import ColumnDimension
from openpyxl.worksheet.worksheet import Worksheet

from sheets_bot.adapters.local import exact_numbers
from sheets_bot.adapters.local.formula_results import FormulaResults, collect
from sheets_bot.domain.run_failures import WORKBOOK_CHANGED, WORKBOOK_IN_USE, WORKBOOK_OPEN
from sheets_bot.errors import BotError, SheetLayoutError, WorkbookBusyError
from sheets_bot.ports import BotFormula, Cell, Grid, SeedRows, SheetBatch, Sparkline, Written
from sheets_bot.sheet.formats import PROBLEM_TINT, number_format
from sheets_bot.sheet.grids import deletion_order, tabs_named_in, trim_grid
from sheets_bot.sheet.layout import ColumnSpec, DropdownSpec, Layout, TabSpec, normalise_header
from sheets_bot.sheet.palette import BOT_TINT, EDITABLE_TINT, MOVE_COLOURS

FORMAT_ROWS = 5000
"""Dropdowns and move colours cover data rows 2 to this row."""
_WIDE_COLUMNS = {"item", "problem", "why", "note", "before", "after", "subject", "email", "send to"}
_Stamp = tuple[int, int]
_Style = TypeVar("_Style")

exact_numbers.install()


class LocalWorkbook:
    """``Sheet`` backed by an ``.xlsx`` file; use it as a context manager (one block per run)."""

    def __init__(
        self, path: Path, *, lock_dir: Path, lock_timeout: float = 30.0, create: bool = True
    ) -> None:
        """``lock_timeout``: seconds to wait for another run to finish. ``create``: whether
        ``prepare`` may create a missing workbook (otherwise it is the "run init" error)."""
        self.path = path
        self.lock_dir = lock_dir
        self.lock_timeout = lock_timeout
        self.create = create
        self._lock: IO[bytes] | None = None
        self._book: Workbook | None = None
        self._cached: Workbook | None = None
        self._stamp: _Stamp | None = None
        self._read_rows: dict[str, int] = {}
        self._noted = FormulaResults()
        self._formula_results: dict[str, dict[tuple[int, int], Cell]] = {}
        """Formula results the reads of this block saw: tab -> (row, column) -> value."""

    def __enter__(self) -> LocalWorkbook:
        if self._lock is not None:
            raise RuntimeError("this LocalWorkbook is already open")
        refuse_if_open_in_office(self.path)
        self._lock = _take_lock(self.lock_dir / "workbook.lock", self.lock_timeout, self.path)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._forget()
        if self._lock is not None:
            fcntl.flock(self._lock.fileno(), fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None

    @property
    def location(self) -> str:
        return str(self.path)

    def read(self, tabs: Sequence[str], *, append_only: Sequence[str] = ()) -> dict[str, Grid]:
        """Every tab whole: a local read costs the same either way, so ``append_only`` is
        accepted and not needed."""
        book = self._loaded()
        grids: dict[str, Grid] = {}
        for tab in tabs:
            sheet = _worksheet(book, tab)
            if sheet is None:
                continue
            cached = _worksheet(self._cached, tab) if self._cached is not None else None
            seen = self._formula_results.setdefault(tab, {})

            def noted(row: int, column: int, formula: str, tab: str = tab) -> Cell:
                return self._noted.result(self._stamp, tab, row, column, formula)

            grids[tab] = worksheet_grid(sheet, cached, fallback=noted, seen=seen)
            self._read_rows[tab] = len(grids[tab])
        return grids

    def apply(self, batch: SheetBatch) -> None:
        """Writes, then appends, then deletes (highest row first), then one atomic save. On any
        failure nothing is saved and the next call reloads the file."""
        if not batch:
            return
        book = self._loaded()
        sheets = {tab: _required_tab(book, tab) for tab in tabs_named_in(batch)}
        try:
            self._change(sheets, batch)
            self._save(book, moved=[delete.tab for delete in batch.deletes])
        except BaseException:
            self._forget()
            raise

    def prepare(self, layout: Layout, rows: Mapping[str, SeedRows]) -> None:
        """Create the file or complete it; saves only when something was missing."""
        unknown = set(rows) - {spec.name for spec in layout.tabs}
        if unknown:
            raise KeyError(f"rows given for tabs the layout does not have: {sorted(unknown)}")
        fresh = self.create and not self.path.exists()
        book = _new_book(layout) if fresh else self._loaded()
        try:
            changed = fresh
            for spec in layout.tabs:
                changed |= _prepare_tab(book, spec, rows.get(spec.name), layout.currency)
            if changed:
                self._book = book
                self._save(book)
        except BaseException:
            self._forget()
            raise

    def _change(self, sheets: Mapping[str, Worksheet], batch: SheetBatch) -> None:
        for change in batch.writes:
            write_value(sheets[change.tab], change.row, change.column, change.value)
        next_row: dict[str, int] = {}
        for append in batch.appends:
            sheet = sheets[append.tab]
            start = next_row.get(append.tab) or self._append_row(append.tab, sheet)
            for offset, row in enumerate(append.rows):
                for column, value in enumerate(row, start=1):
                    write_plain(sheet, start + offset, column, value)
            next_row[append.tab] = start + len(append.rows)
        for tab, numbers in deletion_order(batch.deletes).items():
            for number in numbers:
                sheets[tab].delete_rows(number)

    def _loaded(self) -> Workbook:
        """The workbook as loaded once per block (formulas kept), plus its cached values."""
        if self._lock is None:
            raise RuntimeError("use LocalWorkbook in a `with` block")
        if self._book is None:
            self._stamp = _stamp_of(self.path)
            if self._stamp is None:
                raise BotError(f"no workbook at {self.path}: run `sheets-bot init` to create it")
            self._book = open_workbook(self.path)
            self._cached = open_workbook(self.path, data_only=True)
            self._noted = FormulaResults.load(self.lock_dir)
        return self._book

    def _append_row(self, tab: str, sheet: Worksheet) -> int:
        """The first row below what the last ``read`` saw, and below any formula row that
        read as blank (so an owner's formula rows are never overwritten)."""
        seen = self._read_rows.get(tab, 0)
        return max(seen, last_used_row(sheet)) + 1

    def _save(self, book: Workbook, moved: Sequence[str] = ()) -> None:
        refuse_if_open_in_office(self.path)
        if _stamp_of(self.path) != self._stamp:
            raise WorkbookBusyError(
                f"{self.path} changed on disk while sheets-bot was working on it;"
                " nothing was written, run again",
                WORKBOOK_CHANGED,
            )
        noted = collect(book, self._formula_results, moved)
        save_atomically(book, self.path)
        self._stamp = _stamp_of(self.path)
        noted.save(self.lock_dir, self._stamp)
        self._noted = noted
        self._cached = None
        self._read_rows.clear()

    def _forget(self) -> None:
        self._book = None
        self._cached = None
        self._stamp = None
        self._read_rows.clear()
        self._formula_results.clear()


# --- opening, locking and saving --------------------------------------------------------


def office_lock_files(path: Path) -> list[Path]:
    """The lock files LibreOffice and Excel keep beside a workbook while it is open."""
    return [path.with_name(f".~lock.{path.name}#"), path.with_name(f"~${path.name}")]


def refuse_if_open_in_office(path: Path) -> None:
    for lock in office_lock_files(path):
        if lock.exists():
            raise WorkbookBusyError(
                f"{path} looks open in LibreOffice or Excel ({lock.name} is beside it):"
                f" save and close it, then run again (if it is not open, delete {lock})",
                WORKBOOK_OPEN,
            )


def _take_lock(lock_path: Path, timeout: float, workbook: Path) -> IO[bytes]:
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    handle = lock_path.open("ab")
    deadline = clock.monotonic() + timeout
    while True:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return handle
        except BlockingIOError:
            remaining = deadline - clock.monotonic()
            if remaining <= 0:
                handle.close()
                raise WorkbookBusyError(
                    f"another sheets-bot run is using {workbook}; wait for it to finish,"
                    " then run again",
                    WORKBOOK_IN_USE,
                ) from None
            clock.sleep(min(0.1, remaining))


def _stamp_of(path: Path) -> _Stamp | None:
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return status.st_mtime_ns, status.st_size


def open_workbook(path: Path, *, data_only: bool = False) -> Workbook:
    """The workbook, or one ``BotError`` line for any file openpyxl cannot read: not a zip,
    flipped bytes (``zlib.error``, a CRC ``BadZipFile``), a member cut short (``ParseError``),
    a cell of more digits than Python converts (``ValueError``), and whatever else a damaged
    file raises inside openpyxl."""
    try:
        return load_workbook(path, data_only=data_only)
    except Exception as error:
        reason = " ".join(str(error).split())[:200] or type(error).__name__
        raise BotError(f"cannot open {path} as an .xlsx workbook: {reason}") from error


def save_atomically(book: Workbook, path: Path) -> None:
    """Write a temp file in the same folder, flush it to disk, then rename it over ``path``,
    so a crash leaves either the old workbook or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temp = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            book.save(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


# --- reading and writing values ---------------------------------------------------------


def _worksheet(book: Workbook, tab: str) -> Worksheet | None:
    if tab not in book.sheetnames:
        return None
    sheet = book[tab]
    return sheet if isinstance(sheet, Worksheet) else None


def _required_tab(book: Workbook, tab: str) -> Worksheet:
    sheet = _worksheet(book, tab)
    if sheet is None:
        raise SheetLayoutError(tab, None)
    return sheet


def worksheet_grid(
    sheet: Worksheet,
    cached: Worksheet | None,
    *,
    fallback: Callable[[int, int, str], Cell] | None = None,
    seen: dict[tuple[int, int], Cell] | None = None,
) -> Grid:
    """A tab's values, trimmed like Google's ``values.get``. Formula cells take their result
    from ``cached`` (the same tab loaded with ``data_only``); without one, from ``fallback``
    (what the bot noted before its last save), else they read as blank. ``seen`` collects
    the formula results read."""
    grid: Grid = []
    for number, row in enumerate(sheet.iter_rows(), start=1):
        values: list[Cell] = []
        for index, cell in enumerate(row, start=1):
            if cell.data_type == "f":
                result = to_cell(cached.cell(number, index).value if cached is not None else None)
                if result is None and fallback is not None:
                    result = fallback(number, index, str(cell.value))
                if seen is not None and result is not None:
                    seen[(number, index)] = result
                values.append(result)
            else:
                values.append(to_cell(cell.value))
        grid.append(values)
    return trim_grid(grid)


def to_cell(value: object) -> Cell:
    """An openpyxl value as a ``Cell``: dates and times become ISO-8601 text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def last_used_row(sheet: Worksheet) -> int:
    """The last row holding a value or a formula (0 for an empty tab); formatting alone, which
    inflates ``max_row``, does not count."""
    last = 0
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if any(value is not None and value != "" for value in row):
            last = number
    return last


def write_plain(sheet: Worksheet, row: int, column: int, value: Cell) -> None:
    """Store ``value`` as a plain value: text stays text even when it looks like a formula
    (``=…``) or an error code (``#N/A``). A new cell in a tinted column gets the tint."""
    cell = sheet.cell(row, column)
    if not isinstance(cell, XlCell):
        raise BotError(
            f"cannot write {sheet.title}!{cell.coordinate}: it is part of merged cells;"
            " unmerge them"
        )
    cell.value = _storable(value)
    if isinstance(cell.value, str):
        cell.data_type = "s"
    if value is not None and not cell.has_style:
        _take_column_style(sheet, column, cell)


def _take_column_style(sheet: Worksheet, column: int, cell: XlCell) -> None:
    """A new cell gets its column's tint, number format and wrapping: openpyxl does not
    apply a column's style to cells it creates, as Excel and LibreOffice do when typing."""
    dimension = _covering_dimension(sheet, column)
    if dimension is None or not dimension.has_style:
        return
    tint = _column_fill(sheet, column)
    if tint is not None:
        cell.fill = tint
    if dimension.number_format != "General":
        cell.number_format = dimension.number_format
    if dimension.alignment.wrap_text:
        cell.alignment = _style_copy(dimension.alignment, Alignment)


def write_value(sheet: Worksheet, row: int, column: int, value: Written) -> None:
    """A plain value as ``write_plain``; a ``BotFormula`` as a formula (LibreOffice and Excel
    compute it on opening); a ``Sparkline`` as its text (neither has ``SPARKLINE``)."""
    if isinstance(value, Sparkline):
        write_plain(sheet, row, column, value.text)
    elif isinstance(value, BotFormula):
        write_plain(sheet, row, column, value.text)
        sheet.cell(row, column).data_type = "f"
    else:
        write_plain(sheet, row, column, value)


def _storable(value: Cell) -> Cell:
    """openpyxl refuses control characters and writes NaN as a broken number: keep text
    printable and non-finite numbers as text."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


# --- column dimensions ------------------------------------------------------------------


def _bounds(dimension: ColumnDimension) -> tuple[int, int]:
    low = dimension.min or column_index_from_string(dimension.index)
    return low, dimension.max or low


def _covering_dimension(sheet: Worksheet, index: int) -> ColumnDimension | None:
    for dimension in sheet.column_dimensions.values():
        low, high = _bounds(dimension)
        if low <= index <= high:
            return dimension
    return None


def _column_fill(sheet: Worksheet, index: int) -> PatternFill | None:
    dimension = _covering_dimension(sheet, index)
    if dimension is None or not dimension.has_style:
        return None
    fill = _style_copy(dimension.fill, Fill)
    if not isinstance(fill, PatternFill) or fill.fill_type != "solid":
        return None
    return fill


def _style_copy(proxy: StyleProxy, kind: type[_Style]) -> _Style:
    """The style object behind ``proxy``, copied (the stubs type the copy as the proxy)."""
    style: object = copy(proxy)
    if not isinstance(style, kind):
        raise TypeError(f"expected a {kind.__name__}, got {type(style).__name__}")
    return style


def _own_dimension(sheet: Worksheet, index: int, width: float) -> tuple[ColumnDimension, bool]:
    """The dimension of exactly column ``index``, and whether the workbook changed.

    A file saved by LibreOffice or Excel groups columns (``min=3 max=1024``); styling one
    column of a group needs the group split in three, or the saved ranges overlap."""
    letter = get_column_letter(index)
    covering = _covering_dimension(sheet, index)
    if covering is None:
        dimension = ColumnDimension(sheet, index=letter, width=width)
        sheet.column_dimensions[letter] = dimension
        return dimension, True
    low, high = _bounds(covering)
    if low == high:
        return covering, False
    for start, end in ((low, index - 1), (index, index), (index + 1, high)):
        if start <= end:
            piece = copy(covering)
            piece.index, piece.min, piece.max = get_column_letter(start), start, end
            sheet.column_dimensions[piece.index] = piece
    return sheet.column_dimensions[letter], True


def _old_width_for(header: str) -> float:
    """The width earlier versions gave a column: a column still that wide was sized by the
    bot, not the owner, and may be given the layout's width."""
    if normalise_header(header) in _WIDE_COLUMNS:
        return 32
    return max(12, min(40, len(header) + 4))


# --- prepare ----------------------------------------------------------------------------


def _new_book(layout: Layout) -> Workbook:
    book = Workbook()
    default = book.active
    for spec in layout.tabs:
        book.create_sheet(spec.name)
    if default is not None:
        book.remove(default)
    book.active = 0
    return book


def _prepare_tab(book: Workbook, spec: TabSpec, rows: SeedRows | None, currency: str) -> bool:
    changed = False
    sheet = _worksheet(book, spec.name)
    if sheet is None:
        sheet = book.create_sheet(spec.name)
        changed = True
    positions, added = _ensure_headers(sheet, spec)
    changed |= added
    changed |= _format_tab(sheet, spec, positions, currency)
    if rows and last_used_row(sheet) <= 1:
        _seed_rows(sheet, spec, positions, rows)
        changed = True
    return changed


def _ensure_headers(sheet: Worksheet, spec: TabSpec) -> tuple[dict[str, int], bool]:
    """Where each layout column is (1-based), appending missing headers after the last one."""
    first_row = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    found: dict[str, int] = {}
    last = 0
    for index, text in enumerate(first_row, start=1):
        if text is None or not str(text).strip():
            continue
        last = index
        found.setdefault(normalise_header(text), index)
    positions: dict[str, int] = {}
    added = False
    for column in spec.columns:
        key = normalise_header(column.name)
        if key not in found:
            last += 1
            write_plain(sheet, 1, last, column.name)
            found[key] = last
            added = True
        positions[column.name] = found[key]
    return positions, added


def _format_tab(
    sheet: Worksheet, spec: TabSpec, positions: Mapping[str, int], currency: str
) -> bool:
    changed = False
    if sheet.freeze_panes is None:
        sheet.freeze_panes = "A2"
        changed = True
    for column in spec.columns:
        changed |= _format_column(sheet, column, positions[column.name], currency)
    if spec.name == "Stock" and "Problem" in positions:
        changed |= _add_problem_rows(sheet, positions["Problem"], max(positions.values()))
    for dropdown in spec.dropdowns:
        changed |= _add_dropdown(sheet, dropdown, positions[dropdown.column])
    if "Move" in positions:
        changed |= _add_move_colours(sheet, positions["Move"])
    return changed


def _solid(colour: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=colour, end_color=colour)


def _format_column(sheet: Worksheet, column: ColumnSpec, index: int, currency: str) -> bool:
    """Bold header, a width, a number format and wrapping where the layout says, and for bot
    columns a tint on the header and the whole column (column styles: cells the bot writes
    take them, ``_take_column_style``)."""
    changed = False
    header = sheet.cell(1, index)
    if not header.font.bold:
        font = _style_copy(header.font, Font)
        font.bold = True
        header.font = font
        changed = True
    dimension, added = _own_dimension(sheet, index, column.chars)
    changed |= added
    if dimension.width == _old_width_for(column.name) and dimension.width != column.chars:
        dimension.width = column.chars
        changed = True
    changed |= _style_data(sheet, column, index, dimension, currency)
    if column.bot_owned:
        tint = _solid(EDITABLE_TINT if column.editable else BOT_TINT)
        for styled in (header, dimension):
            if styled.fill != tint:
                styled.fill = tint
                changed = True
    if column.note and header.comment is None:
        header.comment = Comment(column.note, "sheets-bot")
        changed = True
    return changed


def _style_data(
    sheet: Worksheet, column: ColumnSpec, index: int, dimension: ColumnDimension, currency: str
) -> bool:
    """The column's number format and wrapping, on the column and on the data cells it has
    (cells the owner formatted otherwise keep their format)."""
    changed = False
    wanted = number_format(column, currency)
    if wanted is not None and dimension.number_format != wanted:
        previous = dimension.number_format
        dimension.number_format = wanted
        for row in range(2, last_used_row(sheet) + 1):
            cell = sheet.cell(row, index)
            if cell.number_format in ("General", previous):
                cell.number_format = wanted
        changed = True
    if column.wrap and not dimension.alignment.wrap_text:
        wrapped = Alignment(wrap_text=True, vertical="top")
        dimension.alignment = wrapped
        for row in range(2, last_used_row(sheet) + 1):
            cell = sheet.cell(row, index)
            if not cell.alignment.wrap_text:
                cell.alignment = wrapped
        changed = True
    return changed


def _add_problem_rows(sheet: Worksheet, problem: int, last: int) -> bool:
    """Rows whose Problem cell holds text are tinted from the first column to the last."""
    letter = get_column_letter(problem)
    formula = f'${letter}2<>""'
    cells = f"A2:{get_column_letter(last)}{FORMAT_ROWS}"
    if _has_rule(sheet, "A2", formula):
        return False
    rule = Rule(
        type="expression", formula=[formula], dxf=DifferentialStyle(fill=_solid(PROBLEM_TINT))
    )
    sheet.conditional_formatting.add(cells, rule)
    return True


def _data_range(index: int) -> tuple[str, str]:
    """The first data cell of a column and the range formats cover (``M2``, ``M2:M5000``)."""
    letter = get_column_letter(index)
    return f"{letter}2", f"{letter}2:{letter}{FORMAT_ROWS}"


def _add_dropdown(sheet: Worksheet, dropdown: DropdownSpec, index: int) -> bool:
    first, cells = _data_range(index)
    if any(first in existing.sqref for existing in sheet.data_validations.dataValidation):
        return False
    allowed = ", ".join(dropdown.values)
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(dropdown.values) + '"',
        allow_blank=True,
        showDropDown=False,  # openpyxl's name is inverted: True would hide the arrow
        showErrorMessage=True,
        errorStyle="stop" if dropdown.strict else "warning",
        errorTitle=dropdown.column,
        error=f"{dropdown.column} must be one of: {allowed}",
    )
    validation.add(cells)
    sheet.add_data_validation(validation)
    return True


def _has_rule(sheet: Worksheet, first: str, formula: str) -> bool:
    return any(
        first in formatting.sqref and list(rule.formula or ()) == [formula]
        for formatting in sheet.conditional_formatting
        for rule in formatting.rules
    )


def _add_move_colours(sheet: Worksheet, index: int) -> bool:
    first, cells = _data_range(index)
    changed = False
    for move, colour in MOVE_COLOURS.items():
        formula = f'"{move}"'
        if not _has_rule(sheet, first, formula):
            rule = Rule(
                type="cellIs",
                operator="equal",
                formula=[formula],
                dxf=DifferentialStyle(fill=_solid(colour)),
            )
            sheet.conditional_formatting.add(cells, rule)
            changed = True
    return changed


def _seed_rows(
    sheet: Worksheet, spec: TabSpec, positions: Mapping[str, int], rows: SeedRows
) -> None:
    """Write ``rows`` (in the layout's header order) under the headers, wherever the tab's
    actual columns are."""
    targets = [positions[name] for name in spec.headers]
    for number, row in enumerate(rows, start=2):
        for target, value in zip(targets, row, strict=False):
            write_value(sheet, number, target, value)
