from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sheets_bot.domain.tokens import (
    TokenClaims,
    TokenRejected,
    content_digest,
    sign_token,
    verify_token,
)

KEY = b"k" * 32
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def claims(**overrides: object) -> TokenClaims:
    values: dict[str, object] = {
        "purpose": "decision",
        "subject": "D-0001",
        "action": "approve",
        "content": content_digest("D-0001", "COF-1 x 24"),
        "expires": int((NOW + timedelta(days=2)).timestamp()),
        "nonce": "n1",
    }
    values.update(overrides)
    return TokenClaims(**values)  # type: ignore[arg-type]


def test_a_signed_token_verifies_to_its_claims() -> None:
    token = sign_token(claims(), KEY)
    assert verify_token(token, KEY, purpose="decision", now=NOW) == claims()


def test_another_key_is_forged() -> None:
    token = sign_token(claims(), b"x" * 32)
    with pytest.raises(TokenRejected) as error:
        verify_token(token, KEY, purpose="decision", now=NOW)
    assert error.value.reason == "forged"


def test_a_changed_payload_is_forged() -> None:
    token = sign_token(claims(), KEY)
    other = sign_token(claims(action="skip"), KEY)
    tampered = other.split(".")[0] + "." + token.split(".")[1]
    with pytest.raises(TokenRejected) as error:
        verify_token(tampered, KEY, purpose="decision", now=NOW)
    assert error.value.reason == "forged"


def test_expired_at_the_expiry_second() -> None:
    token = sign_token(claims(expires=int(NOW.timestamp())), KEY)
    with pytest.raises(TokenRejected) as error:
        verify_token(token, KEY, purpose="decision", now=NOW)
    assert error.value.reason == "expired"
    assert verify_token(token, KEY, purpose="decision", now=NOW - timedelta(seconds=1))


def test_a_token_for_another_purpose_is_refused() -> None:
    token = sign_token(claims(purpose="confirm"), KEY)
    with pytest.raises(TokenRejected) as error:
        verify_token(token, KEY, purpose="decision", now=NOW)
    assert error.value.reason == "wrong purpose"


@pytest.mark.parametrize("token", ["", "abc", "a.b.c", "é.é", "x" * 3000])
def test_malformed_or_garbage(token: str) -> None:
    with pytest.raises(TokenRejected) as error:
        verify_token(token, KEY, purpose="decision", now=NOW)
    assert error.value.reason in {"malformed", "forged"}


def test_content_digest_changes_with_any_part() -> None:
    base = content_digest("D-1", "a", "b")
    assert base == content_digest("D-1", "a", "b")
    assert base != content_digest("D-1", "a", "c")
    assert base != content_digest("D-1", "ab", "")


def test_a_short_key_is_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        sign_token(claims(), b"short")
