"""The base of every refusal while reading a forwarded message or its files: the ingest
service turns each into a located "unreadable" line for the owner, never a crash."""

from __future__ import annotations

from sheets_bot.domain.errors import InputError


class IntakeError(InputError):
    """A message or file the bot cannot read; the message says why (and what to send)."""
