"""``sheets-bot simulate --sales SALES.csv --items ITEMS.csv``: an owner's own sales history
replayed through the bot and the seed's fixed rule, side by side."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sheets_bot.domain.models import ShopSettings
from sheets_bot.errors import BotError
from sheets_bot.simulation.engine import SWEEP_DAYS, Policy, Result, abc_classes, replay
from sheets_bot.simulation.inputs import SimItem, read_history
from sheets_bot.simulation.report import Comparison, json_lines, plot, table

DEFAULT_WARMUP = 28
PARALLEL_FROM = 20_000
"""Item-days from which the policies are replayed in parallel processes (below it, starting
them costs more than it saves)."""


@dataclass(frozen=True)
class Options:
    warmup: int = DEFAULT_WARMUP
    backorders: bool = False
    peers: Sequence[Policy] = field(default_factory=tuple)
    """Benchmarks only: run in this process (their forecasts keep caches)."""
    workers: int | None = None
    """Processes for the bot and the fixed sweep: ``None`` for one per core once the replay is
    big enough (``PARALLEL_FROM`` item-days), 1 for none. Each policy is replayed whole in one
    process, so the figures are the same either way."""


@dataclass(frozen=True)
class _Job:
    """What every policy of one comparison is replayed on."""

    items: Sequence[SimItem]
    start: date
    warmup: int
    classes: Mapping[str, str]
    backorders: bool

    def run(self, policy: Policy) -> Result:
        return replay(
            self.items,
            self.start,
            self.warmup,
            policy,
            self.classes,
            backorders=self.backorders,
            settings=None if policy.fixed else ShopSettings(),
        )


_shared: list[_Job] = []
"""The job of a worker process (``_share``)."""


def _share(job: _Job) -> None:
    _shared[:] = [job]


def _replay_shared(policy: Policy) -> Result:
    return _shared[0].run(policy)


def _workers(options: Options, item_days: int) -> int:
    if options.workers is not None:
        return max(options.workers, 1)
    if item_days < PARALLEL_FROM:
        return 1
    return max(min(os.cpu_count() or 1, 1 + len(SWEEP_DAYS)), 1)


def compare(items: Sequence[SimItem], start: date, options: Options) -> Comparison:
    """Every policy over the same items: the fixed sweep, the bot (and any peers)."""
    days = len(items[0].demand) if items else 0
    if options.warmup < 1 or options.warmup >= days:
        raise BotError(
            f"--warmup {options.warmup}: the sales cover {days} days; the warm-up must leave"
            " at least one day to score (and be 1 or more)"
        )
    job = _Job(items, start, options.warmup, abc_classes(items, options.warmup), options.backorders)
    policies = [Policy("bot"), *(Policy("fixed", float(days_)) for days_ in SWEEP_DAYS)]
    workers = _workers(options, len(items) * days)
    if workers > 1:
        # the bot, the longest, first; each policy whole in one process; the items go to each
        # process once, not with every policy
        with ProcessPoolExecutor(workers, initializer=_share, initargs=(job,)) as pool:
            results = list(pool.map(_replay_shared, policies))
    else:
        results = [job.run(policy) for policy in policies]
    bot, sweep = results[0], results[1:]
    peers = tuple(job.run(peer) for peer in options.peers)
    new = sum(1 for item in items if not any(item.demand[: options.warmup]))
    return Comparison(
        items=len(items),
        new_items=new,
        days=days - options.warmup,
        sweep=sweep,
        bot=bot,
        targets=ShopSettings().fill_targets,
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
