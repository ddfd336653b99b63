"""An audit entry's before and after as the Audit tab shows them: one field per line, and
in After one change per line (``move: watch → urgent``), never raw JSON.

The audit log itself keeps the structured snapshots; this is only how the owner reads them.
Nested values (a draft's lines by SKU) are flattened to ``lines COF-1: 24``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ARROW = " → "


def _flat(value: Mapping[str, Any] | None, prefix: str = "") -> dict[str, str]:
    found: dict[str, str] = {}
    for key, item in (value or {}).items():
        name = f"{prefix} {key}".strip().replace("_", " ")
        if isinstance(item, Mapping):
            found.update(_flat(item, name))
        elif isinstance(item, list | tuple):
            found[name] = ", ".join(_shown(part) for part in item)
        else:
            found[name] = _shown(item)
    return found


def _shown(value: object) -> str:
    if value is None:
        return "(blank)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return " ".join(str(value).split())


def before_lines(before: Mapping[str, Any] | None) -> str:
    """``field: value``, one per line."""
    return "\n".join(f"{name}: {value}" for name, value in _flat(before).items())


def change_lines(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> str:
    """One line per field of ``after``: ``field: before → after`` where ``before`` had the
    field with another value, else ``field: value`` (Before shows the rest)."""
    old, new = _flat(before), _flat(after)
    lines = []
    for name, value in new.items():
        if name in old and old[name] != value:
            lines.append(f"{name}: {old[name]}{ARROW}{value}")
        elif name not in old or after is None:
            lines.append(f"{name}: {value}")
        else:
            lines.append(f"{name}: {value} (unchanged)")
    if after is not None:
        lines.extend(
            f"{name}: {value}{ARROW}(gone)" for name, value in old.items() if name not in new
        )
    return "\n".join(lines)
