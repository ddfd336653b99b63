"""The daily check: every item through the rules, bot columns written, drafts made or refreshed.

Deterministic plain Python: no model. One read of the sheet, one batched write.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import partial

from sheets_bot.domain.audit import BOT, AuditAction
from sheets_bot.domain.demand import WINDOW_DAYS
from sheets_bot.domain.drafts import (
    DraftPlan,
    ExistingLine,
    fresh_status,
    line_key,
    normalise_decision,
    plan_drafts,
)
from sheets_bot.domain.evaluation import PlannedLine, Verdict, evaluate
from sheets_bot.domain.learning import ItemNumbers, choose_numbers, unsure_note
from sheets_bot.domain.models import ShopSettings
from sheets_bot.domain.problems import Problem, column_letter
from sheets_bot.domain.purchase_units import PurchaseUnit
from sheets_bot.domain.sheet_numbers import NotANumber, number_cell, parse_number
from sheets_bot.domain.supplier_drafts import shape_supplier_drafts
from sheets_bot.domain.trend import TREND_DAYS
from sheets_bot.ports import (
    Cell,
    RowsAppend,
    RowsDelete,
    SheetBatch,
    Sparkline,
    StockHistory,
    Written,
)
from sheets_bot.services.collector import collector_paused
from sheets_bot.services.guarded_writes import GuardedWriter
from sheets_bot.services.lanes import CheckPorts
from sheets_bot.services.learning import LearningNotes, learn, sheet_lead_time
from sheets_bot.services.on_order import on_order_by_sku, on_order_problems
from sheets_bot.services.purchasing import Purchasing, choose_suppliers
from sheets_bot.services.shop import Run, ShopView, read_shop
from sheets_bot.services.stock_history import RunHistory
from sheets_bot.sheet.layout import (
    AUDIT,
    DRAFTS,
    ORDERS,
    SETTINGS,
    STOCK,
    SUPPLIER_ITEMS,
    SUPPLIERS,
)
from sheets_bot.sheet.rows import read_stock
from sheets_bot.sheet.table import Table, cell_text

CHECK_TABS = (STOCK, SUPPLIERS, DRAFTS, ORDERS, SETTINGS, AUDIT)
PROBLEM_MOVE = "problem"
"""The Move of a row the bot could not judge: coloured, so the row is seen (Problem says why)."""


@dataclass(frozen=True, kw_only=True)
class ItemResult:
    """One Stock row as the check's summary shows it; the texts are as the sheet shows them,
    empty where the row has no such figure (an item with a Problem has no move)."""

    row: int
    sku: str
    item: str
    move: str = ""
    on_hand: str = ""
    reorder_point: str = ""
    days_left: str = ""
    order_qty: str = ""
    problem: str = ""


@dataclass
class CheckReport:
    items: list[ItemResult] = field(default_factory=list)
    drafts_created: dict[str, str] = field(default_factory=dict)
    lines_added: int = 0
    lines_refreshed: int = 0
    lines_removed: int = 0
    problems: list[str] = field(default_factory=list)
    sheet_problems: list[str] = field(default_factory=list)
    """The problems of ``problems`` in Settings and Suppliers (not Stock rows): what they
    affect, each says itself."""
    kept_owner_values: list[str] = field(default_factory=list)
    location: str = ""
    decision_column: str = ""
    """The Drafts column letter the owner picks decisions in, as the sheet has it."""
    learned: str = ""
    """What was learned from history and whether the check used it, in one line (or empty)."""
    history_problems: list[str] = field(default_factory=list)
    """The problems of ``problems`` with the history and the learned demand (an unreadable
    blob, a kept state learned again from the window, and why): in no tab, so the daily
    check's log line carries them. A restart of the learning is also audited, for the
    digest."""
    purchasing: list[str] = field(default_factory=list)
    """Lines whose supplier was chosen among several, or that top a draft up to its
    supplier's minimum order value: SKU and the first part of their ``Why``."""

    def count(self, move: str) -> int:
        return sum(1 for item in self.items if item.move == move)


LEARNED_COLUMNS = (
    "Learned sales",
    "Learned lead time",
    "Safety stock",
    "ABC",
    "Demand class",
    "Fill target",
    "Numbers used",
)


def _line_basis(purchasing: Purchasing, numbers: ItemNumbers) -> str:
    """An order line's lead words: the numbers used and the supplier chosen (phrased only for
    the items that get a line)."""
    return purchasing.basis(numbers.item.row, numbers.basis)


def learned_values(numbers: ItemNumbers, verdict: Verdict) -> dict[str, Cell]:
    """The bot's learned columns: the learned figures (blank until there is enough history for
    each), the safety stock the check used, the demand class and fill target, and which
    numbers were used (with ``unsure`` and why, where the bot is)."""
    forecast, lead = numbers.learning.forecast, numbers.learning.lead
    assessment = verdict.assessment
    used = numbers.used
    if numbers.unsure:
        used += f" ({unsure_note(numbers.unsure)})"
    return {
        "Learned sales": _number_cell(forecast.rate)
        if forecast is not None and forecast.enough
        else None,
        "Learned lead time": _number_cell(lead.days, 1) if lead and lead.learned else None,
        "Safety stock": _number_cell(assessment.safety_buffer, 1) if assessment else None,
        "ABC": numbers.learning.abc,
        "Demand class": forecast.kind.value
        if forecast is not None and forecast.kind is not None
        else None,
        "Fill target": f"{round(numbers.plan.target * 100, 1):g}%" if numbers.plan else None,
        "Numbers used": used,
    }


def learning_summary(numbers: list[ItemNumbers], settings: ShopSettings) -> str:
    """``Learned sales for 12 of 40 items, lead times for 3; used for 12, 2 unsure (…).``"""
    rates = sum(1 for n in numbers if n.learning.forecast and n.learning.forecast.enough)
    leads = sum(1 for n in numbers if n.learning.lead is not None and n.learning.lead.learned)
    if not rates and not leads:
        return ""
    used = sum(1 for n in numbers if "learned" in n.used)
    unsure = sum(1 for n in numbers if n.unsure)
    return (
        f"Learned sales for {rates} of {len(numbers)} items, lead times for {leads};"
        f" used for {used}{f', {unsure} unsure (see Numbers used)' if unsure else ''}"
        f" (Settings 'Use learned': {settings.use_learned.value},"
        f" 'Safety method': {settings.safety_method.value})."
    )


def _number_cell(value: float | None, digits: int = 2) -> Cell:
    return None if value is None else number_cell(value, digits)


def recent_closings(history: StockHistory, today: date) -> dict[str, list[float]]:
    """Closing on hand per SKU (casefolded) over the ``TREND_DAYS`` days before ``today``."""
    closings: dict[str, list[float]] = {}
    for day in history.days(today - timedelta(days=TREND_DAYS), today - timedelta(days=1)):
        closings.setdefault(day.sku.casefold(), []).append(day.closing)
    return closings


def past_orders_by_sku(history: Mapping[str, Sequence[int]]) -> dict[str, list[int]]:
    """The ledger's past order quantities by casefolded SKU, as on order and the learning
    key items: orders sent under ``ABC-1`` still count for a row retyped ``abc-1``. Lists of
    spellings that differ only in case are joined, each in its own order."""
    folded: dict[str, list[int]] = {}
    for sku, quantities in history.items():
        folded.setdefault(sku.casefold(), []).extend(quantities)
    return folded


def existing_draft_lines(drafts: Table) -> list[ExistingLine]:
    return [
        ExistingLine(
            row=row.number,
            draft=row.text("Draft"),
            supplier=row.text("Supplier"),
            sku=row.text("SKU"),
            decision=normalise_decision(row.text("Decision")),
            order_qty=row.text("Order qty"),
            suggested_qty=row.text("Suggested qty"),
            send_to=row.text("Send to"),
            note=row.text("Note"),
        )
        for row in drafts
        if row.text("Draft") and row.text("SKU")
    ]


def _trend(closings: list[float], on_hand: float) -> Sparkline | None:
    """The item's trend: its recent closings then today's on hand; none without a history."""
    if not closings:
        return None
    return Sparkline((*closings, on_hand))


def _line_status(line: PlannedLine) -> str:
    status = fresh_status(line.flag or "")
    return f"{status}; {line.hold}" if line.hold else status


def purchase_text(unit: PurchaseUnit | None, quantity: str) -> Cell:
    """``3 cases (36 bottles)`` for an Order qty, where the supplier sells in its own units."""
    if unit is None:
        return None
    try:
        number = parse_number(quantity)
    except NotANumber:
        return None
    return None if number is None else unit.describe(float(number))


def _line_values(line: PlannedLine) -> dict[str, Cell]:
    return {
        "Supplier": line.supplier,
        "SKU": line.sku,
        "Item": line.item,
        "Move": line.move.value,
        "On hand": _number_cell(line.on_hand),
        "On order": _number_cell(line.on_order),
        "Reorder point": _number_cell(line.reorder_point),
        "Suggested qty": line.quantity,
        "Purchase qty": purchase_text(line.unit, str(line.quantity)),
        "Unit cost": _number_cell(float(line.unit_cost)) if line.unit_cost is not None else None,
        "Status": _line_status(line),
        "Why": line.why,
    }


def _line_total(quantity: str, unit_cost: Cell) -> Cell:
    try:
        qty = parse_number(quantity)
        cost = parse_number(unit_cost)
    except NotANumber:
        return None
    if qty is None or cost is None:
        return None
    return _number_cell(float(qty * cost))


def _with_run_history(adapters: CheckPorts, view: ShopView, now: datetime) -> CheckPorts:
    """The Stock history read once for the run (the learning and the Trend column share it)."""
    today = now.astimezone(view.zone).date()
    window = today - timedelta(days=max(WINDOW_DAYS, TREND_DAYS))
    history = RunHistory(adapters.history, window, today - timedelta(days=1))
    return replace(adapters, history=history)


class _Check:
    """The daily check inside its unit of work: read, decide, build one batch, commit."""

    def __init__(self, run: Run[CheckPorts]) -> None:
        self.run = run
        self.report = CheckReport(location=self.run.adapters.sheet.location)
        self.numbers: dict[int, ItemNumbers] = {}

    @property
    def settings(self) -> ShopSettings:
        return self.run.view.settings

    def check(self) -> CheckReport:
        stock = self.run.view[STOCK]
        items, row_problems = read_stock(stock)
        purchasing = choose_suppliers(
            items,
            self.run.view.tables,
            self.run.view.suppliers,
            self.run.adapters.receipts,
            self.settings,
        )
        items = [purchasing.choices[item.row].item for item in items]
        on_order = on_order_by_sku(self.run.view[ORDERS])
        history = past_orders_by_sku(self.run.adapters.ledger.order_history())
        notes = LearningNotes()
        learned = learn(
            self.run.adapters,
            items,
            self.run.view.suppliers,
            self.run.now,
            self.run.view.zone,
            self.settings.fill_targets,
            notes,
        )
        history_problems = notes.problems
        for restart in notes.restarts:
            self.run.audit(
                BOT, AuditAction.LEARNING_RESTARTED, "learned demand", None, {"why": restart.value}
            )
        if notes.unread_history is not None:
            self.run.audit(
                BOT,
                AuditAction.HISTORY_UNREADABLE,
                "stock history",
                None,
                {"why": notes.unread_history},
            )
        if notes.save is not None:
            self.run.on_commit(partial(self.keep_learning, notes.save))
        self.numbers = {
            item.row: choose_numbers(
                item,
                learned[item.row],
                self.settings,
                sheet_lead_time(item, self.run.view.suppliers),
            )
            for item in items
        }
        today = self.run.now.astimezone(self.run.view.zone).date()
        verdicts = [
            evaluate(
                numbers.item,
                suppliers=self.run.view.suppliers,
                on_order=on_order.get(numbers.item.sku.casefold(), 0.0),
                settings=self.settings,
                history=history.get(numbers.item.sku.casefold(), []),
                basis=partial(_line_basis, purchasing, numbers),
                today=today,
                plan=numbers.plan,
                new_stock=numbers.new_stock,
            )
            for numbers in self.numbers.values()
        ]
        planned = shape_supplier_drafts(
            [
                purchasing.finish_line(verdict.item.row, verdict.line)
                for verdict in verdicts
                if verdict.line is not None
            ],
            verdicts,
            self.run.view.suppliers,
            self.settings,
            today,
        )
        self.report.learned = learning_summary(list(self.numbers.values()), self.settings)
        self.report.history_problems = history_problems
        stock_memory = self.write_stock(stock, verdicts, row_problems)
        self.report.purchasing = [
            f"{line.sku} ({line.supplier}): {first}"
            for line in planned
            if (first := line.why.split(". ", 1)[0]).startswith("top-up")
            or "supplier chosen:" in first
            or "supplier pinned:" in first
        ]
        plan = plan_drafts(
            planned,
            existing_draft_lines(self.run.view[DRAFTS]),
            self.run.adapters.memory.recall(DRAFTS),
            self.new_draft_id,
        )
        drafts_memory = self.write_drafts(plan)
        self.report.decision_column = column_letter(self.run.view[DRAFTS].column("Decision"))
        self.report.sheet_problems = [str(problem) for problem in self.run.view.problems]
        self.report.problems = (
            [str(problem) for problem in self.run.view.problems]
            + [str(problem) for problems in row_problems.values() for problem in problems]
            + [str(problem) for problem in purchasing.problems]
            + [verdict.problem for verdict in verdicts if verdict.problem]
            + history_problems
            + [str(problem) for problem in on_order_problems(self.run.view[ORDERS])]
        )
        self.run.commit({STOCK: stock_memory, DRAFTS: drafts_memory})
        return self.report

    def keep_learning(self, save: Callable[[], None]) -> None:
        """Save the learned demand once the sheet is written. A store that fails here is a
        problem, not a failed check: the sheet holds this check's numbers, and the next check
        folds the same days in again from what was kept before."""
        try:
            save()
        except Exception as error:  # any store's failure: the check itself is done
            problem = (
                f"the learned demand could not be saved ({type(error).__name__}: {error});"
                " the next check learns these days again"
            )
            self.report.history_problems.append(problem)
            self.report.problems.append(problem)

    def new_draft_id(self) -> str:
        return f"D-{self.run.adapters.ledger.next_number('draft'):04d}"

    def write_stock(
        self, stock: Table, verdicts: list[Verdict], row_problems: Mapping[int, list[Problem]]
    ) -> dict[tuple[str, str], str]:
        writer = GuardedWriter(stock, self.run.adapters.memory.recall(STOCK), self.run.batch)
        by_row = {verdict.item.row: verdict for verdict in verdicts}
        history = self.run.adapters.history
        closings: dict[str, list[float]] | None = None
        if stock.has("Trend"):
            try:
                closings = recent_closings(
                    history, self.run.now.astimezone(self.run.view.zone).date()
                )
            except ValueError:
                closings = None  # the learning has reported the unreadable history

        for row in stock:
            key = row.text("SKU") or f"#row{row.number}"
            verdict = by_row.get(row.number)
            if verdict is None:
                problem = "; ".join(str(p) for p in row_problems.get(row.number, []))
                values: dict[str, Written] = dict.fromkeys(
                    ("On order", "Reorder point", "Move", "Days left", *LEARNED_COLUMNS)
                )
                values["Problem"] = problem
                values["Move"] = PROBLEM_MOVE if problem else None
                self.report.items.append(
                    ItemResult(
                        row=row.number,
                        sku=row.text("SKU"),
                        item=row.text("Item"),
                        on_hand=row.text("On hand"),
                        problem=problem,
                    )
                )
            else:
                values = self.stock_values(verdict)
                if closings is not None:
                    values["Trend"] = _trend(
                        closings.get(verdict.item.sku.casefold(), []), verdict.item.on_hand
                    )
                previous = row.text("Move")
                if previous and previous != verdict.label:
                    self.run.audit(
                        BOT,
                        AuditAction.MOVE_CHANGED,
                        f"{verdict.item.sku} {verdict.item.name}",
                        {"move": previous},
                        {"move": verdict.label},
                    )
            writer.put_row(row, key, values)
        self.report.kept_owner_values.extend(writer.kept)
        return writer.memory

    def stock_values(self, verdict: Verdict) -> dict[str, Written]:
        assessment = verdict.assessment
        line = verdict.line
        reorder_point = _number_cell(assessment.reorder_point) if assessment else None
        days_left = _number_cell(assessment.days_left, 1) if assessment else None
        self.report.items.append(
            ItemResult(
                row=verdict.item.row,
                sku=verdict.item.sku,
                item=verdict.item.name,
                move=verdict.label,
                on_hand=cell_text(_number_cell(verdict.item.on_hand)),
                reorder_point=cell_text(reorder_point),
                days_left=cell_text(days_left),
                order_qty=str(line.quantity) if line else "",
                problem=verdict.problem or "",
            )
        )
        return {
            "On order": _number_cell(assessment.on_order) if assessment else None,
            "Reorder point": reorder_point,
            "Move": verdict.label or (PROBLEM_MOVE if verdict.problem else None),
            "Days left": days_left,
            "Problem": verdict.problem,
            **learned_values(self.numbers[verdict.item.row], verdict),
        }

    def write_drafts(self, plan: DraftPlan) -> dict[tuple[str, str], str]:
        """Refresh, add and remove draft lines, keeping each draft's lines as one block.

        New lines are appended grouped by draft. A line added to a draft already in the sheet
        would land below other drafts' rows, so that draft moves: its kept rows are appended
        again (as refreshed, with the owner's Order qty, Send to and Note) right above the new
        lines, and their old rows are deleted."""
        drafts = self.run.view[DRAFTS]
        memory = dict(self.run.adapters.memory.recall(DRAFTS))
        rows = {row.number: row for row in drafts}
        moving = {draft for draft, _ in plan.add if draft not in plan.new_drafts}
        updated: dict[int, dict[str, Cell]] = {}
        for refresh in plan.refresh:
            line, row = refresh.planned, rows[refresh.existing.row]
            values = _line_values(line)
            key = refresh.existing.key
            quantity = row.text("Order qty")
            if refresh.write_order_qty:
                values["Order qty"] = line.quantity
                quantity = str(line.quantity)
                memory[(key, "Order qty")] = quantity
            if refresh.write_send_to:
                values["Send to"] = line.send_to
                memory[(key, "Send to")] = line.send_to
            values["Line total"] = _line_total(quantity, values["Unit cost"])
            values["Purchase qty"] = purchase_text(line.unit, quantity)
            changed = {
                column: value
                for column, value in values.items()
                if drafts.has(column) and cell_text(value) != row.text(column)
            }
            updated[row.number] = changed
            if changed:
                self.report.lines_refreshed += 1
                if row.text("Suggested qty") != str(line.quantity):
                    self.run.audit(
                        BOT,
                        AuditAction.DRAFT_LINE_REFRESHED,
                        f"{refresh.existing.draft} {line.sku}",
                        {"suggested": row.text("Suggested qty")},
                        {"suggested": line.quantity},
                    )
        for existing in plan.no_longer_due:
            status = "NO LONGER DUE: kept because you changed it; approve or skip it"
            if rows[existing.row].text("Status") != status:
                updated[existing.row] = {"Status": status}
        removed = {existing.row for existing in plan.remove}
        moved_rows: dict[str, list[int]] = {}
        for row in drafts:
            if row.text("Draft") in moving and row.number not in removed:
                moved_rows.setdefault(row.text("Draft"), []).append(row.number)
        moved = {number for numbers in moved_rows.values() for number in numbers}
        for number, changed in updated.items():
            if number in moved:
                continue
            for column, value in changed.items():
                self.run.batch.writes.append(drafts.write(number, column, value))

        added: dict[str, list[PlannedLine]] = {}
        for draft, line in plan.add:
            added.setdefault(draft, []).append(line)
        new_rows = []
        for draft, lines in added.items():
            for number in moved_rows.get(draft, []):
                kept = {**rows[number].values, **updated.get(number, {})}
                new_rows.append(drafts.new_row(kept))
            for line in lines:
                values = _line_values(line)
                values.update(
                    {
                        "Draft": draft,
                        "Order qty": line.quantity,
                        "Send to": line.send_to,
                        "Line total": _line_total(str(line.quantity), values["Unit cost"]),
                    }
                )
                new_rows.append(drafts.new_row(values))
                memory[(line_key(draft, line.sku), "Order qty")] = str(line.quantity)
                memory[(line_key(draft, line.sku), "Send to")] = line.send_to
        if new_rows:
            self.run.batch.appends.append(RowsAppend(DRAFTS, new_rows))
        self.report.lines_added = len(plan.add)
        self.report.drafts_created = dict(plan.new_drafts)
        for draft, supplier in plan.new_drafts.items():
            lines_added = {line.sku: line.quantity for line in added[draft]}
            self.run.audit(
                BOT, AuditAction.DRAFT_CREATED, f"{draft} {supplier}", None, {"lines": lines_added}
            )
        for draft in (draft for draft in added if draft in moving):
            lines_added = {line.sku: line.quantity for line in added[draft]}
            self.run.audit(BOT, AuditAction.DRAFT_LINES_ADDED, draft, None, {"lines": lines_added})

        for existing in plan.remove:
            memory.pop((existing.key, "Order qty"), None)
            memory.pop((existing.key, "Send to"), None)
            self.run.audit(
                BOT,
                AuditAction.DRAFT_LINE_REMOVED,
                f"{existing.draft} {existing.sku}",
                {"order_qty": existing.order_qty},
                {"reason": "no longer due"},
            )
        if plan.remove or moved:
            self.run.batch.deletes.append(RowsDelete(DRAFTS, sorted(removed | moved)))
        self.report.lines_removed = len(plan.remove)
        return memory


@dataclass(frozen=True)
class CheckOutcome:
    """A check's report with what it read and wrote, so the digest that follows it reads
    nothing more (``sheets_bot.sheet.after``)."""

    report: CheckReport
    view: ShopView
    batch: SheetBatch
    now: datetime


def check(adapters: CheckPorts, *, also_read: tuple[str, ...] = ()) -> CheckOutcome:
    """The daily check; ``also_read`` names optional tabs to read in the same request (the
    digest's Proposed)."""
    now = adapters.clock.now()
    with collector_paused():
        view = read_shop(adapters.sheet, CHECK_TABS, optional=(*also_read, SUPPLIER_ITEMS))
        with Run(_with_run_history(adapters, view, now), view, now) as run:
            report = _Check(run).check()
    return CheckOutcome(report, view, run.batch, now)


def run_check(adapters: CheckPorts) -> CheckReport:
    return check(adapters).report
