"""The page behind a digest's Approve / Skip link.

GET shows what the link would do (the PO's lines, its total, where it goes) and one button;
it changes nothing, because mail scanners open links before the owner does. The button POSTs
the token back; only then is the decision recorded (``services.decision_links.use``), in the
Drafts tab, for the next poll to act on.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from decimal import Decimal
from typing import Final

from sheets_bot.domain.currencies import money_for_owner
from sheets_bot.domain.decision_links import DECISION_PATH
from sheets_bot.domain.drafts import rows_text
from sheets_bot.domain.sheet_numbers import NotANumber, parse_number
from sheets_bot.errors import BotError
from sheets_bot.services.decision_links import Ready, Recorded, Refused, forged, look, use
from sheets_bot.services.lanes import LinkPorts
from sheets_bot.web.http_server import App, WebRequest, WebResponse
from sheets_bot.web.pages import confirm_form, escape, message_page, page, table

OpenLinkPorts = Callable[[], AbstractContextManager[LinkPorts]]

_REFUSALS: dict[str, tuple[int, str, str]] = {
    "invalid": (
        403,
        "This link is not valid",
        "It was not issued by your sheets-bot, or it was cut short. Nothing was changed;"
        " decide in the Drafts tab instead.",
    ),
    "expired": (
        410,
        "This link has expired",
        "Digest links work for 72 hours. Nothing was changed; decide in the Drafts tab, or"
        " use the link in today's digest.",
    ),
    "used": (
        410,
        "This link was already used",
        "Each link works once. Nothing more was changed; the Drafts tab shows the decision.",
    ),
    "gone": (
        409,
        "This draft is no longer waiting",
        "It was decided, sent or removed since the digest went out. Nothing was changed.",
    ),
    "partly": (
        409,
        "Part of this draft was decided in the sheet",
        "Since the digest went out, some of its lines were decided in the Drafts tab, so this"
        " link no longer works. Nothing was changed; decide the rest in the Drafts tab.",
    ),
    "stale": (
        409,
        "This draft changed since the digest was sent",
        "Its lines, quantities, supplier or address are not what the link was issued for, so"
        " it no longer works. Nothing was changed; decide in the Drafts tab.",
    ),
}


def _refused(refusal: Refused) -> WebResponse:
    status, title, text = _REFUSALS[refusal.reason]
    if refusal.reason == "partly" and refusal.detail:
        text = f"{text} Now: {refusal.detail}."
    return WebResponse(status, message_page(title, text))


def _money(text: str) -> Decimal | None:
    try:
        return parse_number(text)
    except NotANumber:
        return None


NEXT_POLL_UNKNOWN: Final = (
    "when the bot next polls: on this computer only if cron runs sheets-bot poll, or"
    " sheets-bot serve was started with --poll-every"
)
"""When an approved PO goes out where nothing is known to poll (the default)."""


def next_poll_within(every: str) -> str:
    """The words for a deployment that polls on a timer: ``at the next poll, within 5 minutes``."""
    return f"at the next poll, within {every}"


def confirmation_page(ready: Ready, token: str, when_sent: str = NEXT_POLL_UNKNOWN) -> str:
    snapshot, claims = ready.snapshot, ready.claims
    currency = ready.settings.currency
    partly = not snapshot.undecided
    rows = []
    total: Decimal | None = Decimal(0)
    for line in snapshot.lines:
        decision = line.decision or claims.action
        quantity, cost = _money(line.order_qty), _money(line.unit_cost)
        line_total = quantity * cost if quantity is not None and cost is not None else None
        if decision == "approve":
            total = total + line_total if total is not None and line_total is not None else None
        cells = [
            line.item,
            line.sku,
            line.order_qty,
            money_for_owner(cost, currency),
            money_for_owner(line_total, currency),
        ]
        if partly:
            cells.append(f"{decision} (this link)" if not line.decision else f"{decision} (sheet)")
        rows.append(cells)
    send_to = ", ".join(sorted({line.send_to for line in snapshot.lines if line.send_to}))
    approve = claims.action == "approve"
    verb = "Approve" if approve else "Skip"
    title = (
        f"{verb} {rows_text(snapshot.waiting_rows)} of {snapshot.draft_id} for {snapshot.supplier}?"
        if partly
        else f"{verb} {snapshot.draft_id} for {snapshot.supplier}?"
    )
    what = (
        f"The PO is emailed to {send_to or 'the supplier'} {when_sent}"
        " (outside quiet hours; during them, when they end)."
        if approve or any(line.decision == "approve" for line in snapshot.lines)
        else "Nothing is ordered this round; the bot looks again at the next check."
    )
    body = (
        f'<p class="muted">{escape(ready.settings.business_name)}</p>'
        + table(
            [
                ("Item", False),
                ("SKU", False),
                ("Qty", True),
                ("Unit cost", True),
                ("Line total", True),
                *([("Decision", False)] if partly else []),
            ],
            rows,
        )
        + f"<p>Total: <strong>{escape(money_for_owner(total, currency))}</strong></p>"
        + "".join(
            f'<p class="warn">{escape(line.sku)}: {escape(line.status)}</p>'
            for line in snapshot.lines
            if line.status.upper().startswith("CHECK QTY")
        )
        + f"<p>{escape(what)}</p>"
        + confirm_form(
            DECISION_PATH,
            {"t": token},
            "Approve and send" if approve else "Skip this draft",
            secondary=not approve,
        )
        + '<p class="muted">Opening this page changed nothing. You can also decide in the'
        " Drafts tab.</p>"
    )
    return page(title, body)


def recorded_page(recorded: Recorded, when_sent: str = NEXT_POLL_UNKNOWN) -> str:
    snapshot = recorded.snapshot
    if recorded.claims.action == "approve":
        return message_page(
            f"Approved: {snapshot.draft_id}",
            f"{snapshot.draft_id} for {snapshot.supplier} is approved in the Drafts tab. The PO"
            f" goes out {when_sent}, and the Orders tab shows it once sent.",
        )
    return message_page(
        f"Skipped: {snapshot.draft_id}",
        f"{snapshot.draft_id} for {snapshot.supplier} is marked skip in the Drafts tab."
        " Nothing is ordered this round.",
    )


def decision_app(
    open_adapters: OpenLinkPorts,
    key: bytes,
    *,
    open_to_read: OpenLinkPorts | None = None,
    when_sent: str = NEXT_POLL_UNKNOWN,
) -> App:
    """``open_adapters`` for the POST (on AWS it holds the sheet's lease); ``open_to_read``,
    if given, for the GET, which only reads: a mail scanner's fetch never holds up a poll.
    ``when_sent`` says truthfully when an approved PO goes out (what polls, how often)."""

    def app(request: WebRequest) -> WebResponse:
        if request.method not in ("GET", "POST"):
            return WebResponse(
                405,
                message_page("Not allowed", "Use the link in the digest."),
                headers={"Allow": "GET, POST"},
            )
        token = (
            request.query.get("t", "") if request.method == "GET" else request.form().get("t", "")
        )
        junk = forged(token, key)
        if junk is not None:
            return _refused(junk)
        opener = open_to_read if request.method == "GET" and open_to_read else open_adapters
        try:
            with opener() as adapters:
                if request.method == "GET":
                    shown = look(adapters, key, token)
                    if isinstance(shown, Refused):
                        return _refused(shown)
                    return WebResponse(200, confirmation_page(shown, token, when_sent))
                done = use(adapters, key, token)
        except BotError as error:
            return WebResponse(
                503,
                message_page(
                    "The sheet is busy",
                    f"Nothing was changed: {str(error).splitlines()[0]}. Try again in a minute.",
                ),
            )
        if isinstance(done, Refused):
            return _refused(done)
        return WebResponse(200, recorded_page(done, when_sent))

    return app
