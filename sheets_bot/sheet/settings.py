"""The Settings tab (``Setting`` | ``Value``) read into ``ShopSettings``.

A value that cannot be read is a located problem and its default is used, so one typo in
Settings never stops the daily check.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sheets_bot.domain.addresses import validate_address
from sheets_bot.domain.currencies import parse_currency
from sheets_bot.domain.inbound import parse_allowlist
from sheets_bot.domain.models import SafetyMethod, ScoreWeights, ShopSettings, UseLearned
from sheets_bot.domain.number_ranges import SETTING_DAYS, SETTING_FACTOR, NumberRange
from sheets_bot.domain.problems import Problem
from sheets_bot.domain.quiet_hours import QuietHours
from sheets_bot.domain.sheet_numbers import NotANumber, parse_number
from sheets_bot.sheet.layout import normalise_header
from sheets_bot.sheet.table import Table


def _positive(limits: NumberRange) -> Callable[[str], float]:
    """A number above 0 and within ``limits``."""

    def parse(text: str) -> float:
        try:
            number = parse_number(text)
        except NotANumber as error:
            raise ValueError("is not a number") from error
        if number is None or number <= 0:
            raise ValueError("must be a number above 0")
        return float(limits.check(number))

    return parse


def _timezone(text: str) -> str:
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError("is not a timezone name like Europe/London") from error
    return text


def _text(text: str) -> str:
    return text


def _count_location(text: str) -> str:
    """A location's name; ``none`` (the default) or ``-`` is no choice."""
    return "" if text.strip().casefold() in ("none", "-") else text.strip()


def _prefix(text: str) -> str:
    if len(text) > 12 or any(not (char.isalnum() or char in "-_/") for char in text):
        raise ValueError("must be up to 12 letters, digits, - or _")
    return text


def _yes_no(text: str) -> bool:
    answer = text.strip().lower()
    if answer in ("yes", "y", "true", "on"):
        return True
    if answer in ("no", "n", "false", "off"):
        return False
    raise ValueError("must be yes or no")


def _quiet(text: str) -> QuietHours | None:
    return QuietHours.parse(text)


def _clock_time(text: str) -> time:
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})(?::00)?\s*", text)
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError("is not a time like 07:30")
    return time(int(match[1]), int(match[2]))


def _empty_digest(text: str) -> str:
    choice = text.strip().lower()
    if choice not in ("one-line", "none"):
        raise ValueError("must be one-line or none")
    return choice


def parse_links_url(text: str) -> str:
    url = text.strip().rstrip("/")
    if not re.fullmatch(r"https?://[A-Za-z0-9.\-]+(:\d{1,5})?(/[A-Za-z0-9._~/\-]*)?", url):
        raise ValueError("must be an address like https://links.example.com")
    return url


def _use_learned(text: str) -> UseLearned:
    try:
        return UseLearned(" ".join(text.lower().split()))
    except ValueError as error:
        raise ValueError("is not one of no, sales, lead time, both") from error


def _safety_method(text: str) -> SafetyMethod:
    choice = " ".join(text.lower().split())
    if choice == "service level":
        return SafetyMethod.FILL_RATE  # the method's name before fill-rate targets
    try:
        return SafetyMethod(choice)
    except ValueError as error:
        raise ValueError("is not one of fill rate, buffer") from error


def _fill_target(text: str) -> float:
    """``98%``, ``98`` or ``0.98``: a share of units served from the shelf, 50% to 99.9%."""
    cleaned = text.strip().removesuffix("%").strip()
    try:
        value = float(cleaned)
    except ValueError as error:
        raise ValueError("is not a percentage like 95%") from error
    if value > 1 or text.strip().endswith("%"):
        value /= 100
    if not 0.5 <= value <= 0.999:
        raise ValueError("must be between 50% and 99.9%")
    return value


def _short_deliveries(text: str) -> bool:
    choice = " ".join(text.lower().split())
    if choice not in ("backorder", "cancel"):
        raise ValueError("must be backorder or cancel")
    return choice == "backorder"


_WEIGHT_NAMES = {
    "price": "price",
    "reliability": "reliability",
    "lead time": "reliability",
    "lead-time reliability": "reliability",
    "quality": "quality",
    "moq": "moq",
    "moq flexibility": "moq",
}


def parse_score_weights(text: str) -> ScoreWeights:
    """``price 40, reliability 30, quality 20, MOQ 10`` (``%`` allowed; a part left out
    weighs 0). The weights need not add up to 100: each counts in proportion."""
    weights: dict[str, float] = {}
    for part in re.split(r"[,;]", text):
        match = re.fullmatch(r"\s*([a-zA-Z][a-zA-Z \-]*?)\s*:?\s*(\d+(?:\.\d+)?)\s*%?\s*", part)
        name = _WEIGHT_NAMES.get(" ".join(match[1].lower().split())) if match else None
        if match is None or name is None:
            raise ValueError(
                f"'{part.strip()}' is not a weight; type like 'price 40, reliability 30,"
                " quality 20, MOQ 10'"
            )
        weights[name] = float(match[2])
    if sum(weights.values()) <= 0:
        raise ValueError("gives every part a weight of 0")
    return ScoreWeights(
        price=weights.get("price", 0),
        reliability=weights.get("reliability", 0),
        quality=weights.get("quality", 0),
        moq=weights.get("moq", 0),
    )


_FIELDS: dict[str, tuple[str, Callable[[str], object]]] = {
    "business name": ("business_name", _text),
    "owner email": ("owner_email", validate_address),
    "from address": ("from_address", validate_address),
    "timezone": ("timezone", _timezone),
    "quiet hours": ("quiet_hours", _quiet),
    "watch days": ("watch_days", _positive(SETTING_DAYS)),
    "max cover days": ("max_cover_days", _positive(SETTING_DAYS)),
    "anomaly factor": ("anomaly_factor", _positive(SETTING_FACTOR)),
    "currency": ("currency", parse_currency),
    "po prefix": ("po_prefix", _prefix),
    "allowed senders": ("allowed_senders", parse_allowlist),
    "ai parsing": ("ai_parsing", _yes_no),
    "count location": ("count_location", _count_location),
    # the daily digest
    "digest time": ("digest_time", _clock_time),
    "empty digest": ("empty_digest", _empty_digest),
    "links url": ("links_url", parse_links_url),
    "receiving updates on hand": ("receiving_updates_on_hand", _yes_no),
    "ai summary": ("ai_summary", _yes_no),
    "use learned": ("use_learned", _use_learned),
    "safety method": ("safety_method", _safety_method),
    "fill target a": ("fill_target_a", _fill_target),
    "fill target b": ("fill_target_b", _fill_target),
    "fill target c": ("fill_target_c", _fill_target),
    # purchasing
    "delivery address": ("delivery_address", _text),
    "phone": ("phone", _text),
    "tax number": ("tax_number", _text),
    "payment terms": ("payment_terms", _text),
    "supplier score": ("supplier_score", parse_score_weights),
    "short deliveries": ("backorders", _short_deliveries),
}


_UNTIL_FIXED: dict[str, str] = {
    "owner_email": "no digest or summary is sent until it is an address like owner@example.com",
    "from_address": "no email is sent until it is an address like orders@example.com",
}
"""What follows a bad value that has no default to fall back on."""


def _meanwhile(field: str) -> str:
    """What the bot does while a setting's value is unusable, in words."""
    if field in _UNTIL_FIXED:
        return _UNTIL_FIXED[field]
    default = getattr(ShopSettings(), field)
    if default is None or default == "" or default == ():
        return "it is left unset until fixed"
    if isinstance(default, bool):
        shown = "yes" if default else "no"
    elif isinstance(default, time):
        shown = f"{default:%H:%M}"
    elif isinstance(default, float) and default == int(default):
        shown = str(int(default))
    else:
        shown = str(getattr(default, "value", default))
    return f"{shown} is used until it is fixed"


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
                    f"{str(error).removeprefix(repr(text) + ' ')}"
                    f" (setting '{row.text('Setting')}'); {_meanwhile(field)}",
                    value=text,
                    column_index=table.columns.get("Value"),
                )
            )
            continue
        updates[field] = value
    return replace(ShopSettings(), **updates), problems
