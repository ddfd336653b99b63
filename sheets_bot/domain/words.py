"""Counts and durations in words, the same in every message: ``1 pack``, ``21 days ago``."""

from __future__ import annotations


def plural(count: int, one: str, many: str | None = None) -> str:
    """``1 pack``, ``2 packs``, ``1 delivery``/``3 deliveries`` (``many`` given)."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def hours_ago(hours: int) -> str:
    """``5 hours ago`` up to two days, then ``3 days ago`` (502 hours: ``21 days ago``)."""
    if hours < 48:
        return f"{plural(hours, 'hour')} ago"
    return f"{plural(round(hours / 24), 'day')} ago"
