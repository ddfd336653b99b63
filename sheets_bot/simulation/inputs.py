"""The two files ``sheets-bot simulate`` replays: an owner's sales export and their items.

``SALES.csv``: ``date,sku,units`` — one row per SKU per day with sales (rows of the same SKU
and day add up; a day without a row sold nothing). Dates as 2026-03-31.

``ITEMS.csv``: ``sku,lead_time_days,pack_size,unit_cost``, optionally ``moq`` and ``supplier``.

Headers are matched case- and space-insensitively. A row that cannot be read is a located
problem (file, row, column, value) and is left out; the rest still runs. Sales of a SKU that
is not in ITEMS.csv are reported once per SKU.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sheets_bot.errors import BotError

SALES_COLUMNS = ("date", "sku", "units")
ITEM_COLUMNS = ("sku", "lead_time_days", "pack_size", "unit_cost")
OPTIONAL_ITEM_COLUMNS = ("moq", "supplier")


@dataclass(frozen=True)
class SimItem:
    """One item to replay, with its daily demand over the whole history."""

    sku: str
    lead_time_days: float
    pack_size: int
    unit_cost: float
    demand: tuple[float, ...]
    """Units demanded on each day, the first day of the history first."""
    moq: int | None = None
    supplier: str = "Supplier"

    @property
    def arrival_days(self) -> int:
        """An order placed at the end of day t arrives at the start of t + max(lead, 1)."""
        return max(math.ceil(self.lead_time_days - 1e-9), 1)


@dataclass
class History:
    start: date
    items: list[SimItem]
    problems: list[str] = field(default_factory=list)

    @property
    def days(self) -> int:
        return len(self.items[0].demand) if self.items else 0


def _header_map(path: Path, header: list[str], wanted: tuple[str, ...]) -> dict[str, int]:
    found = {"_".join(h.strip().lower().split()): i for i, h in enumerate(header)}
    missing = [name for name in wanted if name not in found]
    if missing:
        raise BotError(
            f"{path.name}: no column {', '.join(repr(m) for m in missing)} in the header"
            f" ({', '.join(header)}); the file needs {', '.join(wanted)}"
        )
    return found


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            yield from enumerate(csv.reader(stream), start=1)
    except OSError as error:
        raise BotError(f"{path}: cannot be read ({error.strerror})") from None
    except UnicodeDecodeError:
        raise BotError(f"{path}: is not UTF-8 text") from None


def _cell(row: list[str], index: int) -> str:
    return row[index].strip() if index < len(row) else ""


def _number(text: str) -> float:
    value = float(text.replace(",", ""))
    if not math.isfinite(value):
        raise ValueError
    return value


class _Problems:
    def __init__(self, path: Path, sink: list[str]) -> None:
        self.path, self.sink = path, sink

    def add(self, row: int, column: str, value: str, what: str) -> None:
        self.sink.append(
            f"{self.path.name} row {row}, column '{column}': '{value}' {what}; the row is left out"
        )


@dataclass(frozen=True)
class _ItemRow:
    sku: str
    lead_time_days: float
    pack_size: int
    unit_cost: float
    moq: int | None
    supplier: str


def _read_items(path: Path, problems: list[str]) -> dict[str, _ItemRow]:
    rows = _rows(path)
    header = next(rows, None)
    if header is None:
        raise BotError(f"{path.name}: is empty")
    columns = _header_map(path, header[1], ITEM_COLUMNS)
    report = _Problems(path, problems)
    items: dict[str, _ItemRow] = {}
    for number, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        sku = _cell(row, columns["sku"])
        if not sku:
            report.add(number, "sku", "", "is blank")
            continue
        if sku.casefold() in items:
            report.add(number, "sku", sku, "is a second row for this SKU")
            continue
        values: dict[str, float] = {}
        bad = False
        for name, kind in (
            ("lead_time_days", "lead"),
            ("pack_size", "pack"),
            ("unit_cost", "cost"),
            ("moq", "moq"),
        ):  # a blank required number is "not a number"
            if name not in columns:
                continue
            text = _cell(row, columns[name])
            if not text and name == "moq":
                continue
            try:
                value = _number(text)
            except ValueError:
                report.add(number, name, text, "is not a number")
                bad = True
                break
            if value < 0 or (kind in ("pack", "moq") and (value != int(value) or value < 1)):
                need = "a whole number, 1 or more" if kind in ("pack", "moq") else "0 or more"
                report.add(number, name, text, f"must be {need}")
                bad = True
                break
            values[name] = value
        if bad:
            continue
        supplier = _cell(row, columns["supplier"]) if "supplier" in columns else ""
        moq = values.get("moq")
        items[sku.casefold()] = _ItemRow(
            sku,
            values["lead_time_days"],
            int(values["pack_size"]),
            values["unit_cost"],
            int(moq) if moq is not None else None,
            supplier or "Supplier",
        )
    return items


def _read_sales(path: Path, known: set[str], problems: list[str]) -> dict[str, dict[date, float]]:
    rows = _rows(path)
    header = next(rows, None)
    if header is None:
        raise BotError(f"{path.name}: is empty")
    columns = _header_map(path, header[1], SALES_COLUMNS)
    report = _Problems(path, problems)
    sales: dict[str, dict[date, float]] = {}
    unknown: dict[str, int] = {}
    for number, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        text_day, sku, text_units = (_cell(row, columns[name]) for name in SALES_COLUMNS)
        try:
            day = date.fromisoformat(text_day[:10])
        except ValueError:
            report.add(number, "date", text_day, "is not a date like 2026-03-31")
            continue
        try:
            units = _number(text_units)
        except ValueError:
            report.add(number, "units", text_units, "is not a number")
            continue
        if units < 0:
            report.add(number, "units", text_units, "is negative (returns are not demand)")
            continue
        if not sku:
            report.add(number, "sku", sku, "is blank")
            continue
        key = sku.casefold()
        if key not in known:
            unknown.setdefault(sku, number)
            continue
        per_day = sales.setdefault(key, {})
        per_day[day] = per_day.get(day, 0.0) + units
    for sku, number in unknown.items():
        problems.append(
            f"{path.name} row {number}, column 'sku': '{sku}' is not in the items file;"
            " its sales are left out"
        )
    return sales


def read_history(sales_path: Path, items_path: Path) -> History:
    """Both files as items with a daily demand from the first to the last date of sales."""
    problems: list[str] = []
    records = _read_items(items_path, problems)
    sales = _read_sales(sales_path, set(records), problems)
    days = [day for per_day in sales.values() for day in per_day]
    if not days:
        raise BotError(f"{sales_path.name}: no sales that can be replayed")
    start, end = min(days), max(days)
    span = (end - start).days + 1
    items = []
    for key, record in records.items():
        per_day = sales.get(key, {})
        demand = tuple(per_day.get(start + timedelta(days=offset), 0.0) for offset in range(span))
        items.append(
            SimItem(
                sku=record.sku,
                lead_time_days=record.lead_time_days,
                pack_size=record.pack_size,
                unit_cost=record.unit_cost,
                demand=demand,
                moq=record.moq,
                supplier=record.supplier,
            )
        )
    return History(start, items, problems)
