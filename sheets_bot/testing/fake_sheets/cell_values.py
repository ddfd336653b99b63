"""What a cell holds, how input becomes it, and how it is rendered back.

* ``RAW`` stores JSON values as they are: the string ``"=SUM(1,2)"`` stays text, ``"123"``
  stays text, numbers stay numbers.
* ``USER_ENTERED`` parses strings as if typed into the UI: ``=`` starts a formula, a leading
  ``'`` forces text, ``TRUE``/``FALSE`` are booleans, ``1,234`` / ``12.5`` / ``-3`` / ``1e3`` /
  ``12%`` / ``$5`` are numbers (with the number format Sheets would pick), and ISO dates
  (``2024-01-15``, ``2024-01-15 10:30[:00]``) and US dates (``1/15/2024``) become serial
  numbers with a date format.
* ``null`` leaves a cell as it is; ``""`` clears its value (formats and validation stay).

Rendering: ``FORMATTED_VALUE`` gives strings (``1234`` -> ``"1234"``, ``True`` -> ``"TRUE"``),
``UNFORMATTED_VALUE`` gives JSON numbers and booleans, ``FORMULA`` gives the formula text of
formula cells and unformatted values otherwise; dates follow ``dateTimeRenderOption``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from . import formulas, number_formats

Scalar = str | float | bool

_NUMBER: Final = re.compile(
    r"^(?P<sign>[-+])?(?P<cur>\$)?"
    r"(?P<digits>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?(?P<frac>\.[0-9]*)?"
    r"(?P<exp>[eE][-+]?[0-9]+)?(?P<pct>%)?$"
)
_ISO_DATE: Final = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$"
)
_US_DATE: Final = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


class InvalidCellInput(ValueError):
    """A value that cannot go into a cell (a JSON object or list)."""


@dataclass(frozen=True)
class CellValue:
    """A non-empty cell value.

    ``effective`` is what the cell evaluates to (for formulas: see :mod:`.formulas`);
    ``number_format`` is the pattern Sheets picked from what was typed, if any.
    """

    effective: Scalar
    formula: str | None = None
    number_format: str | None = None


def from_raw(value: Any) -> CellValue | None:
    """A ``RAW`` input value; ``None`` means "clear" (``""``)."""
    _check_scalar(value)
    if isinstance(value, str):
        return CellValue(value) if value != "" else None
    if isinstance(value, bool):
        return CellValue(value)
    return CellValue(float(value))


def from_user_entered(value: Any) -> CellValue | None:
    """A ``USER_ENTERED`` input value; ``None`` means "clear"."""
    _check_scalar(value)
    if not isinstance(value, str):
        return from_raw(value)
    if value == "":
        return None
    if value.startswith("'"):
        return CellValue(value[1:]) if len(value) > 1 else None
    if value.startswith("=") and len(value) > 1:
        return CellValue(formulas.evaluate(value), formula=value)
    text = value.strip()
    if text.upper() in ("TRUE", "FALSE"):
        return CellValue(text.upper() == "TRUE")
    return _number(text) or _date(text) or CellValue(value)


def from_extended_value(extended: dict[str, Any]) -> CellValue | None:
    """An ``ExtendedValue`` (``userEnteredValue`` of ``updateCells``/``repeatCell``)."""
    if "formulaValue" in extended:
        formula = str(extended["formulaValue"])
        return CellValue(formulas.evaluate(formula), formula=formula)
    if "numberValue" in extended:
        return CellValue(float(extended["numberValue"]))
    if "boolValue" in extended:
        return CellValue(bool(extended["boolValue"]))
    if "stringValue" in extended:
        return from_raw(str(extended["stringValue"]))
    if "errorValue" in extended:
        return CellValue("#ERROR!")
    return None


def render(
    cell: CellValue,
    value_render: str = "FORMATTED_VALUE",
    date_time_render: str = "SERIAL_NUMBER",
    pattern: str | None = None,
) -> Any:
    """The JSON value ``values.get`` returns for ``cell``.

    ``pattern`` is a number format set on the cell with ``repeatCell``; it wins over the one
    Sheets picked from the input.
    """
    if value_render == "FORMULA" and cell.formula is not None:
        return cell.formula
    effective = cell.effective
    pattern = pattern or cell.number_format
    if value_render == "FORMATTED_VALUE":
        return formatted(cell, pattern)
    if isinstance(effective, float):
        if date_time_render == "FORMATTED_STRING" and number_formats.is_date_pattern(pattern):
            return number_formats.format_number(effective, pattern)
        return int(effective) if effective.is_integer() and abs(effective) < 2**53 else effective
    return effective


def formatted(cell: CellValue, pattern: str | None = None) -> str:
    """The ``FORMATTED_VALUE`` string of a cell."""
    effective = cell.effective
    if isinstance(effective, bool):
        return "TRUE" if effective else "FALSE"
    if isinstance(effective, float):
        return number_formats.format_number(effective, pattern or cell.number_format)
    return effective


def extended_value(cell: CellValue) -> dict[str, Any]:
    """The cell as the ``userEnteredValue`` of grid data."""
    if cell.formula is not None:
        return {"formulaValue": cell.formula}
    return effective_value(cell)


def effective_value(cell: CellValue) -> dict[str, Any]:
    """The cell as the ``effectiveValue`` of grid data."""
    value = cell.effective
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, float):
        return {"numberValue": int(value) if value.is_integer() else value}
    return {"stringValue": value}


def _check_scalar(value: Any) -> None:
    if isinstance(value, dict | list):
        kind = "struct_value" if isinstance(value, dict) else "list_value"
        raise InvalidCellInput(kind)


def _number(text: str) -> CellValue | None:
    match = _NUMBER.match(text)
    if match is None or not (match.group("digits") or (match.group("frac") or "")[1:]):
        return None
    digits = (match.group("digits") or "0").replace(",", "")
    number = float(digits + (match.group("frac") or "") + (match.group("exp") or ""))
    if match.group("sign") == "-":
        number = -number
    has_decimals = bool((match.group("frac") or "")[1:])
    if match.group("pct"):
        pattern = number_formats.PERCENT_DECIMALS if has_decimals else number_formats.PERCENT
        return CellValue(number / 100, number_format=pattern)
    if match.group("cur"):
        return CellValue(number, number_format=number_formats.CURRENCY)
    if match.group("exp"):
        return CellValue(number, number_format=number_formats.SCIENTIFIC)
    if "," in (match.group("digits") or ""):
        grouped = number_formats.GROUPED_DECIMALS if has_decimals else number_formats.GROUPED
        return CellValue(number, number_format=grouped)
    return CellValue(number)


def _date(text: str) -> CellValue | None:
    try:
        iso = _ISO_DATE.match(text)
        if iso is not None:
            year, month, day, hour, minute, second = iso.groups()
            moment = datetime(
                int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
            )
            pattern = number_formats.DATE_TIME if hour is not None else number_formats.DATE
            return CellValue(number_formats.to_serial(moment), number_format=pattern)
        us = _US_DATE.match(text)
        if us is not None:
            month, day, year = us.groups()
            moment = datetime(int(year), int(month), int(day))
            return CellValue(number_formats.to_serial(moment), number_format=number_formats.US_DATE)
    except ValueError:
        return None
    return None
