"""Item fill targets within a class: hand-computed allocation by √(unit cost × cycle days)."""

from __future__ import annotations

import pytest

from sheets_bot.domain.targets import TargetInput, item_targets

TARGETS = {"A": 0.98, "B": 0.95, "C": 0.90}


def test_costly_slow_items_get_less_and_the_class_average_holds() -> None:
    # weights √(cost × cycle): cheap 1 × 4 → 2, costly 9 × 4 → 6; sold 9 and 1 a day:
    # average (9 × 2 + 1 × 6) / 10 = 2.4; shortfall 2% × 2/2.4 = 1.667%, 2% × 6/2.4 = 5%
    targets = item_targets(
        [
            TargetInput("cheap", "A", 9, 1.0, 4),
            TargetInput("costly", "A", 1, 9.0, 4),
        ],
        TARGETS,
    )

    assert targets["cheap"] == pytest.approx(1 - 0.02 * 2 / 2.4)
    assert targets["costly"] == pytest.approx(0.95)
    # the class's units-weighted average shortfall is its target's
    average = (9 * (1 - targets["cheap"]) + 1 * (1 - targets["costly"])) / 10
    assert average == pytest.approx(0.02)


def test_unknown_costs_count_as_the_class_median_and_targets_are_capped() -> None:
    targets = item_targets(
        [
            TargetInput("a", "C", 1, 1.0, 1),
            TargetInput("b", "C", 1, None, 1),
            TargetInput("c", "C", 1, 1.0, 1),
            TargetInput("rare", "C", 0.0001, 10_000.0, 60),
            TargetInput("none", "B", 0, None, 1),
        ],
        TARGETS,
    )

    assert targets["a"] == targets["b"] == targets["c"]
    assert targets["rare"] == pytest.approx(1 - 0.1 * 3)  # at most 3 × the class's shortfall
    assert targets["none"] == 0.95  # nothing sold in its class: the class's target


def test_an_item_not_selling_yet_keeps_its_class_target() -> None:
    # nothing sold yet: it weighs nothing in the class's average, so its demand to come is not
    # allowed for there; a costly one would otherwise get 3 × the class's shortfall
    targets = item_targets(
        [
            TargetInput("seller", "C", 2, 1.0, 4),
            TargetInput("new costly", "C", 0, 500.0, 30),
        ],
        TARGETS,
    )

    assert targets["new costly"] == 0.90
    assert targets["seller"] == pytest.approx(0.90)
