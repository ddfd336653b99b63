"""A forwarded sheet's numbers at the float limits: located problems, never proposed, never a
crash (issue 18's rule: any number outside its column's sane range is a located problem)."""

from __future__ import annotations

from decimal import Decimal

from sheets_bot.intake.columns import Field
from sheets_bot.intake.parse import parse_attachment
from tests.intake.samples import xlsx_bytes


def test_counts_out_of_range_are_problems_and_the_other_rows_parse() -> None:
    big = "1" + "0" * 400
    sheet = parse_attachment(
        "count.csv", f"SKU,Count\nA-1,4\nB-2,{big}\nC-3,2000000000\nD-4,7\n".encode()
    )

    assert [(row.sku, row.values[Field.ON_HAND]) for row in sheet.rows] == [
        ("A-1", Decimal(4)),
        ("D-4", Decimal(7)),
    ]
    assert [(p.row, p.message.split(":")[0]) for p in sheet.problems] == [
        (3, "is out of range"),
        (4, "is out of range"),
    ]


def test_float_limits_in_an_xlsx_are_problems() -> None:
    data = xlsx_bytes(
        [
            ["SKU", "Stock On Hand"],
            ["A-1", 1e308],
            ["B-2", 1.7976931348623157e308],
            ["C-3", 12],
        ]
    )
    sheet = parse_attachment("count.xlsx", data)

    assert [row.sku for row in sheet.rows] == ["C-3"]
    assert [p.row for p in sheet.problems] == [2, 3]
