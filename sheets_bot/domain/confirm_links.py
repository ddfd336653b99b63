"""The confirmation link a PO email carries: a URL with a signed token bound to the PO number.

The token (``sheets_bot.domain.tokens``, purpose ``confirm``) names the PO, expires after
``LINK_DAYS`` and is signed with the deployment's link key, so a link can neither be forged
for another PO nor used after it expires. Confirming twice is harmless (the caller keeps it
idempotent), so the token needs no single-use ledger.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import quote

from sheets_bot.domain.tokens import (
    TokenClaims,
    TokenRejected,
    content_digest,
    sign_token,
    verify_token,
)

PURPOSE = "confirm"
LINK_DAYS = 30


@dataclass(frozen=True)
class ConfirmLinks:
    base_url: str
    """Where the confirmation page is served, e.g. ``https://<function url>/confirm``."""
    key: bytes = field(repr=False)
    days: int = LINK_DAYS

    def token_for(self, po_number: str, now: datetime) -> str:
        claims = TokenClaims(
            purpose=PURPOSE,
            subject=po_number,
            action="confirm",
            content=content_digest(po_number),
            expires=int((now + timedelta(days=self.days)).timestamp()),
            nonce=content_digest(po_number, now.isoformat()),
        )
        return sign_token(claims, self.key)

    def url_for(self, po_number: str, now: datetime) -> str:
        return f"{self.base_url.rstrip('/')}?t={quote(self.token_for(po_number, now))}"

    def po_of(self, token: str, now: datetime) -> str:
        """The PO number a valid token names; ``TokenRejected`` (with the reason) otherwise."""
        claims = verify_token(token, self.key, purpose=PURPOSE, now=now)
        if claims.content != content_digest(claims.subject):
            raise TokenRejected("forged")
        return claims.subject
