"""Receiving against the Orders tab, as part of a poll.

The owner sets an Orders line's ``Status`` to ``received`` (with ``Received qty`` and
``Received on`` where they differ from the order and today). The poll then, once per line:
adds the quantity to Stock ``On hand`` (unless Settings says ``Receiving updates on hand: no``),
records a ``Receipt`` with the actual lead time, flags a short or over delivery, and notes what
it did in the line's ``Note``. A ``cancelled`` line is noted and audited; it stops counting as
on order because only ``sent`` and ``confirmed`` lines count.

"Once" is kept by a durable mark per PO and SKU (``Claims``), claimed before the sheet write:
two polls never both add a delivery, and a note the owner clears does not make it count again.
Each claim is given back if the poll's run does not commit (``Run.on_rollback``), so the next
poll tries again; a receipt's lead time is stored only once the run committed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from sheets_bot.domain.audit import OWNER, AuditAction
from sheets_bot.domain.history import Receipt
from sheets_bot.domain.number_ranges import COUNT
from sheets_bot.domain.sheet_numbers import NotANumber, parse_number
from sheets_bot.errors import BotError
from sheets_bot.ports import Cell, Claims, RowsAppend
from sheets_bot.services.lanes import PollPorts
from sheets_bot.services.on_hand import OnHandChanges, as_cell
from sheets_bot.services.shop import Run
from sheets_bot.sheet.layout import ORDERS
from sheets_bot.sheet.table import Row, Table, is_blank

RECEIVED = "received"
CANCELLED = "cancelled"
_SERIAL_EPOCH = date(1899, 12, 30)
"""Day 0 of spreadsheet date serial numbers."""


@dataclass
class ReceivingOutcome:
    received: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    attention: list[str] = field(default_factory=list)
    skus: set[str] = field(default_factory=set)
    """SKUs (case-folded) whose on-order quantity changed."""
    backordered: dict[str, float] = field(default_factory=dict)
    """Quantities kept on order as new backorder lines, by SKU (case-folded)."""


class LineProblem(BotError, ValueError):
    """A located reason an Orders line can not be processed yet."""


def received_key(po: str, sku: str, backorder: int = 0) -> str:
    suffix = f":backorder{backorder}" if backorder else ""
    return f"received:{po}:{sku}{suffix}"


_BACKORDER = re.compile(r"^backorder (\d+)\b", re.IGNORECASE)
BACKORDER = "backorder"


def backorder_number(note: str) -> int:
    """``backorder 2: ...`` -> 2; 0 for a line that is not a backorder."""
    match = _BACKORDER.match(note)
    return int(match[1]) if match else 0


def parse_sent_at(text: str, zone: ZoneInfo) -> datetime | None:
    """``Sent at`` as the poll writes it (``YYYY-MM-DD HH:MM``, shop time); None if unreadable."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


_NAMED_MONTH_FORMATS = ("%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%b %d %Y", "%B %d %Y")


def written_day(text: str, zone: ZoneInfo) -> date | None:
    """A date as a spreadsheet shows it in the owner's locale: ``30/11/2026``, ``11/30/2026``,
    ``30.11.2026``, ``30 Nov 2026``, ``Nov 30, 2026``. Google hands dates over formatted. A
    slashed date that reads both ways (``03/04/2026``) is month first in the Americas' zones
    and day first elsewhere."""
    for pattern in _NAMED_MONTH_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    parts = text.replace(".", "/").replace("-", "/").split("/")
    if len(parts) != 3 or not all(part.isdigit() for part in parts) or len(parts[2]) != 4:
        return None
    first, second, year = (int(part) for part in parts)
    month_first = str(zone).startswith("America/")
    if first > 12:
        month_first = False
    elif second > 12:
        month_first = True
    month, day = (first, second) if month_first else (second, first)
    try:
        return date(year, month, day)
    except ValueError:
        return None


def received_moment(value: Cell, where: str, zone: ZoneInfo, now: datetime) -> datetime:
    """When a delivery came: ``now`` for a blank cell or today's date, local noon for an earlier
    date, the time itself when one is given. Raises ``LineProblem``."""
    if is_blank(value):
        return now
    day: date | None = None
    moment: datetime | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        day = _SERIAL_EPOCH + timedelta(days=int(value))
    else:
        text = str(value).strip()
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            day = written_day(text, zone)
            if day is None:
                raise LineProblem(
                    f"{where}: {text!r} is not a date like 2026-12-01 (or 2026-12-01 14:30)"
                ) from None
        else:
            if len(text) <= 10:
                day = parsed.date()
            else:
                moment = parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
    if day is not None:
        if day == now.astimezone(zone).date():
            return now
        moment = datetime.combine(day, time(12, 0), tzinfo=zone)
    assert moment is not None  # noqa: S101 - one of the branches above set it
    if moment > now:
        raise LineProblem(f"{where}: {value!r} is in the future")
    return moment


def _quantity(row: Row, column: str, where: str) -> float | None:
    try:
        value = parse_number(row[column])
    except NotANumber:
        raise LineProblem(
            f"{where}, column '{column}': {row.text(column)!r} is not a number"
        ) from None
    if value is not None and value < 0:
        raise LineProblem(f"{where}, column '{column}': {row.text(column)!r} is negative")
    if value is not None and not COUNT.contains(value):
        raise LineProblem(
            f"{where}, column '{column}': {row.text(column)!r} is out of range:"
            f" it must be {COUNT.describe()}"
        )
    return None if value is None else float(value)


def _delivery_words(received: float, ordered: float) -> tuple[AuditAction, str]:
    """(action, flag): ``received`` with no flag, or ``received short`` / ``received over``."""
    if received < ordered:
        return AuditAction.RECEIVED_SHORT, f"SHORT by {as_cell(ordered - received)}"
    if received > ordered:
        return AuditAction.RECEIVED_OVER, f"OVER by {as_cell(received - ordered)}"
    return AuditAction.RECEIVED, ""


class _Receiving:
    def __init__(self, run: Run[PollPorts], on_hand: OnHandChanges, claims: Claims) -> None:
        self.run = run
        self.on_hand = on_hand
        self.claims = claims
        self.orders: Table = run.view[ORDERS]
        self.zone = run.view.zone
        self.outcome = ReceivingOutcome()
        self.new_rows: list[list[Cell]] = []
        self.backorders: dict[tuple[str, str], int] = {}
        for existing in self.orders:
            number = backorder_number(existing.text("Note"))
            if number:
                key = (existing.text("PO"), existing.text("SKU").casefold())
                self.backorders[key] = max(self.backorders.get(key, 0), number)

    def note(self, row: Row, text: str) -> None:
        if row.text("Note") != text:
            self.run.batch.writes.append(self.orders.write(row.number, "Note", text))

    def run_all(self) -> ReceivingOutcome:
        for row in self.orders:
            status = row.text("Status").casefold()
            note = row.text("Note").casefold()
            try:
                if status == RECEIVED and not note.startswith(RECEIVED):
                    self.receive(row)
                elif status == CANCELLED and not note.startswith(CANCELLED):
                    self.cancel(row)
            except LineProblem as problem:
                self.outcome.problems.append(f"{problem}; nothing was changed for this line")
        if self.new_rows:
            self.run.batch.appends.append(RowsAppend(ORDERS, self.new_rows))
        return self.outcome

    def receive(self, row: Row) -> None:
        po, sku = row.text("PO"), row.text("SKU")
        where = f"Orders row {row.number} ({po} {sku})"
        ordered = _quantity(row, "Qty", where)
        if ordered is None:
            raise LineProblem(f"{where}, column 'Qty' is blank")
        received = _quantity(row, "Received qty", where)
        received = ordered if received is None else received
        received_at = received_moment(
            row["Received on"], f"{where}, column 'Received on'", self.zone, self.run.now
        )
        sent_at = parse_sent_at(row.text("Sent at"), self.zone)
        if sent_at is not None and received_at < sent_at:
            raise LineProblem(f"{where}: 'Received on' is before 'Sent at' {row.text('Sent at')}")
        updates = self.run.view.settings.receiving_updates_on_hand
        item = self.on_hand.find(sku) if updates else None
        if updates and item is None:
            raise LineProblem(f"{where}: {self.on_hand.why_unknown(sku)}")
        if item is not None and item.on_hand is None:
            raise LineProblem(item.problem)

        backorder = backorder_number(row.text("Note"))
        key = received_key(po, sku, backorder)
        if not self.claims.claim(key, self.run.now):
            earlier = self.claims.claimed_at(key)
            when = f" on {earlier.astimezone(self.zone):%Y-%m-%d %H:%M}" if earlier else ""
            self.note(row, f"received earlier{when}; not added again")
            self.outcome.attention.append(
                f"{where} was already received{when} but its note was gone: it was not"
                " added to On hand again; check On hand if that looks wrong"
            )
            return
        self.run.on_rollback(partial(self.claims.release, key))
        self.outcome.skus.add(sku.casefold())

        action, flag = _delivery_words(received, ordered)
        local_day = f"{received_at.astimezone(self.zone):%Y-%m-%d}"
        parts = [f"received {as_cell(received)} of {as_cell(ordered)} on {local_day}"]
        if flag:
            parts.append(flag)
        before: dict[str, object] = {"on order": as_cell(ordered)}
        after: dict[str, object] = {"Status": RECEIVED, "Received qty": as_cell(received)}
        if item is not None and item.on_hand is not None:
            new_value = item.on_hand + received
            before["On hand"] = as_cell(item.on_hand)
            after["On hand"] = as_cell(new_value)
            parts.append(f"On hand {as_cell(item.on_hand)} -> {as_cell(new_value)}")
            self.on_hand.set(item, new_value)
        else:
            parts.append("On hand not changed (Settings: Receiving updates on hand = no)")
        if flag.startswith("SHORT"):
            parts.append(self.short(row, ordered - received, local_day, backorder))
        if backorder:
            # The lead time was learned from the first delivery of this line (its receipt);
            # a backorder's later arrival is the supplier's shortfall, already counted there.
            parts.append("a backorder: its delivery date does not count as a lead time")
        elif sent_at is not None:
            receipt = Receipt(
                po=po,
                supplier=row.text("Supplier"),
                sku=sku,
                ordered=ordered,
                received=received,
                sent_at=sent_at,
                received_at=received_at,
            )
            after["lead days"] = round(receipt.lead_days, 2)
            self.run.on_commit(partial(self.run.adapters.receipts.record, receipt))
        else:
            parts.append("lead time unknown ('Sent at' unreadable)")
        text = "; ".join(parts)
        self.note(row, text)
        self.run.audit(OWNER, action, f"{po} {sku}", before, after)
        self.outcome.received.append(f"{po} {sku}: {text}")
        if flag:
            self.outcome.attention.append(f"{po} {sku} ({row.text('Supplier')}): {text}")

    def short(self, row: Row, missing: float, day: str, backorder: int) -> str:
        """The missing quantity stays on order as a backorder line (a new Orders row, status
        sent), unless Settings says ``Short deliveries: cancel``."""
        if not self.run.view.settings.backorders:
            return "the rest is cancelled (Settings: Short deliveries = cancel)"
        number = (
            max(self.backorders.get((row.text("PO"), row.text("SKU").casefold()), 0), backorder) + 1
        )
        self.backorders[(row.text("PO"), row.text("SKU").casefold())] = number
        self.new_rows.append(
            self.orders.new_row(
                {
                    "PO": row["PO"],
                    "Supplier": row["Supplier"],
                    "SKU": row["SKU"],
                    "Item": row["Item"],
                    "Qty": as_cell(missing),
                    "Unit cost": row["Unit cost"],
                    "Sent at": row["Sent at"],
                    "Status": "sent",
                    "Note": f"{BACKORDER} {number}: {as_cell(missing)} still to come"
                    f" (Orders row {row.number} came short on {day}); set Status to"
                    " cancelled if it is not coming",
                }
            )
        )
        sku = row.text("SKU").casefold()
        self.outcome.skus.add(sku)
        self.outcome.backordered[sku] = self.outcome.backordered.get(sku, 0.0) + missing
        return f"{as_cell(missing)} kept on order as backorder {number} (a new line below)"

    def cancel(self, row: Row) -> None:
        po, sku = row.text("PO"), row.text("SKU")
        backorder = backorder_number(row.text("Note"))
        key = f"cancelled:{po}:{sku}" + (f":backorder{backorder}" if backorder else "")
        if not self.claims.claim(key, self.run.now):
            self.note(row, "cancelled; no longer on order")
            return
        self.run.on_rollback(partial(self.claims.release, key))
        self.outcome.skus.add(sku.casefold())
        self.note(row, "cancelled; no longer on order")
        self.run.audit(
            OWNER,
            AuditAction.PO_LINE_CANCELLED,
            f"{po} {sku}",
            {"on order": row["Qty"]},
            {"Status": CANCELLED, "on order": 0},
        )
        self.outcome.cancelled.append(f"{po} {sku}")


def apply_receiving(run: Run[PollPorts], on_hand: OnHandChanges) -> ReceivingOutcome:
    """Receive and cancel the Orders lines the owner marked, into ``run``'s batch."""
    claims = run.adapters.claims
    if claims is None or ORDERS not in run.view.tables:
        return ReceivingOutcome()
    orders = run.view[ORDERS]
    if not orders.has("Note"):
        marked = [r for r in orders if r.text("Status").casefold() in (RECEIVED, CANCELLED)]
        outcome = ReceivingOutcome()
        if marked:
            outcome.problems.append(
                f"tab '{ORDERS}' has no column 'Note', where the bot notes each line it"
                f" received: run `sheets-bot init` to add it; the {len(marked)} line(s) marked"
                " received or cancelled wait until then"
            )
        return outcome
    return _Receiving(run, on_hand, claims).run_all()
