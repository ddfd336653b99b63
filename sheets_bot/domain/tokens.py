"""Signed, expiring link tokens: one-tap decisions in the digest, supplier confirmations.

A token is ``<payload>.<signature>``, both base64url without padding. The payload is a small
JSON object; the signature is HMAC-SHA256 over the payload text with the deployment's key.
The signature is checked (in constant time) before the payload is parsed, so nothing an
attacker wrote is read until it is known to be ours. Time is passed in: this module reads no
clock. Single use is the caller's business (a ledger of used nonces); binding to content is
done by putting ``content_digest(...)`` of what the link was issued for into ``content``, and
comparing it with the digest of what is there now.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sheets_bot.domain.errors import DomainError

RejectReason = Literal["malformed", "forged", "expired", "wrong purpose"]

MIN_KEY_BYTES = 32


class TokenRejected(DomainError):
    """The token is not one we issued for this purpose, or it is no longer valid."""

    def __init__(self, reason: RejectReason) -> None:
        super().__init__(reason)
        self.reason: RejectReason = reason


@dataclass(frozen=True)
class TokenClaims:
    purpose: str
    """What the link is for: ``decision``, ``confirm``. A token for one is refused by the other."""
    subject: str
    """The draft id or PO number the link acts on."""
    action: str
    """``approve``, ``skip``, ``confirm``."""
    content: str
    """``content_digest`` of what the link was issued for (lines, quantities, address)."""
    expires: int
    """Unix seconds after which the link is refused."""
    nonce: str
    """A unique id per issued link, for single use."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _check_key(key: bytes) -> None:
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"a link-signing key needs at least {MIN_KEY_BYTES} bytes")


def _signature(key: bytes, payload: str) -> str:
    return _b64(hmac.new(key, payload.encode("ascii"), hashlib.sha256).digest())


def content_digest(*parts: str) -> str:
    """A short stable digest of what a link is bound to; any change of any part changes it."""
    joined = "\x1f".join(parts).encode("utf-8")
    return hashlib.sha256(joined).hexdigest()[:32]


def sign_token(claims: TokenClaims, key: bytes) -> str:
    _check_key(key)
    body = {
        "p": claims.purpose,
        "s": claims.subject,
        "a": claims.action,
        "c": claims.content,
        "e": claims.expires,
        "n": claims.nonce,
    }
    payload = _b64(json.dumps(body, separators=(",", ":"), sort_keys=True).encode("utf-8"))
    return f"{payload}.{_signature(key, payload)}"


def verify_token(token: str, key: bytes, *, purpose: str, now: datetime) -> TokenClaims:
    """The claims of a token we signed for ``purpose`` that has not expired at ``now``.

    Raises ``TokenRejected`` with the reason otherwise. Expiry is checked after the signature,
    so an expired forged token reads as forged."""
    _check_key(key)
    if not token or len(token) > 2048 or token.count(".") != 1 or not token.isascii():
        raise TokenRejected("malformed")
    payload, signature = token.split(".")
    if not hmac.compare_digest(_signature(key, payload), signature):
        raise TokenRejected("forged")
    try:
        body = json.loads(_unb64(payload))
        claims = TokenClaims(
            purpose=str(body["p"]),
            subject=str(body["s"]),
            action=str(body["a"]),
            content=str(body["c"]),
            expires=int(body["e"]),
            nonce=str(body["n"]),
        )
    except (ValueError, KeyError, TypeError) as error:
        raise TokenRejected("malformed") from error
    if claims.purpose != purpose:
        raise TokenRejected("wrong purpose")
    if now.timestamp() >= claims.expires:
        raise TokenRejected("expired")
    return claims
