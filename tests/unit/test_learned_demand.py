"""Each item's demand filter kept between checks: its plain-number state, the blob of every
item's, and ``advance`` (one day folded per check), checked against one filter run over the
whole history (what ``sheets-bot simulate`` does)."""

from __future__ import annotations

import json
import random
import zlib
from collections import deque
from dataclasses import replace
from datetime import date, timedelta

import pytest

from sheets_bot.domain import filter_state
from sheets_bot.domain.demand import WINDOW_DAYS, DemandDay, learn_from_days
from sheets_bot.domain.forecast import DemandFilter, Forecast, learn_forecast
from sheets_bot.domain.learned_demand import (
    ItemDemand,
    LearnedDemand,
    Restart,
    UnreadableState,
    advance,
    decode,
    encode,
    restart_sentence,
)

DAY0 = date(2026, 3, 2)


def history(count: int, seed: int = 3) -> list[tuple[float, bool]]:
    """Lumpy demand with stock-outs: sales on about a day in four, some emptying the shelf."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible history, not a secret
    days = []
    for _ in range(count):
        sold = rng.choice([0, 0, 0, 1, 2, 7]) * 1.0
        days.append((sold, rng.random() < 0.08))
    return days


def filtered(days: list[tuple[float, bool]]) -> DemandFilter:
    state = DemandFilter()
    for sold, out in days:
        state.update(sold, out)
    return state


def slots(state: DemandFilter) -> dict[str, object]:
    return {
        name: list(value) if isinstance(value, deque) else value
        for name in DemandFilter.__slots__
        if (value := getattr(state, name)) is not None or True
    }


def series(values: list[float], first: date = DAY0) -> list[DemandDay]:
    return [DemandDay(first + timedelta(days=n), v) for n, v in enumerate(values)]


# --- one filter as numbers ------------------------------------------------------------------


def test_every_slot_of_the_filter_is_named_in_its_state() -> None:
    """A slot added to ``DemandFilter`` must be named in ``filter_state`` (and ``LAYOUT``
    then changes, so states saved before are learned again, never misread)."""
    assert set(DemandFilter.__slots__) == filter_state.NAMED
    assert ",".join(sorted(DemandFilter.__slots__)) in filter_state.LAYOUT
    assert len(DemandFilter().to_state()) == filter_state.WIDTH


@pytest.mark.parametrize("count", [0, 1, 27, 28, 29, 200])
def test_a_filter_made_again_from_its_state_is_the_same_filter(count: int) -> None:
    days = history(count + 40)
    state = filtered(days[:count])

    again = DemandFilter.from_state(state.to_state())

    assert slots(again) == slots(state)
    assert {type(v) for v in slots(again).values()} == {type(v) for v in slots(state).values()}
    assert again.forecast() == state.forecast()
    for sold, out in days[count:]:  # and they go on alike
        state.update(sold, out)
        again.update(sold, out)
    assert again.forecast() == state.forecast() == learn_forecast(days)


def test_the_state_is_plain_exact_numbers() -> None:
    state = filtered(history(90))

    numbers = state.to_state()

    assert all(type(n) in (int, float) for n in numbers)
    assert json.loads(json.dumps(numbers)) == list(numbers)


@pytest.mark.parametrize(
    ("at", "value", "reason"),
    [
        (0, -1.0, "a count that is not a whole number"),  # days
        (0, 2.5, "a count that is not a whole number"),
        (5, float("nan"), "not finite"),  # size_sum
        (len(filter_state.COUNTS) + len(filter_state.REALS), float("inf"), "not finite"),
        (filter_state.WIDTH - 4, 1 << 29, "stock-out mask"),
        (filter_state.WIDTH - 1, 9.0, "unknown class code 9"),
    ],
)
def test_numbers_that_cannot_be_a_filter_are_refused(at: int, value: float, reason: str) -> None:
    numbers = list(filtered(history(60)).to_state())
    numbers[at] = value

    with pytest.raises(ValueError, match=reason):
        DemandFilter.from_state(numbers)


def test_a_state_of_another_width_is_refused() -> None:
    with pytest.raises(ValueError, match="numbers where a demand filter has"):
        DemandFilter.from_state([*DemandFilter().to_state(), 0.0])


# --- the blob of every item -----------------------------------------------------------------


def test_the_blob_gives_back_every_item_exactly() -> None:
    items = {
        f"sku-{n}": ItemDemand(DAY0 + timedelta(days=n % 3), filtered(history(40 + n, seed=n)))
        for n in range(30)
    }
    items["café-ü"] = ItemDemand(DAY0, filtered(history(5)))
    state = LearnedDemand(DAY0 + timedelta(days=2), items)

    back = decode(encode(state))

    assert back.through == state.through
    assert list(back.items) == list(items)
    for sku, entry in items.items():
        assert back.items[sku].through == entry.through
        assert slots(back.items[sku].demand) == slots(entry.demand)


def test_an_empty_state_round_trips() -> None:
    assert decode(encode(LearnedDemand(DAY0, {}))) == LearnedDemand(DAY0, {})


def _raw(state: LearnedDemand) -> tuple[dict[str, object], bytes]:
    head, _, body = zlib.decompress(encode(state)).partition(b"\n")
    return json.loads(head), body


def _blob(header: dict[str, object], body: bytes) -> bytes:
    return zlib.compress(json.dumps(header).encode() + b"\n" + body)


def test_a_state_of_another_layout_or_a_damaged_one_is_unreadable() -> None:
    state = LearnedDemand(DAY0, {"a": ItemDemand(DAY0, filtered(history(30)))})
    header, body = _raw(state)

    other = _blob({**header, "layout": "v0;days"}, body)
    with pytest.raises(UnreadableState, match="saved by another version"):
        decode(other)
    with pytest.raises(UnreadableState, match="damaged"):
        decode(_blob(header, body[:-8]))
    with pytest.raises(UnreadableState, match="not a learned-demand state"):
        decode(b"\x00garbage")
    with pytest.raises(UnreadableState, match="not a learned-demand state"):
        decode(_blob({**header, "format": "something else"}, body))
    with pytest.raises(UnreadableState, match="damaged"):
        decode(_blob({**header, "through": "yesterday"}, body))


# --- advancing a day at a time --------------------------------------------------------------


def daily(values: list[float], checks: range) -> tuple[Forecast | None, LearnedDemand | None]:
    """A check on each day of ``checks`` (day numbers from DAY0), each seeing only the window
    before it, each state saved and read back as the store would."""
    saved: LearnedDemand | None = None
    forecast = None
    for n in checks:
        today = DAY0 + timedelta(days=n)
        window = [d for d in series(values[:n]) if d.day >= today - timedelta(days=WINDOW_DAYS)]
        step = advance(saved, {"slow": window}, ["slow"], today)
        forecast = step.forecasts.get("slow")
        if step.changed:
            saved = decode(encode(step.state))
    return forecast, saved


def test_daily_checks_give_the_forecast_of_one_filter_over_every_day() -> None:
    """A sale of 2 every 20 days from day 5 (days 5, 25, …, 165): 9 sales in 170 days."""
    values = [2.0 if n % 20 == 5 else 0.0 for n in range(170)]

    forecast, saved = daily(values, range(1, 171))

    assert forecast == learn_forecast((v, False) for v in values)
    assert forecast is not None and saved is not None
    assert (forecast.days, forecast.selling_days, forecast.method) == (170, 9, "SBA")
    assert forecast.kind is not None and forecast.kind.value == "intermittent"
    assert forecast.unsure == []
    # size 2; the interval smoothed from 6 (days 0-5), then 20s at weights 1/2 … 1/9:
    # 6, 13, 15.33, 16.5, 17.2, 17.67, 18, 18.25, 18.44; rate 0.95 × 2 ÷ 18.44
    assert forecast.rate == pytest.approx(0.95 * 2 / (18.25 + (20 - 18.25) / 9))
    assert saved.through == DAY0 + timedelta(days=169)
    # the 56-day window alone sees 3 sales: unsure, and another rate
    window = learn_from_days(series(values), DAY0 + timedelta(days=170))
    assert window is not None
    assert (window.days, window.selling_days) == (56, 3)
    assert window.unsure and window.rate != forecast.rate


def test_a_second_check_on_the_same_day_changes_nothing() -> None:
    values = [1.0, 0, 3, 0, 0, 2] * 10
    today = DAY0 + timedelta(days=60)
    first = advance(None, {"a": series(values)}, ["a"], today)
    saved = decode(encode(first.state))

    again = advance(saved, {"a": series(values)}, ["a"], today)

    assert first.changed and not again.changed
    assert again.forecasts == first.forecasts
    assert encode(again.state) == encode(first.state)


def test_an_item_without_a_kept_filter_learns_from_its_window() -> None:
    values = [1.0, 0, 3] * 30
    today = DAY0 + timedelta(days=90)
    saved = LearnedDemand(today - timedelta(days=2), {})

    step = advance(saved, {"new": series(values)}, ["new"], today)

    assert step.forecasts["new"] == learn_from_days(series(values), today)
    assert step.note is None and step.restart is None and step.changed


def test_a_state_older_than_the_window_is_learned_again_and_said() -> None:
    values = [1.0, 0, 3] * 40
    old = advance(None, {"a": series(values[:30])}, ["a"], DAY0 + timedelta(days=30))
    today = DAY0 + timedelta(days=120)  # last folded day 29: 90 days before yesterday

    step = advance(old.state, {"a": series(values)}, ["a"], today)

    assert step.forecasts["a"] == learn_from_days(series(values), today)
    assert step.changed
    assert step.note == (
        "the last check that learned demand folded in 2026-03-31, more than 56 days ago,"
        " and the days since cannot all be read: every item is learned again from the last"
        " 56 days (from 2026-05-05)"
    )
    assert step.restart is Restart.LAPSED
    assert restart_sentence(step.restart) == (
        "Learning restarted from the last 56 days: the bot had not learned for more than 56"
        " days, and the days since could not all be read."
    )


def test_a_state_saved_after_today_is_not_used_nor_replaced() -> None:
    values = [1.0, 2.0] * 40
    later = advance(None, {"a": series(values)}, ["a"], DAY0 + timedelta(days=80))
    today = DAY0 + timedelta(days=40)

    step = advance(later.state, {"a": series(values)}, ["a"], today)

    assert step.forecasts["a"] == learn_from_days(series(values), today)
    assert not step.changed
    assert step.note == (
        "saved through 2026-05-20, after this check's yesterday (2026-04-10; was the clock set"
        " back?): items are learned from the last 56 days for this check only, and what was"
        " saved is kept"
    )
    assert step.restart is Restart.CLOCK_BACK


def test_an_item_missing_for_a_day_keeps_its_filter_and_catches_up() -> None:
    """A Stock row that cannot be read for a day is not in the check's SKUs: its filter waits,
    and the next check folds the days it missed from the window."""
    values = [0.0, 0, 0, 4] * 30
    checks: list[list[str]] = [["a", "b"]] * 100 + [["b"]] * 3 + [["a", "b"]] * 17
    saved = None
    for n, skus in enumerate(checks, start=1):
        today = DAY0 + timedelta(days=n)
        step = advance(saved, {"a": series(values[:n]), "b": series(values[:n])}, skus, today)
        saved = decode(encode(step.state))

    assert step.forecasts["a"] == step.forecasts["b"] == learn_forecast((v, False) for v in values)


def test_an_item_gone_longer_than_the_window_is_dropped() -> None:
    step = advance(
        None,
        {"a": series([1.0] * 10), "b": series([1.0] * 10)},
        ["a", "b"],
        DAY0 + timedelta(days=10),
    )
    state = step.state
    for n in range(11, 11 + WINDOW_DAYS + 2):
        state = advance(state, {"b": series([1.0] * n)}, ["b"], DAY0 + timedelta(days=n)).state
        if n == 10 + WINDOW_DAYS:
            assert "a" in state.items  # still within reach of the window
    assert set(state.items) == {"b"}


def test_days_after_yesterday_are_not_folded() -> None:
    values = [1.0] * 20
    today = DAY0 + timedelta(days=10)

    step = advance(None, {"a": series(values)}, ["a"], today)

    assert step.state.items["a"].demand.days == 10
    assert replace(step.state, items={}).through == today - timedelta(days=1)


def test_series_for_a_kept_filter_start_the_day_after_its_last() -> None:
    """The check builds only the days a kept filter still needs; they are the tail of the
    full series, quiet days and stock-outs included."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from sheets_bot.domain.demand import days_from_events, days_from_stock
    from sheets_bot.domain.history import SaleEvent, StockDay

    last = DAY0 + timedelta(days=20)
    records = [
        StockDay(DAY0 + timedelta(days=n), "A", 10, 10 - n % 3, 0 if n == 12 else 5, n % 3, 0)
        for n in (0, 3, 4, 9, 12, 18)
    ]
    since = {"a": DAY0 + timedelta(days=10)}
    full = days_from_stock(records, last)["a"]
    assert days_from_stock(records, last, since)["a"] == [d for d in full if d.day >= since["a"]]

    zone = ZoneInfo("UTC")
    events = [
        SaleEvent(f"e{n}", "shopify", sku, 1, datetime.combine(DAY0, datetime.min.time(), UTC))
        for n, sku in enumerate(["A", "B"])
    ]
    whole_a = days_from_events(events, zone, last, also=["c"])
    tail = days_from_events(events, zone, last, also=["c"], since={"a": since["a"], "c": last})
    assert tail["a"] == [d for d in whole_a["a"] if d.day >= since["a"]]
    assert tail["b"] == whole_a["b"] and len(tail["b"]) == 21
    assert tail["c"] == [DemandDay(last, 0.0)]


def test_an_item_of_few_sales_takes_the_spread_of_sale_sizes_usual_in_the_shop() -> None:
    """Five items with 40 sales each, of 1 or 3 (CV² 0.25 seen, 0.25 × 40/39 unbiased): the
    shop's usual spread, which the item that sold once takes as its own."""
    today = DAY0 + timedelta(days=40)
    steady = series([1.0, 3.0] * 20)
    once = series([0.0] * 39 + [5.0])
    skus = [f"s{n}" for n in range(5)]

    step = advance(None, {**dict.fromkeys(skus, steady), "once": once}, [*skus, "once"], today)

    usual = 0.25 * 40 / 39
    assert step.forecasts["once"].size_cv2 == pytest.approx(usual)
    assert step.forecasts["s0"].size_cv2 == pytest.approx((40 * 0.25 + 2 * usual) / 41)
    # alone, it would take the default
    alone = advance(None, {"once": once}, ["once"], today)
    assert alone.forecasts["once"].size_cv2 == pytest.approx(0.49)
