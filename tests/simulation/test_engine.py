"""The replay engine on hand-checkable series, the M5 loader on a miniature of its files, and
the comparison's interpolation."""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest

from sheets_bot.domain.models import SafetyMethod, UseLearned
from sheets_bot.errors import BotError
from sheets_bot.simulation import m5
from sheets_bot.simulation.engine import Policy, Scenario, SimItem, run_policy
from sheets_bot.simulation.report import _frontier, compare, table

FIXED = Policy("fixed", UseLearned.NO, SafetyMethod.BUFFER, buffer_days=2)


def test_a_steady_item_reorders_at_its_reorder_point_and_never_runs_out() -> None:
    item = SimItem("BEAN", "Roasters", (4.0,) * 20, 1.0)
    scenario = Scenario(date(2026, 1, 1), warmup=7, typed_lead={"Roasters": 2}, delays=(0,))

    result = run_policy([item], scenario, FIXED, {"BEAN": "A"})

    # typed 4/day, lead 2, buffer 2 days = 8: reorder point 16, target 24, packs of 6; starts
    # with 4 x (2 + 7) = 36. On hand at the end of days 7..19: 32 28 24 20 16 (order 8 -> 12,
    # arrives day 13) 12 20 16 (order) 12 20 16 (order) 12 20
    total = result.total
    assert (total.fill_rate, total.in_stock_rate) == (1.0, 1.0)
    assert total.lines == result.purchase_orders == 3
    assert total.inventory == 248
    assert total.days_of_supply == pytest.approx(248 / 52)
    assert total.left_over == 20
    assert result.by_class["A"].sold == 52


def test_a_late_supplier_runs_the_fixed_rule_out_and_the_lost_sales_count() -> None:
    items = [SimItem(f"S{n}", "Slow", (5.0,) * 40, 1.0) for n in range(4)]
    scenario = Scenario(date(2026, 1, 1), warmup=7, typed_lead={"Slow": 2}, delays=(3,))
    classes = {item.sku: "A" for item in items}

    fixed = run_policy(items, scenario, Policy("f", UseLearned.NO, SafetyMethod.BUFFER, 0), classes)
    learned = run_policy(
        items, scenario, Policy("l", UseLearned.BOTH, SafetyMethod.BUFFER, 0), classes
    )

    # the typed 2 days are really 5: the fixed rule runs out every cycle; the learned lead
    # time (85th percentile of 8+ receipts = 5 days) stops that after the first deliveries
    assert fixed.total.fill_rate < 0.8
    assert fixed.total.in_stock_rate < 1
    assert learned.total.fill_rate > fixed.total.fill_rate + 0.1
    assert fixed.total.demanded == learned.total.demanded == 4 * 33 * 5


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

    assert items == [
        SimItem("FOODS_3_001_CA_1", "FOODS_3", (1.0, 2.0), 0.5),
        SimItem("HOBBIES_1_002_CA_1", "HOBBIES_1", (5.0, 0.0), 0.3),
    ]
    assert len(m5.load(tmp_path, [], series=3)) == 3
    with pytest.raises(BotError, match="no M5 store XX_9: the stores are CA_1, TX_1"):
        m5.load(tmp_path, ["XX_9"], series=3)
    with pytest.raises(BotError, match="does not hold the M5 files"):
        m5.load(tmp_path, ["CA_1"])


def test_the_frontier_interpolates_the_inventory_for_a_fill_rate() -> None:
    items = [SimItem(f"S{n}", "Roasters", (3.0, 9.0) * 12, 1.0) for n in range(3)]
    scenario = Scenario(date(2026, 1, 1), warmup=7, typed_lead={"Roasters": 3})

    comparison = compare(items, scenario)

    low, high = comparison.sweep[0], comparison.sweep[-1]
    middle = (low.by_class["A"].fill_rate + high.by_class["A"].fill_rate) / 2
    assert low.by_class["A"].fill_rate < high.by_class["A"].fill_rate
    expected = (low.by_class["A"].average_inventory + high.by_class["A"].average_inventory) / 2
    assert _frontier([low, high], middle) == pytest.approx(expected)
    assert _frontier([low, high], 1.01) is None
    text = table(comparison)
    assert "| fixed rule, typed rate |" in text
    assert "service level by ABC" in text


def test_the_plot_is_a_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib", reason="matplotlib comes with the bench extra")
    from sheets_bot.simulation.report import plot

    items = [SimItem(f"S{n}", "Roasters", (3.0, 9.0) * 12, 1.0) for n in range(2)]
    comparison = compare(items, Scenario(date(2026, 1, 1), 7, {"Roasters": 3}))

    path = plot(comparison, tmp_path / "plot.png")

    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
