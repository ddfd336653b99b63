"""The colours every adapter gives the sheet: bot-column tints and one fill per move."""

from __future__ import annotations

BOT_TINT = "DCE6F1"
"""Light grey-blue: columns the bot writes."""
EDITABLE_TINT = "EEF3F9"
"""Lighter: bot columns the owner may still change (Drafts: Order qty, Send to, Note)."""
MOVE_COLOURS = {
    "urgent": "F4CCCC",
    "reorder": "FCE5CD",
    "watch": "FFF2CC",
    "stocked": "D9EAD3",
    "problem": "E06666",
}
"""Conditional fills of every "Move" column ("problem": a row the bot could not read)."""
