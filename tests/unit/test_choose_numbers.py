"""``choose_numbers`` without its words (``explain=False``, what a replay asks for every item
on every day) chooses exactly the same numbers."""

from __future__ import annotations

import pytest

from sheets_bot.domain.forecast import Forecast, learn_forecast
from sheets_bot.domain.learning import ItemLearning, choose_numbers
from sheets_bot.domain.models import SafetyMethod, ShopSettings
from tests.unit.tables import item

SPORADIC = learn_forecast((4.0 if n % 5 == 0 else 0.0, n == 20) for n in range(40))
SHORT = learn_forecast((3.0, False) for _ in range(5))
NEVER = learn_forecast((0.0, False) for _ in range(30))


@pytest.mark.parametrize("forecast", [SPORADIC, SHORT, NEVER, None])
@pytest.mark.parametrize("typed_rate", [0.0, 2.0])
@pytest.mark.parametrize("method", [SafetyMethod.FILL_RATE, SafetyMethod.BUFFER])
def test_the_numbers_are_the_same_without_the_words(
    forecast: Forecast | None, typed_rate: float, method: SafetyMethod
) -> None:
    thing = item(daily_sales=typed_rate)
    settings = ShopSettings(safety_method=method)
    learning = ItemLearning(forecast, None, "B", 0.93)

    worded = choose_numbers(thing, learning, settings, 20.0)
    bare = choose_numbers(thing, learning, settings, 20.0, explain=False)

    assert (bare.item, bare.plan, bare.used, bare.new_item) == (
        worded.item,
        worded.plan,
        worded.used,
        worded.new_item,
    )
    assert worded.basis
    if forecast is SPORADIC:
        assert worded.unsure and not bare.unsure
