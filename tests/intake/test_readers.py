from __future__ import annotations

import codecs

import pytest

from sheets_bot.intake.csv_reader import decode, read_csv
from sheets_bot.intake.limits import Limits, TooLarge
from sheets_bot.intake.ods_reader import read_ods
from sheets_bot.intake.xlsx_reader import read_xlsx
from sheets_bot.intake.zip_safety import UnsafeZip, check_zip
from tests.intake.samples import ods_bytes, ods_cell, xlsx_bytes, zip_with

LIMITS = Limits()
TEXT = 'SKU{d}Item{d}Count\nA-1{d}Café crème{d}"1,234"\nB-2{d}Brot{d}12 ea\n'


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-8"),
        lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
        lambda text: text.encode("utf-16"),
        lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
        lambda text: text.encode("latin-1"),
    ],
    ids=["utf8", "utf8-bom", "utf16-le", "utf16-be", "latin1"],
)
def test_csv_any_delimiter_and_encoding(delimiter: str, encode: object) -> None:
    assert callable(encode)
    data = encode(TEXT.format(d=delimiter))
    rows = read_csv(data, LIMITS)
    assert rows == [
        ["SKU", "Item", "Count"],
        ["A-1", "Café crème", "1,234"],
        ["B-2", "Brot", "12 ea"],
    ]


def test_single_column_csv_falls_back() -> None:
    assert read_csv(b"SKU\nA\nB\n", LIMITS) == [["SKU"], ["A"], ["B"]]


def test_decode_refuses_binary() -> None:
    with pytest.raises(ValueError, match="NUL"):
        decode(b"abc\x00\x01def")


def test_csv_row_and_column_limits() -> None:
    with pytest.raises(TooLarge, match="rows"):
        read_csv(b"a,b\n" * 11, Limits(max_rows=10))
    with pytest.raises(TooLarge, match="columns"):
        read_csv(b",".join([b"x"] * 6) + b"\n", Limits(max_columns=5))
    with pytest.raises(TooLarge, match="bytes"):
        read_csv(b"x" * 101, Limits(max_attachment_bytes=100))


def test_xlsx_reads_values_as_text() -> None:
    data = xlsx_bytes([["Stock count 21 Nov"], [], ["SKU", "Qty"], ["A-1", 12], ["B-2", 2.5]])
    (sheet,) = read_xlsx(data, LIMITS)
    assert sheet.name == "Count"
    assert sheet.rows == [["Stock count 21 Nov"], [], ["SKU", "Qty"], ["A-1", "12"], ["B-2", "2.5"]]


def test_ods_with_repeated_columns_and_rows() -> None:
    data = ods_bytes(
        [
            ods_cell("SKU") + ods_cell("Count") + ods_cell(None, 1000),
            ods_cell("A-1") + ods_cell(7),
            ods_cell("B") + ods_cell(None) + ods_cell("x", 2),
            ods_cell(None, 1024),
        ]
    )
    (sheet,) = read_ods(data, LIMITS)
    assert sheet.name == "Sheet1"
    assert sheet.rows == [["SKU", "Count"], ["A-1", "7"], ["B", "", "x", "x"]]


def test_ods_repeated_cells_respect_column_limit() -> None:
    data = ods_bytes([ods_cell("SKU") + ods_cell("x", 500)])
    with pytest.raises(TooLarge, match="columns"):
        read_ods(data, Limits(max_columns=100))


def test_zip_bomb_refused() -> None:
    bomb = zip_with({"content.xml": b"\0" * (5 * 1024 * 1024)})
    with pytest.raises(UnsafeZip, match="zip bomb"):
        check_zip(bomb, LIMITS)
    with pytest.raises(TooLarge, match="unpacks to"):
        check_zip(bomb, Limits(max_zip_member_bytes=1024 * 1024))


def test_zip_limits() -> None:
    with pytest.raises(UnsafeZip, match="unsafe path"):
        check_zip(zip_with({"../evil.xml": b"x"}), LIMITS)
    with pytest.raises(UnsafeZip, match="unsafe path"):
        check_zip(zip_with({"/etc/passwd": b"x"}), LIMITS)
    with pytest.raises(TooLarge, match="members"):
        check_zip(zip_with({f"m{i}": b"x" for i in range(5)}), Limits(max_zip_members=4))
    with pytest.raises(TooLarge, match="in all"):
        check_zip(zip_with({"a": b"x" * 600, "b": b"y" * 600}), Limits(max_zip_total_bytes=1000))
    with pytest.raises(UnsafeZip, match="not a readable zip"):
        check_zip(b"PK\x03\x04garbage", LIMITS)
