"""Audit entries: who did what to which item or PO, when, with before and after."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

BOT = "sheets-bot"
OWNER = "owner (sheet)"


@dataclass(frozen=True)
class AuditEntry:
    when: datetime
    who: str
    action: str
    subject: str
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None

    def before_text(self) -> str:
        return _snapshot(self.before)

    def after_text(self) -> str:
        return _snapshot(self.after)


def _snapshot(value: Mapping[str, Any] | None) -> str:
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
