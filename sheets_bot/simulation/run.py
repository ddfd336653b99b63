"""``sheets-bot simulate`` and ``benchmarks/policy.py``: the M5 replay, its table and plot."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from sheets_bot.simulation import m5
from sheets_bot.simulation.engine import Scenario
from sheets_bot.simulation.report import compare, plot, table

WARMUP_DAYS = 7


def simulate(stores: Sequence[str], plot_path: Path | None) -> str:
    """Replay the M5 stores' items under each policy; the table, and where the plot went."""
    started = time.perf_counter()
    items = m5.load(m5.data_folder(), stores)
    scenario = Scenario(start=m5.FIRST_DAY, warmup=WARMUP_DAYS, typed_lead=m5.TYPED_LEAD)
    comparison = compare(items, scenario)
    where = ", ".join(stores) if stores else "all ten stores"
    lines = [
        f"M5 (Walmart) daily unit sales, {where}: {m5.FIRST_DAY} + {WARMUP_DAYS} warm-up days"
        f" (the owner's typed rate = their mean), then {comparison.days} days replayed.",
        f"{len(items) - comparison.items} items with no sale in the warm-up are left out"
        " (nobody would stock them on that evidence).",
        "",
        table(comparison),
    ]
    if plot_path is not None:
        lines += ["", f"Plot: {plot(comparison, plot_path)}"]
    lines += [f"({time.perf_counter() - started:.0f} s)"]
    return "\n".join(lines)
