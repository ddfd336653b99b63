"""One-tap decisions from the digest: what a link is bound to, and the claims it carries.

A link names a draft and an action (approve or skip) and carries ``content_digest`` of the
draft exactly as the digest showed it: supplier, and per line the SKU, order quantity, send-to
address and decision. Any edit of the draft after the digest went out changes the digest, so
the link no longer works (stale) and the owner decides in the sheet instead. Pure: the nonce
and the time are passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final
from urllib.parse import quote

from sheets_bot.domain.audit import AuditAction
from sheets_bot.domain.tokens import TokenClaims, content_digest

DECISION_PURPOSE: Final = "decision"
LINK_LIFETIME: Final = timedelta(hours=72)
LINK_ACTIONS: Final = (AuditAction.APPROVE, AuditAction.SKIP)
DECISION_PATH: Final = "/decision"
"""Where the decision app is mounted (``sheets-bot serve``) and what a link's path is."""


@dataclass(frozen=True)
class SnapshotLine:
    """One Drafts line as text, the way the sheet shows it."""

    row: int
    sku: str
    item: str
    order_qty: str
    unit_cost: str
    send_to: str
    decision: str
    status: str = ""
    """What the bot says about the line (``CHECK QTY: ...``): shown, not bound."""


@dataclass(frozen=True)
class DraftSnapshot:
    draft_id: str
    supplier: str
    lines: tuple[SnapshotLine, ...]

    @property
    def content(self) -> str:
        """The digest a link is bound to; the order of the rows in the sheet does not count."""
        parts = sorted(
            "\x1e".join((line.sku, line.order_qty, line.send_to.casefold(), line.decision))
            for line in self.lines
        )
        return content_digest(self.draft_id, self.supplier, *parts)

    @property
    def undecided(self) -> bool:
        """Every line still has a blank Decision: the draft waits for the owner."""
        return all(not line.decision for line in self.lines)

    @property
    def waiting_rows(self) -> tuple[int, ...]:
        """The rows with no decision yet: what a link decides."""
        return tuple(sorted(line.row for line in self.lines if not line.decision))

    @property
    def waiting_lines(self) -> tuple[SnapshotLine, ...]:
        return tuple(line for line in self.lines if not line.decision)

    @property
    def linkable(self) -> bool:
        """A link can finish this draft: some line waits, and every decided line is approve
        or skip (an ``edit`` or a typo holds the draft in the sheet whatever a link says)."""
        return bool(self.waiting_rows) and all(
            line.decision in LINK_ACTIONS for line in self.lines if line.decision
        )


def decision_claims(
    snapshot: DraftSnapshot, action: str, *, now: datetime, nonce: str
) -> TokenClaims:
    if action not in LINK_ACTIONS:
        raise ValueError(f"a decision link is approve or skip, not {action!r}")
    return TokenClaims(
        purpose=DECISION_PURPOSE,
        subject=snapshot.draft_id,
        action=action,
        content=snapshot.content,
        expires=int((now + LINK_LIFETIME).timestamp()),
        nonce=nonce,
    )


def link_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}{DECISION_PATH}?t={quote(token, safe='')}"
