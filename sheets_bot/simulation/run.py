"""``sheets-bot simulate --sales SALES.csv --items ITEMS.csv``: an owner's own sales history
replayed through the bot and the seed's fixed rule, side by side."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sheets_bot.domain.models import ShopSettings
from sheets_bot.errors import BotError
from sheets_bot.simulation.engine import SWEEP_DAYS, Policy, Result, abc_classes, replay
from sheets_bot.simulation.inputs import SimItem, read_history
from sheets_bot.simulation.report import Comparison, json_lines, plot, table

DEFAULT_WARMUP = 28


@dataclass(frozen=True)
class Options:
    warmup: int = DEFAULT_WARMUP
    backorders: bool = False
    peers: Sequence[Policy] = field(default_factory=tuple)


def compare(items: Sequence[SimItem], start: date, options: Options) -> Comparison:
    """Every policy over the same items: the fixed sweep, the bot (and any peers)."""
    days = len(items[0].demand) if items else 0
    if options.warmup < 1 or options.warmup >= days:
        raise BotError(
            f"--warmup {options.warmup}: the sales cover {days} days; the warm-up must leave"
            " at least one day to score (and be 1 or more)"
        )
    classes = abc_classes(items, options.warmup)
    settings = ShopSettings()

    def run(policy: Policy) -> Result:
        return replay(
            items,
            start,
            options.warmup,
            policy,
            classes,
            backorders=options.backorders,
            settings=None if policy.fixed else settings,
        )

    sweep = [run(Policy("fixed", float(days_))) for days_ in SWEEP_DAYS]
    bot = run(Policy("bot"))
    peers = tuple(run(peer) for peer in options.peers)
    new = sum(1 for item in items if not any(item.demand[: options.warmup]))
    return Comparison(
        items=len(items),
        new_items=new,
        days=days - options.warmup,
        sweep=sweep,
        bot=bot,
        targets=settings.fill_targets,
        peers=peers,
    )


def simulate(
    sales: Path,
    items: Path,
    *,
    warmup: int = DEFAULT_WARMUP,
    backorders: bool = False,
    as_json: bool = False,
    plot_path: Path | None = None,
) -> str:
    """The report; located problems with the files go to stderr (and lead the table)."""
    history = read_history(sales, items)
    comparison = compare(history.items, history.start, Options(warmup, backorders))
    for problem in history.problems:
        print(f"sheets-bot: {problem}", file=sys.stderr)
    if as_json:
        output = "\n".join(json_lines(comparison))
    else:
        lost = "backordered" if backorders else "lost"
        head = [
            f"{sales.name}: {history.start} + {warmup} warm-up days, unmet demand {lost}.",
        ]
        if history.problems:
            head.append(f"{len(history.problems)} rows left out (see above).")
        output = "\n".join([*head, "", table(comparison)])
    if plot_path is not None:
        where = plot(comparison, plot_path, f"{sales.name}: {comparison.items} items")
        if not as_json:
            output += f"\n\nPlot: {where}"
    return output
