"""The Settings tab (``Setting`` | ``Value``) read into ``ShopSettings``.

A value that cannot be read is a located problem and its default is used, so one typo in
Settings never stops the daily check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sheets_bot.domain.addresses import validate_address
from sheets_bot.domain.models import SafetyMethod, ShopSettings, UseLearned
from sheets_bot.domain.numbers import NotANumber, parse_number
from sheets_bot.domain.problems import Problem
from sheets_bot.domain.quiet_hours import QuietHours
from sheets_bot.sheet.layout import normalise_header
from sheets_bot.sheet.table import Table


def _positive(text: str) -> float:
    try:
        number = parse_number(text)
    except NotANumber as error:
        raise ValueError("is not a number") from error
    if number is None or number <= 0:
        raise ValueError("must be a number above 0")
    return float(number)


def _timezone(text: str) -> str:
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError("is not a timezone name like Europe/London") from error
    return text


def _text(text: str) -> str:
    return text


def _prefix(text: str) -> str:
    if len(text) > 12 or any(not (char.isalnum() or char in "-_/") for char in text):
        raise ValueError("must be up to 12 letters, digits, - or _")
    return text


def _quiet(text: str) -> QuietHours | None:
    return QuietHours.parse(text)


def _use_learned(text: str) -> UseLearned:
    try:
        return UseLearned(" ".join(text.lower().split()))
    except ValueError as error:
        raise ValueError("is not one of no, sales, lead time, both") from error


def _safety_method(text: str) -> SafetyMethod:
    try:
        return SafetyMethod(" ".join(text.lower().split()))
    except ValueError as error:
        raise ValueError("is not one of buffer, peak, service level") from error


_FIELDS: dict[str, tuple[str, Callable[[str], object]]] = {
    "business name": ("business_name", _text),
    "owner email": ("owner_email", validate_address),
    "from address": ("from_address", validate_address),
    "timezone": ("timezone", _timezone),
    "quiet hours": ("quiet_hours", _quiet),
    "watch days": ("watch_days", _positive),
    "max cover days": ("max_cover_days", _positive),
    "anomaly factor": ("anomaly_factor", _positive),
    "currency": ("currency", _text),
    "po prefix": ("po_prefix", _prefix),
    "use learned": ("use_learned", _use_learned),
    "safety method": ("safety_method", _safety_method),
}


def read_settings(table: Table) -> tuple[ShopSettings, list[Problem]]:
    updates: dict[str, Any] = {}
    problems: list[Problem] = []
    for row in table:
        key = normalise_header(row.text("Setting"))
        if key not in _FIELDS:
            continue
        field, parse = _FIELDS[key]
        text = row.text("Value")
        if not text:
            continue
        try:
            value = parse(text)
        except ValueError as error:
            problems.append(
                Problem(
                    table.name,
                    row.number,
                    "Value",
                    f"{str(error).removeprefix(repr(text) + ' ')} "
                    f"(setting '{row.text('Setting')}'; the default is used)",
                    value=text,
                    column_index=table.columns.get("Value"),
                )
            )
            continue
        updates[field] = value
    return replace(ShopSettings(), **updates), problems
