"""The policy comparison: one replay per policy on the same data, a table, and the fill rate
the fixed rule reaches for the inventory it holds (a sweep of its buffer)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sheets_bot.domain.abc import classify
from sheets_bot.domain.models import SafetyMethod, UseLearned
from sheets_bot.simulation.engine import Policy, Result, Scenario, SimItem, Tally, run_policy

FIXED = Policy("fixed rule, typed rate", UseLearned.NO, SafetyMethod.BUFFER)
LEARNED = Policy("learned rate and lead time", UseLearned.BOTH, SafetyMethod.BUFFER)
SERVICE = Policy("service level by ABC", UseLearned.BOTH, SafetyMethod.SERVICE_LEVEL)
SWEEP_DAYS = (0.0, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 11.0, 15.0, 20.0)
TARGET = 0.99


@dataclass
class Comparison:
    items: int
    days: int
    results: list[Result]
    sweep: list[Result]

    def needed_for(self, fill: float) -> tuple[float, float] | None:
        """(average A inventory, buffer days) the fixed rule needs for ``fill`` on A items,
        interpolated between sweep points; ``None`` when no buffer in the sweep reaches it."""
        points = sorted(
            (r.by_class["A"].fill_rate, r.by_class["A"].average_inventory, r.policy.buffer_days)
            for r in self.sweep
        )
        for (f0, i0, b0), (f1, i1, b1) in itertools.pairwise(points):
            if f0 <= fill <= f1:
                share = 0.0 if f1 == f0 else (fill - f0) / (f1 - f0)
                return i0 + share * (i1 - i0), b0 + share * (b1 - b0)
        if points and points[0][0] >= fill:
            return points[0][1], points[0][2]
        return None


def compare(items: Sequence[SimItem], scenario: Scenario) -> Comparison:
    stocked = [item for item in items if sum(item.demand[: scenario.warmup]) > 0]
    classes = classify({item.sku: item.revenue for item in stocked})
    results = [
        run_policy(stocked, scenario, policy, classes) for policy in (FIXED, LEARNED, SERVICE)
    ]
    a_items = [item for item in stocked if classes[item.sku] == "A"]
    sweep = [  # A items only: each item is replayed on its own, so the others change nothing
        run_policy(
            a_items,
            scenario,
            Policy(f"fixed, buffer {days:g} days", UseLearned.NO, SafetyMethod.BUFFER, days),
            classes,
        )
        for days in SWEEP_DAYS
    ]
    days = len(stocked[0].demand) - scenario.warmup if stocked else 0
    return Comparison(len(stocked), days, results, sweep)


def _row(name: str, tally: Tally, pos: int | None) -> str:
    return (
        f"| {name} | {tally.in_stock_rate:.1%} | {tally.fill_rate:.1%} |"
        f" {tally.days_of_supply:.1f} | {'' if pos is None else pos} | {tally.left_over:,.0f} |"
        f" {tally.average_inventory:,.0f} |"
    )


def table(comparison: Comparison) -> str:
    head = (
        "| policy | in-stock rate | fill rate | days of supply | POs placed | units never sold"
        " | average inventory |\n|---|---:|---:|---:|---:|---:|---:|"
    )
    lines = [f"All {comparison.items} items, {comparison.days} days:", "", head]
    lines += [_row(r.policy.name, r.total, r.purchase_orders) for r in comparison.results]
    lines += ["", "A items (80% of revenue):", "", head]
    lines += [_row(r.policy.name, r.by_class["A"], None) for r in comparison.results]
    lines += ["", "The fixed rule with more buffer (A items):", "", head]
    lines += [_row(r.policy.name, r.by_class["A"], None) for r in comparison.sweep]
    lines += ["", verdict(comparison)]
    return "\n".join(lines)


def verdict(comparison: Comparison) -> str:
    service = comparison.results[2].by_class["A"]
    parts = [
        f"Service level on A items: {service.fill_rate:.2%} fill rate with"
        f" {service.average_inventory:,.0f} units on hand on average."
    ]
    for fill, label in ((TARGET, f"{TARGET:.0%}"), (service.fill_rate, "the same fill rate")):
        needed = comparison.needed_for(fill)
        if needed is None:
            parts.append(
                f"The fixed rule does not reach {label} with up to {SWEEP_DAYS[-1]:g} days"
                " of buffer."
            )
            continue
        inventory, buffer = needed
        saving = 1 - service.average_inventory / inventory if inventory else 0.0
        parts.append(
            f"The fixed rule needs {inventory:,.0f} units (a {buffer:.1f}-day buffer) for {label}"
            f" ({fill:.2%}): the service level holds {saving:.0%} less."
        )
    return " ".join(parts)


def plot(comparison: Comparison, path: Path) -> Path:
    """Fill rate against average inventory on A items: the fixed rule's sweep as a line, the
    three policies as points. matplotlib comes with the bench extra."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4.5), dpi=110)
    sweep = sorted(comparison.sweep, key=lambda r: r.policy.buffer_days)
    axes.plot(
        [r.by_class["A"].average_inventory for r in sweep],
        [100 * r.by_class["A"].fill_rate for r in sweep],
        marker=".",
        color="grey",
        label="fixed rule, buffer 0-20 days",
    )
    for result, colour in zip(
        comparison.results, ("tab:red", "tab:blue", "tab:green"), strict=True
    ):
        tally = result.by_class["A"]
        axes.scatter(
            [tally.average_inventory],
            [100 * tally.fill_rate],
            color=colour,
            s=60,
            zorder=3,
            label=result.policy.name,
        )
    axes.axhline(100 * TARGET, color="black", linewidth=0.6, linestyle="--")
    axes.set_xlabel("average units on hand, A items")
    axes.set_ylabel("fill rate, A items (%)")
    axes.set_title(f"M5 (Walmart), {comparison.items} items, {comparison.days} days replayed")
    axes.legend(loc="lower right", fontsize=8)
    axes.grid(alpha=0.3)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
    return path
