"""The digest through the real services on a memory sheet: a scripted week of the sample café
(quiet hours, once a day, a sent PO, an unknown send, a late and unconfirmed delivery, problem
rows, unreadable mail, a failed run), the all-stocked day, the 'none' choice, and the check's
Sheets requests unchanged."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from sheets_bot.domain.audit import AuditEntry
from sheets_bot.domain.digest import FailedRun
from sheets_bot.services.daily import DailyReport, run_daily
from sheets_bot.services.decision_links import LinkSigner
from sheets_bot.services.digest import run_digest
from sheets_bot.services.lanes import DailyPorts
from sheets_bot.testing.memory_marks import MemoryMarks, MemoryRunFailures
from tests.services.harness import Shop

KEY = b"k" * 32


class Week:
    def __init__(self) -> None:
        self.shop = Shop.sample()
        self.marks = MemoryMarks()
        self.failures = MemoryRunFailures()
        nonces = iter(range(10_000))
        self.signer = LinkSigner(KEY, "https://links.example", lambda: f"n{next(nonces)}")

    @property
    def adapters(self) -> DailyPorts:
        return dataclasses.replace(
            self.shop.daily_ports, marks=self.marks, failures=self.failures, links=self.signer
        )

    def at(self, moment: datetime) -> None:
        self.shop.clock.instant = moment

    def daily(self) -> DailyReport:
        return run_daily(self.adapters)

    def digests(self) -> list[str]:
        return [
            message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
            for message in self.shop.mailer.sent
            if message["X-Sheets-Bot-Digest"]
        ]

    def setting(self, key: str, value: str) -> None:
        for number, row in self.shop.numbered("Settings"):
            if row["Setting"] == key:
                self.shop.sheet.set_cell("Settings", number, "Value", value)
                return
        grid = self.shop.sheet.grid("Settings")
        self.shop.sheet.set_grid("Settings", [*grid, [key, value]])


def _section(text: str, title: str) -> str:
    assert title in text, f"no section {title!r} in:\n{text}"
    return text.split(title, 1)[1].split("\n\n", 1)[0]


@pytest.fixture
def week() -> Week:
    return Week()


def test_a_scripted_week(week: Week) -> None:
    # Monday 05:00 London: quiet hours (22:00-06:00 in the sample) - the check runs, no digest.
    week.at(datetime(2026, 11, 23, 5, 0, tzinfo=UTC))
    first = week.daily()
    assert first.check.drafts_created
    assert (first.digest.sent, first.digest.reason) == (False, "not due")
    # 06:30: quiet hours over, but before the digest time (07:30).
    week.at(datetime(2026, 11, 23, 6, 30, tzinfo=UTC))
    assert run_digest(week.adapters).reason == "not due"
    # 07:45: due.
    week.at(datetime(2026, 11, 23, 7, 45, tzinfo=UTC))
    monday = week.daily()
    assert monday.digest.sent
    assert monday.digest.counts["urgent"] == 8
    assert monday.digest.counts["drafts_waiting"] == 5
    [text] = week.digests()
    assert text.index("Urgent") < text.index("Drafts waiting for your decision")
    drafts = _section(text, "Drafts waiting for your decision")
    assert "- D-0001 for Bean Brothers Roasters:" in drafts
    assert "Approve: https://links.example/decision?t=" in drafts
    problems = _section(text, "Problem rows")
    assert "- Stock, row 29: column I 'Daily sales': 'ask Sam' is not a number" in problems
    assert (
        "Stock, row 37: column 'Supplier': 'Local Honey Farm' is not on the Suppliers" in problems
    )
    # Once a day: the same morning again sends nothing; --force does.
    week.at(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))
    assert week.daily().digest.reason == "not due"
    assert run_digest(week.adapters, force=True).sent
    assert len(week.digests()) == 2

    # The owner approves two drafts; one goes out, the other's send dies midway (unknown).
    week.shop.decide("D-0001", "approve")
    week.at(datetime(2026, 11, 23, 10, 5, tzinfo=UTC))
    assert week.shop.poll().sent
    week.shop.decide("D-0002", "approve")
    week.shop.mailer.fail_with = "crash"
    week.at(datetime(2026, 11, 23, 10, 10, tzinfo=UTC))
    assert week.shop.poll().attention
    week.shop.mailer.fail_with = None
    # Mail the bot could not read, and a run that failed, overnight.
    week.shop.store.audit.record(
        [
            AuditEntry(
                datetime(2026, 11, 23, 16, 0, tzinfo=UTC),
                "sheets-bot",
                "attachment unreadable",
                "mail from the owner",
                None,
                {"file": "count<1>.xlsx", "problem": "not a spreadsheet"},
            )
        ]
    )
    week.failures.record(
        FailedRun("poll-decisions", datetime(2026, 11, 24, 3, 0, tzinfo=UTC), "TimeoutError")
    )

    # Tuesday 07:30.
    week.at(datetime(2026, 11, 24, 7, 30, tzinfo=UTC))
    tuesday = week.daily()
    assert tuesday.digest.sent
    assert tuesday.digest.failures_shown == 1
    text = week.digests()[-1]
    assert "- PO-0001 to Bean Brothers Roasters: £482.00, sent 23 Nov 10:05" in _section(
        text, "Sent since the last digest"
    )
    assert "PO-0002 to Dairy Fresh Co: send outcome unknown" in _section(
        text, "Sends needing attention"
    )
    assert "- count<1>.xlsx (23 Nov 16:00): not a spreadsheet" in _section(
        text, "Mail the bot could not read"
    )
    assert "- poll-decisions at 24 Nov 03:00: a service did not answer in time" in _section(
        text, "Runs that failed"
    )
    assert "D-0001" not in _section(text, "Drafts waiting for your decision")
    assert week.failures.pending() == []

    # Wednesday: nothing new was sent, the failure was shown once.
    week.at(datetime(2026, 11, 25, 7, 30, tzinfo=UTC))
    week.daily()
    text = week.digests()[-1]
    assert "Sent since the last digest" not in text
    assert "Runs that failed" not in text
    assert "Mail the bot could not read" not in text
    assert "Deliveries due or late" not in text

    # Monday 30 Nov: PO-0001 (Bean Brothers, 5 days) was due Sat 28 Nov and is still 'sent'.
    week.at(datetime(2026, 11, 30, 7, 30, tzinfo=UTC))
    week.daily()
    text = week.digests()[-1]
    assert "- PO-0001 from Bean Brothers Roasters: expected 28 Nov, 2 days late" in _section(
        text, "Deliveries due or late"
    )
    assert "PO-0001 to Bean Brothers Roasters: sent 23 Nov 10:05, 7 days ago" in _section(
        text, "Not confirmed by the supplier"
    )
    # Confirmed by the supplier: late still, but no longer unconfirmed.
    for number, row in week.shop.numbered("Orders"):
        if row["PO"] == "PO-0001":
            week.shop.sheet.set_cell("Orders", number, "Status", "confirmed")
    week.at(datetime(2026, 12, 1, 7, 30, tzinfo=UTC))
    week.daily()
    text = week.digests()[-1]
    assert "3 days late" in _section(text, "Deliveries due or late")
    assert "Not confirmed by the supplier" not in text


def test_the_digest_costs_the_check_no_sheets_request(week: Week) -> None:
    week.at(datetime(2026, 11, 23, 7, 45, tzinfo=UTC))
    sheet = week.shop.sheet
    reads, applies = sheet.reads, sheet.applies  # init's
    report = week.daily()
    assert report.digest.sent
    assert (sheet.reads - reads, sheet.applies - applies) == (1, 1)


def _all_stocked(week: Week) -> None:
    """Stock with one well-stocked item and nothing drafted, pending or wrong."""
    sheet = week.shop.sheet
    grid = sheet.grid("Stock")
    header = [str(cell) for cell in grid[0]]
    row = dict.fromkeys(header, None) | {
        "Item": "Paper straws",
        "SKU": "PAK-STR-1",
        "Supplier": "PackRight Packaging",
        "On hand": 5000,
        "Daily sales": 10,
        "Pack size": 1,
    }
    sheet.set_grid("Stock", [grid[0], [row[name] for name in header]])


def test_the_all_stocked_day_is_one_line(week: Week) -> None:
    _all_stocked(week)
    week.at(datetime(2026, 11, 23, 7, 45, tzinfo=UTC))
    report = week.daily()
    assert report.digest.sent
    [message] = [m for m in week.shop.mailer.sent if m["X-Sheets-Bot-Digest"]]
    assert message["Subject"] == "Corner Café & Pantry: all stocked — 23 Nov"
    [text] = week.digests()
    assert (
        text.splitlines()[0] == "Corner Café & Pantry, 23 Nov: all stocked, nothing waiting on you."
    )


def test_the_none_choice_sends_nothing_and_counts_the_day_done(week: Week) -> None:
    _all_stocked(week)
    week.setting("Empty digest", "none")
    week.at(datetime(2026, 11, 23, 7, 45, tzinfo=UTC))
    report = week.daily()
    assert not report.digest.sent
    assert "Empty digest" in report.digest.reason
    assert week.shop.mailer.sent == []
    mark = week.marks.last_digest()
    assert mark is not None and str(mark.local_date) == "2026-11-23"


def test_a_later_digest_time_and_a_missing_owner_email(week: Week) -> None:
    week.setting("Digest time", "09:15")
    week.at(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    assert week.daily().digest.reason == "not due"
    week.setting("Owner email", "")
    week.setting("Owner email", "not an address")
    week.at(datetime(2026, 11, 23, 9, 20, tzinfo=UTC))
    report = week.daily()
    assert not report.digest.sent
    assert report.digest.reason == (
        "digest not sent: 'Owner email' in the Settings tab is blank or not an email address;"
        " set it to one like owner@example.com"
    )
    assert "None" not in report.digest.reason
    [problem] = [p for p in report.check.problems if "Owner email" in p]
    assert "no digest or summary is sent until it is an address" in problem
    assert "default" not in problem
    assert week.marks.last_digest() is None
    assert week.shop.mailer.sent == []


def test_a_digest_the_mailer_loses_is_recorded_as_a_failed_run(week: Week) -> None:
    week.shop.mailer.fail_with = "reject"
    week.at(datetime(2026, 11, 23, 7, 45, tzinfo=UTC))
    report = week.daily()
    assert (report.digest.sent, report.digest.reason) == (False, "digest not sent: MailRejected")
    assert [p.failure.function for p in week.failures.pending()] == ["digest"]
    assert week.marks.last_digest() is None
    week.shop.mailer.fail_with = None
    week.at(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))
    assert week.daily().digest.failures_shown == 1


def test_proposed_rows_without_a_decision_are_counted(week: Week) -> None:
    grid = week.shop.sheet.grid("Proposed")
    header = [str(cell) for cell in grid[0]]

    def row(proposal: str, decision: str) -> list[object]:
        values = {
            "Proposal": proposal,
            "SKU": "COF-ESP-1K",
            "Field": "On hand",
            "Decision": decision,
        }
        return [values.get(name) for name in header]

    week.shop.sheet.set_grid(
        "Proposed",
        [grid[0], row("P-1", ""), row("P-2", "apply"), row("P-3", "")],  # type: ignore[list-item]
    )
    week.at(datetime(2026, 11, 23, 7, 45, tzinfo=UTC))
    assert week.daily().digest.counts["proposed_waiting"] == 2
    assert "2 proposed counts waiting in the Proposed tab." in week.digests()[0]


def test_a_sheet_without_a_proposed_tab_still_gets_its_digest(week: Week) -> None:
    del week.shop.sheet.tabs["Proposed"]
    week.at(datetime(2026, 11, 23, 7, 45, tzinfo=UTC))
    report = week.daily()
    assert report.digest.sent
    assert report.digest.counts["proposed_waiting"] == 0


def test_a_draft_the_poll_could_not_send_is_a_problem_row(week: Week) -> None:
    week.at(datetime(2026, 11, 23, 5, 0, tzinfo=UTC))
    week.daily()
    week.shop.decide("D-0001", "approve")
    week.shop.set_line("D-0001", "COF-ESP-1K", "Order qty", "lots")
    week.at(datetime(2026, 11, 23, 7, 0, tzinfo=UTC))
    assert week.shop.poll().problems
    week.at(datetime(2026, 11, 23, 7, 45, tzinfo=UTC))
    week.daily()
    problems = _section(week.digests()[0], "Problem rows")
    assert (
        "- Drafts, row 2: not sent: Drafts row 2, column J 'Order qty': 'lots' is not a number"
        in problems
    )
