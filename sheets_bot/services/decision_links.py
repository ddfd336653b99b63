"""One-tap decisions: issue the digest's Approve/Skip links, and act on one when it is used.

Looking at a link (``look``, what a GET shows) reads and changes nothing but the sheet read.
Using it (``use``, the POST) checks, in this order: our signature and expiry, the nonce not
used yet, the draft still there and undecided, its content what the link was issued for;
then marks the nonce used (a conditional write: one caller wins), writes the Decision cells
of every line of the draft and audits it as the owner's word, in one batch. The next poll
acts on those cells exactly as on a dropdown decision: same ledger, same send path.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from sheets_bot.domain.audit import AuditAction
from sheets_bot.domain.decision_links import (
    DECISION_PURPOSE,
    LINK_ACTIONS,
    DraftSnapshot,
    SnapshotLine,
    decision_claims,
    link_url,
)
from sheets_bot.domain.digest import DecisionLinks
from sheets_bot.domain.drafts import normalise_decision, rows_text
from sheets_bot.domain.models import ShopSettings
from sheets_bot.domain.tokens import TokenClaims, TokenRejected, sign_token, verify_token
from sheets_bot.services.shop import Run, read_shop
from sheets_bot.sheet.layout import AUDIT, DRAFTS, SETTINGS
from sheets_bot.sheet.table import Table

if TYPE_CHECKING:
    from sheets_bot.services.lanes import LinkPorts

LINK_WHO = "owner (digest link)"
LINK_TABS = (DRAFTS, SETTINGS, AUDIT)
DEFAULT_LINKS_URL = "http://127.0.0.1:8080"

Refusal = Literal["invalid", "expired", "used", "gone", "partly", "stale"]


def links_notice(links_url: str, port: int) -> str:
    """What ``sheets-bot serve`` says about where the digest's links point, when it starts:
    a warning when they point to another port than the one it serves on."""
    if links_url:
        return f"The digest's Approve/Skip links point to {links_url} (Settings 'Links URL')."
    if DEFAULT_LINKS_URL.endswith(f":{port}"):
        return f"The digest's Approve/Skip links point here ({DEFAULT_LINKS_URL})."
    return (
        f"Warning: the digest's Approve/Skip links point to {DEFAULT_LINKS_URL}, not to port"
        f" {port}: set 'Links URL' in Settings to http://127.0.0.1:{port}, or serve with"
        f" --port {DEFAULT_LINKS_URL.rsplit(':', 1)[1]}."
    )


def draft_snapshots(drafts: Table) -> dict[str, DraftSnapshot]:
    """Every draft in the Drafts tab, by id, its lines in sheet order."""
    lines: dict[str, list[SnapshotLine]] = {}
    suppliers: dict[str, str] = {}
    for row in drafts:
        draft = row.text("Draft")
        if not draft or not row.text("SKU"):
            continue
        suppliers.setdefault(draft, row.text("Supplier"))
        lines.setdefault(draft, []).append(
            SnapshotLine(
                row=row.number,
                sku=row.text("SKU"),
                item=row.text("Item"),
                order_qty=row.text("Order qty"),
                unit_cost=row.text("Unit cost"),
                send_to=row.text("Send to"),
                decision=normalise_decision(row.text("Decision")),
                status=row.text("Status"),
            )
        )
    return {
        draft: DraftSnapshot(draft, suppliers[draft], tuple(rows)) for draft, rows in lines.items()
    }


def fresh_nonce() -> str:
    return secrets.token_urlsafe(16)


@dataclass(frozen=True)
class LinkSigner:
    """What issuing links needs: the deployment's key, where links point, fresh nonces.

    ``base_url`` given (``--links-url``, the deployment's Function URL) wins over Settings'
    ``Links URL``, which wins over ``DEFAULT_LINKS_URL`` (``sheets-bot serve``)."""

    key: bytes
    base_url: str = ""
    nonce: Callable[[], str] = fresh_nonce

    def links(
        self, snapshot: DraftSnapshot, now: datetime, settings: ShopSettings
    ) -> DecisionLinks:
        base = self.base_url or settings.links_url or DEFAULT_LINKS_URL

        def url(action: str) -> str:
            claims = decision_claims(snapshot, action, now=now, nonce=self.nonce())
            return link_url(base, sign_token(claims, self.key))

        return DecisionLinks(approve=url("approve"), skip=url("skip"))


@dataclass(frozen=True)
class Refused:
    reason: Refusal
    detail: str = ""


@dataclass(frozen=True)
class Ready:
    """A link that would work now: what the confirmation page shows."""

    claims: TokenClaims
    snapshot: DraftSnapshot
    settings: ShopSettings


@dataclass(frozen=True)
class Recorded:
    claims: TokenClaims
    snapshot: DraftSnapshot


def _claims(token: str, key: bytes, now: datetime) -> TokenClaims | Refused:
    try:
        claims = verify_token(token, key, purpose=DECISION_PURPOSE, now=now)
    except TokenRejected as rejected:
        return Refused("expired" if rejected.reason == "expired" else "invalid", rejected.reason)
    if claims.action not in LINK_ACTIONS:
        return Refused("invalid", f"a decision link is approve or skip, not {claims.action!r}")
    return claims


_NEVER_EXPIRED = datetime.fromtimestamp(0, UTC)


def forged(token: str, key: bytes) -> Refused | None:
    """The refusal for a token we did not sign for a decision (malformed, forged, another
    purpose), checked with the key alone, before anything is opened: junk tokens never wait
    for (or hold) the workbook's lock. ``None`` for one of ours, expired or not (``look`` and
    ``use`` check the rest)."""
    try:
        verify_token(token, key, purpose=DECISION_PURPOSE, now=_NEVER_EXPIRED)
    except TokenRejected as rejected:
        return Refused("invalid", rejected.reason)
    return None


def _current(claims: TokenClaims, drafts: Table) -> DraftSnapshot | Refused:
    snapshot = draft_snapshots(drafts).get(claims.subject)
    if snapshot is None:
        return Refused("gone", "the draft is no longer in the Drafts tab")
    if not snapshot.waiting_rows:
        return Refused("gone", "every line of the draft has a decision in the sheet already")
    if snapshot.content != claims.content:
        if not snapshot.undecided:
            return Refused(
                "partly",
                f"{snapshot.draft_id} is waiting for your decision on"
                f" {rows_text(snapshot.waiting_rows)}",
            )
        return Refused("stale", "the draft changed since the digest was sent")
    if not snapshot.linkable:
        return Refused("partly", f"{snapshot.draft_id} has a line marked edit in the sheet")
    return snapshot


def look(adapters: LinkPorts, key: bytes, token: str) -> Ready | Refused:
    """What the link would do now. Reads the sheet once; writes nothing anywhere."""
    now = adapters.clock.now()
    claims = _claims(token, key, now)
    if isinstance(claims, Refused):
        return claims
    if adapters.marks.nonce_used(claims.nonce):
        return Refused("used")
    view = read_shop(adapters.sheet, (DRAFTS, SETTINGS))
    snapshot = _current(claims, view[DRAFTS])
    if isinstance(snapshot, Refused):
        return snapshot
    return Ready(claims, snapshot, view.settings)


def use(adapters: LinkPorts, key: bytes, token: str) -> Recorded | Refused:
    """Record the link's decision in the sheet, once."""
    now = adapters.clock.now()
    claims = _claims(token, key, now)
    if isinstance(claims, Refused):
        return claims
    marks = adapters.marks
    if marks.nonce_used(claims.nonce):
        return Refused("used")
    view = read_shop(adapters.sheet, LINK_TABS)
    snapshot = _current(claims, view[DRAFTS])
    if isinstance(snapshot, Refused):
        return snapshot
    if not marks.use_nonce(claims.nonce, datetime.fromtimestamp(claims.expires, now.tzinfo), now):
        return Refused("used")
    drafts = view[DRAFTS]
    with Run(adapters, view, now) as run:
        for line in snapshot.waiting_lines:
            run.batch.writes.append(drafts.write(line.row, "Decision", claims.action))
        run.audit(
            LINK_WHO,
            AuditAction(claims.action),
            snapshot.draft_id,
            {"lines": {line.sku: line.order_qty for line in snapshot.waiting_lines}},
            {"decision": claims.action, "supplier": snapshot.supplier},
        )
        run.commit()
    return Recorded(claims, snapshot)
