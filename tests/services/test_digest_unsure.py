"""When the bot is unsure of the learned numbers behind a draft line, the digest says so: the
sample café's check with a short sales history for the espresso beans, then its digest."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest

from sheets_bot.services.daily import run_daily
from tests.services.test_digest import Week, _section
from tests.services.test_learning_check import ESPRESSO, sales

SEVEN_45 = datetime(2026, 11, 23, 7, 45, tzinfo=UTC)
TITLE = "Unsure numbers"


class UnsureWeek(Week):
    def daily_with(self, days_of_sales: int) -> tuple[str, str]:
        """The check and digest with ``days_of_sales`` days of 10 espresso a day; the
        digest's plain text and HTML."""
        self.at(SEVEN_45)
        history = sales(10, days_of_sales)
        adapters = dataclasses.replace(self.adapters, sales=history)  # type: ignore[arg-type]
        report = run_daily(adapters)
        assert report.digest.sent, report.digest.reason
        [message] = [m for m in self.shop.mailer.sent if m["X-Sheets-Bot-Digest"]]
        text, page = message.get_body(("plain",)), message.get_body(("html",))
        assert isinstance(text, EmailMessage) and isinstance(page, EmailMessage)
        return text.get_content(), page.get_content()


@pytest.fixture
def week() -> UnsureWeek:
    return UnsureWeek()


def test_a_drafted_item_with_little_history_is_listed_with_its_reason(week: UnsureWeek) -> None:
    text, page = week.daily_with(30)

    espresso = week.shop.stock(ESPRESSO)
    reason = "little history (30 days, 30 with sales)"
    assert espresso["Numbers used"] == f"learned rate (unsure: {reason})"
    assert any(row["SKU"] == ESPRESSO for row in week.shop.rows("Drafts"))
    section = _section(text, TITLE)
    lines = [line for line in section.splitlines() if line.startswith("- ")]
    assert lines == [f"- {espresso['Item']} (SKU {ESPRESSO}), in a draft: {reason}"]
    assert f"{TITLE}</h2>" in page
    assert reason in page.split(f"{TITLE}</h2>", 1)[1]
    # the section comes right after the drafts it is about
    assert text.index("Drafts waiting for your decision") < text.index(TITLE)


def test_no_section_when_the_numbers_are_sure(week: UnsureWeek) -> None:
    text, page = week.daily_with(120)

    assert week.shop.stock(ESPRESSO)["Numbers used"] == "learned rate"
    assert "Drafts waiting for your decision" in text
    assert TITLE not in text
    assert TITLE not in page


def test_no_section_when_the_shop_turned_learning_off(week: UnsureWeek) -> None:
    week.setting("Use learned", "no")
    text, page = week.daily_with(30)

    assert week.shop.stock(ESPRESSO)["Numbers used"] == "typed"
    assert TITLE not in text
    assert TITLE not in page


def test_no_section_without_any_history(week: UnsureWeek) -> None:
    text, _ = week.daily_with(0)
    assert TITLE not in text
