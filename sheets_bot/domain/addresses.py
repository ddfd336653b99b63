"""Email addresses checked before any header is built from them (no header injection)."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from sheets_bot.domain.errors import InputError


class AddressProblem(InputError):
    """Not one usable email address."""


def validate_address(text: str) -> str:
    """The address in normal form, or ``AddressProblem`` saying what is wrong.

    One bare address only: no display name, no list, no line breaks. Deliverability (DNS) is
    not checked here: that would be I/O, and the mail system reports it when sending.
    """
    candidate = text.strip()
    if not candidate:
        raise AddressProblem("is blank; an email address is needed")
    if any(char in candidate for char in '\r\n,;<>"') or " " in candidate:
        raise AddressProblem("is not one plain email address")
    try:
        result = validate_email(candidate, check_deliverability=False)
    except EmailNotValidError as error:
        raise AddressProblem(f"is not a valid email address ({error})") from error
    return str(result.normalized)
