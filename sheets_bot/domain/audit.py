"""Audit entries: who did what to which item or PO, when, with before and after."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, overload

BOT = "sheets-bot"
OWNER = "owner (sheet)"


class AuditAction(StrEnum):
    """What an audit entry records. A ``StrEnum``: the stored value is the same string the
    audit log, the Audit tab and older logs carry, so entries written before the enum existed
    read back unchanged (see ``action_of``)."""

    # the daily check
    MOVE_CHANGED = "move changed"
    DRAFT_CREATED = "draft created"
    DRAFT_LINES_ADDED = "draft lines added"
    DRAFT_LINE_REFRESHED = "draft line refreshed"
    DRAFT_LINE_REMOVED = "draft line removed"
    LEARNING_RESTARTED = "learning restarted"
    """Every item learned again from the window, and why (``learned_demand.Restart``): the
    digest after it tells the owner."""
    HISTORY_UNREADABLE = "stock history unreadable"
    """The check could not read the stock history, and why: it went on from what was learned
    before, and the digest after it tells the owner."""
    # the owner's decisions (the Drafts dropdown or a decision link)
    APPROVE = "approve"
    SKIP = "skip"
    # sending a PO
    SEND_SCHEDULED = "send scheduled"
    SEND_CLAIMED = "send claimed"
    SEND_FAILED = "send failed"
    SEND_OUTCOME_UNKNOWN = "send outcome unknown"
    PO_SENT = "po sent"
    # after the send: the supplier, follow-ups, receiving
    PO_CONFIRMED = "po confirmed"
    FOLLOW_UP_SENT = "follow-up sent"
    RECEIVED = "received"
    RECEIVED_SHORT = "received short"
    RECEIVED_OVER = "received over"
    PO_LINE_CANCELLED = "po line cancelled"
    # point of sale
    POS_APPLIED = "pos applied"
    POS_UNKNOWN_SKU = "pos unknown sku"
    POS_OUTCOME_UNKNOWN = "pos outcome unknown"
    POS_EVENT_REFUSED = "pos event refused"
    # forwarded mail and the Proposed tab
    PROPOSED = "proposed"
    PROPOSAL_APPLIED = "proposal applied"
    PROPOSAL_SKIPPED = "proposal skipped"
    PROPOSAL_REPLACED = "proposal replaced"
    """A newer forwarded count of the same item replaced a proposal still waiting."""
    MAIL_REFUSED = "mail refused"
    ATTACHMENT_UNREADABLE = "attachment unreadable"
    # the owner's emails
    DIGEST_SENT = "digest sent"
    MONTHLY_SUMMARY_SENT = "monthly summary sent"


def action_of(stored: str) -> AuditAction | str:
    """The action of a stored entry: the enum member for every action this version writes,
    the stored text itself for one it does not know (written by an older or newer version),
    so reading a log never fails on its actions."""
    try:
        return AuditAction(stored)
    except ValueError:
        return stored


@dataclass(frozen=True)
class AuditEntry:
    when: datetime
    who: str
    action: AuditAction | str
    """An ``AuditAction``; a plain string only for an action this version does not write."""
    subject: str
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None

    def before_text(self) -> str:
        return _snapshot(self.before)

    def after_text(self) -> str:
        return _snapshot(self.after)


@overload
def dump_snapshot(value: None) -> None: ...
@overload
def dump_snapshot(value: Mapping[str, Any]) -> str: ...
def dump_snapshot(value: Mapping[str, Any] | None) -> str | None:
    """A before/after snapshot as the audit stores keep it: JSON text, Decimals and datetimes
    as strings; ``None`` (no snapshot) stays ``None``, distinct from an empty one."""
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, default=str)


def load_snapshot(text: str | None) -> Mapping[str, Any] | None:
    """A stored snapshot read back (a fresh dict each time, so a reader cannot change it)."""
    if text is None:
        return None
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _snapshot(value: Mapping[str, Any] | None) -> str:
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
