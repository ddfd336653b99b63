"""``sheets-bot cost``: the bill as text or as one JSON object."""

from __future__ import annotations

import json

from sheets_bot.cost.model import Credentials, Usage, estimate, format_bill
from sheets_bot.errors import BotError


def cost_report(items: int, *, credentials: Credentials = "wif", as_json: bool = False) -> str:
    if items < 1:
        raise BotError(f"--items {items}: a shop has at least one item")
    bill = estimate(Usage(items=items, credentials=credentials))
    if as_json:
        return json.dumps(bill.to_json(), sort_keys=True)
    return format_bill(bill)
