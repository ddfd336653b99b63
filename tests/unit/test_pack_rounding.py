"""Rounding to whole packs is exact for any pack size (issue 18, bad workbooks item 4)."""

from __future__ import annotations

import pytest

from sheets_bot.domain.policy import _round_down, _round_up, assess, order_quantity

PACKS = [1, 6, 12, 1000, 10**6, 10**9, 10**11, 10**15, 2**53 + 1, 10**30]


@pytest.mark.parametrize("pack", PACKS)
@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_round_up_is_the_fewest_whole_packs_for_any_pack(pack: int, offset: int) -> None:
    for quantity in {1, 26, max(pack + offset, 1), 3 * pack + offset}:
        packed = _round_up(quantity, pack)
        assert packed % pack == 0
        assert packed >= quantity
        assert packed - pack < quantity


@pytest.mark.parametrize("pack", PACKS)
def test_round_down_is_the_most_whole_packs_for_any_pack(pack: int) -> None:
    for quantity in {pack, 2 * pack - 1, 5 * pack + 1}:
        packed = _round_down(quantity, pack)
        assert packed % pack == 0
        assert packed <= quantity < packed + pack


def test_a_hair_past_a_multiple_from_float_noise_is_that_multiple() -> None:
    assert 0.1 * 3 * 80 != 24  # 24.000000000000004
    assert _round_up(0.1 * 3 * 80, 6) == 24
    assert _round_down(24 - 4e-15, 6) == 24
    assert _round_up(24.5, 6) == 30
    assert _round_down(23.5, 6) == 18


def test_an_out_of_stock_item_with_a_huge_pack_still_gets_an_order() -> None:
    """The issue's case: 26 needed, pack 10**11: the fixed 1e-9 made it 0 packs, no line."""
    assessment = assess(
        on_hand=0, on_order=0, daily_sales=2, lead_time_days=5, safety_buffer=6, watch_days=7
    )
    quantity = order_quantity(
        assessment, pack_size=10**11, min_order=None, max_order=None, max_cover_days=10**12
    )
    assert quantity.quantity == 10**11
