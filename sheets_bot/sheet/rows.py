"""Sheet rows validated at the edge with pydantic, and turned into domain objects.

A bad cell becomes a ``Problem`` that names the tab, row, column and value; the row is left out
and every other row is still read.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from sheets_bot.domain.addresses import AddressProblem, validate_address
from sheets_bot.domain.models import (
    Item,
    ItemStatus,
    PoFormat,
    Supplier,
    UseLearned,
    supplier_key,
)
from sheets_bot.domain.number_ranges import (
    COUNT,
    DAILY_SALES,
    LEAD_TIME_DAYS,
    ORDER_LIMIT,
    PACK_SIZE,
    UNIT_COST,
    NumberRange,
)
from sheets_bot.domain.problems import Problem
from sheets_bot.domain.sheet_numbers import NotANumber, parse_number
from sheets_bot.sheet.table import Row, Table, cell_text, is_blank


def _number(value: Any) -> Decimal | None:
    try:
        return parse_number(value)
    except NotANumber as error:
        raise ValueError("is not a number") from error


def _required_number(value: Any) -> Decimal:
    number = _number(value)
    if number is None:
        raise ValueError("is blank, and a number is required here")
    return number


def _non_negative(number: Decimal | None) -> Decimal | None:
    if number is not None and number < 0:
        raise ValueError("is negative")
    return number


def _whole(number: Decimal | None) -> Decimal | None:
    if number is not None and number != number.to_integral_value():
        raise ValueError("is not a whole number")
    return number


def _within(limits: NumberRange, number: Decimal | None) -> Decimal | None:
    """``number`` if blank or in range; else ``OutOfRange`` (a ValueError pydantic reports)."""
    return None if number is None else limits.check(number)


def _amount(limits: NumberRange, *, required: bool) -> Callable[[Any], Decimal | None]:
    """A non-negative number within ``limits`` (blank allowed unless ``required``)."""

    def validate(value: Any) -> Decimal | None:
        number = _required_number(value) if required else _number(value)
        return _within(limits, _non_negative(number))

    return validate


def _positive_whole(limits: NumberRange) -> Callable[[Any], int | None]:
    """A whole number of at least 1 within ``limits``, or blank."""

    def validate(value: Any) -> int | None:
        number = _whole(_non_negative(_number(value)))
        if number is None:
            return None
        if number == 0:
            raise ValueError("must be at least 1")
        checked = _within(limits, number)
        return None if checked is None else int(checked)

    return validate


def _text(value: Any) -> str:
    return cell_text(value)


def _required_text(value: Any) -> str:
    text = cell_text(value)
    if not text:
        raise ValueError("is blank, and this column is required")
    return text


Text = Annotated[str, BeforeValidator(_text)]
RequiredText = Annotated[str, BeforeValidator(_required_text)]

OnHand = Annotated[Decimal, BeforeValidator(_amount(COUNT, required=True))]
DailySales = Annotated[Decimal, BeforeValidator(_amount(DAILY_SALES, required=True))]
LeadTime = Annotated[Decimal | None, BeforeValidator(_amount(LEAD_TIME_DAYS, required=False))]
SafetyBuffer = Annotated[Decimal | None, BeforeValidator(_amount(COUNT, required=False))]
UnitCost = Annotated[Decimal | None, BeforeValidator(_amount(UNIT_COST, required=False))]
PackSize = Annotated[int | None, BeforeValidator(_positive_whole(PACK_SIZE))]
OrderLimit = Annotated[int | None, BeforeValidator(_positive_whole(ORDER_LIMIT))]


def _status(value: Any) -> ItemStatus:
    text = cell_text(value).lower()
    if not text:
        return ItemStatus.ACTIVE
    try:
        return ItemStatus(text)
    except ValueError as error:
        raise ValueError("is not one of active, discontinued, paused") from error


def _use_learned(value: Any) -> UseLearned | None:
    text = " ".join(cell_text(value).lower().split())
    if not text:
        return None
    try:
        return UseLearned(text)
    except ValueError as error:
        raise ValueError(
            "is not one of no, sales, lead time, both (or blank for Settings)"
        ) from error


def _po_format(value: Any) -> PoFormat:
    text = cell_text(value).lower()
    if not text:
        return PoFormat.CSV
    try:
        return PoFormat(text)
    except ValueError as error:
        raise ValueError("is not one of csv, pdf, both") from error


def _yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = cell_text(value).lower()
    if text in ("", "yes", "y", "true", "1", "active"):
        return True
    if text in ("no", "n", "false", "0", "inactive"):
        return False
    raise ValueError("is not yes or no")


class _SheetRow(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=False)


class StockRow(_SheetRow):
    item: RequiredText
    sku: RequiredText
    supplier: RequiredText
    on_hand: OnHand
    daily_sales: DailySales
    lead_time_days: LeadTime = None
    safety_buffer: SafetyBuffer = None
    pack_size: PackSize = None
    unit_cost: UnitCost = None
    min_order: OrderLimit = None
    max_order: OrderLimit = None
    status: Annotated[ItemStatus, BeforeValidator(_status)] = ItemStatus.ACTIVE
    use_learned: Annotated[UseLearned | None, BeforeValidator(_use_learned)] = None


STOCK_COLUMNS = {
    "item": "Item",
    "sku": "SKU",
    "supplier": "Supplier",
    "on_hand": "On hand",
    "daily_sales": "Daily sales",
    "lead_time_days": "Lead time (days)",
    "safety_buffer": "Safety buffer",
    "pack_size": "Pack size",
    "unit_cost": "Unit cost",
    "min_order": "Min order",
    "max_order": "Max order",
    "status": "Status",
    "use_learned": "Use learned",
}


class SupplierRow(_SheetRow):
    supplier: RequiredText
    email: Text = ""
    contact: Text = ""
    lead_time_days: LeadTime = None
    po_format: Annotated[PoFormat, BeforeValidator(_po_format)] = PoFormat.CSV
    active: Annotated[bool, BeforeValidator(_yes_no)] = True


SUPPLIER_COLUMNS = {
    "supplier": "Supplier",
    "email": "Email",
    "contact": "Contact",
    "lead_time_days": "Lead time (days)",
    "po_format": "PO format",
    "active": "Active",
}

M = TypeVar("M", bound=_SheetRow)


def validate_row(
    model: type[M], table: Table, row: Row, columns: dict[str, str]
) -> M | list[Problem]:
    """The row as ``model``, or every problem found in it (each located)."""
    data = {field: row[column] for field, column in columns.items() if table.has(column)}
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems = []
        for detail in error.errors():
            field = str(detail["loc"][0]) if detail["loc"] else ""
            column = columns.get(field, field)
            message = str(detail["msg"]).removeprefix("Value error, ")
            problems.append(
                Problem(
                    tab=table.name,
                    row=row.number,
                    column=column,
                    value=row[column],
                    message=message,
                    column_index=table.columns.get(column),
                )
            )
        return problems


def read_suppliers(table: Table) -> tuple[dict[str, Supplier], list[Problem]]:
    """Suppliers by normalised name; problems for rows that cannot be read."""
    suppliers: dict[str, Supplier] = {}
    problems: list[Problem] = []
    for row in table:
        parsed = validate_row(SupplierRow, table, row, SUPPLIER_COLUMNS)
        if isinstance(parsed, list):
            problems.extend(parsed)
            name = row.text("Supplier")
            if name and supplier_key(name) not in suppliers:
                suppliers[supplier_key(name)] = _unreadable(name, row.number, parsed)
            continue
        key = supplier_key(parsed.supplier)
        if key in suppliers:
            problems.append(
                Problem(
                    table.name,
                    row.number,
                    "Supplier",
                    f"is listed twice (also row {suppliers[key].row}); the first row is used",
                    value=parsed.supplier,
                    column_index=table.columns.get("Supplier"),
                )
            )
            continue
        email: str | None = None
        email_problem: str | None = None
        try:
            email = validate_address(parsed.email)
        except AddressProblem as error:
            email_problem = str(
                Problem(
                    table.name,
                    row.number,
                    "Email",
                    str(error),
                    value=parsed.email,
                    column_index=table.columns.get("Email"),
                )
            )
        suppliers[key] = Supplier(
            name=parsed.supplier,
            email=email,
            contact=parsed.contact,
            lead_time_days=float(parsed.lead_time_days)
            if parsed.lead_time_days is not None
            else None,
            po_format=parsed.po_format,
            active=parsed.active,
            row=row.number,
            email_problem=email_problem,
        )
    return suppliers, problems


def _unreadable(name: str, row: int, problems: list[Problem]) -> Supplier:
    """A supplier row that could not be read: its items are told why, not "unknown supplier"."""
    return Supplier(
        name=name,
        email=None,
        contact="",
        lead_time_days=None,
        po_format=PoFormat.CSV,
        active=False,
        row=row,
        problem="; ".join(str(problem) for problem in problems),
    )


def _optional_float(number: Decimal | None) -> float | None:
    return float(number) if number is not None else None


def read_stock(table: Table) -> tuple[list[Item], dict[int, list[Problem]]]:
    """Items that can be read; problems by row number for those that cannot.

    A SKU on two rows is a problem on both: neither is drafted, since the bot cannot tell
    which count is right.
    """
    items: list[Item] = []
    problems: dict[int, list[Problem]] = {}
    rows_by_sku: dict[str, list[int]] = {}
    for row in table:
        sku = row.text("SKU").casefold()
        if sku:
            rows_by_sku.setdefault(sku, []).append(row.number)
    for row in table:
        parsed = validate_row(StockRow, table, row, STOCK_COLUMNS)
        if isinstance(parsed, list):
            problems[row.number] = parsed
            continue
        twins = [n for n in rows_by_sku.get(parsed.sku.casefold(), []) if n != row.number]
        if twins:
            problems[row.number] = [
                Problem(
                    table.name,
                    row.number,
                    "SKU",
                    "is a duplicate SKU (also on row "
                    + ", ".join(str(n) for n in twins)
                    + "); no order is drafted until it is unique",
                    value=parsed.sku,
                    column_index=table.columns.get("SKU"),
                )
            ]
            continue
        items.append(_item(parsed, row.number))
    return items, problems


def _item(row: StockRow, number: int) -> Item:
    return Item(
        sku=row.sku,
        name=row.item,
        supplier=row.supplier,
        on_hand=float(row.on_hand),
        daily_sales=float(row.daily_sales),
        lead_time_days=_optional_float(row.lead_time_days),
        safety_buffer=float(row.safety_buffer or 0),
        pack_size=row.pack_size or 1,
        unit_cost=row.unit_cost,
        min_order=row.min_order,
        max_order=row.max_order,
        status=row.status,
        row=number,
        use_learned=row.use_learned,
    )


__all__ = [
    "StockRow",
    "SupplierRow",
    "is_blank",
    "read_stock",
    "read_suppliers",
    "validate_row",
]
