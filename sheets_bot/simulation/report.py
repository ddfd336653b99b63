"""The policy comparison: one replay per policy on the same data, a table, and the fill rate
the fixed rule reaches for the inventory it holds (a sweep of its buffer)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sheets_bot.domain.abc_classes import classify
from sheets_bot.domain.models import SafetyMethod, UseLearned
from sheets_bot.errors import BotError
from sheets_bot.simulation.engine import Policy, Result, Scenario, SimItem, Tally, run_policy

FIXED = Policy("fixed rule, typed rate", UseLearned.NO, SafetyMethod.BUFFER)
LEARNED = Policy("learned rate and lead time", UseLearned.BOTH, SafetyMethod.BUFFER)
SERVICE = Policy("service level by ABC", UseLearned.BOTH, SafetyMethod.SERVICE_LEVEL)
SWEEP_DAYS = (0.0, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 11.0, 15.0, 20.0)
SWEEP_TARGETS = (0.995, 0.999, 0.9995, 0.9999)
"""Service-level targets for A items (B and C keep 95% and 90%)."""
TARGET = 0.99


def _frontier(results: Sequence[Result], fill: float) -> float | None:
    """The average A inventory a family of runs needs for ``fill`` on A items, interpolated
    between its runs; ``None`` when none of them reaches it."""
    points = sorted((r.by_class["A"].fill_rate, r.by_class["A"].average_inventory) for r in results)
    if not points or points[-1][0] < fill:
        return None
    if points[0][0] >= fill:
        return points[0][1]
    for (f0, i0), (f1, i1) in itertools.pairwise(points):
        if f0 <= fill <= f1:
            return i0 if f1 == f0 else i0 + (fill - f0) / (f1 - f0) * (i1 - i0)
    return None


@dataclass
class Comparison:
    items: int
    days: int
    results: list[Result]
    sweep: list[Result]
    """The fixed rule with more and more buffer (A items)."""
    service_sweep: list[Result]
    """The service-level policy with higher and higher A targets (A items)."""

    def fixed_needs(self, fill: float) -> float | None:
        return _frontier(self.sweep, fill)

    def service_needs(self, fill: float) -> float | None:
        return _frontier([self.results[2], *self.service_sweep], fill)


def compare(items: Sequence[SimItem], scenario: Scenario) -> Comparison:
    stocked = [item for item in items if sum(item.demand[: scenario.warmup]) > 0]
    classes = classify({item.sku: item.revenue for item in stocked})
    results = [
        run_policy(stocked, scenario, policy, classes) for policy in (FIXED, LEARNED, SERVICE)
    ]
    a_items = [item for item in stocked if classes[item.sku] == "A"]
    # The fixed rule learns nothing, so each item is replayed on its own: A items alone give
    # the same A results. The service level learns lead times from every item's deliveries,
    # so it is replayed on all items.
    sweep = [
        run_policy(
            a_items,
            scenario,
            Policy(f"fixed, buffer {days:g} days", UseLearned.NO, SafetyMethod.BUFFER, days),
            classes,
        )
        for days in SWEEP_DAYS
    ]
    service_sweep = [
        run_policy(
            stocked,
            scenario,
            replace(
                SERVICE,
                name=f"service level, A {target:.2%}",
                targets={**SERVICE.targets, "A": target},
            ),
            classes,
        )
        for target in SWEEP_TARGETS
    ]
    days = len(stocked[0].demand) - scenario.warmup if stocked else 0
    return Comparison(len(stocked), days, results, sweep, service_sweep)


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
    lines += [
        "",
        "The fixed rule with more buffer, and the service level with higher targets (A items):",
        "",
        head,
    ]
    lines += [_row(r.policy.name, r.by_class["A"], None) for r in comparison.sweep]
    lines += [_row(r.policy.name, r.by_class["A"], None) for r in comparison.service_sweep]
    lines += ["", verdict(comparison)]
    return "\n".join(lines)


def _saving(comparison: Comparison, fill: float, label: str) -> str:
    fixed, service = comparison.fixed_needs(fill), comparison.service_needs(fill)
    if service is None:
        return f"For {label} ({fill:.2%}) on A items: the service level does not reach it."
    if fixed is None or fixed <= 0:
        return (
            f"For {label} ({fill:.2%}) on A items: the service level needs {service:,.0f} units;"
            f" the fixed rule does not reach it with up to {SWEEP_DAYS[-1]:g} days of buffer."
        )
    return (
        f"For {label} ({fill:.2%}) on A items: the fixed rule needs {fixed:,.0f} units on hand"
        f" on average, the service level {service:,.0f}: {1 - service / fixed:.0%} less."
    )


def verdict(comparison: Comparison) -> str:
    default = comparison.results[2].by_class["A"]
    best = max(
        r.by_class["A"].fill_rate for r in [comparison.results[2], *comparison.service_sweep]
    )
    lines = [
        _saving(comparison, TARGET, f"the {TARGET:.0%} target"),
        _saving(comparison, default.fill_rate, "the default service level's fill rate"),
    ]
    if best < TARGET:
        lines.append(_saving(comparison, best, "the best service-level fill rate"))
    return "\n".join(lines)


def plot(comparison: Comparison, path: Path) -> Path:
    """Fill rate against average inventory on A items: the fixed rule's sweep as a line, the
    three policies as points. matplotlib comes with the bench extra."""
    try:
        import matplotlib
    except ImportError:
        raise BotError(
            "the plot needs matplotlib, from the bench extra (pip install -e '.[bench]')"
        ) from None

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
    service = sorted(
        [comparison.results[2], *comparison.service_sweep],
        key=lambda r: r.by_class["A"].average_inventory,
    )
    axes.plot(
        [r.by_class["A"].average_inventory for r in service],
        [100 * r.by_class["A"].fill_rate for r in service],
        marker=".",
        color="tab:green",
        alpha=0.5,
        label="service level, A target 99-99.99%",
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
