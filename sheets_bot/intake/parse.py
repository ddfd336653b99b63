"""One attachment in, normalised rows out: ``parse_attachment``.

The file type is decided by extension *and* magic bytes; a file whose bytes disagree with its
name (a ".csv" that is really a zip) is refused. A cell that is not a number becomes a located
``Problem`` (file, row, column, value) and every other row is still read. A file that cannot be
read at all raises ``AttachmentRejected`` with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath

from sheets_bot.domain.problems import Problem
from sheets_bot.domain.sheet_numbers import NotANumber, parse_number
from sheets_bot.intake.columns import ColumnMap, Field, SheetKind, find_header
from sheets_bot.intake.csv_reader import NotText, read_csv
from sheets_bot.intake.limits import DEFAULT_LIMITS, AttachmentRejected, Limits, TooLarge
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


@dataclass(frozen=True)
class ParsedRow:
    row: int
    """1-based row number in the source sheet."""
    sku: str
    name: str
    values: dict[Field, Decimal]
    locations: dict[str, Decimal] = field(default_factory=dict)
    """Per-store counts when the sheet had one count column per store."""


@dataclass(frozen=True)
class ParsedSheet:
    filename: str
    sheet: str
    kind: SheetKind
    columns: ColumnMap
    rows: tuple[ParsedRow, ...]
    problems: tuple[Problem, ...]
    notes: tuple[str, ...] = ()


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
            f"is {len(data):,} bytes, over the limit of {limits.max_attachment_bytes:,} bytes",
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


def parse_attachment(filename: str, data: bytes, limits: Limits = DEFAULT_LIMITS) -> ParsedSheet:
    """The first sheet with a recognisable header row, read into rows and located problems."""
    sheets = read_sheets(filename, data, limits)
    for sheet in sheets:
        columns = find_header(sheet.rows)
        if columns is not None:
            return _parse_rows(filename, sheet, columns)
    raise AttachmentRejected(
        filename,
        "has no header row naming an item (SKU or name) and a count or cost column"
        " in its first 10 rows",
    )


def _cell(row: list[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return row[index].strip()


class _Reader:
    def __init__(self, filename: str, sheet: RawSheet, columns: ColumnMap) -> None:
        self.tab = filename if len(sheet.name) == 0 else f"{filename} [{sheet.name}]"
        self.columns = columns
        self.problems: list[Problem] = []

    def number(
        self, row: list[str], number: int, index: int, field: Field | None
    ) -> Decimal | None:
        text = _cell(row, index)
        problem: str | None = None
        value: Decimal | None = None
        try:
            value = parse_number(text)
        except NotANumber:
            problem = "is not a number"
        if value is not None and value < 0:
            problem, value = "is negative", None
        if value is not None and field is Field.PACK_SIZE and value != value.to_integral_value():
            problem, value = "is not a whole number of units", None
        if problem is not None:
            self.problems.append(
                Problem(
                    tab=self.tab,
                    row=number,
                    column=self.columns.header(index),
                    message=problem,
                    value=text,
                    column_index=index + 1,
                )
            )
        return value


def _parse_rows(filename: str, sheet: RawSheet, columns: ColumnMap) -> ParsedSheet:
    reader = _Reader(filename, sheet, columns)
    parsed: list[ParsedRow] = []
    for offset, row in enumerate(sheet.rows[columns.header_row :]):
        number = columns.header_row + offset + 1
        if not any(cell.strip() for cell in row):
            continue
        sku, name = _cell(row, columns.sku), _cell(row, columns.name)
        values: dict[Field, Decimal] = {}
        for field_name, index in columns.fields.items():
            value = reader.number(row, number, index, field_name)
            if value is not None:
                values[field_name] = value
        locations: dict[str, Decimal] = {}
        before = len(reader.problems)
        for place, index in columns.locations.items():
            value = reader.number(row, number, index, None)
            if value is not None:
                locations[place] = value
        location_problem = len(reader.problems) > before and bool(columns.locations)
        if locations and not location_problem:
            values[Field.ON_HAND] = sum(locations.values(), Decimal(0))
        if not sku and not name:
            if values or locations:
                reader.problems.append(
                    Problem(reader.tab, number, None, "has numbers but no SKU or item name")
                )
            continue
        if values or locations:
            parsed.append(ParsedRow(number, sku, name, values, locations))
    return ParsedSheet(
        filename=filename,
        sheet=sheet.name,
        kind=columns.kind,
        columns=columns,
        rows=tuple(parsed),
        problems=tuple(reader.problems),
        notes=columns.notes,
    )
