"""The reorder rules, with the issue's worked examples."""

from __future__ import annotations

import pytest

from sheets_bot.domain.models import Move
from sheets_bot.domain.policy import Assessment, assess, order_quantity, reorder_point


def _assess(
    on_hand: float, daily: float = 18, lead: float = 20, buffer: float = 238, on_order: float = 0
) -> Assessment:
    return assess(
        on_hand=on_hand,
        on_order=on_order,
        daily_sales=daily,
        lead_time_days=lead,
        safety_buffer=buffer,
        watch_days=7,
    )


def test_worked_example_pack_of_one() -> None:
    assessment = _assess(412)
    assert reorder_point(18, 20, 238) == 598
    assert assessment.reorder_point == 598
    assert assessment.move is Move.REORDER
    quantity = order_quantity(
        assessment, pack_size=1, min_order=None, max_order=None, max_cover_days=90
    )
    assert quantity.target == 958
    assert quantity.quantity == 546
    assert quantity.capped_by is None


def test_worked_example_pack_of_twelve() -> None:
    quantity = order_quantity(
        _assess(412), pack_size=12, min_order=None, max_order=None, max_cover_days=90
    )
    assert quantity.quantity == 552
    assert "46 packs of 12" in quantity.steps


def test_why_reads_like_the_owner_would_check_it() -> None:
    assert (
        _assess(412).why == "412 on hand + 0 on order ≤ reorder point 598 = 18/day × 20 days + 238"
    )


@pytest.mark.parametrize(
    ("on_hand", "on_order", "move"),
    [
        (0, 0, Move.URGENT),  # out of stock while it sells
        (0, 500, Move.URGENT),  # still out of stock today, even with an order coming
        (359, 0, Move.URGENT),  # below 18 × 20 = 360: runs out before an order arrives
        (360, 0, Move.REORDER),
        (598, 0, Move.REORDER),  # at the reorder point
        (300, 298, Move.REORDER),  # on order counts in the position
        (599, 0, Move.WATCH),
        (724, 0, Move.WATCH),  # 724 − 7 × 18 = 598: reaches it within the watch window
        (725, 0, Move.STOCKED),
    ],
)
def test_the_four_moves(on_hand: float, on_order: float, move: Move) -> None:
    assert _assess(on_hand, on_order=on_order).move is move


def test_an_item_that_does_not_sell_is_stocked_even_at_zero() -> None:
    assessment = _assess(0, daily=0, buffer=5)
    assert assessment.move is Move.STOCKED
    assert assessment.days_left is None


def test_days_left() -> None:
    assert _assess(412).days_left == pytest.approx(412 / 18)


def test_min_order_then_pack_rounding() -> None:
    assessment = _assess(590)  # needs 368
    quantity = order_quantity(
        assessment, pack_size=50, min_order=400, max_order=None, max_cover_days=90
    )
    assert quantity.quantity == 400
    assert "min order 400" in quantity.steps


def test_capped_at_max_order_rounded_down_to_packs() -> None:
    quantity = order_quantity(
        _assess(412), pack_size=12, min_order=None, max_order=500, max_cover_days=90
    )
    assert quantity.quantity == 492
    assert quantity.capped_by == "max order 500"


def test_capped_at_max_cover_days() -> None:
    quantity = order_quantity(
        _assess(412), pack_size=1, min_order=None, max_order=None, max_cover_days=20
    )
    assert quantity.quantity == 360
    assert quantity.capped_by is not None
    assert "20 days of sales" in quantity.capped_by


def test_cap_never_below_one_pack() -> None:
    assessment = _assess(0, daily=0.1, lead=10, buffer=1)
    quantity = order_quantity(
        assessment, pack_size=24, min_order=None, max_order=None, max_cover_days=90
    )
    assert quantity.quantity == 24


def test_fractional_sales_round_up_to_whole_units() -> None:
    assessment = _assess(1, daily=0.4, lead=10, buffer=1)  # rop 5, target 9 → 8
    assert (
        order_quantity(
            assessment, pack_size=1, min_order=None, max_order=None, max_cover_days=90
        ).quantity
        == 8
    )


def test_nothing_to_order_when_the_position_covers_the_target() -> None:
    assessment = _assess(0, on_order=2000)
    quantity = order_quantity(
        assessment, pack_size=1, min_order=None, max_order=None, max_cover_days=90
    )
    assert quantity.quantity == 0
