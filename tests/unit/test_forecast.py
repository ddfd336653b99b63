"""Demand classes and the forecasts by class, with expectations computed by hand.

Smoothing weights: α = 0.1, but at least 1/n early on (n = days for SES, sales for the size
and interval of SBA/TSB), so the first estimates are plain means."""

from __future__ import annotations

import pytest

from sheets_bot.domain.demand_class import DemandClass, Shape, classify, demand_class
from sheets_bot.domain.forecast import (
    SIZE_PRIOR_CV2,
    DemandFilter,
    learn_forecast,
    shop_sale_size,
    shop_size_cv2,
    size_cv2,
)


def days(values: list[float], stock_outs: frozenset[int] = frozenset()) -> list[tuple[float, bool]]:
    return [(value, index in stock_outs) for index, value in enumerate(values)]


# --- the classes (Syntetos-Boylan cut-offs ADI 1.32, CV² 0.49)


def test_smooth_erratic_intermittent_lumpy() -> None:
    smooth = classify([5, 5, 6, 4])  # sizes mean 5, variance 0.5: CV² 0.02, ADI 1
    erratic = classify([1, 9, 1, 9])  # mean 5, variance 16: CV² 0.64, ADI 1
    intermittent = classify([4, 0, 4, 0, 4, 0, 4, 0])  # ADI 8/4 = 2, CV² 0
    lumpy = classify([0, 0, 10, 0, 0, 1, 0, 0, 10, 0, 0, 1])  # ADI 3, CV² 20.25/30.25
    assert smooth is not None and erratic is not None
    assert intermittent is not None and lumpy is not None

    assert (smooth.kind, smooth.adi) == (DemandClass.SMOOTH, 1)
    assert smooth.cv2 == pytest.approx(0.02)
    assert erratic.kind is DemandClass.ERRATIC
    assert erratic.cv2 == pytest.approx(0.64)
    assert (intermittent.kind, intermittent.adi, intermittent.cv2) == (
        DemandClass.INTERMITTENT,
        2,
        0,
    )
    assert (lumpy.kind, lumpy.adi) == (DemandClass.LUMPY, 3)
    assert lumpy.cv2 == pytest.approx(20.25 / 30.25)
    assert lumpy.why == "lumpy: ADI 3.00, CV² 0.67"


def test_the_cut_offs_belong_to_the_sporadic_and_variable_side() -> None:
    # 33 days, 25 with a sale: ADI exactly 1.32; sizes 3 and 17 (mean 10, variance 49): CV² 0.49
    assert demand_class(1.32, 0.0) is DemandClass.INTERMITTENT
    assert demand_class(1.31, 0.49) is DemandClass.ERRATIC
    assert demand_class(1.32, 0.49) is DemandClass.LUMPY
    shape = classify([3, 17])
    assert shape is not None and shape.cv2 == pytest.approx(0.49)


def test_no_sale_has_no_class() -> None:
    assert classify([0, 0, 0]) is None
    forecast = learn_forecast(days([0.0] * 30))
    assert (forecast.rate, forecast.method, forecast.kind, forecast.enough) == (
        0,
        "none",
        None,
        False,
    )


# --- SES for smooth and erratic demand


def test_ses_starts_as_a_mean_then_moves_a_tenth_of_the_way() -> None:
    state = DemandFilter()
    for value in (10.0, 20.0, 30.0):
        state.update(value)
    assert state.ses == pytest.approx(20)  # weights 1, 1/2, 1/3: the mean

    forecast = learn_forecast(days([10.0] * 10 + [20.0]))
    # ten days of 10 (level 10), then weight max(0.1, 1/11) = 0.1: 10 + 0.1 × 10 = 11
    assert (forecast.method, forecast.kind) == ("SES", DemandClass.SMOOTH)
    assert forecast.rate == pytest.approx(11)


def test_a_censored_spike_counts_in_full_and_a_short_censored_day_is_the_forecast() -> None:
    steady = [10.0] * 20
    spike = learn_forecast(days([*steady, 40.0], frozenset({20})))
    short = learn_forecast(days([*steady, 2.0], frozenset({20})))
    dropped_as_zero = learn_forecast(days([*steady, 2.0]))

    # the shelf emptied on a day that sold 40: at least 40, so 10 + 0.1 × (40 − 10) = 13
    assert spike.rate == pytest.approx(13)
    assert spike.stock_out_days == 1
    assert "1 stock-out day counted as at least what they sold" in spike.why
    # ran out after 2: the forecast 10 stands in for the day, the level stays 10
    assert short.rate == pytest.approx(10)
    # the same 2 on a day with stock is real demand: 10 + 0.1 × (2 − 10) = 9.2
    assert dropped_as_zero.rate == pytest.approx(9.2)


def test_a_censored_big_day_adds_what_such_a_sale_takes_beyond_it() -> None:
    base = [2.0, 6.0] * 10  # sizes mean 4, variance 4: CV² 0.25, a mean residual of 4 × 0.25
    before = DemandFilter()
    for value in base:
        before.update(value)

    emptied = learn_forecast(days([*base, 8.0], frozenset({20})))

    # the shelf emptied after 8: at least 8, on average 8 + 1 = 9
    assert emptied.rate == pytest.approx(before.ses + 0.1 * (9 - before.ses))


# --- SBA and TSB for intermittent and lumpy demand


def test_sba_smooths_size_and_interval_separately() -> None:
    # a sale of 2 after 2 days, then of 6 after 4 more: size 2 → 2 + ½ × 4 = 4,
    # interval 2 → 2 + ½ × 2 = 3; SBA = (1 − 0.1/2) × 4 / 3 = 1.2667
    state = DemandFilter()
    for value in (0.0, 2.0, 0.0, 0.0, 0.0, 6.0):
        state.update(value)
    assert state.sba == pytest.approx(0.95 * 4 / 3)


def test_an_intermittent_series_is_forecast_by_sba() -> None:
    forecast = learn_forecast(days([0.0, 0.0, 0.0, 4.0] * 14))  # 56 days, a sale of 4 every 4th

    assert forecast.kind is DemandClass.INTERMITTENT
    assert forecast.method == "SBA"
    assert forecast.rate == pytest.approx(0.95 * 4 / 4)  # size 4, interval 4
    assert forecast.enough
    assert forecast.unsure == []


def test_a_dying_item_is_forecast_by_tsb_which_falls() -> None:
    selling = [0.0, 0.0, 4.0] * 28  # 84 days, a sale of 4 every 3rd: 4/3 a day
    sba = learn_forecast(days(selling))
    after_30 = learn_forecast(days(selling + [0.0] * 30))
    after_60 = learn_forecast(days(selling + [0.0] * 60))

    assert sba.method == "SBA"
    assert sba.rate == pytest.approx(0.95 * 4 / 3)
    # no sale for more than twice the usual 3 days: TSB, whose chance of a sale decays daily
    assert after_30.method == after_60.method == "TSB"
    assert after_60.rate < after_30.rate < sba.rate
    assert after_60.rate < 0.3


def test_tsb_is_probability_times_size() -> None:
    state = DemandFilter()
    for value in (4.0, 0.0, 4.0, 0.0):
        state.update(value)
    # probability: weights 1/n early on → the share of days with a sale, 2/4; size 4
    assert state.tsb == pytest.approx(0.5 * 4)


# --- when the bot is unsure


def test_little_history_and_recent_stock_outs_make_the_bot_unsure() -> None:
    young = learn_forecast(days([5.0] * 30))
    assert young.enough
    assert young.unsure == ["little history (30 days, 30 with sales)"]

    outs = learn_forecast(days([5.0] * 60, frozenset({55, 57, 59})))
    assert outs.unsure == ["3 stock-out days in the last 28: their demand is a lower bound"]

    assert not learn_forecast(days([5.0] * 13)).enough  # two weeks of history, not 13 days
    assert not learn_forecast(days([0.0] * 40)).enough  # no sale yet
    one_sale = learn_forecast(days([0.0] * 20 + [3.0]))
    assert one_sale.enough
    assert one_sale.unsure == ["little history (21 days, 1 with sales)"]


def test_a_change_of_class_is_reported() -> None:
    forecast = learn_forecast(days([5.0] * 28 + [0.0, 0.0, 0.0, 20.0] * 4))

    assert forecast.previous_class is DemandClass.SMOOTH
    assert forecast.kind is not DemandClass.SMOOTH
    assert any(reason.startswith("demand changed from smooth") for reason in forecast.unsure)


# --- stock-outs: the shelf's empty days, and sales it cut short


def test_an_empty_shelf_that_sold_nothing_tells_nothing() -> None:
    selling = [0.0, 0.0, 4.0] * 10
    seen = learn_forecast(days(selling))
    emptied = learn_forecast(days([*selling, *[0.0] * 5], frozenset(range(30, 35))))

    # the five empty days are neither days without a sale nor sales: same rate, same ADI
    assert emptied.rate == pytest.approx(seen.rate)
    assert emptied.shape is not None and seen.shape is not None
    assert (emptied.shape.adi, emptied.selling_days) == (seen.shape.adi, 10)
    assert (emptied.days, emptied.stock_out_days) == (35, 5)
    # the same five days with stock on the shelf are days without a sale: 35 days ÷ 10 sales
    stocked = learn_forecast(days([*selling, *[0.0] * 5]))
    assert stocked.shape is not None and stocked.shape.adi == 3.5


def test_a_sale_cut_short_counts_as_a_lower_bound_of_its_size() -> None:
    state = DemandFilter()
    for sold, out in ((0.0, False), (0.0, False), (4.0, False)) * 2 + (
        (0.0, False),
        (0.0, False),
        (1.0, True),
    ):
        state.update(sold, out)
    # sizes 4, 4 seen whole (weights 1, 1/2), then 1 that emptied the shelf (weight 1/3):
    # sizes seen 4 + (1 − 4)/3 = 3; share seen whole 1 + (0 − 1)/3 = 2/3; size 3 ÷ 2/3 = 4.5
    assert state.size == pytest.approx(4.5)
    # intervals 3, 3, 3: SBA = 0.95 × 4.5 / 3 (dropping the 1 in as a whole sale would give 3)
    assert state.sba == pytest.approx(0.95 * 4.5 / 3)


def test_when_every_sale_was_cut_short_the_size_is_four_times_what_sold() -> None:
    forecast = learn_forecast(days([0.0] * 13 + [1.0], frozenset({13})))

    # one sale of 1 that emptied the shelf, none seen whole: size 1 ÷ 1/4 = 4, interval 14
    assert forecast.method == "SBA"
    assert forecast.rate == pytest.approx(0.95 * 4 / 14)
    # its errors (1 on one day in 14: 1/14) understate the spread; the model's: a sale of 4
    # with chance rate ÷ 4 a day, its size's CV² the prior's (one sale tells none):
    # chance × 16 × (1 + 0.49) − rate²
    rate = 0.95 * 4 / 14
    assert forecast.variance == pytest.approx(rate / 4 * 16 * 1.49 - rate * rate)
    # and the owner is told the size is an estimate
    assert forecast.whole_share == 0
    assert (
        "only 0% of recent sales were seen whole (the others emptied the shelf):"
        " the size of a sale is an estimate"
    ) in forecast.unsure


def test_sales_mostly_seen_whole_leave_the_size_sure() -> None:
    whole = [0.0, 0.0, 4.0] * 20
    # sales 20 whole, then one cut short: the share seen whole 1 − 0.1 = 0.9
    forecast = learn_forecast(days([*whole, 0.0, 0.0, 1.0], frozenset({62})))

    assert forecast.whole_share == pytest.approx(0.9)
    assert not any("seen whole" in reason for reason in forecast.unsure)


# --- how sure the numbers are: the spread of sale sizes over few sales, the rate's own error


def shape(selling: int, cv2: float, adi: float = 4.0) -> Shape:
    return Shape(days=round(selling * adi), selling_days=selling, adi=adi, cv2=cv2)


def test_the_size_spread_of_few_sales_is_unbiased_and_drawn_toward_the_prior() -> None:
    # one sale tells nothing of the spread: the prior, (1 × 0 + 2 × 0.49) / (0 + 2)
    assert size_cv2(shape(1, 0.0)) == pytest.approx(0.49)
    # three sales, CV² 0.2 seen: (3 × 0.2 + 2 × 0.49) / (2 + 2) = 0.395
    assert size_cv2(shape(3, 0.2)) == pytest.approx(0.395)
    # the shop's own prior, 0.1: (3 × 0.2 + 2 × 0.1) / 4 = 0.2
    assert size_cv2(shape(3, 0.2), 0.1) == pytest.approx(0.2)
    # many sales: what they show (the n/(n - 1) of an unbiased variance, all but 1)
    assert size_cv2(shape(1000, 0.3)) == pytest.approx(0.3, abs=1e-3)


def test_the_shops_usual_size_spread_is_the_median_of_its_well_sold_items() -> None:
    # four items with 8 sales or more: too few to tell; the default
    sold = [shape(8, 0.7), shape(10, 0.1), shape(20, 0.2), shape(40, 0.39)]
    assert shop_size_cv2([*sold, shape(2, 0.0), None]) == SIZE_PRIOR_CV2 == 0.49
    # five: the median of 0.7 × 8/7 = 0.8, 0.1 × 10/9, 0.2 × 20/19, 0.39 × 40/39 = 0.4, 1.9
    # × 16/15; the items with fewer sales do not count
    assert shop_size_cv2([*sold, shape(16, 1.9), shape(7, 5.0)]) == pytest.approx(0.4)
    assert shop_size_cv2([*sold, shape(16, 1.9), shape(16, 0.0)]) == pytest.approx(
        (0.2 * 20 / 19 + 0.4) / 2
    )


def test_sales_all_of_one_size_are_not_taken_for_sales_always_of_that_size() -> None:
    # 14 sales of 4, one every 4th day: seen CV² 0; allowed for: (0 + 2 × 0.49) / 15
    forecast = learn_forecast(days([0.0, 0.0, 0.0, 4.0] * 14))
    assert forecast.shape is not None and forecast.shape.cv2 == 0
    assert forecast.size_cv2 == pytest.approx(0.98 / 15)
    # and the spread SBA's own model implies: a sale on one day in 4, of 4 with that CV²
    rate = 0.95
    assert forecast.variance == pytest.approx(rate / 4 * 16 * (1 + 0.98 / 15) - rate * rate)


def test_the_rates_own_error_shrinks_with_the_values_it_is_the_mean_of() -> None:
    # SBA over 14 sales: weight max(1/14, 0.1/1.9); rate² × weight × (size CV² + 1 − 1/ADI)
    forecast = learn_forecast(days([0.0, 0.0, 0.0, 4.0] * 14))
    assert forecast.rate_variance == pytest.approx(0.95**2 / 14 * (0.98 / 15 + 0.75))
    # SES, 5 days: the level is a plain mean, its error a fifth of the noise's variance, and
    # the one-day-ahead error holds both: MSE × w / (1 + w), w = 1/5
    smooth = learn_forecast(days([10.0, 12.0, 8.0, 11.0, 9.0]))
    assert smooth.method == "SES"
    assert smooth.rate_variance == pytest.approx(smooth.variance * 0.2 / 1.2)
    # a long history: α/(2 − α) = 1/19 at most
    long = learn_forecast(days([10.0, 12.0, 8.0, 11.0, 9.0] * 40))
    assert long.rate_variance == pytest.approx(long.variance * (1 / 19) / (1 + 1 / 19))


def _sold(*values: float) -> DemandFilter:
    state = DemandFilter()
    for value in values:
        state.update(value)
    return state


def test_the_shops_usual_sale_is_the_median_items_units_per_sale() -> None:
    # units per day with a sale: 1, 2, (3 + 5) / 2 = 4, 6 and a filter with no sale (not counted)
    items = [_sold(1, 0, 1), _sold(2), _sold(3, 0, 5), _sold(0, 6), _sold(0, 0)]
    assert shop_sale_size(items) == 3.0  # the median of 1, 2, 4, 6 is 3
    # to the nearest unit: 1.2 and 1.4 -> 1; 2.5 -> 3 (half up), never below 1
    assert shop_sale_size([_sold(1, 1, 1, 2, 1), _sold(1.4)]) == 1.0
    assert shop_sale_size([_sold(2), _sold(3)]) == 3.0
    assert shop_sale_size([_sold(0.25)]) == 1.0


def test_a_shop_with_no_sale_yet_keeps_one_unit_of_a_new_item() -> None:
    assert shop_sale_size([]) == 1.0
    assert shop_sale_size([_sold(0, 0, 0)]) == 1.0
