"""Bad workbooks found by fuzzing the sample café (issue 18): each case is `init --sample`, cells
set with openpyxl (as the owner's spreadsheet program would save them), then `check`.

Whatever a number cell holds, the check runs for every other item, the bad cell is a located
Problem (tab, row, column, value) and its item gets no draft; the owner's cells come back from
the save exactly as they were; a damaged file is one "cannot open" line, never a traceback.
"""

from __future__ import annotations

import io
import math
import random
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from sheets_bot.cli import main
from sheets_bot.domain.problems import column_letter
from sheets_bot.ports import Cell
from sheets_bot.sheet.layout import load_layout
from sheets_bot.testing.sheet_helpers import WorkbookOwner, column_of

NOW = "2026-11-23T09:00:00Z"
FLOAT_MAX = 1.7976931348623157e308
OWNER_TABS = ("Stock", "Suppliers", "Settings")


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "shop" / "shop.xlsx"
    assert main(["init", "--workbook", str(path), "--sample", "--now", NOW]) == 0
    return path


def _set(path: Path, tab: str, cells: Mapping[tuple[int, str], Any]) -> None:
    """Set cells by (row, header) with openpyxl itself, load and save, as a fuzzer would."""
    book = load_workbook(path)
    sheet = book[tab]
    headers = {str(cell.value): cell.column for cell in sheet[1] if cell.value is not None}
    for (row, header), value in cells.items():
        sheet.cell(row, headers[header]).value = value
    book.save(path)


def _check(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["check", "--workbook", str(path), "--now", NOW])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _letter(path: Path, tab: str, header: str) -> str:
    """The column letter of ``header`` in this workbook (new sheets order Stock's columns for
    reading; the bot finds them by header)."""
    owner = WorkbookOwner(path)
    return column_letter(column_of(owner.grid(tab), header))


def _stock(path: Path) -> dict[int, dict[str, Cell]]:
    return dict(enumerate(WorkbookOwner(path).records("Stock"), start=2))


def _drafted_skus(path: Path) -> set[str]:
    return {str(row["SKU"]) for row in WorkbookOwner(path).records("Drafts") if row["SKU"]}


def _owner_cells(path: Path) -> dict[tuple[str, int, str], tuple[str, str]]:
    """Every owner cell of the owner's tabs: its type and exact value (``repr`` keeps every
    digit of a float and an int), read straight from the file."""
    layout = load_layout()
    book = load_workbook(path)
    cells: dict[tuple[str, int, str], tuple[str, str]] = {}
    for tab in OWNER_TABS:
        owned = {column.name for column in layout.tab(tab).columns if column.owner}
        sheet = book[tab]
        headers = {cell.column: str(cell.value) for cell in sheet[1] if cell.value in owned}
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if cell.column in headers:
                    value = cell.value
                    cells[(tab, int(cell.row or 0), headers[cell.column])] = (
                        type(value).__name__,
                        repr(value),
                    )
    return cells


def _assert_due_items_have_a_line_or_a_problem(path: Path) -> None:
    drafted = _drafted_skus(path)
    for number, row in _stock(path).items():
        if row["Move"] in ("urgent", "reorder"):
            assert row["SKU"] in drafted or row["Problem"], f"Stock row {number}: {row}"


def _problem_row(
    workbook: Path, capsys: pytest.CaptureFixture[str], row: int, header: str, value: object
) -> str:
    """Set one Stock cell, check, and return that row's Problem (the check must succeed)."""
    _set(workbook, "Stock", {(row, header): value})
    code, out, err = _check(workbook, capsys)
    assert code == 0, err
    assert "Checked 40 items" in out
    stock = _stock(workbook)
    assert stock[row]["SKU"] not in _drafted_skus(workbook)
    assert _drafted_skus(workbook), "the other items are still drafted"
    _assert_due_items_have_a_line_or_a_problem(workbook)
    return str(stock[row]["Problem"])


def test_daily_sales_of_1e308_is_a_located_problem_and_every_other_item_is_checked(
    workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Item 1: was `OverflowError: cannot convert float infinity to integer` in `plain`."""
    problem = _problem_row(workbook, capsys, 2, "Daily sales", 1e308)
    letter = _letter(workbook, "Stock", "Daily sales")
    assert problem.startswith(f"Stock row 2, column {letter} 'Daily sales': 1e+308 is out of range")


def test_on_hand_of_400_digits_is_a_located_problem(
    workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Item 1: a 400-digit integer (openpyxl reads it as an exact int)."""
    problem = _problem_row(workbook, capsys, 2, "On hand", 10**400)
    letter = _letter(workbook, "Stock", "On hand")
    assert problem.startswith(
        f"Stock row 2, column {letter} 'On hand': 100000… (a number of 401 digits) is out of range"
    )
    assert WorkbookOwner(workbook).get_cell("Stock", 2, "On hand") == 10**400


@pytest.mark.parametrize("value", [FLOAT_MAX, math.inf, -math.inf])
def test_on_hand_at_the_float_limit_is_a_located_problem(
    workbook: Path, capsys: pytest.CaptureFixture[str], value: float
) -> None:
    """Item 2: the value read as infinity; writing its Problem crashed in `cell_text`."""
    problem = _problem_row(workbook, capsys, 2, "On hand", value)
    assert problem.startswith(
        f"Stock row 2, column {_letter(workbook, 'Stock', 'On hand')} 'On hand': "
    )


@pytest.mark.parametrize("value", [FLOAT_MAX, math.inf, 0.30000000000000004, 5e-324])
def test_lead_time_at_the_float_limit_is_kept_by_the_save(
    workbook: Path, capsys: pytest.CaptureFixture[str], value: float
) -> None:
    """Item 3: the save wrote an owner cell back empty (openpyxl's 16-digit numbers)."""
    _set(workbook, "Stock", {(2, "Lead time (days)"): value})
    before = WorkbookOwner(workbook).get_cell("Stock", 2, "Lead time (days)")
    assert before == value
    owner_before = _owner_cells(workbook)
    code, _, err = _check(workbook, capsys)
    assert code == 0, err
    assert WorkbookOwner(workbook).get_cell("Stock", 2, "Lead time (days)") == value
    assert _owner_cells(workbook) == owner_before


def test_a_pack_of_10_to_the_11_on_an_out_of_stock_item_gets_a_problem(
    workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Item 4: `urgent`, no Problem, no draft line (the pack rounding gave 0 packs)."""
    stock = _stock(workbook)
    [row] = [n for n, r in stock.items() if r["On hand"] == 0 and r["Status"] == "active"]
    problem = _problem_row(workbook, capsys, row, "Pack size", 10**11)
    assert "'Pack size'" in problem and "out of range" in problem


def _rezip(path: Path, change: Mapping[str, bytes]) -> None:
    with zipfile.ZipFile(path) as original:
        members = {info.filename: original.read(info) for info in original.infolist()}
    members.update(change)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as rebuilt:
        for name, data in members.items():
            rebuilt.writestr(name, data)
    path.write_bytes(buffer.getvalue())


def _stock_member(path: Path) -> str:
    with zipfile.ZipFile(path) as book:
        names = [n for n in book.namelist() if n.startswith("xl/worksheets/sheet")]
        for name in sorted(names):
            if b"COF-ESP-1K" in book.read(name) or b"<f>" in book.read(name):
                return name
        # inline strings are the writer's default; the first sheet is Stock
        return sorted(names)[0]


def _assert_one_line_cannot_open(
    workbook: Path, capsys: pytest.CaptureFixture[str], *, may_open: bool = False
) -> None:
    code, _, err = _check(workbook, capsys)
    if may_open and code == 0:
        return
    assert code == 1
    assert err.count("\n") == 1, err
    assert err.startswith(f"sheets-bot: error: cannot open {workbook} as an .xlsx workbook")
    assert "Traceback" not in err


def test_a_stock_sheet_cut_in_half_is_one_line(
    workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Item 5: was a `ParseError` traceback."""
    member = _stock_member(workbook)
    with zipfile.ZipFile(workbook) as book:
        data = book.read(member)
    _rezip(workbook, {member: data[: len(data) // 2]})
    _assert_one_line_cannot_open(workbook, capsys)


def _corruptions(path: Path) -> Iterator[tuple[str, bytes]]:
    """Damaged copies of the workbook's bytes: flipped bytes (seeded), cut short, not a zip."""
    data = path.read_bytes()
    with zipfile.ZipFile(path) as book:
        info = book.getinfo(_stock_member(path))
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    rng = random.Random(18)  # noqa: S311 - a seeded fuzzer, not a secret
    for flips in (1, 3, 16):
        for _ in range(4):
            damaged = bytearray(data)
            for _ in range(flips):
                at = rng.randrange(start, start + info.compress_size)
                damaged[at] ^= 1 << rng.randrange(8)
            yield f"{flips} flipped bytes in the Stock sheet", bytes(damaged)
    yield "cut in half", data[: len(data) // 2]
    yield "empty", b""
    yield "not a zip", b"Item,SKU\nTea,T-1\n"


def test_damaged_workbooks_are_one_line_never_a_traceback(
    workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Item 5: flipped bytes gave `zlib.error` (or a CRC error); a flip that leaves the XML
    readable may open (and then checks normally)."""
    for what, damaged in list(_corruptions(workbook)):
        workbook.write_bytes(damaged)
        try:
            _assert_one_line_cannot_open(workbook, capsys, may_open="flipped" in what)
        except AssertionError as error:
            raise AssertionError(f"{what}: {error}") from error


def test_a_cell_of_more_digits_than_python_converts_is_one_line(
    workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """openpyxl reads a digits-only cell with ``int()``, which refuses 4,300+ digits."""
    member = _stock_member(workbook)
    with zipfile.ZipFile(workbook) as book:
        data = book.read(member)
    first_number = data.index(b"<v>") + 3
    end = data.index(b"</v>", first_number)
    _rezip(workbook, {member: data[:first_number] + b"9" * 5000 + data[end:]})
    _assert_one_line_cannot_open(workbook, capsys)


# --- the fuzz family: numbers at the float limits in every number column of Stock -----------

NUMBER_COLUMNS = (
    "On hand",
    "Daily sales",
    "Lead time (days)",
    "Safety buffer",
    "Pack size",
    "Unit cost",
    "Min order",
    "Max order",
)
AT_LEAST_ONE = {"Pack size", "Min order", "Max order"}
EDGE_VALUES: tuple[object, ...] = (
    1e308,
    FLOAT_MAX,
    -FLOAT_MAX,
    10**400,
    -(10**400),
    10**11,
    math.inf,
    "NaN",
    "inf",
    "Infinity",
    "1e400",
    "-0.0",
    -0.0,
)


def _expects_problem(column: str, value: object) -> bool:
    """Only a zero is a sane value here, and only where 0 is allowed."""
    zero = value in (-0.0, "-0.0")
    return not zero or column in AT_LEAST_ONE


def _clean_rows(workbook: Path, capsys: pytest.CaptureFixture[str]) -> list[int]:
    """Active rows with no Problem in the sample café, after a plain check."""
    code, _, err = _check(workbook, capsys)
    assert code == 0, err
    return [
        n for n, row in _stock(workbook).items() if not row["Problem"] and row["Status"] == "active"
    ]


CASES = [(column, value) for value in EDGE_VALUES for column in NUMBER_COLUMNS]
BATCH = 26


@pytest.mark.parametrize("batch", range(math.ceil(len(CASES) / BATCH)))
def test_fuzzed_number_cells_are_located_problems_and_owner_cells_survive(
    workbook: Path, capsys: pytest.CaptureFixture[str], batch: int
) -> None:
    """One check over many fuzzed rows at once (one bad cell per row): each row with a value
    outside its column's range gets a Problem naming that column and no draft; every due item
    gets a line or a Problem; every owner cell is the same after the check's save."""
    rows = _clean_rows(workbook, capsys)
    cases = CASES[batch * BATCH : (batch + 1) * BATCH]
    assert len(rows) >= len(cases)
    placed = dict(zip(rows, cases, strict=False))
    _set(workbook, "Stock", {(row, column): value for row, (column, value) in placed.items()})
    owner_before = _owner_cells(workbook)

    code, out, err = _check(workbook, capsys)
    assert code == 0, err
    assert "Checked 40 items" in out
    stock, drafted = _stock(workbook), _drafted_skus(workbook)
    for row, (column, value) in placed.items():
        problem = str(stock[row]["Problem"] or "")
        if _expects_problem(column, value):
            assert f"Stock row {row}, column " in problem, (column, value, problem)
            assert f"'{column}'" in problem, (column, value, problem)
            assert stock[row]["SKU"] not in drafted, (column, value)
        else:
            assert not problem, (column, value, problem)
    _assert_due_items_have_a_line_or_a_problem(workbook)
    assert _owner_cells(workbook) == owner_before

    # the other runs read the same cells: none fails, none changes an owner cell
    for command, now in (("poll", "2026-11-23T09:30:00Z"), ("summary", "2026-12-01T09:00:00Z")):
        code = main([command, "--workbook", str(workbook), "--now", now])
        assert code == 0, (command, capsys.readouterr().err)
    assert _owner_cells(workbook) == owner_before


# --- the other tabs' numbers ----------------------------------------------------------------


def _settings_row(workbook: Path, key: str) -> int:
    records = WorkbookOwner(workbook).records("Settings")
    return next(n for n, row in enumerate(records, start=2) if row["Setting"] == key)


@pytest.mark.parametrize("value", [1e308, FLOAT_MAX, 10**400, math.inf, 10**11])
@pytest.mark.parametrize("key", ["Watch days", "Max cover days", "Anomaly factor"])
def test_a_settings_number_out_of_range_is_a_problem_and_its_default_is_used(
    workbook: Path, capsys: pytest.CaptureFixture[str], key: str, value: object
) -> None:
    row = _settings_row(workbook, key)
    _set(workbook, "Settings", {(row, "Value"): value})

    code, out, err = _check(workbook, capsys)

    assert code == 0, err
    assert f"Settings row {row}, column B 'Value'" in out
    assert f"(setting '{key}'); " in out
    assert " is used until it is fixed" in out
    assert "Checked 40 items" in out
    _assert_due_items_have_a_line_or_a_problem(workbook)


@pytest.mark.parametrize("value", [1e308, 10**400, math.inf])
def test_a_supplier_lead_time_out_of_range_is_a_problem(
    workbook: Path, capsys: pytest.CaptureFixture[str], value: object
) -> None:
    _set(workbook, "Suppliers", {(2, "Lead time (days)"): value})

    code, out, err = _check(workbook, capsys)

    assert code == 0, err
    assert "Suppliers row 2, column D 'Lead time (days)'" in out
    assert "Checked 40 items" in out
    _assert_due_items_have_a_line_or_a_problem(workbook)


@pytest.mark.parametrize("value", [1e308, 10**400, math.inf, "NaN"])
def test_an_open_order_quantity_out_of_range_is_a_problem_not_stock_on_order(
    workbook: Path, capsys: pytest.CaptureFixture[str], value: object
) -> None:
    _set(
        workbook,
        "Orders",
        {
            (2, "PO"): "PO-0001",
            (2, "Supplier"): "Bean Brothers Roasters",
            (2, "SKU"): "COF-ESP-1K",
            (2, "Qty"): value,
            (2, "Status"): "sent",
        },
    )

    code, out, err = _check(workbook, capsys)

    assert code == 0, err
    assert "Orders row 2, column E 'Qty'" in out
    assert "not counted as on order" in out
    espresso = next(r for r in _stock(workbook).values() if r["SKU"] == "COF-ESP-1K")
    assert espresso["Move"] == "urgent"
    assert "COF-ESP-1K" in _drafted_skus(workbook)


@pytest.mark.parametrize("value", [1e308, 10**400, 10**11])
def test_an_approved_order_qty_out_of_range_is_a_problem_and_nothing_is_sent(
    workbook: Path, capsys: pytest.CaptureFixture[str], value: object
) -> None:
    code, _, err = _check(workbook, capsys)
    assert code == 0, err
    owner = WorkbookOwner(workbook)
    rows = [n for n, r in enumerate(owner.records("Drafts"), start=2) if r["Draft"] == "D-0001"]
    _set(workbook, "Drafts", {(rows[0], "Order qty"): value})
    for row in rows:
        owner.set_cell("Drafts", row, "Decision", "approve")

    code = main(["poll", "--workbook", str(workbook), "--now", "2026-11-23T10:00:00Z"])
    out = capsys.readouterr().out

    assert code == 0
    assert "is out of range" in out
    assert "Sent PO-" not in out
    assert WorkbookOwner(workbook).records("Orders") == []


@pytest.mark.parametrize(
    ("quantity", "unit_cost", "column"),
    [
        (10**400, 3.5, "Qty"),
        (1e308, 3.5, "Qty"),
        (5, FLOAT_MAX, "Unit cost"),
        (5, 10**400, "Unit cost"),
    ],
)
def test_the_monthly_summary_reports_order_numbers_out_of_range(
    workbook: Path,
    capsys: pytest.CaptureFixture[str],
    quantity: object,
    unit_cost: object,
    column: str,
) -> None:
    """Was `decimal.InvalidOperation` formatting the month's spend."""
    _set(
        workbook,
        "Orders",
        {
            (2, "PO"): "PO-0001",
            (2, "Supplier"): "Bean Brothers Roasters",
            (2, "SKU"): "COF-ESP-1K",
            (2, "Qty"): quantity,
            (2, "Unit cost"): unit_cost,
            (2, "Sent at"): "2026-11-02 10:00",
            (2, "Status"): "received",
            (2, "Received qty"): 5,
            (2, "Received on"): "2026-11-05",
        },
    )

    code = main(["summary", "--workbook", str(workbook), "--now", "2026-12-01T09:00:00Z"])
    captured = capsys.readouterr()

    assert code == 0, captured.err
    assert "Orders row 2, column " in captured.out
    assert f"'{column}'" in captured.out and "is out of range" in captured.out
