"""``sheets-bot cost``: the bill as text or as one JSON object."""

from __future__ import annotations

import json
from dataclasses import replace

from sheets_bot.cost.model import Credentials, Usage, estimate, format_bill
from sheets_bot.errors import BotError


def cost_report(
    items: int,
    *,
    credentials: Credentials = "wif",
    as_json: bool = False,
    pos_webhooks_per_day: float | None = None,
    forwarded_per_month: float | None = None,
) -> str:
    if items < 1:
        raise BotError(f"--items {items}: a shop has at least one item")
    usage = Usage(items=items, credentials=credentials)
    if pos_webhooks_per_day is not None:
        if pos_webhooks_per_day < 0:
            raise BotError(f"--pos-webhooks-per-day {pos_webhooks_per_day:g}: not below zero")
        usage = replace(usage, pos_orders_per_item_day=pos_webhooks_per_day / items)
    if forwarded_per_month is not None:
        if forwarded_per_month < 0:
            raise BotError(f"--forwarded-per-month {forwarded_per_month:g}: not below zero")
        usage = replace(usage, forwarded_per_month=forwarded_per_month)
    bill = estimate(usage)
    if as_json:
        return json.dumps(bill.to_json(), sort_keys=True)
    return format_bill(bill)
