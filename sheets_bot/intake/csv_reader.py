"""CSV in whatever delimiter and encoding a POS or a spreadsheet app produced."""

from __future__ import annotations

import codecs
import csv
import io

from sheets_bot.intake.errors import IntakeError
from sheets_bot.intake.limits import Limits, check_column_count, check_row_count, check_size
from sheets_bot.intake.tables import Rows, trim_row

DELIMITERS = ",;\t|"


class NotText(IntakeError):
    """The bytes are not text in any encoding we read."""


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else Latin-1."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise NotText("starts like UTF-16 text but is not valid UTF-16") from error
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    if "\x00" in text:
        raise NotText("contains NUL bytes: it is not a text (CSV) file")
    return text


def sniff_delimiter(text: str) -> str:
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    sample = "\n".join(lines)
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return _fallback_delimiter(lines)


def _fallback_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the most lines into the same number (>1) of fields."""
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        widths = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        if not widths or max(widths) < 2:
            continue
        common = max(set(widths), key=widths.count)
        score = (widths.count(common) if common > 1 else 0, common)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv(data: bytes, limits: Limits) -> Rows:
    check_size(data, limits)
    text = decode(data)
    delimiter = sniff_delimiter(text)
    rows: Rows = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, row in enumerate(reader, start=1):
            check_row_count(number, limits)
            cells = trim_row(row)
            check_column_count(len(cells), limits, number)
            rows.append(cells)
    except csv.Error as error:
        raise NotText(f"is not readable CSV ({error})") from error
    return rows
