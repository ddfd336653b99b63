"""Approving purchasing drafts: PO numbers in send order with no gaps, the supplier's
ordering day and quiet hours, purchase units on the PO and in Orders, and an Order qty that is
not a whole number of cases refused with its place."""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import UTC, datetime

import pytest

from sheets_bot.services.daily import run_daily
from sheets_bot.testing.memory_marks import MemoryMarks
from tests.services.harness import Shop
from tests.services.test_purchasing_check import shop as purchasing_shop  # noqa: F401


@pytest.fixture
def shop(purchasing_shop: Shop) -> Shop:  # noqa: F811
    purchasing_shop.check()
    return purchasing_shop


def _csv_of(message: object) -> str:
    for part in message.iter_attachments():  # type: ignore[attr-defined]
        if part.get_filename().endswith(".csv"):
            return str(part.get_content())
    raise AssertionError("no CSV attached")


def test_numbers_follow_the_sends_and_the_ordering_day_holds_one(shop: Shop) -> None:
    dairy, milk = shop.draft_of("Dairy Fresh Co"), shop.draft_of("Milk Direct")
    shop.decide(dairy, "approve")
    shop.decide(milk, "approve")
    report = shop.poll()
    # Milk Direct takes orders every day: it goes now, as the first PO. Dairy Fresh takes
    # them Tuesday and Friday: held until Tuesday, then until quiet hours end (06:00).
    assert report.sent == ["PO-0001 to Milk Direct <trade@milkdirect.example>"]
    assert report.deferred == [f"{dairy} at 06:00"]
    status = str(shop.draft_lines(dairy)[0]["Status"])
    assert status == "approved; goes out at 2026-11-24 06:00 when quiet hours end"
    orders = [row for row in shop.rows("Orders") if row["PO"] == "PO-0001"]
    assert [(r["SKU"], r["Qty"], r["Purchase qty"]) for r in orders] == [
        ("DAI-OAT-1L", 72, "6 cases (72 bottles)")
    ]
    assert orders[0]["Expected"] == "2026-11-27"  # Monday + 4 days
    [message] = shop.mailer.sent
    body = message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert "- 6 cases (72 bottles) Oat milk 1L (your code MD-OAT-12, our SKU DAI-OAT-1L)" in body
    assert "Requested delivery: 27 November 2026" in body

    shop.clock.instant = datetime(2026, 11, 24, 6, 1, tzinfo=UTC)
    report = shop.poll()
    assert report.sent == ["PO-0002 to Dairy Fresh Co <sales@dairyfresh.example>"]
    expected = {row["Expected"] for row in shop.rows("Orders") if row["PO"] == "PO-0002"}
    assert expected == {"2026-11-26"}  # Tuesday + 2 days


def test_an_order_qty_that_is_not_whole_cases_is_refused_with_its_place(shop: Shop) -> None:
    milk = shop.draft_of("Milk Direct")
    shop.set_line(milk, "DAI-OAT-1L", "Order qty", 70)
    shop.decide(milk, "approve")
    report = shop.poll()
    assert shop.mailer.sent == []
    status = str(shop.draft_lines(milk)[0]["Status"])
    assert status.startswith("not sent: Drafts row ")
    assert "column 'Order qty' (DAI-OAT-1L): 70 bottles is 5.83 cases" in status
    assert "make it 60 or 72" in status
    assert report.problems
    shop.set_line(milk, "DAI-OAT-1L", "Order qty", 60)
    assert shop.poll().sent == ["PO-0001 to Milk Direct <trade@milkdirect.example>"]
    [row] = list(csv.DictReader(io.StringIO(_csv_of(shop.mailer.sent[0]))))
    assert (row["Quantity"], row["Unit"], row["Stock units"]) == ("5", "case of 12 bottles", "60")


def test_the_digest_lists_a_delivery_due_by_its_expected_date(shop: Shop) -> None:
    milk = shop.draft_of("Milk Direct")
    shop.decide(milk, "approve")
    shop.poll()
    # Expected 27 Nov (Monday + 4 days). Move it to the 25th: the digest follows the column.
    number = next(n for n, row in shop.numbered("Orders") if row["PO"] == "PO-0001")
    shop.sheet.set_cell("Orders", number, "Expected", "2026-11-25")
    adapters = dataclasses.replace(shop.daily_ports, marks=MemoryMarks())
    shop.clock.instant = datetime(2026, 11, 24, 7, 45, tzinfo=UTC)
    run_daily(adapters)
    shop.clock.instant = datetime(2026, 11, 25, 7, 45, tzinfo=UTC)
    run_daily(adapters)
    digests = [
        m.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        for m in shop.mailer.sent
        if m["X-Sheets-Bot-Digest"]
    ]
    assert "PO-0001" not in _due(digests[0])  # the 24th: not due yet
    assert "PO-0001" in _due(digests[1]) and "Milk Direct" in _due(digests[1])


def _due(digest: str) -> str:
    title = "Deliveries due or late"
    return digest.split(title, 1)[1].split("\n\n", 1)[0] if title in digest else ""
