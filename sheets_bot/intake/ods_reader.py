"""OpenDocument spreadsheets: content.xml parsed with defusedxml after the zip check."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from defusedxml import ElementTree  # type: ignore[import-untyped]

from sheets_bot.intake.errors import IntakeError
from sheets_bot.intake.limits import Limits, TooLarge, check_size
from sheets_bot.intake.tables import RawSheet
from sheets_bot.intake.zip_safety import UnsafeZip, check_zip, read_member

TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_CELLS = (f"{TABLE}table-cell", f"{TABLE}covered-table-cell")


class UnreadableOds(IntakeError):
    """The ODS file's content could not be read."""


def read_ods(data: bytes, limits: Limits) -> list[RawSheet]:
    check_size(data, limits)
    with check_zip(data, limits) as archive:
        try:
            content = read_member(archive, "content.xml", limits)
        except KeyError as error:
            raise UnreadableOds("is not an OpenDocument spreadsheet (no content.xml)") from error
    try:
        root = ElementTree.fromstring(content)
    except Exception as error:  # defusedxml raises ParseError or its own refusals
        raise UnsafeZip(f"has content.xml that is not safe, well-formed XML ({error})") from error
    return [_read_table(table, limits) for table in root.iter(f"{TABLE}table")]


def _repeat(element: Any, attribute: str) -> int:
    try:
        return max(1, int(element.get(f"{TABLE}{attribute}", "1")))
    except ValueError:
        return 1


def _read_table(table: Any, limits: Limits) -> RawSheet:
    rows: list[list[str]] = []
    numbers: dict[tuple[int, int], Decimal] = {}
    pending_blank_rows = 0
    for row in table.iter(f"{TABLE}table-row"):
        cells, typed = _read_row(row, limits, len(rows) + pending_blank_rows + 1)
        repeat = _repeat(row, "number-rows-repeated")
        if not cells:
            pending_blank_rows += repeat
            continue
        if len(rows) + pending_blank_rows + repeat > limits.max_rows:
            raise TooLarge(f"has more than {limits.max_rows:,} rows")
        rows.extend([] for _ in range(pending_blank_rows))
        pending_blank_rows = 0
        for _ in range(repeat):
            for column in typed:
                try:
                    numbers[(len(rows), column)] = Decimal(cells[column])
                except InvalidOperation:
                    continue
            rows.append(list(cells))
    return RawSheet(str(table.get(f"{TABLE}name", "")), rows, numbers)


def _read_row(row: Any, limits: Limits, number: int) -> tuple[list[str], list[int]]:
    """The row's cells as text, and the columns the file stored as numbers."""
    cells: list[str] = []
    typed: list[int] = []
    pending_blanks = 0
    for cell in row:
        if cell.tag not in _CELLS:
            continue
        text = _cell_text(cell)
        repeat = _repeat(cell, "number-columns-repeated")
        if not text.strip():
            pending_blanks += repeat
            continue
        if len(cells) + pending_blanks + repeat > limits.max_columns:
            raise TooLarge(f"row {number} has more than {limits.max_columns:,} columns")
        cells.extend([""] * pending_blanks)
        pending_blanks = 0
        if cell.get(f"{OFFICE}value-type") in ("float", "percentage", "currency"):
            typed.extend(range(len(cells), len(cells) + repeat))
        cells.extend([text] * repeat)
    return cells, typed


def _cell_text(cell: Any) -> str:
    kind = cell.get(f"{OFFICE}value-type")
    if kind in ("float", "percentage", "currency"):
        return str(cell.get(f"{OFFICE}value", ""))
    if kind == "date":
        return str(cell.get(f"{OFFICE}date-value", ""))
    if kind == "time":
        return str(cell.get(f"{OFFICE}time-value", ""))
    if kind == "boolean":
        return "TRUE" if cell.get(f"{OFFICE}boolean-value") == "true" else "FALSE"
    paragraphs = ["".join(p.itertext()) for p in cell.iter(f"{TEXT}p")]
    return "\n".join(paragraphs)
