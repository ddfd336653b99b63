"""The monthly summary: last month's figures, in one email to the owner.

One read of the sheet (Stock, Suppliers, Orders, Settings, Audit), the receipts and the
stock history where the deployment keeps them, the figures (``domain/monthly.py``), a
narrative (the model's when ``AI summary`` is on and a narrator is wired, else the template),
the chart, one email, and one audit entry mirrored to the Audit tab in the run's one write.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Final, Literal
from zoneinfo import ZoneInfo

from sheets_bot.documents.monthly_email import compose_summary
from sheets_bot.documents.monthly_narrative import (
    MAX_TOKENS,
    NARRATIVE_INSTRUCTIONS,
    clean_narrative,
    summary_facts,
    template_narrative,
)
from sheets_bot.documents.stock_chart import stock_chart_png
from sheets_bot.domain.audit import BOT, AuditAction
from sheets_bot.domain.monthly import ItemInfo, Month, MonthlyFigures, OrderLine, monthly_figures
from sheets_bot.domain.number_ranges import COUNT, UNIT_COST
from sheets_bot.domain.problems import Problem
from sheets_bot.domain.sheet_numbers import NotANumber, parse_number
from sheets_bot.errors import NarrationFailed
from sheets_bot.ports import Narrator
from sheets_bot.services.lanes import MonthlyPorts
from sheets_bot.services.shop import Run, ShopView, read_shop
from sheets_bot.sheet.layout import AUDIT, ORDERS, SETTINGS, STOCK, SUPPLIERS
from sheets_bot.sheet.rows import read_stock
from sheets_bot.sheet.table import Table

SUMMARY_TABS = (STOCK, SUPPLIERS, ORDERS, SETTINGS, AUDIT)
SENT: Final = "monthly-summary"
"""Cell memory "tab" holding (month, "message id") for each summary sent: a scheduler that
delivers its event twice does not send the owner the same month twice."""
_MONTH_WORDS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}


@dataclass
class SummaryReport:
    month: Month
    figures: MonthlyFigures
    narrative: str
    narrative_by: Literal["ai", "template"]
    message_id: str
    chart: bool
    currency: str
    problems: list[str] = field(default_factory=list)
    already_sent: bool = False
    """Nothing was sent: the summary of this month had gone out before (``message_id``)."""


def read_date(value: object) -> date:
    """A date as the sheet shows it: ``2026-11-23`` (a time after it is ignored) or
    ``23 Nov 2026``; ``ValueError`` otherwise (day/month order is never guessed)."""
    text = " ".join(str(value).split())
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    parts = text.replace(",", " ").split()
    if len(parts) == 3 and parts[1][:3].lower() in _MONTH_WORDS:
        try:
            return date(int(parts[2]), _MONTH_WORDS[parts[1][:3].lower()], int(parts[0]))
        except ValueError:
            pass
    raise ValueError("is not a date like 2026-11-23")


def item_infos(stock: Table) -> list[ItemInfo]:
    items, _ = read_stock(stock)
    reorder: dict[int, float | None] = {}
    for row in stock:
        try:
            number = parse_number(row["Reorder point"]) if stock.has("Reorder point") else None
        except NotANumber:
            number = None
        reorder[row.number] = None if number is None else float(number)
    return [
        ItemInfo(
            sku=item.sku,
            name=item.name,
            supplier=item.supplier,
            daily_sales=item.daily_sales,
            reorder_point=reorder.get(item.row),
            lead_days=item.lead_time_days,
            unit_cost=item.unit_cost,
        )
        for item in items
    ]


def order_lines(orders: Table) -> tuple[list[OrderLine], list[Problem]]:
    """The Orders tab's lines; a line without a readable PO, quantity or ``Sent at`` is a
    located problem and left out, an unreadable ``Received on`` leaves it un-judged."""
    lines: list[OrderLine] = []
    problems: list[Problem] = []

    def problem(row: int, column: str, message: str, value: object) -> None:
        problems.append(
            Problem(ORDERS, row, column, message, value=value, column_index=orders.column(column))
        )

    for row in orders:
        po = row.text("PO")
        if not po:
            continue
        try:
            quantity = parse_number(row["Qty"])
        except NotANumber:
            problem(row.number, "Qty", "is not a number (left out of the summary)", row["Qty"])
            continue
        if quantity is None:
            continue
        if not COUNT.contains(quantity):
            message = f"is out of range: it must be {COUNT.describe()} (left out of the summary)"
            problem(row.number, "Qty", message, row["Qty"])
            continue
        try:
            cost = parse_number(row["Unit cost"])
        except NotANumber:
            problem(
                row.number, "Unit cost", "is not a number (counted as unpriced)", row["Unit cost"]
            )
            cost = None
        if cost is not None and not UNIT_COST.contains(cost):
            message = f"is out of range: it must be {UNIT_COST.describe()} (counted as unpriced)"
            problem(row.number, "Unit cost", message, row["Unit cost"])
            cost = None
        try:
            sent_on = read_date(row["Sent at"])
        except ValueError as error:
            problem(row.number, "Sent at", f"{error} (left out of the summary)", row["Sent at"])
            continue
        status = row.text("Status")
        received_on: date | None = None
        unknown = False
        if row.text("Received on"):
            try:
                received_on = read_date(row["Received on"])
            except ValueError as error:
                problem(row.number, "Received on", str(error), row["Received on"])
                unknown = True
        elif status.lower() == "received":
            unknown = True
        lines.append(
            OrderLine(
                po=po,
                supplier=row.text("Supplier"),
                sku=row.text("SKU"),
                quantity=float(quantity),
                unit_cost=None if cost is None else Decimal(cost),
                sent_on=sent_on,
                status=status or "sent",
                received_on=received_on,
                received_unknown=unknown,
            )
        )
    return lines, problems


def _received(adapters: MonthlyPorts, zone: ZoneInfo) -> Mapping[tuple[str, str], date]:
    return {
        (receipt.po, receipt.sku.casefold()): receipt.received_at.astimezone(zone).date()
        for receipt in adapters.receipts.receipts()
    }


def narrate(
    figures: MonthlyFigures, currency: str, narrator: Narrator | None
) -> tuple[str, Literal["ai", "template"]]:
    """The model's narrative when there is a narrator and it answers, else the template."""
    if narrator is not None:
        facts = "\n".join(summary_facts(figures, currency))
        try:
            text = clean_narrative(
                narrator.narrate(NARRATIVE_INSTRUCTIONS, facts, max_tokens=MAX_TOKENS)
            )
        except NarrationFailed:
            text = None
        if text:
            return text, "ai"
    return template_narrative(figures, currency), "template"


def _figures(
    adapters: MonthlyPorts, view: ShopView, month: Month, today: date
) -> tuple[MonthlyFigures, list[str]]:
    lines, problems = order_lines(view[ORDERS])
    # A month with no recorded day is no history either: say so rather than show zeros.
    history = adapters.history.days(month.start, month.end) or None
    figures = monthly_figures(
        month,
        lines,
        item_infos(view[STOCK]),
        supplier_lead_days={name: s.lead_time_days for name, s in view.suppliers.items()},
        received=_received(adapters, view.zone),
        history=history,
        today=today,
    )
    return figures, [str(problem) for problem in problems]


def run_summary(
    adapters: MonthlyPorts, month: Month | None = None, *, once: bool = False
) -> SummaryReport:
    """Compute and send the summary of ``month`` (default: the month before today in the
    shop's timezone) to the owner. With ``once`` (the schedule), a month whose summary was
    sent before is not sent again."""
    now = adapters.clock.now()
    view = read_shop(adapters.sheet, SUMMARY_TABS)
    settings = view.settings
    today = now.astimezone(view.zone).date()
    month = month or Month.before(today)
    figures, problems = _figures(adapters, view, month, today)
    sent_before = adapters.memory.recall(SENT)
    earlier = sent_before.get((str(month), "message id"))
    if once and earlier is not None:
        return SummaryReport(
            month=month,
            figures=figures,
            narrative="",
            narrative_by="template",
            message_id=earlier,
            chart=False,
            currency=settings.currency,
            already_sent=True,
        )
    narrator = adapters.narrator if settings.ai_summary else None
    narrative, narrative_by = narrate(figures, settings.currency, narrator)
    movers = figures.stock.movers if figures.stock is not None else ()
    chart = stock_chart_png(movers) if movers else None
    message = compose_summary(
        figures,
        settings,
        narrative,
        now=now,
        chart_png=chart,
        ai_written=narrative_by == "ai",
        where=adapters.sheet.location,
    )
    message_id = adapters.mailer.send(message)
    adapters.memory.remember(SENT, {**sent_before, (str(month), "message id"): message_id})
    with Run(adapters, view, now) as run:
        run.audit(
            BOT,
            AuditAction.MONTHLY_SUMMARY_SENT,
            str(month),
            None,
            {
                "pos_sent": figures.pos_sent,
                "late": len(figures.late),
                "narrative": narrative_by,
                "stock_history": figures.stock is not None,
            },
        )
        run.commit()
    return SummaryReport(
        month=month,
        figures=figures,
        narrative=narrative,
        narrative_by=narrative_by,
        message_id=message_id,
        chart=chart is not None,
        currency=settings.currency,
        problems=[str(problem) for problem in view.problems] + problems,
    )
