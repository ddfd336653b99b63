"""XLSX/XLSM read as data only (cached values; macros never run), after the zip check."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import openpyxl

from sheets_bot.intake.errors import IntakeError
from sheets_bot.intake.limits import (
    Limits,
    TooLarge,
    check_column_count,
    check_row_count,
    check_size,
)
from sheets_bot.intake.tables import RawSheet, cell_to_text, trim_row, typed_number
from sheets_bot.intake.zip_safety import check_zip


class UnreadableWorkbook(IntakeError):
    """openpyxl could not read the workbook."""


def read_xlsx(data: bytes, limits: Limits) -> list[RawSheet]:
    check_size(data, limits)
    check_zip(data, limits).close()
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_vba=False, keep_links=False
        )
    except Exception as error:  # untrusted bytes: any parser failure is a refused file
        raise UnreadableWorkbook(f"is not a readable Excel workbook ({error})") from error
    try:
        return [_read_sheet(sheet, limits) for sheet in workbook.worksheets]
    except TooLarge:
        raise
    except Exception as error:  # a broken sheet part surfaces only while rows are read
        raise UnreadableWorkbook(f"is not a readable Excel workbook ({error})") from error
    finally:
        workbook.close()


def _read_sheet(sheet: Any, limits: Limits) -> RawSheet:
    rows: list[list[str]] = []
    numbers: dict[tuple[int, int], Decimal] = {}
    blank_run = 0
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = trim_row([cell_to_text(value) for value in values])
        if not cells:
            blank_run += 1
            continue
        check_row_count(number, limits)
        check_column_count(len(cells), limits, number)
        rows.extend([] for _ in range(blank_run))
        blank_run = 0
        for column, value in enumerate(values[: len(cells)]):
            typed = typed_number(value)
            if typed is not None:
                numbers[(len(rows), column)] = typed
        rows.append(cells)
    return RawSheet(str(sheet.title), rows, numbers)
