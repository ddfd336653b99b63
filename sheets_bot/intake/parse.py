"""One attachment in, normalised rows out: ``parse_attachment``.

The file type is decided by extension *and* magic bytes; a file whose bytes disagree with its
name (a ".csv" that is really a zip) is refused. A cell that is not a number becomes a located
``Problem`` (file, row, column, value) tied to its field, so a column the lane does not use
never raises one; every other row is still read. A file that cannot be read at all raises
``AttachmentRejected`` with the reason.

Every value carries its reasons and a confidence: the column it came from (exact, fuzzy or a
merged header's sub-columns), the location chosen, the file's inferred number convention.
Per-location exports are read for the location Settings ``Count location`` names; with
several locations and no choice nothing is read for them and ``needs_choice`` says why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath

from sheets_bot.domain.problems import Problem
from sheets_bot.intake.columns import (
    FIELD_RANGES,
    TOTAL_KEYS,
    ColumnMap,
    Field,
    SheetKind,
    Source,
    find_header,
    header_key,
    place_key,
)
from sheets_bot.intake.csv_reader import NotText, read_csv
from sheets_bot.intake.families import HAND_MADE
from sheets_bot.intake.limits import DEFAULT_LIMITS, AttachmentRejected, Limits, TooLarge
from sheets_bot.intake.number_locale import Convention, NotANumber, infer_convention, read_number
from sheets_bot.intake.ods_reader import UnreadableOds, read_ods
from sheets_bot.intake.tables import RawSheet
from sheets_bot.intake.xlsx_reader import UnreadableWorkbook, read_xlsx
from sheets_bot.intake.zip_safety import UnsafeZip

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OTHER_MAGIC = {
    b"%PDF": "a PDF",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
}
TEXT_EXTENSIONS = frozenset({".csv", ".tsv", ".txt", ".tab"})
XLSX_EXTENSIONS = frozenset({".xlsx", ".xlsm"})
ODS_EXTENSIONS = frozenset({".ods"})
XLS_EXTENSIONS = frozenset({".xls"})
SAVE_AS = "save it as .xlsx or .csv and forward it again"
AMBIGUOUS_NUMBER = 0.4
"""A value the file's own numbers cannot settle (``2.400``): shown as uncertain."""
HOW_TO_CHOOSE = (
    "set Settings 'Count location' to the one this sheet counts, then forward the file again"
)


@dataclass(frozen=True)
class ParsedRow:
    row: int
    """1-based row number in the source sheet."""
    sku: str
    name: str
    values: dict[Field, Decimal]
    locations: dict[str, Decimal] = field(default_factory=dict)
    """Per-location counts when the sheet had one count column per location."""
    reasons: dict[Field, tuple[str, ...]] = field(default_factory=dict)
    """Why each value reads as it does (column, location, number convention)."""
    confidence: dict[Field, float] = field(default_factory=dict)
    """How sure each reading is (1.0 when absent)."""
    doubts: dict[Field, tuple[str, ...]] = field(default_factory=dict)
    """The reasons that lowered a value's confidence (shown in its Status)."""


@dataclass(frozen=True)
class ParsedSheet:
    filename: str
    sheet: str
    kind: SheetKind
    columns: ColumnMap
    rows: tuple[ParsedRow, ...]
    problems: tuple[Problem, ...]
    notes: tuple[str, ...] = ()
    field_problems: dict[Field, tuple[Problem, ...]] = field(default_factory=dict)
    """The problems of ``problems`` that belong to one field's column."""
    needs_choice: str = ""
    """Why no count was read: several locations and none chosen (names them, says how)."""

    def problems_for(self, fields: tuple[Field, ...]) -> tuple[Problem, ...]:
        """The problems that matter when only ``fields`` are proposed."""
        tied = {id(p) for problems in self.field_problems.values() for p in problems}
        wanted = {id(p) for f in fields for p in self.field_problems.get(f, ())}
        return tuple(p for p in self.problems if id(p) not in tied or id(p) in wanted)


def _format(filename: str, data: bytes) -> str:
    extension = PurePath(filename).suffix.casefold()
    if data.startswith(OLE2_MAGIC) or (
        extension in XLS_EXTENSIONS and not data.startswith(ZIP_MAGIC)
    ):
        raise AttachmentRejected(filename, f"is an old-style Excel (.xls) file; {SAVE_AS}")
    for magic, what in _OTHER_MAGIC.items():
        if data.startswith(magic):
            raise AttachmentRejected(filename, f"is {what}, not a spreadsheet")
    if data.startswith(ZIP_MAGIC):
        if extension in XLSX_EXTENSIONS:
            return "xlsx"
        if extension in ODS_EXTENSIONS:
            return "ods"
        if extension in TEXT_EXTENSIONS:
            raise AttachmentRejected(filename, f"is named {extension} but is a zip file; refused")
        if b"xl/workbook.xml" in data:
            return "xlsx"
        if b"content.xml" in data and b"opendocument.spreadsheet" in data:
            return "ods"
        raise AttachmentRejected(filename, f"is a zip file, not a spreadsheet; {SAVE_AS}")
    if extension in XLSX_EXTENSIONS | ODS_EXTENSIONS:
        raise AttachmentRejected(filename, f"is named {extension} but is not one; {SAVE_AS}")
    return "csv"


def read_sheets(filename: str, data: bytes, limits: Limits = DEFAULT_LIMITS) -> list[RawSheet]:
    """Every sheet in the file as rows of text; raises ``AttachmentRejected``."""
    if len(data) > limits.max_attachment_bytes:
        raise AttachmentRejected(
            filename,
            f"is {len(data):,} bytes, over the limit of {limits.max_attachment_bytes:,} bytes"
            " for one attachment",
        )
    kind = _format(filename, data)
    readers: dict[str, Callable[[bytes, Limits], list[RawSheet]]] = {
        "xlsx": read_xlsx,
        "ods": read_ods,
        "csv": lambda raw, lim: [RawSheet("", read_csv(raw, lim))],
    }
    try:
        return readers[kind](data, limits)
    except (TooLarge, UnsafeZip, NotText, UnreadableWorkbook, UnreadableOds) as error:
        raise AttachmentRejected(filename, str(error)) from error


def parse_attachment(
    filename: str, data: bytes, limits: Limits = DEFAULT_LIMITS, *, count_location: str = ""
) -> ParsedSheet:
    """The first sheet with a recognisable header row, read into rows and located problems."""
    sheets = read_sheets(filename, data, limits)
    for sheet in sheets:
        columns = find_header(sheet.rows)
        if columns is not None:
            return _Reader(filename, sheet, columns, count_location).read()
    raise AttachmentRejected(
        filename,
        "has no header row naming an item (SKU or name) and a count or cost column"
        " in its first 10 rows",
    )


def _cell(row: list[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return row[index].strip()


def _is_total_row(row: list[str]) -> bool:
    return any(header_key(cell) in TOTAL_KEYS for cell in row[:4] if cell.strip())


@dataclass
class _Value:
    value: Decimal | None
    reasons: list[str] = field(default_factory=list)
    confidence: float = 1.0
    doubts: list[str] = field(default_factory=list)


class _Reader:
    def __init__(
        self, filename: str, sheet: RawSheet, columns: ColumnMap, count_location: str
    ) -> None:
        self.filename = filename
        self.sheet = sheet
        self.tab = filename if len(sheet.name) == 0 else f"{filename} [{sheet.name}]"
        self.columns = columns
        self.count_location = count_location.strip()
        self.problems: list[Problem] = []
        self.field_problems: dict[Field, list[Problem]] = {}
        self.notes: list[str] = []
        self.needs_choice = ""
        self.body = sheet.rows[columns.header_row :]
        self.convention = self._convention()

    def _convention(self) -> Convention:
        texts = [
            cell
            for offset, row in enumerate(self.body)
            for column, cell in enumerate(row)
            if (self.columns.header_row + offset, column) not in self.sheet.numbers
        ]
        return infer_convention(texts)

    # --- numbers --------------------------------------------------------------------------

    def number(self, row: list[str], offset: int, index: int, field_name: Field) -> _Value:
        number = self.columns.header_row + offset + 1
        typed = self.sheet.numbers.get((self.columns.header_row + offset, index))
        text = _cell(row, index)
        problem: str | None = None
        result = _Value(typed)
        if typed is None:
            try:
                reading = read_number(text, self.convention)
            except NotANumber:
                problem = "is not a number"
            else:
                result.value = reading.value
                if reading.ambiguous:
                    result.reasons.append(f"uncertain number: {reading.ambiguous}")
                    result.doubts.append(reading.ambiguous)
                    result.confidence = AMBIGUOUS_NUMBER
                elif reading.by_convention:
                    result.reasons.append(
                        f"read by the file's number format: {reading.by_convention}"
                    )
        value = result.value
        if value is not None and value < 0:
            problem, result.value = "is negative", None
        if (
            value is not None
            and field_name is Field.PACK_SIZE
            and value != value.to_integral_value()
        ):
            problem, result.value = "is not a whole number of units", None
        if (
            result.value is not None
            and problem is None
            and not FIELD_RANGES[field_name].contains(result.value)
        ):
            problem = f"is out of range: it must be {FIELD_RANGES[field_name].describe()}"
        if problem is not None:
            found = Problem(
                tab=self.tab,
                row=number,
                column=self.columns.header(index),
                message=problem,
                value=text,
                column_index=index + 1,
            )
            self.problems.append(found)
            self.field_problems.setdefault(field_name, []).append(found)
            result.value = None
        return result

    def from_source(
        self, row: list[str], offset: int, source: Source, field_name: Field
    ) -> _Value | None:
        """The value a source gives for one row: its new-count column when filled, else its
        column(s) added up; None when a cell is not a number (a located problem)."""
        if source.override is not None and _cell(row, source.override):
            found = self.number(row, offset, source.override, field_name)
            if found.value is not None:
                header = self.columns.header(source.override)
                found.reasons.insert(0, f"column '{header}' (the new count, filled in)")
                return found
        if len(source.columns) > 1 and self.count_location:
            chosen = [
                index
                for index in source.columns
                if place_key(self.columns.header(index)) == place_key(self.count_location)
            ]
            if len(chosen) == 1:
                header = self.columns.header(chosen[0])
                source = Source(tuple(chosen), f"column '{header}' (Settings 'Count location')")
        before = len(self.problems)
        parts = [self.number(row, offset, index, field_name) for index in source.columns]
        if len(self.problems) > before:
            return None
        counted = [part for part in parts if part.value is not None]
        if not counted:
            return _Value(None)
        total = sum((part.value for part in counted if part.value is not None), Decimal(0))
        reasons = [source.reason] + [r for part in counted for r in part.reasons]
        confidence = min([source.confidence] + [part.confidence for part in counted])
        doubts = [source.reason] if source.confidence < 1 else []
        doubts += [d for part in counted for d in part.doubts]
        return _Value(total, reasons, confidence, doubts)

    # --- locations ------------------------------------------------------------------------

    def chosen_place(self, places: list[str]) -> tuple[str | None, str]:
        """The location to read, with its reason; None and sets ``needs_choice`` otherwise."""
        wanted = place_key(self.count_location)
        listed = ", ".join(f"'{place}'" for place in places)
        if wanted:
            for place in places:
                if place_key(place) == wanted:
                    return place, f"location '{place}' (Settings 'Count location')"
            self.needs_choice = (
                f"counts locations {listed}, none of them Settings 'Count location'"
                f" ('{self.count_location}'): nothing proposed; correct the setting to one of"
                " them, then forward the file again"
            )
            return None, ""
        if len(places) == 1:
            return places[0], f"location '{places[0]}', the only one in the file"
        self.needs_choice = (
            f"counts {len(places)} locations ({listed}) and Settings 'Count location' is"
            f" blank: nothing proposed for them, never added up; {HOW_TO_CHOOSE}"
        )
        return None, ""

    def long_place(self) -> tuple[int | None, str | None, str]:
        """For one row per item and location: (column, chosen location, reason)."""
        column = self.columns.location_column
        if column is None:
            return None, None, ""
        values = [_cell(row, column) for row in self.body if any(c.strip() for c in row)]
        places = list(dict.fromkeys(value for value in values if value))
        if not places:
            return None, None, ""
        if self.columns.family is HAND_MADE:
            items = [
                (_cell(row, self.columns.sku) or _cell(row, self.columns.name)).casefold()
                for row in self.body
                if _cell(row, column)
            ]
            if len(set(items)) == len(items):
                return None, None, ""  # a shelf or bin column: each item is on one row
        place, reason = self.chosen_place(places)
        return column, place, reason

    # --- rows -----------------------------------------------------------------------------

    def read(self) -> ParsedSheet:
        columns = self.columns
        parsed: list[ParsedRow] = []
        place_column, long_place, long_reason = self.long_place()
        wide_place, wide_reason = (None, "")
        if columns.locations:
            wide_place, wide_reason = self.chosen_place(list(columns.locations))
        totals = 0
        for offset, row in enumerate(self.body):
            number = columns.header_row + offset + 1
            if not any(cell.strip() for cell in row):
                continue
            if place_column is not None and _cell(row, place_column) != long_place:
                continue
            if _is_total_row(row):
                totals += 1
                continue
            sku, name = _cell(row, columns.sku), _cell(row, columns.name)
            values: dict[Field, Decimal] = {}
            reasons: dict[Field, tuple[str, ...]] = {}
            confidence: dict[Field, float] = {}
            doubts: dict[Field, tuple[str, ...]] = {}
            for field_name, source in columns.sources.items():
                found = self.from_source(row, offset, source, field_name)
                if found is None or found.value is None:
                    continue
                extra = [long_reason] if field_name is Field.ON_HAND and long_reason else []
                values[field_name] = found.value
                reasons[field_name] = (*found.reasons, *extra)
                confidence[field_name] = found.confidence
                doubts[field_name] = tuple(found.doubts)
            locations: dict[str, Decimal] = {}
            for place, source in columns.locations.items():
                found = self.from_source(row, offset, source, Field.ON_HAND)
                if found is None or found.value is None:
                    continue
                locations[place] = found.value
                if place == wide_place:
                    values[Field.ON_HAND] = found.value
                    reasons[Field.ON_HAND] = (*found.reasons, wide_reason)
                    confidence[Field.ON_HAND] = found.confidence
                    doubts[Field.ON_HAND] = tuple(found.doubts)
            if not sku and not name:
                if values or locations:
                    self.problems.append(
                        Problem(self.tab, number, None, "has numbers but no SKU or item name")
                    )
                continue
            if values or locations:
                parsed.append(
                    ParsedRow(number, sku, name, values, locations, reasons, confidence, doubts)
                )
        if totals:
            self.notes.append(f"{totals} total row(s) left out")
        if self.needs_choice:
            self.notes.append(self.needs_choice)
        return ParsedSheet(
            filename=self.filename,
            sheet=self.sheet.name,
            kind=columns.kind,
            columns=columns,
            rows=tuple(parsed),
            problems=tuple(self.problems),
            notes=(*columns.notes, *self.notes),
            field_problems={f: tuple(p) for f, p in self.field_problems.items()},
            needs_choice=self.needs_choice,
        )
