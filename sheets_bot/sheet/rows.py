"""Sheet rows validated at the edge with pydantic, and turned into domain objects.

A bad cell becomes a ``Problem`` that names the tab, row, column and value; the row is left out
and every other row is still read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
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
    ORDER_VALUE,
    PACK_SIZE,
    UNIT_COST,
    NumberRange,
)
from sheets_bot.domain.ordering_days import EVERY_DAY, OrderingDays, parse_ordering_days
from sheets_bot.domain.problems import Problem
from sheets_bot.domain.sheet_numbers import NotANumber, parse_number
from sheets_bot.domain.supplier_items import SupplierItem, parse_price_breaks
from sheets_bot.ports import Cell
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
        # _required_number / _number, _non_negative and _within in one step: it runs for
        # every number cell of every row
        if value is None and not required:
            return None  # a blank cell: most optional columns of most rows
        try:
            number = parse_number(value)
        except NotANumber as error:
            raise ValueError("is not a number") from error
        if number is None:
            if required:
                raise ValueError("is blank, and a number is required here")
            return None
        if number < 0:
            raise ValueError("is negative")
        return limits.check(number)

    return validate


def _positive_whole(limits: NumberRange) -> Callable[[Any], int | None]:
    """A whole number of at least 1 within ``limits``, or blank."""

    def validate(value: Any) -> int | None:
        if value is None:
            return None
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
OrderValue = Annotated[Decimal | None, BeforeValidator(_amount(ORDER_VALUE, required=False))]


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


def _supplier_status(value: Any) -> str:
    text = cell_text(value).lower()
    if text not in ("", "active", "paused", "inactive"):
        raise ValueError("is not one of active, paused, inactive")
    return text


def _ordering_days(value: Any) -> OrderingDays:
    return parse_ordering_days(cell_text(value))


def _positive_number(value: Any) -> Decimal | None:
    number = _non_negative(_number(value))
    if number is not None and number == 0:
        raise ValueError("must be above 0")
    return _within(PACK_SIZE, number)


def _price_breaks(value: Any) -> Any:
    return parse_price_breaks(cell_text(value))


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
    unit: Text = ""


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
    "unit": "Unit",
}


class SupplierRow(_SheetRow):
    supplier: RequiredText
    email: Text = ""
    contact: Text = ""
    lead_time_days: LeadTime = None
    po_format: Annotated[PoFormat, BeforeValidator(_po_format)] = PoFormat.CSV
    active: Annotated[bool, BeforeValidator(_yes_no)] = True
    status: Annotated[str, BeforeValidator(_supplier_status)] = ""
    ordering_days: Annotated[OrderingDays, BeforeValidator(_ordering_days)] = EVERY_DAY
    min_order_value: OrderValue = None
    code: Text = ""


SUPPLIER_COLUMNS = {
    "supplier": "Supplier",
    "email": "Email",
    "contact": "Contact",
    "lead_time_days": "Lead time (days)",
    "po_format": "PO format",
    "active": "Active",
    "status": "Status",
    "ordering_days": "Order days",
    "min_order_value": "Min order value",
    "code": "Code",
}


class SupplierItemRow(_SheetRow):
    sku: RequiredText
    supplier: RequiredText
    code: Text = ""
    unit_name: Text = ""
    per: Annotated[Decimal | None, BeforeValidator(_positive_number)] = None
    price: UnitCost = None
    breaks: Annotated[Any, BeforeValidator(_price_breaks)] = ()
    moq: OrderLimit = None
    lead_time_days: LeadTime = None
    pinned: Annotated[bool, BeforeValidator(lambda v: _yes_no(v) if not is_blank(v) else False)] = (
        False
    )


SUPPLIER_ITEM_COLUMNS = {
    "sku": "SKU",
    "supplier": "Supplier",
    "code": "Supplier code",
    "unit_name": "Purchase unit",
    "per": "Units per purchase unit",
    "price": "Price",
    "breaks": "Price breaks",
    "moq": "MOQ",
    "lead_time_days": "Lead time (days)",
    "pinned": "Pin",
}

M = TypeVar("M", bound=_SheetRow)


def present_columns(table: Table, columns: Mapping[str, str]) -> list[tuple[str, str]]:
    """The (field, column) pairs of ``columns`` that ``table`` has, found once per tab."""
    return [(field, column) for field, column in columns.items() if table.has(column)]


def validate_row(
    model: type[M],
    table: Table,
    row: Row,
    columns: dict[str, str],
    present: Sequence[tuple[str, str]] | None = None,
) -> M | list[Problem]:
    """The row as ``model``, or every problem found in it (each located). ``present`` is
    ``present_columns(table, columns)``, given by a caller that reads many rows."""
    pairs = present if present is not None else present_columns(table, columns)
    values = row.values
    data = {field: values.get(column) for field, column in pairs}
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
    present = present_columns(table, SUPPLIER_COLUMNS)
    for row in table:
        parsed = validate_row(SupplierRow, table, row, SUPPLIER_COLUMNS, present)
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
        status = parsed.status or ("active" if parsed.active else "inactive")
        suppliers[key] = Supplier(
            name=parsed.supplier,
            email=email,
            contact=parsed.contact,
            lead_time_days=float(parsed.lead_time_days)
            if parsed.lead_time_days is not None
            else None,
            po_format=parsed.po_format,
            active=status == "active",
            row=row.number,
            email_problem=email_problem,
            ordering_days=parsed.ordering_days,
            min_order_value=parsed.min_order_value,
            paused=status == "paused",
            code=parsed.code,
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
    present = present_columns(table, STOCK_COLUMNS)
    for row in table:
        item = _plain_item(row.values, row.number)
        if item is None:
            parsed = validate_row(StockRow, table, row, STOCK_COLUMNS, present)
            if isinstance(parsed, list):
                problems[row.number] = parsed
                continue
            item = _item(parsed, row.number)
        same_sku = rows_by_sku.get(item.sku.casefold(), [])
        twins = [n for n in same_sku if n != row.number] if len(same_sku) > 1 else []
        if twins:
            problems[row.number] = [
                Problem(
                    table.name,
                    row.number,
                    "SKU",
                    "is a duplicate SKU (also on row "
                    + ", ".join(str(n) for n in twins)
                    + "); no order is drafted until it is unique",
                    value=item.sku,
                    column_index=table.columns.get("SKU"),
                )
            ]
            continue
        items.append(item)
    return items, problems


@dataclass(frozen=True)
class _PlainRange:
    """A ``NumberRange`` as plain int and float bounds, for cells that are already numbers."""

    low: int
    high: int
    low_float: float
    high_float: float

    @classmethod
    def of(cls, limits: NumberRange) -> _PlainRange:
        if limits.low_open or limits.low != int(limits.low) or limits.high != int(limits.high):
            raise ValueError(f"{limits} has no plain bounds")  # pragma: no cover - a bug
        return cls(int(limits.low), int(limits.high), float(limits.low), float(limits.high))

    def amount(self, value: Cell) -> float | None:
        """A blank, or an int or float in range, as the float ``_item`` makes of it.

        A float's Decimal (of its shortest text, as ``parse_number`` makes it) is on the same
        side of a whole-number bound as the float itself, so the float compares as its Decimal
        does; the top bound is left to the full validation (compared strictly)."""
        if value is None:
            return None
        if type(value) is int:
            if self.low <= value <= self.high:
                return float(value)
        elif type(value) is float and self.low_float <= value < self.high_float:
            return value
        raise ValueError("not plain")  # left to the full validation

    def whole(self, value: Cell) -> int | None:
        """A blank, or a whole int or float in range, as an int."""
        if value is None:
            return None
        if type(value) is int:
            if self.low <= value <= self.high:
                return value
        elif (
            type(value) is float
            and value.is_integer()
            and self.low_float <= value <= self.high_float
        ):
            return int(value)
        raise ValueError("not plain")  # left to the full validation


_ON_HAND = _PlainRange.of(COUNT)
_DAILY_SALES = _PlainRange.of(DAILY_SALES)
_LEAD_TIME = _PlainRange.of(LEAD_TIME_DAYS)
_UNIT_COST = _PlainRange.of(UNIT_COST)
_PACK_SIZE = _PlainRange.of(PACK_SIZE)
_ORDER_LIMIT = _PlainRange.of(ORDER_LIMIT)


def _plain_item(values: Mapping[str, Cell], number: int) -> Item | None:
    """The ``Item`` of a Stock row whose cells are all plainly valid (the required texts not
    blank, numbers as ints or floats in range, the rest blank or valid), exactly as
    ``_item(StockRow.model_validate(...))`` makes it; ``None`` for any other row, which goes
    through the full validation (and gets its located problems). Most rows of most shops are
    plain: this reads them without building a pydantic model and a Decimal per number."""
    name = cell_text(values.get(STOCK_COLUMNS["item"]))
    sku = cell_text(values.get(STOCK_COLUMNS["sku"]))
    supplier = cell_text(values.get(STOCK_COLUMNS["supplier"]))
    if not (name and sku and supplier):
        return None
    try:
        on_hand = _ON_HAND.amount(values.get(STOCK_COLUMNS["on_hand"]))
        daily_sales = _DAILY_SALES.amount(values.get(STOCK_COLUMNS["daily_sales"]))
        if on_hand is None or daily_sales is None:
            return None
        buffer = _ON_HAND.amount(values.get(STOCK_COLUMNS["safety_buffer"]))
        cost = _UNIT_COST.amount(values.get(STOCK_COLUMNS["unit_cost"]))
        status = values.get(STOCK_COLUMNS["status"])
        use_learned = values.get(STOCK_COLUMNS["use_learned"])
        return Item(
            sku=sku,
            name=name,
            supplier=supplier,
            on_hand=on_hand,
            daily_sales=daily_sales,
            lead_time_days=_LEAD_TIME.amount(values.get(STOCK_COLUMNS["lead_time_days"])),
            safety_buffer=buffer if buffer else 0.0,
            pack_size=_PACK_SIZE.whole(values.get(STOCK_COLUMNS["pack_size"])) or 1,
            unit_cost=None
            if cost is None
            else parse_number(values.get(STOCK_COLUMNS["unit_cost"])),
            min_order=_ORDER_LIMIT.whole(values.get(STOCK_COLUMNS["min_order"])),
            max_order=_ORDER_LIMIT.whole(values.get(STOCK_COLUMNS["max_order"])),
            status=ItemStatus.ACTIVE if status is None else _status(status),
            row=number,
            use_learned=None if use_learned is None else _use_learned(use_learned),
            unit=cell_text(values.get(STOCK_COLUMNS["unit"])),
        )
    except ValueError:  # a cell that is not plain (or not valid): the full validation says
        return None


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
        unit=row.unit,
    )


def read_supplier_items(
    table: Table, suppliers: dict[str, Supplier] | None = None
) -> tuple[list[SupplierItem], list[Problem]]:
    """The offers that can be read; a located problem for each bad cell (the row is left
    out), for a supplier not on the Suppliers tab (when ``suppliers`` is given) and for a
    SKU listed twice at one supplier (the first row is used)."""
    offers: list[SupplierItem] = []
    problems: list[Problem] = []
    seen: dict[tuple[str, str], int] = {}
    present = present_columns(table, SUPPLIER_ITEM_COLUMNS)
    for row in table:
        parsed = validate_row(SupplierItemRow, table, row, SUPPLIER_ITEM_COLUMNS, present)
        if isinstance(parsed, list):
            problems.extend(parsed)
            continue
        key = (parsed.sku.casefold(), supplier_key(parsed.supplier))
        if key in seen:
            problems.append(
                Problem(
                    table.name,
                    row.number,
                    "Supplier",
                    f"is listed twice for SKU {parsed.sku} (also row {seen[key]}); the first"
                    " row is used",
                    value=parsed.supplier,
                    column_index=table.columns.get("Supplier"),
                )
            )
            continue
        seen[key] = row.number
        if suppliers is not None and key[1] not in suppliers:
            problems.append(
                Problem(
                    table.name,
                    row.number,
                    "Supplier",
                    "is not on the Suppliers tab; this row is skipped",
                    value=parsed.supplier,
                    column_index=table.columns.get("Supplier"),
                )
            )
        offers.append(
            SupplierItem(
                sku=parsed.sku,
                supplier=parsed.supplier,
                row=row.number,
                code=parsed.code,
                unit_name=parsed.unit_name,
                per=parsed.per,
                price=parsed.price,
                breaks=tuple(parsed.breaks),
                moq=parsed.moq,
                lead_time_days=_optional_float(parsed.lead_time_days),
                pinned=parsed.pinned,
            )
        )
    return offers, problems


__all__ = [
    "StockRow",
    "SupplierRow",
    "is_blank",
    "present_columns",
    "read_stock",
    "read_supplier_items",
    "read_suppliers",
    "validate_row",
]
