"""The check's Trend column: the last 14 days' closing on hand from the stock history and
today's, as text blocks in the local/memory sheet and a SPARKLINE in Google Sheets, in the
check's one write."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from sheets_bot.adapters.clock import FixedClock
from sheets_bot.domain.history import StockDay
from sheets_bot.domain.trend import text_sparkline
from sheets_bot.services.check import run_check
from sheets_bot.services.lanes import CheckPorts
from sheets_bot.services.setup import run_init
from sheets_bot.testing import lanes
from sheets_bot.testing.fake_sheets_api import FakeSheetsApi
from sheets_bot.testing.google_sheet_owner import FakeSheetOwner, fake_google_sheet
from sheets_bot.testing.memory_store import MemoryStore
from sheets_bot.testing.scripted_history import ScriptedStockHistory
from tests.services.harness import MONDAY_10AM, Shop

ESPRESSO = "COF-ESP-1K"
TODAY = MONDAY_10AM.date()
CLOSINGS = [30.0, 27.5, 25.0, 22.5, 20.0, 17.5, 15.0, 12.5, 10.0, 7.5, 5.0, 2.5, 0.0, 8.5]


def history(sku: str = ESPRESSO) -> ScriptedStockHistory:
    start = TODAY - timedelta(days=len(CLOSINGS))
    days = [
        StockDay(start + timedelta(days=n), sku, value, value, value, 0, 0)
        for n, value in enumerate(CLOSINGS)
    ]
    days.append(StockDay(TODAY, sku, 1, 1, 1, 0, 0))  # today so far: not part of the trend
    days.append(StockDay(start - timedelta(days=1), sku, 99, 99, 99, 0, 0))  # too old
    return ScriptedStockHistory(days)


def test_the_trend_is_the_last_fortnight_then_today() -> None:
    shop = Shop.sample()
    scripted = history()
    report = run_check(replace(shop.check_ports, history=scripted))
    # One read of the history per check: the learning's 56 days, the trend's 14 among them.
    assert scripted.calls == [(TODAY - timedelta(days=56), TODAY - timedelta(days=1))]
    espresso = shop.stock(ESPRESSO)
    assert espresso["Trend"] == text_sparkline([*CLOSINGS, 6])  # 6 on hand today
    assert espresso["Trend"] == "█▇▇▆▆▅▅▄▃▃▂▂▁▃▂"  # 7 levels over 0..30, 6 -> 1.4 -> ▂
    others = [row["Trend"] for row in shop.rows("Stock") if row["SKU"] != ESPRESSO]
    assert set(others) == {None}  # no history for them yet
    assert report.kept_owner_values == []


def test_without_a_history_the_trend_is_left_alone() -> None:
    shop = Shop.sample()
    run_check(shop.check_ports)
    assert {row.get("Trend") for row in shop.rows("Stock")} == {None}


def test_an_owners_text_in_trend_is_kept() -> None:
    shop = Shop.sample()
    run_check(replace(shop.check_ports, history=history()))
    shop.sheet.set_cell("Stock", shop.stock_row(ESPRESSO), "Trend", "mine")
    report = run_check(replace(shop.check_ports, history=history()))
    assert shop.stock(ESPRESSO)["Trend"] == "mine"
    assert any("'Trend': kept your 'mine'" in note for note in report.kept_owner_values)


def test_on_google_it_is_a_sparkline_in_the_checks_one_write() -> None:
    with FakeSheetsApi.running() as fake:
        key = fake.create_spreadsheet("Shop")
        run_init(fake_google_sheet(fake, key), sample=True)
        store = MemoryStore()
        owner = FakeSheetOwner(fake, key)

        def adapters() -> CheckPorts:
            core = lanes.core(fake_google_sheet(fake, key), store, FixedClock(MONDAY_10AM))
            return lanes.check_ports(core, history=history())

        fake.reset_counts()
        run_check(adapters())
        assert fake.total <= 4
        assert fake.counts.get("spreadsheets.batchUpdate") == 1
        grid = owner.grid("Stock")
        trend = grid[0].index("Trend")
        row = next(n for n, cells in enumerate(grid) if cells[1:2] == [ESPRESSO])
        cell = f"Stock!{chr(ord('A') + trend)}{row + 1}"
        answer = fake.client().http_client.values_get(
            key, cell, params={"valueRenderOption": "FORMULA"}
        )
        assert answer["values"] == [
            ["=SPARKLINE({30,27.5,25,22.5,20,17.5,15,12.5,10,7.5,5,2.5,0,8.5,6})"]
        ]
        fake.reset_counts()
        second = run_check(adapters())  # reads back blank, like Google: not the owner's
        assert second.kept_owner_values == []
        assert fake.total <= 4


def test_scripted_history_answers_as_the_port_says() -> None:
    days = [
        StockDay(date(2026, 11, 2), "B", 1, 1, 1, 0, 0),
        StockDay(date(2026, 11, 1), "B", 1, 1, 1, 0, 0),
        StockDay(date(2026, 11, 1), "A", 1, 1, 1, 0, 0),
        StockDay(date(2026, 11, 3), "A", 1, 1, 1, 0, 0),
    ]
    scripted = ScriptedStockHistory(days)
    found = scripted.days(date(2026, 11, 1), date(2026, 11, 2))
    assert [(day.day.day, day.sku) for day in found] == [(1, "A"), (1, "B"), (2, "B")]
