"""``RunFailures`` in local mode: one JSON line per failed run in the state folder.

Local runs are started by hand or by cron; a run that fails says so on its terminal, which
nobody reads under cron, so the command line records it here too and the next digest lists
it. Only the command, the time, the error's type and a fixed phrase of the code's saying why
are kept: never a message or a value.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sheets_bot.domain.digest import FailedRun, oldest_first
from sheets_bot.ports import PendingFailure


class FileRunFailures:
    def __init__(self, path: Path) -> None:
        self._path = path

    def record(self, failure: FailedRun) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        line = {
            "id": uuid.uuid4().hex,
            "function": failure.function,
            "when": failure.when.isoformat() if failure.when else None,
            "error": failure.error_type,
            "reason": failure.reason,
        }
        with self._path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(line) + "\n")

    def _lines(self) -> list[dict[str, str | None]]:
        if not self._path.exists():
            return []
        lines = []
        for text in self._path.read_text(encoding="utf-8").splitlines():
            try:
                lines.append(json.loads(text))
            except ValueError:
                continue
        return lines

    def pending(self) -> list[PendingFailure]:
        found = [
            PendingFailure(
                FailedRun(
                    str(line.get("function") or "unknown"),
                    datetime.fromisoformat(str(line["when"])) if line.get("when") else None,
                    str(line.get("error") or ""),
                    str(line.get("reason") or ""),
                ),
                str(line.get("id")),
            )
            for line in self._lines()
        ]
        return sorted(found, key=lambda pending: oldest_first(pending.failure))

    def acknowledge(self, failures: Sequence[PendingFailure]) -> None:
        done = {pending.handle for pending in failures}
        kept = [line for line in self._lines() if str(line.get("id")) not in done]
        temporary = self._path.with_suffix(".tmp")
        temporary.write_text("".join(json.dumps(line) + "\n" for line in kept), encoding="utf-8")
        os.replace(temporary, self._path)
