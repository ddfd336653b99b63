"""The daily check keeps each item's learned demand between runs and folds in one shop day a
check, so a slow item is learned over every day the bot has seen (as ``sheets-bot simulate``
learns it), not over the 56 days the check reads.

The sample café with a fixed clock; POS events from ``MemorySalesLog``; the learned demand in
``MemoryLearnerStates`` (kept encoded, as the blob stores keep it) or in a folder."""

from __future__ import annotations

import json
import zlib
from dataclasses import replace
from datetime import date, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest

from sheets_bot.adapters.local.folder_blobs import FolderBlobs
from sheets_bot.domain.demand import DemandDay, learn_from_days
from sheets_bot.domain.forecast import Forecast, learn_forecast
from sheets_bot.domain.history import SaleEvent, StockDay
from sheets_bot.domain.learned_demand import decode
from sheets_bot.services.check import CheckReport, run_check
from sheets_bot.services.daily import run_daily
from sheets_bot.services.digest import run_digest
from sheets_bot.services.learner_states import BlobLearnerStates
from sheets_bot.services.stock_history import UnreadableHistory
from sheets_bot.testing.learning_fakes import MemorySalesLog, MemoryStockHistory
from tests.services.harness import MONDAY_10AM, Shop

SLOW = "RET-MUG-1"
"""Sells 2 every 20 days, from day 5: 9 sales in 170 days."""
RARE = "RET-TEA-GIFT"
"""Sells 1 every 70 days, from day 5: weeks on end with no sale in the 56 days read."""
STEADY = "COF-ESP-1K"
"""Sells 10 every day (so the POS log has an event from day 0)."""
DAYS = 170
DAY0 = MONDAY_10AM.replace(hour=11) - timedelta(days=DAYS)


def slow_sold(n: int) -> float:
    return 2.0 if n % 20 == 5 else 0.0


def pos_log(days: int = DAYS) -> MemorySalesLog:
    events = (
        [SaleEvent(f"s{n}", "shopify", STEADY, 10, DAY0 + timedelta(days=n)) for n in range(days)]
        + [
            SaleEvent(f"m{n}", "shopify", SLOW, slow_sold(n), DAY0 + timedelta(days=n, hours=2))
            for n in range(days)
            if slow_sold(n)
        ]
        + [
            SaleEvent(f"r{n}", "shopify", RARE, 1, DAY0 + timedelta(days=n, hours=3))
            for n in range(5, days, 70)
        ]
    )
    return MemorySalesLog(events)


def shop_on(day: int, **fields: object) -> Shop:
    """The sample café on the morning of ``day`` (day 0 is the first day of sales)."""
    shop = replace(Shop.sample(), **fields)  # type: ignore[arg-type]
    shop.clock.instant = DAY0.replace(hour=10) + timedelta(days=day)
    return shop


def daily_checks(shop: Shop, first: int, last: int) -> CheckReport:
    report = None
    for day in range(first, last + 1):
        shop.clock.instant = DAY0.replace(hour=10) + timedelta(days=day)
        report = run_check(shop.check_ports)
    assert report is not None
    return report


def whole(sold: list[float]) -> Forecast:
    return learn_forecast((units, False) for units in sold)


def test_daily_checks_learn_a_slow_item_over_every_day_seen() -> None:
    shop = shop_on(1, sales=pos_log())

    daily_checks(shop, 1, DAYS)

    slow = shop.stock(SLOW)
    expected = whole([slow_sold(n) for n in range(DAYS)])
    # one filter over days 0-169: 9 sales of 2, the interval smoothed to 18.44 days
    assert (expected.days, expected.selling_days, expected.method) == (170, 9, "SBA")
    assert expected.rate == pytest.approx(0.95 * 2 / 18.4444, abs=1e-5)
    assert expected.unsure == []
    assert slow["Demand class"] == "intermittent"
    assert slow["Learned sales"] == pytest.approx(round(expected.rate, 2), abs=0.005)
    assert slow["Numbers used"] == "learned rate"  # sure: 170 days, 9 with sales
    state = decode(shop.learned.data or b"")
    kept = state.items[SLOW.casefold()].demand.forecast()
    assert kept == expected
    # a rarer item's quiet weeks are days without a sale, though for weeks no sale of it is in
    # the 56 days read (the checks of days 62-75 and 132-145): sales on days 5, 75, 145
    rare = state.items[RARE.casefold()].demand.forecast()
    assert rare == whole([1.0 if n % 70 == 5 else 0.0 for n in range(DAYS)])
    assert (rare.days, rare.selling_days) == (170, 3)
    # the window the check reads would say otherwise: 56 days, 3 sales, unsure
    today = shop.clock.now().date()
    window = learn_from_days(
        [DemandDay(DAY0.date() + timedelta(days=n), slow_sold(n)) for n in range(DAYS)], today
    )
    assert window is not None
    assert (window.days, window.selling_days) == (56, 3)
    assert window.unsure == ["little history (56 days, 3 with sales)"]


def test_the_why_counts_every_day_folded_in() -> None:
    shop = shop_on(1, sales=pos_log())

    daily_checks(shop, 1, DAYS)

    steady = shop.stock(STEADY)
    assert steady["Numbers used"] == "learned rate"
    why = next(str(row["Why"]) for row in shop.rows("Drafts") if row["SKU"] == STEADY)
    assert why.startswith("10/day learned (SES, smooth: ADI 1.00, CV² 0.00; 170 days)")


def test_a_second_check_on_the_same_day_changes_nothing() -> None:
    shop = shop_on(100, sales=pos_log(100))
    daily_checks(shop, 99, 100)
    saves, data = shop.learned.saves, shop.learned.data
    before = shop.stock(SLOW)
    # a sale of yesterday that came in after the first check
    shop.sales.add([SaleEvent("late", "shopify", SLOW, 9, DAY0 + timedelta(days=99, hours=5))])

    report = run_check(shop.check_ports)

    assert (shop.learned.saves, shop.learned.data) == (saves, data)
    assert shop.stock(SLOW) == before
    assert not any("Learned demand" in problem for problem in report.problems)


def test_after_a_gap_longer_than_the_window_every_item_is_learned_again_and_said() -> None:
    shop = shop_on(30, sales=pos_log())
    run_check(shop.check_ports)
    shop.clock.advance(days=100)  # day 130: the last check folded day 29 in

    report = run_check(shop.check_ports)

    today = shop.clock.now().date()
    problem = next(p for p in report.problems if p.startswith("Learned demand: "))
    assert problem == (
        f"Learned demand: the last check that learned demand folded in"
        f" {(DAY0 + timedelta(days=29)).date().isoformat()}, more than 56 days ago, and the"
        " days since cannot all be read: every item is learned again from the last 56 days"
        f" (from {(today - timedelta(days=56)).isoformat()})"
    )
    state = decode(shop.learned.data or b"")
    assert state.through == today - timedelta(days=1)
    assert state.items[STEADY.casefold()].demand.days == 56


@pytest.mark.parametrize("damage", ["junk", "other version", "cut short"])
def test_an_unreadable_state_is_learned_again_from_the_window_and_said(
    tmp_path: Path, damage: str
) -> None:
    learned = BlobLearnerStates(FolderBlobs(tmp_path / "blobs"), "workbook")
    shop = shop_on(99, sales=pos_log(), learned=learned)
    run_check(shop.check_ports)
    blob = tmp_path / "blobs" / "learning" / "workbook" / "demand.bin"
    head, _, body = zlib.decompress(blob.read_bytes()).partition(b"\n")
    header = json.loads(head)
    blob.write_bytes(
        {
            "junk": b"not a state",
            "other version": zlib.compress(
                json.dumps({**header, "layout": "v0;days"}).encode() + b"\n" + body
            ),
            "cut short": zlib.compress(head + b"\n" + body[:-8]),
        }[damage]
    )
    shop.clock.advance(days=1)

    report = run_check(shop.check_ports)

    [problem] = [p for p in report.problems if "learned demand" in p]
    assert problem.startswith(
        "the learned demand learning/workbook/demand.bin cannot be used: it "
        + {
            "junk": "is not a learned-demand state",
            "other version": "was saved by another version of the bot's learning",
            "cut short": "is damaged",
        }[damage]
    )
    assert problem.endswith("; every item is learned again from the last 56 days")
    # learned from the window, and the state replaced by a readable one
    state = learned.load()
    assert state is not None
    assert state.items[STEADY.casefold()].demand.days == 56
    assert len(report.items) == 40


# --- the owner's digest says when learning restarted -----------------------------------------

UNREADABLE_SENTENCE = (
    "Learning restarted from the last 56 days: the kept learning could not be read (damaged"
    " or from another version)."
)


def digest_bodies(shop: Shop) -> tuple[str, str]:
    """The plain text and the HTML of the last digest sent."""
    message = shop.mailer.sent[-1]
    assert message["X-Sheets-Bot-Digest"]
    text, page = message.get_body(("plain",)), message.get_body(("html",))
    assert isinstance(text, EmailMessage) and isinstance(page, EmailMessage)
    return text.get_content(), page.get_content()


def folder_shop(tmp_path: Path, day: int) -> tuple[Shop, Path]:
    """The café on ``day`` with its learned demand in a folder, learned by a check that day;
    and where the blob is."""
    learned = BlobLearnerStates(FolderBlobs(tmp_path / "blobs"), "workbook")
    shop = shop_on(day, sales=pos_log(), learned=learned)
    run_check(shop.check_ports)
    return shop, tmp_path / "blobs" / "learning" / "workbook" / "demand.bin"


@pytest.mark.parametrize("damage", ["junk", "other version"])
def test_a_damaged_state_is_said_in_the_next_digest_once(tmp_path: Path, damage: str) -> None:
    shop, blob = folder_shop(tmp_path, 99)
    head, _, body = zlib.decompress(blob.read_bytes()).partition(b"\n")
    other = json.dumps({**json.loads(head), "layout": "v0;days"}).encode()
    blob.write_bytes(b"not a state" if damage == "junk" else zlib.compress(other + b"\n" + body))
    shop.clock.advance(days=1)

    daily = run_daily(shop.daily_ports)

    assert daily.digest.sent
    assert daily.digest.counts["learning_restarted"] == 1
    text, page = digest_bodies(shop)
    assert f"\nLearning\n--------\n{UNREADABLE_SENTENCE}\n" in text
    assert f'<p style="margin:0 0 8px 0;">{UNREADABLE_SENTENCE}</p>' in page
    # and in the sheet: the Audit tab has it
    [row] = [row for row in shop.rows("Audit") if row["Action"] == "learning restarted"]
    assert (row["Subject"], row["After"]) == (
        "learned demand",
        "why: the kept learning could not be read (damaged or from another version)",
    )
    # the check replaced the state: the next day's digest has nothing of it
    shop.clock.advance(days=1)
    assert run_daily(shop.daily_ports).digest.sent
    text, page = digest_bodies(shop)
    assert "Learning restarted" not in text and "Learning restarted" not in page


def test_a_digest_sent_on_its_own_after_the_check_says_it(tmp_path: Path) -> None:
    """Under cron the check may run before the digest is due and ``sheets-bot digest`` send it
    later: the restart is read from the audit log, not from the check's report."""
    shop, blob = folder_shop(tmp_path, 99)
    blob.write_bytes(b"not a state")
    # 06:30 in London (summer time): after quiet hours, before the 07:30 digest
    shop.clock.instant = shop.clock.instant.replace(hour=5, minute=30) + timedelta(days=1)

    early = run_daily(shop.daily_ports)
    assert (early.digest.sent, early.digest.reason) == (False, "not due")
    shop.clock.advance(hours=2)
    assert run_digest(shop.daily_ports).sent

    text, page = digest_bodies(shop)
    assert UNREADABLE_SENTENCE in text and UNREADABLE_SENTENCE in page


def test_a_gap_longer_than_the_window_is_said_in_the_digest() -> None:
    shop = shop_on(30, sales=pos_log())
    run_check(shop.check_ports)
    shop.clock.advance(days=100)

    assert run_daily(shop.daily_ports).digest.sent

    text, _ = digest_bodies(shop)
    assert (
        "Learning restarted from the last 56 days: the bot had not learned for more than 56"
        " days, and the days since could not all be read."
    ) in text


def test_a_digest_says_nothing_of_learning_when_nothing_went_wrong(tmp_path: Path) -> None:
    shop, _ = folder_shop(tmp_path, 99)
    shop.clock.advance(days=1)

    daily = run_daily(shop.daily_ports)

    assert daily.check.history_problems == []
    assert daily.digest.sent and daily.digest.counts["learning_restarted"] == 0
    text, page = digest_bodies(shop)
    assert "Learning restarted" not in text and "Learning restarted" not in page
    assert "\nLearning\n" not in text and ">Learning</h2>" not in page
    assert not [row for row in shop.rows("Audit") if row["Action"] == "learning restarted"]


# --- a history that cannot be read, a check that fails: no day is skipped -------------------


class UnreadableStockHistory(MemoryStockHistory):
    def days(self, start: date, end: date) -> list[StockDay]:
        raise UnreadableHistory(
            "the stock history history/2026-08-30.csv.gz cannot be read (bad gzip)"
        )


def learned_through(shop: Shop) -> tuple[date, dict[str, int]]:
    """The day the kept state is folded through, and each item's days learned."""
    assert shop.learned.data is not None
    state = decode(shop.learned.data)
    return state.through, {sku: entry.demand.days for sku, entry in state.items.items()}


def test_an_unreadable_history_keeps_the_learning_for_the_next_check_and_the_digest_says_it() -> (
    None
):
    control = shop_on(99, sales=pos_log())
    daily_checks(control, 99, 101)
    shop = shop_on(99, sales=pos_log())
    shop.check()
    before = learned_through(shop)
    saves = shop.learned.saves

    shop.history = UnreadableStockHistory()
    shop.clock.advance(days=1)
    daily = run_daily(shop.daily_ports)

    # the check went on from what was learned before: the steady item still on learned numbers
    assert len(daily.check.items) == 40
    assert shop.stock(STEADY)["Numbers used"] == "learned rate"
    assert (
        "the stock history history/2026-08-30.csv.gz cannot be read (bad gzip); this check went"
        " on from the demand learned before (and the sales feed, if any), and the days the"
        " history holds are learned once it can be read"
    ) in daily.check.problems
    # nothing saved: the days after the kept state are folded in by the next check
    assert (shop.learned.saves, learned_through(shop)) == (saves, before)
    [row] = [row for row in shop.rows("Audit") if row["Action"] == "stock history unreadable"]
    assert (row["Subject"], row["After"]) == (
        "stock history",
        "why: the stock history history/2026-08-30.csv.gz cannot be read (bad gzip)",
    )
    assert daily.digest.sent and daily.digest.counts["history_unread"] == 1
    sentence = (
        "The stock history history/2026-08-30.csv.gz cannot be read (bad gzip): the check went"
        " on from the demand learned before, and the days it holds are learned once it can be"
        " read."
    )
    text, page = digest_bodies(shop)
    assert f"\nLearning\n--------\n{sentence}\n" in text
    assert f'<p style="margin:0 0 8px 0;">{sentence}</p>' in page

    shop.history = MemoryStockHistory()
    shop.clock.advance(days=1)
    shop.check()

    assert learned_through(shop) == learned_through(control)
    assert decode(shop.learned.data or b"").items[SLOW.casefold()].demand.to_state() == (
        decode(control.learned.data or b"").items[SLOW.casefold()].demand.to_state()
    )


def test_a_check_whose_commit_fails_saves_no_learning() -> None:
    """The learned demand is saved once the check's commit succeeded: a check whose sheet
    write failed leaves the kept state to the next check, which learns the same days (and,
    the kept state being unreadable, restarts and says so again)."""
    control = shop_on(99, sales=pos_log())
    daily_checks(control, 99, 101)
    shop = shop_on(99, sales=pos_log())
    shop.check()
    shop.learned.data = b"not a state"

    def unreachable(batch: object) -> None:
        raise ConnectionError("the sheet is unreachable")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(shop.sheet, "apply", unreachable)
        shop.clock.advance(days=1)
        with pytest.raises(ConnectionError):
            shop.check()
    assert (shop.learned.data, shop.learned.saves) == (b"not a state", 1)

    shop.clock.advance(days=1)
    shop.check()

    assert learned_through(shop)[0] == learned_through(control)[0]
    assert decode(shop.learned.data or b"").items[STEADY.casefold()].demand.days == 56
    # the failed check's audit entries were stored before its sheet write, and the next one
    # restarted too: two rows, one reason, which the digest says once
    rows = [row for row in shop.rows("Audit") if row["Action"] == "learning restarted"]
    assert [row["After"] for row in rows] == [
        "why: the kept learning could not be read (damaged or from another version)"
    ] * 2
    assert run_daily(shop.daily_ports).digest.counts["learning_restarted"] == 1


def test_a_store_that_cannot_save_the_learning_is_a_problem_not_a_failed_check() -> None:
    control = shop_on(99, sales=pos_log())
    daily_checks(control, 99, 101)
    shop = shop_on(99, sales=pos_log())
    shop.check()
    saved = shop.learned.data

    def unreachable(state: object) -> None:
        raise ConnectionError("the bucket is unreachable")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(shop.learned, "save", unreachable)
        shop.clock.advance(days=1)
        report = shop.check()

    assert len(report.items) == 40
    assert shop.stock(STEADY)["Numbers used"] == "learned rate"
    problem = (
        "the learned demand could not be saved (ConnectionError: the bucket is unreachable);"
        " the next check learns these days again"
    )
    assert problem in report.problems and problem in report.history_problems
    assert shop.learned.data == saved
    shop.clock.advance(days=1)
    shop.check()
    assert learned_through(shop) == learned_through(control)
