"""The supplier's confirmation page: the link in a PO email opens it, its button confirms.

A GET only shows the page (mail scanners and link previews open links; they must change
nothing). The POST records the confirmation as a once-only mark (``confirmed:<PO>``), so a
second click, a double submit or two tabs change nothing more; the next poll sets the PO's
Orders lines to ``confirmed`` in the sheet. A forged, malformed or expired token gets a page
saying so and changes nothing.
"""

from __future__ import annotations

from sheets_bot.domain.confirm_links import ConfirmLinks
from sheets_bot.domain.tokens import TokenRejected
from sheets_bot.ports import Claims, Clock
from sheets_bot.services.live import confirmed_key
from sheets_bot.web.http_server import App, WebRequest, WebResponse
from sheets_bot.web.pages import escape, message_page, page

CONFIRM_PATH = "/confirm"

_REJECTED = {
    "expired": (
        410,
        "This link has expired",
        "Confirmation links work for 30 days. Please reply to the order email instead.",
    ),
}
_INVALID = (
    403,
    "This link is not valid",
    "The link is incomplete or was changed. Please open it from the order email again,"
    " or reply to the email instead.",
)


def confirm_app(links: ConfirmLinks, claims: Claims, clock: Clock) -> App:
    def app(request: WebRequest) -> WebResponse:
        if request.method not in ("GET", "POST"):
            return WebResponse(405, message_page("Not allowed", "Use the link in the email."))
        token = request.form().get("t", "") if request.method == "POST" else ""
        token = token or request.query.get("t", "")
        now = clock.now()
        try:
            po = links.po_of(token, now)
        except TokenRejected as rejected:
            status, title, text = _REJECTED.get(rejected.reason, _INVALID)
            return WebResponse(status, message_page(title, text))
        if request.method == "GET":
            confirmed_at = claims.claimed_at(confirmed_key(po))
            if confirmed_at is not None:
                return WebResponse(200, _done_page(po, already=True))
            return WebResponse(200, _ask_page(po, token))
        first = claims.claim(confirmed_key(po), now)
        return WebResponse(200, _done_page(po, already=not first))

    return app


def _ask_page(po: str, token: str) -> str:
    body = (
        f"<p>Please confirm that you have received purchase order <strong>{escape(po)}</strong>"
        " and will supply it.</p>"
        # No action: the form posts back to the address it came from, whatever prefix a proxy
        # put in front of it.
        '<form method="post">'
        f'<input type="hidden" name="t" value="{escape(token)}">'
        f'<button type="submit">Confirm {escape(po)}</button></form>'
        '<p class="muted">Questions about the order? Reply to the order email.</p>'
    )
    return page(f"Purchase order {po}", body)


def _done_page(po: str, *, already: bool) -> str:
    text = (
        f"Purchase order {po} was already confirmed. Thank you."
        if already
        else f"Thank you: purchase order {po} is confirmed."
    )
    return message_page("Confirmed", text)
