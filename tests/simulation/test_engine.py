"""``sheets-bot simulate`` on small files with outcomes worked by hand, on bad rows, and the
pieces around it: the interpolation along the fixed rule's sweep, the M5 loader, the plot."""

from __future__ import annotations

import csv
import dataclasses
import gzip
import io
import json
import random
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import pytest

from sheets_bot.cli import main
from sheets_bot.domain.models import ShopSettings
from sheets_bot.errors import BotError
from sheets_bot.simulation import m5
from sheets_bot.simulation.engine import (
    Policy,
    Result,
    Tally,
    _current_targets,
    _start,
    abc_classes,
    replay,
)
from sheets_bot.simulation.inputs import SimItem
from sheets_bot.simulation.report import Comparison, fixed_needs, table

START = date(2026, 3, 2)


def write(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    with path.open("w", newline="") as stream:
        csv.writer(stream).writerows(rows)
    return path


def sales_rows(sku: str, units: Sequence[float], first: int = 0) -> list[list[object]]:
    return [
        [str(START + timedelta(days=first + day)), sku, value]
        for day, value in enumerate(units)
        if value
    ]


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[list[dict[str, object]], str]:
    assert main(["simulate", *args, "--json"]) == 0
    captured = capsys.readouterr()
    return [json.loads(line) for line in captured.out.splitlines()], captured.err


def pick(
    lines: list[dict[str, object]], policy: str, buffer: float | None, group: str
) -> dict[str, object]:
    return next(
        line
        for line in lines
        if (line["policy"], line["buffer_days"], line["class"]) == (policy, buffer, group)
    )


def test_a_steady_item_replays_as_worked_by_hand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """4 a day for 12 days, lead time 2, warm-up 4: rate 4, and 4 × (2 + 1) = 12 on hand at the
    start of day 4.

    Fixed, buffer 0: reorder point 8, order up to 8 + 8 = 16. End of day 4: 8 on hand, order 8
    (arrives day 6); day 5: 4; day 6: 4 + 8 − 4 = 8, order 8; … so 8, 4, 8, 4 …: 6 on average
    over the 8 scored days, never out, an order every other day: 4.

    Fixed, buffer 1 day (4): reorder point 12, up to 20. Day 4: 8, order 12 (day 6); day 5: 4;
    day 6: 12, order 8; day 7: 8; then 12, 8, …: (8 + 4 + 3 × 12 + 3 × 8) ÷ 8 = 9; 4 orders.

    The bot has 4 to 11 days of history, short of the 14 it learns from: the typed numbers
    with a buffer of one day's rate, the same as buffer 1."""
    sales = write(tmp_path / "sales.csv", [["date", "sku", "units"], *sales_rows("BEAN", [4] * 12)])
    items = write(
        tmp_path / "items.csv",
        [["sku", "lead_time_days", "pack_size", "unit_cost"], ["BEAN", 2, 1, 2.5]],
    )

    lines, err = run_json(capsys, "--sales", str(sales), "--items", str(items), "--warmup", "4")

    assert err == ""
    assert {line["policy"] for line in lines} == {"fixed", "bot"}
    assert len(lines) == 7 * 4 + 4  # 7 buffers and the bot, each all, A, B, C
    assert pick(lines, "fixed", 0, "all") == {
        "policy": "fixed",
        "buffer_days": 0,
        "class": "all",
        "fill_rate": 1.0,
        "target": None,
        "avg_inventory_units": 6.0,
        "avg_inventory_value": 15.0,
        "orders": 4,
        "items": 1,
    }
    one_day = pick(lines, "fixed", 1, "all")
    assert (one_day["avg_inventory_units"], one_day["orders"]) == (9.0, 4)
    bot = pick(lines, "bot", None, "A")
    assert (bot["fill_rate"], bot["target"], bot["avg_inventory_units"], bot["orders"]) == (
        1.0,
        0.98,
        9.0,
        4,
    )
    assert pick(lines, "bot", None, "C")["items"] == 0


def test_a_late_start_runs_out_and_lost_sales_are_lost_unless_backordered(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Warm-up 2 days of 1, then 10 a day: 1 × (3 + 1) = 4 on hand. Day 2 sells 4 of 10 and
    orders up to the typed reorder point 3 + 3 = 6: 6 arriving day 5; days 3, 4 sell nothing."""
    sales = write(
        tmp_path / "sales.csv",
        [["date", "sku", "units"], *sales_rows("CUP", [1, 1] + [10] * 4)],
    )
    items = write(
        tmp_path / "items.csv",
        [["sku", "lead_time_days", "pack_size", "unit_cost"], ["CUP", 3, 1, 1]],
    )
    args = ("--sales", str(sales), "--items", str(items), "--warmup", "2")

    lost, _ = run_json(capsys, *args)
    backordered, _ = run_json(capsys, *args, "--backorders")

    fixed = pick(lost, "fixed", 0, "all")
    # days 2..5 demand 40; served 4 (day 2) + 0 + 0 + 6 (day 5) = 10
    assert fixed["fill_rate"] == 0.25
    assert fixed["orders"] == 2  # day 2, and day 5 when the delivery is sold out again
    assert float(str(pick(backordered, "fixed", 0, "all")["fill_rate"])) <= 0.25


def test_the_opening_days_are_told_apart_from_the_days_the_orders_serve() -> None:
    """The late start above, through the engine: lead 3, warm-up 2, so the opening days are
    days 2, 3 and 4 (an order of day 2 arrives on day 5): 30 demanded, 4 served. Day 5: 10
    demanded, the 6 that arrived served."""
    cup = SimItem(
        sku="CUP", lead_time_days=3, pack_size=1, unit_cost=1, demand=(1, 1, 10, 10, 10, 10)
    )

    tally = replay([cup], START, 2, Policy("fixed", buffer_days=0), {"CUP": "A"}).groups["all"]

    assert (tally.opening_demanded, tally.opening_served) == (30, 4)
    assert tally.fill_rate == 10 / 40
    assert tally.settled_fill_rate == 6 / 10


def test_the_quick_replay_decides_exactly_as_working_every_reorder_point_out() -> None:
    """Smooth, intermittent and lumpy items (seeded): asking first whether an item surely
    orders nothing changes no order, so every figure of the replay is the same."""
    rng = random.Random(5)  # noqa: S311 - seeded test data
    items = []
    for n in range(9):
        chance, size = (1.0, 0.9, 0.3, 0.1)[n % 4], (3, 1, 4, 9)[n % 4]
        demand = tuple(
            float(rng.randint(1, 2 * size)) if rng.random() < chance else 0.0 for _ in range(150)
        )
        items.append(
            SimItem(
                sku=f"S{n}",
                lead_time_days=float((0, 2, 7)[n % 3]),
                pack_size=(1, 6)[n % 2],
                unit_cost=1.0 + n,
                demand=demand,
            )
        )
    classes = abc_classes(items, 28)

    for policy in (Policy("bot"), Policy("fixed", buffer_days=2)):
        quick, full = (
            replay(items, START, 28, policy, classes, quick=flag) for flag in (True, False)
        )

        assert quick.groups == full.groups
        assert quick.groups["all"].orders > 50


def test_the_bot_classes_its_items_by_todays_rates_as_the_check_does() -> None:
    """An item selling 1 a day in the warm-up beside eight selling 10 is class C; once the
    bot's rate for it is 50 a day, it ranks first and gets class A's target, as the check
    would class it, while the replay's groups keep the warm-up's classes."""
    items = [
        SimItem(sku=sku, lead_time_days=2, pack_size=1, unit_cost=1.0, demand=(rate,) * 40)
        for sku, rate in [("RISER", 1.0)] + [(f"S{n}", 10.0) for n in range(8)]
    ]
    warm = abc_classes(items, 28)
    replays = [_start(sim, row, 28, Policy("bot")) for row, sim in enumerate(items, start=2)]
    forecasts = [replay.learner.forecast() for replay in replays]
    forecasts[0] = dataclasses.replace(forecasts[0], rate=50.0)

    today, targets = _current_targets(replays, forecasts, ShopSettings())

    assert warm["RISER"] == "C"
    assert today["RISER"] == "A"
    assert targets["RISER"] > ShopSettings().fill_targets["B"]


def test_the_report_says_what_the_bot_aimed_at_for_a_group_whose_items_changed_class() -> None:
    """The riser is class C after its warm-up and sells like an A afterwards: the bot aims it
    at the targets of the classes it climbs to, and the report says so beside group C's fill
    (the fixed rule aims at nothing)."""
    items = [
        SimItem(
            sku="RISER",
            lead_time_days=2,
            pack_size=1,
            unit_cost=1.0,
            demand=(1.0,) * 28 + (60.0,) * 40,
        ),
        *(
            SimItem(sku=f"S{n}", lead_time_days=2, pack_size=1, unit_cost=1.0, demand=(10.0,) * 68)
            for n in range(8)
        ),
    ]
    classes = abc_classes(items, 28)
    bot = replay(items, START, 28, Policy("bot"), classes)
    fixed = replay(items, START, 28, Policy("fixed", 1.0), classes)

    assert classes["RISER"] == "C"
    aim = bot.groups["C"].aimed_fill
    assert aim is not None and aim > ShopSettings().fill_targets["C"] + 0.02
    assert bot.groups["all"].aimed_fill is not None
    assert fixed.groups["C"].aimed_fill is None
    comparison = Comparison(
        items=len(items),
        new_items=0,
        days=40,
        sweep=[fixed],
        bot=bot,
        targets=ShopSettings().fill_targets,
    )
    assert f"- class C: fill {bot.groups['C'].fill_rate:.1%}; aimed at {aim:.1%}" in table(
        comparison
    )


def test_policies_replayed_in_two_processes_give_the_same_comparison() -> None:
    from sheets_bot.simulation.run import Options, compare

    items = [
        SimItem(f"S{n}", float(n % 4), 1 + n % 3, 1.0 + n, ((2.0, 0.0, 7.0) * 30)[n:] + (1.0,) * n)
        for n in range(6)
    ]

    one = compare(items, START, Options(warmup=20, workers=1))
    two = compare(items, START, Options(warmup=20, workers=2))

    assert (two.bot, two.sweep) == (one.bot, one.sweep)
    assert one.bot.groups["all"].orders > 0


def test_an_order_hook_replaces_the_decision_and_sees_what_is_on_its_way() -> None:
    """2 a day, lead 2, warm-up 2: 2 × 3 = 6 on hand. The hook orders 10 on day 2 only (due
    day 4) and sees it coming on day 3; the shelf ends days 2..5 at 4, 2, 10, 8."""
    seen: list[tuple[int, float, tuple[tuple[int, float], ...]]] = []

    def hook(item: SimItem, day: int, on_hand: float, coming: Sequence[tuple[int, float]]) -> int:
        seen.append((day, on_hand, tuple(coming)))
        return 10 if day == 2 else 0

    cup = SimItem(sku="CUP", lead_time_days=2, pack_size=1, unit_cost=1, demand=(2.0,) * 6)

    tally = replay([cup], START, 2, Policy("hook", orders=hook), {"CUP": "A"}).groups["all"]

    assert seen == [(2, 4.0, ()), (3, 2.0, ((4, 10.0),)), (4, 10.0, ()), (5, 8.0, ())]
    assert (tally.orders, tally.fill_rate, tally.inventory_units) == (1, 1.0, 24.0)


def test_a_new_item_is_stocked_by_the_bot_and_never_by_the_fixed_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = sales_rows("OLD", [3] * 60) + sales_rows("NEW", [2, 0, 1, 0] * 8, first=28)
    sales = write(tmp_path / "sales.csv", [["date", "sku", "units"], *rows])
    items = write(
        tmp_path / "items.csv",
        [["sku", "lead_time_days", "pack_size", "unit_cost"], ["OLD", 2, 1, 1], ["NEW", 1, 1, 1]],
    )

    assert main(["simulate", "--sales", str(sales), "--items", str(items)]) == 0
    out = capsys.readouterr().out

    assert "New items (no sale in the warm-up): 1." in out
    assert "the fixed rule (typed rate 0) never orders them: fill 0.0%" in out
    lines, _ = run_json(capsys, "--sales", str(sales), "--items", str(items))
    new_class = pick(lines, "bot", None, "C")
    assert new_class["items"] == 1
    assert float(str(new_class["fill_rate"])) > 0.3
    assert pick(lines, "fixed", 12, "C")["fill_rate"] == 0.0


def test_bad_rows_are_located_and_the_rest_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sales = write(
        tmp_path / "sales.csv",
        [
            ["Date", "SKU", "Units"],
            *sales_rows("BEAN", [4] * 20),
            ["31/03/2026", "BEAN", 4],
            [str(START), "BEAN", "four"],
            [str(START), "BEAN", -2],
            [str(START), "GHOST", 1],
        ],
    )
    items = write(
        tmp_path / "items.csv",
        [
            ["sku", "lead_time_days", "pack_size", "unit_cost"],
            ["BEAN", 2, 1, 2.5],
            ["CUP", 2, "half", 1],
            ["LID", -1, 1, 1],
        ],
    )

    lines, err = run_json(capsys, "--sales", str(sales), "--items", str(items), "--warmup", "4")

    assert err.splitlines() == [
        "sheets-bot: items.csv row 3, column 'pack_size': 'half' is not a number;"
        " the row is left out",
        "sheets-bot: items.csv row 4, column 'lead_time_days': '-1' must be 0 or more;"
        " the row is left out",
        "sheets-bot: sales.csv row 22, column 'date': '31/03/2026' is not a date like"
        " 2026-03-31; the row is left out",
        "sheets-bot: sales.csv row 23, column 'units': 'four' is not a number; the row is left out",
        "sheets-bot: sales.csv row 24, column 'units': '-2' is negative (returns are not"
        " demand); the row is left out",
        "sheets-bot: sales.csv row 25, column 'sku': 'GHOST' is not in the items file; its"
        " sales are left out",
    ]
    assert pick(lines, "fixed", 0, "all")["avg_inventory_units"] == 6.0  # as if they were not there


def test_a_file_without_the_columns_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sales = write(tmp_path / "sales.csv", [["day", "sku", "qty"], [str(START), "BEAN", 1]])
    items = write(tmp_path / "items.csv", [["sku", "lead_time_days", "pack_size", "unit_cost"]])

    assert main(["simulate", "--sales", str(sales), "--items", str(items)]) == 1
    assert "sales.csv: no column 'date', 'units' in the header" in capsys.readouterr().err


def _result(buffer: float, fill: float, units: float, orders: int) -> Result:
    tally = Tally(items=1, demanded=100, served=100 * fill, inventory_units=units * 10, days=10)
    tally.inventory_value = tally.inventory_units * 2
    tally.orders = orders
    return Result(Policy("fixed", buffer), {"all": tally})


def test_the_fixed_rules_inventory_at_a_fill_is_interpolated_along_the_sweep() -> None:
    sweep = [_result(0, 0.80, 10, 5), _result(1, 0.90, 20, 5), _result(2, 0.95, 40, 5)]

    assert fixed_needs(sweep, "all", 0.85) == pytest.approx((15, 30))
    assert fixed_needs(sweep, "all", 0.925) == pytest.approx((30, 60))
    assert fixed_needs(sweep, "all", 0.70) == pytest.approx((10, 20))
    assert fixed_needs(sweep, "all", 0.99) is None


def _gz(path: Path, rows: Sequence[Sequence[object]]) -> None:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    path.write_bytes(gzip.compress(text.getvalue().encode()))


def test_the_m5_loader_reads_the_item_store_level_in_sorted_id_order(tmp_path: Path) -> None:
    ids = [
        "HOBBIES_1_002_CA_1_evaluation",
        "FOODS_3_001_TX_1_evaluation",
        "FOODS_3_001_CA_1_evaluation",
    ]
    _gz(tmp_path / "sales_ids.csv.gz", [["id"], *[[i] for i in ids]])
    # an aggregate row first, then the three series in sorted id order
    _gz(tmp_path / "test_agg.csv.gz", [["d_1", "d_2"], [9, 9], [1, 2], [3, 4], [5, 0]])
    _gz(tmp_path / "weights.csv.gz", [["Weights"], [1], [0.5], [0.2], [0.3]])

    items = m5.load(tmp_path, ["CA_1"], series=3)

    assert [(i.sku, i.supplier, i.demand, i.lead_time_days) for i in items] == [
        ("FOODS_3_001_CA_1", "FOODS_3", (1.0, 2.0), 2.0),
        ("HOBBIES_1_002_CA_1", "HOBBIES_1", (5.0, 0.0), 5.0),
    ]
    assert items[0].unit_cost == pytest.approx(0.5e6 / 3)
    assert len(m5.load(tmp_path, [], series=3)) == 3
    with pytest.raises(BotError, match="no M5 store XX_9: the stores are CA_1, TX_1"):
        m5.load(tmp_path, ["XX_9"], series=3)
    with pytest.raises(BotError, match="does not hold the M5 files"):
        m5.load(tmp_path, ["CA_1"])


def test_the_plot_is_a_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib", reason="matplotlib comes with the bench extra")
    from sheets_bot.simulation.report import plot
    from sheets_bot.simulation.run import Options, compare

    items = [SimItem(f"S{n}", 3, 1, 1.0, (3.0, 9.0) * 20) for n in range(2)]
    comparison = compare(items, START, Options(warmup=10))

    path = plot(comparison, tmp_path / "plot.png")

    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
