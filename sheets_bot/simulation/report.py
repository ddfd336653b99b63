"""The side-by-side of one ``simulate`` run: JSON lines, a readable table, the inventory the
fixed rule needs for the bot's fill (interpolated along its sweep), and a plot."""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sheets_bot.domain.safety_stock import FILL_TARGETS
from sheets_bot.errors import BotError
from sheets_bot.simulation.engine import GROUPS, Result, Tally


@dataclass(frozen=True)
class Comparison:
    items: int
    new_items: int
    days: int
    """Scored days."""
    sweep: list[Result]
    """The fixed rule, one result per buffer."""
    bot: Result
    targets: Mapping[str, float]
    peers: tuple[Result, ...] = ()
    """Benchmarks only: the bot's inventory rule fed by other forecasts."""


def fixed_needs(sweep: Sequence[Result], group: str, fill: float) -> tuple[float, float] | None:
    """(units, value) the fixed rule holds on average for ``fill`` in ``group``, interpolated
    linearly between the two buffers around it; ``None`` beyond the sweep's best fill."""
    points = sorted(
        (
            r.groups[group].fill_rate,
            r.groups[group].avg_inventory_units,
            r.groups[group].avg_inventory_value,
        )
        for r in sweep
    )
    if not points or points[-1][0] < fill:
        return None
    if points[0][0] >= fill:
        return points[0][1], points[0][2]
    for (f0, u0, v0), (f1, u1, v1) in itertools.pairwise(points):
        if f0 <= fill <= f1:
            share = 0.0 if f1 == f0 else (fill - f0) / (f1 - f0)
            return u0 + share * (u1 - u0), v0 + share * (v1 - v0)
    return None


def _line(policy: str, buffer: float | None, group: str, tally: Tally, target: float | None) -> str:
    return json.dumps(
        {
            "policy": policy,
            "buffer_days": buffer,
            "class": group,
            "fill_rate": round(tally.fill_rate, 6),
            "target": target,
            "avg_inventory_units": round(tally.avg_inventory_units, 4),
            "avg_inventory_value": round(tally.avg_inventory_value, 4),
            "orders": tally.orders,
            "items": tally.items,
        }
    )


def json_lines(comparison: Comparison) -> list[str]:
    lines = []
    for result in comparison.sweep:
        buffer = result.policy.buffer_days
        for group in GROUPS:
            lines.append(_line("fixed", buffer, group, result.groups[group], None))
    for group in GROUPS:
        target = comparison.targets.get(group) if group != "all" else None
        lines.append(_line("bot", None, group, comparison.bot.groups[group], target))
    for peer in comparison.peers:
        for group in GROUPS:
            target = comparison.targets.get(group) if group != "all" else None
            lines.append(_line(peer.policy.name, None, group, peer.groups[group], target))
    return lines


def _row(name: str, tally: Tally, target: float | None = None) -> str:
    aim = f"{target:.0%}" if target is not None else ""
    return (
        f"| {name} | {tally.items} | {tally.fill_rate:.1%} | {aim} |"
        f" {tally.avg_inventory_units:,.1f} | {tally.avg_inventory_value:,.2f} |"
        f" {tally.orders:,} |"
    )


HEAD = (
    "| policy | items | fill rate | target | avg inventory (units) | avg inventory (value)"
    " | orders |\n|---|---:|---:|---:|---:|---:|---:|"
)


def verdicts(comparison: Comparison) -> list[str]:
    """Per group: the fixed rule's inventory at the bot's fill, and the bot's saving."""
    lines = []
    for group in GROUPS:
        bot = comparison.bot.groups[group]
        if not bot.items or not bot.demanded:
            continue
        needs = fixed_needs(comparison.sweep, group, bot.fill_rate)
        label = _label(group)
        if needs is None:
            best = max(r.groups[group].fill_rate for r in comparison.sweep)
            lines.append(
                f"- {label}: the bot fills {bot.fill_rate:.1%}; the fixed rule does not reach it"
                f" with up to {comparison.sweep[-1].policy.buffer_days:g} days of buffer"
                f" (best {best:.1%})."
            )
            continue
        units, value = needs
        orders = _orders_at(comparison.sweep, group, bot.fill_rate)
        saving_units = 1 - bot.avg_inventory_units / units if units else 0.0
        saving_value = 1 - bot.avg_inventory_value / value if value else 0.0
        lines.append(
            f"- {label}: at the bot's fill {bot.fill_rate:.1%} the fixed rule needs"
            f" {units:,.1f} units ({value:,.2f}) on average, the bot holds"
            f" {bot.avg_inventory_units:,.1f} ({bot.avg_inventory_value:,.2f}):"
            f" {_fewer(saving_units, 'fewer units')}, {_fewer(saving_value, 'less value')};"
            f" orders {bot.orders:,} vs {orders:,.0f}{_change(bot.orders, orders)}."
        )
    return lines


def opening(comparison: Comparison) -> list[str]:
    """The bot's fill on the opening days (each item's first scored days, before an order
    placed in the scored window can arrive: the opening stock alone serves them, whatever the
    policy) and after them, per group: a short replay weighs its opening days heavily."""
    lines = [
        "The bot's fill on the opening days (before its first order can arrive, served from"
        " the opening stock alone, the same for every policy) and after them:",
        "",
    ]
    for group in GROUPS:
        bot = comparison.bot.groups[group]
        if not bot.items or not bot.demanded:
            continue
        label = _label(group)
        share = bot.opening_demanded / bot.demanded
        opening_fill = bot.opening_served / bot.opening_demanded if bot.opening_demanded else 1.0
        lines.append(
            f"- {label}: {bot.fill_rate:.1%} in all; opening days {opening_fill:.1%}"
            f" ({share:.0%} of the units demanded), after them {bot.settled_fill_rate:.1%}."
        )
    return lines


def aimed(comparison: Comparison) -> list[str]:
    """Per group, the targets the bot set for its items weighted by their demand, beside the
    class's target: an item that came to sell like an A after a warm-up as a C was aimed at
    an A's target, and still counts in group C."""
    lines = []
    for group in GROUPS:
        bot = comparison.bot.groups[group]
        aim = bot.aimed_fill
        if not bot.items or aim is None:
            continue
        label = _label(group)
        target = comparison.targets.get(group)
        beside = f" (the class's target {target:.0%})" if target is not None else ""
        lines.append(f"- {label}: fill {bot.fill_rate:.1%}; aimed at {aim:.1%}{beside}.")
    if not lines:
        return []
    return [
        "The bot's aim per group: the fill targets it set for the items, weighted by their"
        " demand (it sets each item's class and target day by day from its rate; the groups"
        " stay the warm-up's classes):",
        "",
        *lines,
    ]


def _label(group: str) -> str:
    return "all items" if group == "all" else f"class {group}"


def _change(count: float, base: float) -> str:
    """`` (+12%)``, or nothing where the base is 0 (no share of nothing)."""
    return f" ({count / base - 1:+.0%})" if base else ""


def _fewer(saving: float, words: str) -> str:
    """``12% fewer units``, or ``4% more units`` when the bot holds more."""
    if round(saving * 100) >= 0:
        return f"{saving:.0%} {words}"
    return f"{-saving:.0%} {words.replace('fewer', 'more').replace('less', 'more')}"


def _orders_at(sweep: Sequence[Result], group: str, fill: float) -> float:
    points = sorted((r.groups[group].fill_rate, r.groups[group].orders) for r in sweep)
    for (f0, o0), (f1, o1) in itertools.pairwise(points):
        if f0 <= fill <= f1:
            share = 0.0 if f1 == f0 else (fill - f0) / (f1 - f0)
            return o0 + share * (o1 - o0)
    return float(points[-1][1] if fill >= points[-1][0] else points[0][1])


def table(comparison: Comparison) -> str:
    lines = [
        f"{comparison.items} items, {comparison.days} days scored.",
        "",
        HEAD,
    ]
    for group in GROUPS:
        if not comparison.bot.groups[group].items:
            continue
        label = "all" if group == "all" else f"class {group}"
        target = comparison.targets.get(group)
        lines.append(_row(f"bot, {label}", comparison.bot.groups[group], target))
        for peer in comparison.peers:
            lines.append(_row(f"{peer.policy.name}, {label}", peer.groups[group], target))
        for result in comparison.sweep:
            name = f"fixed {result.policy.buffer_days:g} days, {label}"
            lines.append(_row(name, result.groups[group]))
    lines += ["", "The fixed rule at the bot's fill (interpolated along its buffers):", ""]
    lines += verdicts(comparison)
    lines += ["", *opening(comparison)]
    if aim := aimed(comparison):
        lines += ["", *aim]
    if comparison.new_items:
        new_bot = comparison.bot.new_items
        new_fixed = comparison.sweep[0].new_items
        lines += [
            "",
            f"New items (no sale in the warm-up): {comparison.new_items}. The bot keeps one usual"
            " sale of the shop's items (at least one pack) of each until it sells, then learns"
            f" from its sales: fill {new_bot.fill_rate:.1%},"
            f" {new_bot.avg_inventory_units:,.1f} units on hand on average; the fixed rule"
            f" (typed rate 0) never orders them: fill {new_fixed.fill_rate:.1%}.",
        ]
    return "\n".join(lines)


def plot(comparison: Comparison, path: Path, title: str = "") -> Path:
    """Fill rate against average inventory value: the fixed rule's sweep as a line, the bot
    (and any peers) as points, per class. matplotlib comes with the bench extra."""
    try:
        import matplotlib
    except ImportError:
        raise BotError(
            "the plot needs matplotlib, from the bench extra (pip install -e '.[bench]')"
        ) from None

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes_row = plt.subplots(1, len(GROUPS), figsize=(14, 3.8), dpi=100)
    colours = ("tab:red", "tab:blue", "tab:green", "tab:purple", "tab:orange", "tab:brown")
    for axes, group in zip(axes_row, GROUPS, strict=True):
        sweep = sorted(comparison.sweep, key=lambda r: r.policy.buffer_days or 0)
        axes.plot(
            [r.groups[group].avg_inventory_value for r in sweep],
            [100 * r.groups[group].fill_rate for r in sweep],
            marker=".",
            color="grey",
            label="fixed rule, buffer 0-12 days",
        )
        for result, colour in zip((comparison.bot, *comparison.peers), colours, strict=False):
            tally = result.groups[group]
            axes.scatter(
                [tally.avg_inventory_value],
                [100 * tally.fill_rate],
                color=colour,
                s=40,
                zorder=3,
                label=result.policy.name,
            )
        target = comparison.targets.get(group)
        if target is not None:
            axes.axhline(100 * target, color="black", linewidth=0.6, linestyle="--")
        axes.set_title(group if group == "all" else f"class {group}")
        axes.set_xlabel("average inventory value")
        axes.grid(alpha=0.3)
    axes_row[0].set_ylabel("fill rate (%)")
    axes_row[0].legend(loc="lower right", fontsize=7)
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
    return path


DEFAULT_TARGETS = dict(FILL_TARGETS)
