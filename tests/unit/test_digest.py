"""The daily digest: its data, when it is due, and the email composed from it."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from email.message import EmailMessage

import pytest

from sheets_bot.documents.digest_email import (
    DIGEST_HEADER,
    compose_digest,
    digest_subject,
)
from sheets_bot.domain.calendar_names import short_date
from sheets_bot.domain.digest import (
    AttentionSend,
    Delivery,
    DigestData,
    DigestLine,
    ProblemRow,
    SentPo,
    UrgentItem,
    WaitingDraft,
    digest_due,
)
from sheets_bot.domain.models import ShopSettings
from sheets_bot.domain.quiet_hours import QuietHours

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
DAY = date(2026, 11, 23)
SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://evil.example/x","click me")'
SETTINGS = ShopSettings(
    business_name="Corner Café & Pantry",
    owner_email="owner@corner.example",
    from_address="bot@corner.example",
    timezone="Europe/London",
    currency="GBP",
)
NIGHT = QuietHours.parse("21:00-07:00")


def urgent(name: str = "Oat milk", sku: str = "OAT-1", *, covered: bool = True) -> UrgentItem:
    return UrgentItem(
        sku=sku,
        item=name,
        on_hand=2,
        days_left=0.5,
        supplier="Dairy Co",
        covered_by_draft=covered,
    )


def draft(draft_id: str = "D-0001", supplier: str = "Dairy Co") -> WaitingDraft:
    return WaitingDraft(
        draft_id=draft_id,
        supplier=supplier,
        lines=(
            DigestLine("OAT-1", "Oat milk", 12, Decimal("1.25")),
            DigestLine("SOY-1", "Soy milk", 6, Decimal("1.10")),
        ),
    )


def busy_day(**changes: object) -> DigestData:
    data = DigestData(
        shop_name="Corner Café & Pantry",
        local_date=DAY,
        sheet_url="https://docs.google.com/spreadsheets/d/abc123/edit",
        urgent=(urgent(), urgent("Coffee beans", "COF-1", covered=False), urgent("Tea", "TEA-1")),
        drafts_waiting=(draft(), draft("D-0002", "Bean Roasters")),
        sent=(
            SentPo(
                "PO-0007",
                "Bakery Ltd",
                Decimal("48.00"),
                datetime(2026, 11, 22, 15, 30, tzinfo=UTC),
            ),
        ),
        deliveries=(
            Delivery("PO-0005", "Bean Roasters", date(2026, 11, 20), 3),
            Delivery("PO-0006", "Bakery Ltd", DAY, 0),
        ),
        proposed_waiting=4,
        problems=(ProblemRow("Stock", 14, "On hand 'ten' is not a number"),),
        attention=(AttentionSend("PO-0004", "Dairy Co", "unknown", "SES timed out"),),
    )
    return replace(data, **changes)  # type: ignore[arg-type]


def quiet_day(**changes: object) -> DigestData:
    data = DigestData(
        shop_name="Corner Café & Pantry", local_date=DAY, workbook_path="/home/me/shop.xlsx"
    )
    return replace(data, **changes)  # type: ignore[arg-type]


def bodies(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",))
    page = message.get_body(preferencelist=("html",))
    assert text is not None
    assert page is not None
    assert isinstance(text, EmailMessage)
    assert isinstance(page, EmailMessage)
    return text.get_content(), page.get_content()


def compose(data: DigestData, **kwargs: object) -> EmailMessage:
    message = compose_digest(data, SETTINGS, now=NOW, **kwargs)  # type: ignore[arg-type]
    assert message is not None
    return message


# ---------------------------------------------------------------- data


def test_draft_total_is_the_sum_of_its_lines_or_none_when_a_cost_is_missing() -> None:
    assert draft().total == Decimal("21.60")
    missing = WaitingDraft(
        "D-9", "X", (DigestLine("A", "a", 2, None), DigestLine("B", "b", 1, Decimal(1)))
    )
    assert missing.total is None


def test_a_quiet_day_has_nothing_in_any_section() -> None:
    assert quiet_day().is_quiet_day
    assert not busy_day().is_quiet_day
    for field, value in (
        ("urgent", (urgent(),)),
        ("drafts_waiting", (draft(),)),
        ("proposed_waiting", 1),
        ("problems", (ProblemRow("Stock", 3, "blank SKU"),)),
        ("attention", (AttentionSend("PO-1", "X", "failed"),)),
        ("deliveries", (Delivery("PO-1", "X", DAY, 1),)),
        ("sent", (SentPo("PO-1", "X", None, NOW),)),
        ("learning_restarted", ("Learning restarted from the last 56 days.",)),
    ):
        assert not quiet_day(**{field: value}).is_quiet_day, field


# ---------------------------------------------------------------- subject and headers


def test_subject_counts_urgent_and_drafts_then_the_rest() -> None:
    data = busy_day()
    assert digest_subject(data) == (
        "Corner Café & Pantry: 3 urgent, 2 drafts waiting, 1 send needs attention,"
        " 1 problem row, 1 delivery late, 4 proposed counts — 23 Nov"
    )
    only = quiet_day(urgent=(urgent(),) * 3, drafts_waiting=(draft(), draft("D-2")))
    assert digest_subject(only) == "Corner Café & Pantry: 3 urgent, 2 drafts waiting — 23 Nov"
    one = quiet_day(drafts_waiting=(draft(),))
    assert digest_subject(one) == "Corner Café & Pantry: 1 draft waiting — 23 Nov"


def test_subject_of_a_day_with_only_news_and_of_a_quiet_day() -> None:
    news = quiet_day(sent=(SentPo("PO-1", "X", None, NOW),))
    assert digest_subject(news) == "Corner Café & Pantry: nothing waiting on you — 23 Nov"
    assert digest_subject(quiet_day()) == "Corner Café & Pantry: all stocked — 23 Nov"


def test_headers_are_the_owner_and_the_from_address_and_one_line() -> None:
    message = compose(busy_day(shop_name="Evil\r\nBcc: x@evil.example"))
    assert message["To"] == "owner@corner.example"
    assert message["From"] == "bot@corner.example"
    assert message["Bcc"] is None
    assert "\n" not in str(message["Subject"])
    assert message[DIGEST_HEADER] == "2026-11-23"
    assert message["Date"] is not None
    assert str(message["Message-ID"]).endswith("@corner.example>")


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("owner_email", None, "Owner email"),
        ("owner_email", "not an address", "Owner email"),
        ("owner_email", "a@b.example\r\nBcc: x@evil.example", "Owner email"),
        ("from_address", None, "From address"),
        ("from_address", "bot@", "From address"),
    ],
)
def test_a_missing_or_bad_address_is_a_clear_error(
    field: str, value: str | None, expected: str
) -> None:
    with pytest.raises(ValueError, match=expected):
        compose_digest(busy_day(), replace(SETTINGS, **{field: value}), now=NOW)  # type: ignore[arg-type]


def test_naive_time_and_unknown_mode_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        compose_digest(busy_day(), SETTINGS, now=datetime(2026, 11, 23, 8, 0))
    with pytest.raises(ValueError, match="one-line"):
        compose_digest(busy_day(), SETTINGS, now=NOW, all_stocked_mode="sometimes")  # type: ignore[arg-type]


# ---------------------------------------------------------------- content


SECTIONS = (
    "Urgent",
    "Drafts waiting for your decision",
    "Sent since the last digest",
    "Deliveries due or late",
    "Proposed counts",
    "Problem rows",
    "Sends needing attention",
)


def test_sections_come_in_order_in_both_parts() -> None:
    text, page = bodies(compose(busy_day()))
    for body in (text, page):
        positions = [
            body.index(f"{title}\n") if body is text else body.index(f">{title}</h2>")
            for title in SECTIONS
        ]
        assert positions == sorted(positions)


def test_empty_sections_are_left_out() -> None:
    text, page = bodies(compose(quiet_day(problems=(ProblemRow("Suppliers", 4, "unknown email"),))))
    assert "Problem rows" in text
    assert "Problem rows" in page
    for title in SECTIONS:
        if title != "Problem rows":
            assert f"{title}\n" not in text
            assert f">{title}</h2>" not in page


def test_content_of_every_section() -> None:
    text, page = bodies(compose(busy_day()))
    for body in (text, page):
        assert "Coffee beans" in body
        assert "no draft yet" in body
        assert "Bean Roasters" in body
        assert "£21.60" in body
        assert "£1.25" in body
        assert "PO-0007" in body
        assert "£48.00" in body
        assert "22 Nov 15:30" in body  # Europe/London is UTC in November
        assert "3 days late" in body
        assert "due today" in body
        assert "4 proposed counts waiting" in body
        assert (
            "On hand &#x27;ten&#x27; is not a number" in body
            or "On hand 'ten' is not a number" in body
        )
        assert "send outcome unknown" in body
        assert "SES timed out" in body
    assert "- Stock, row 14: On hand 'ten' is not a number" in text
    assert "12 x Oat milk (SKU OAT-1) at £1.25" in text
    assert "Total: £21.60" in text


def test_a_restart_of_the_learning_is_said_in_one_sentence_in_both_parts() -> None:
    sentence = (
        "Learning restarted from the last 56 days: the kept learning could not be read"
        " (damaged or from another version)."
    )
    text, page = bodies(compose(quiet_day(learning_restarted=(sentence,))))
    assert f"Learning\n--------\n{sentence}\n" in text
    assert "all stocked" not in text
    assert '>Learning</h2>\n<p style="margin:0 0 8px 0;">' + sentence + "</p>" in page


def test_a_tab_problem_without_a_row_is_shown() -> None:
    text, page = bodies(
        compose(quiet_day(problems=(ProblemRow("Drafts", None, "missing header 'Qty'"),)))
    )
    assert "- Drafts, the tab: missing header 'Qty'" in text
    assert "missing header &#x27;Qty&#x27;" in page


def test_every_untrusted_text_is_escaped_in_the_html() -> None:
    data = busy_day(
        shop_name=SCRIPT,
        urgent=(urgent(SCRIPT, FORMULA),),
        drafts_waiting=(
            WaitingDraft(FORMULA, SCRIPT, (DigestLine(FORMULA, SCRIPT, 1, Decimal(1)),)),
        ),
        sent=(SentPo(SCRIPT, FORMULA, None, NOW),),
        deliveries=(Delivery(SCRIPT, FORMULA, DAY, 2),),
        problems=(ProblemRow(SCRIPT, 3, FORMULA),),
        attention=(AttentionSend(SCRIPT, FORMULA, "failed", SCRIPT),),
    )
    text, page = bodies(compose(data))
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="http://evil' not in page
    assert "&quot;http://evil.example/x&quot;" in page
    assert SCRIPT in text  # plain text is not HTML: shown as typed
    assert FORMULA in text


def test_html_is_self_contained_for_gmail_and_outlook() -> None:
    _, page = bodies(compose(busy_day()))
    lower = page.lower()
    assert "<script" not in lower
    assert "<img" not in lower
    assert not re.search(r"src\s*=\s*[\"']?\s*https?:", lower)
    assert "<link" not in lower
    assert "@import" not in lower
    assert "<style" not in lower  # inline CSS only
    assert "url(" not in lower
    assert "<table" in lower
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert hrefs == ["https://docs.google.com/spreadsheets/d/abc123/edit"]


def test_plain_text_alternative_is_present() -> None:
    message = compose(busy_day())
    assert message.get_content_type() == "multipart/alternative"
    parts = [part.get_content_type() for part in message.iter_parts()]
    assert parts == ["text/plain", "text/html"]


def test_sheet_link_and_workbook_path() -> None:
    text, page = bodies(compose(busy_day()))
    assert "Open the sheet: https://docs.google.com/spreadsheets/d/abc123/edit" in text
    assert '<a href="https://docs.google.com/spreadsheets/d/abc123/edit"' in page
    text, page = bodies(compose(busy_day(sheet_url=None, workbook_path="C:\\shop\\stock <1>.xlsx")))
    assert "Workbook: C:\\shop\\stock <1>.xlsx" in text
    assert "C:\\shop\\stock &lt;1&gt;.xlsx" in page
    assert "<a " not in page


def test_a_sheet_url_that_is_not_https_is_text_not_a_link() -> None:
    _, page = bodies(compose(busy_day(sheet_url="javascript:alert(1)")))
    assert "<a " not in page
    assert "javascript:alert(1)" in page


def test_quiet_day_is_one_line_or_nothing() -> None:
    message = compose(quiet_day())
    assert message["Subject"] == "Corner Café & Pantry: all stocked — 23 Nov"
    text, page = bodies(message)
    assert (
        text.splitlines()[0] == "Corner Café & Pantry, 23 Nov: all stocked, nothing waiting on you."
    )
    assert text.splitlines()[1:] == ["Workbook: /home/me/shop.xlsx"]
    assert "All stocked" in page
    assert "<table" not in page
    assert compose_digest(quiet_day(), SETTINGS, now=NOW, all_stocked_mode="none") is None
    busy = compose_digest(busy_day(), SETTINGS, now=NOW, all_stocked_mode="none")
    assert busy is not None


def test_short_date() -> None:
    assert short_date(date(2026, 1, 5)) == "5 Jan"
    assert short_date(DAY) == "23 Nov"


# ---------------------------------------------------------------- when it is due


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


def test_due_at_or_after_the_digest_time_once_a_day() -> None:
    yesterday = DAY - timedelta(days=1)
    assert not digest_due(at(DAY, 7, 59), time(8), NIGHT, yesterday)
    assert digest_due(at(DAY, 8), time(8), NIGHT, yesterday)
    assert digest_due(at(DAY, 15), time(8), NIGHT, yesterday)
    assert digest_due(at(DAY, 15), time(8), NIGHT, None)
    assert not digest_due(at(DAY, 15), time(8), NIGHT, DAY)
    assert not digest_due(at(DAY, 15), time(8), NIGHT, DAY + timedelta(days=1))


def test_never_inside_quiet_hours() -> None:
    yesterday = DAY - timedelta(days=1)
    assert not digest_due(at(DAY, 21), time(8), NIGHT, yesterday)
    assert not digest_due(at(DAY, 23, 59), time(8), NIGHT, yesterday)
    assert digest_due(at(DAY, 20, 59), time(8), NIGHT, yesterday)
    assert digest_due(at(DAY, 23), time(8), None, yesterday)


@pytest.mark.parametrize("digest_at", [time(6), time(23), time(21)])
def test_a_digest_time_inside_quiet_hours_waits_until_they_end(digest_at: time) -> None:
    yesterday = DAY - timedelta(days=1)
    assert not digest_due(at(DAY, 6), digest_at, NIGHT, yesterday)
    assert not digest_due(at(DAY, 6, 59), digest_at, NIGHT, yesterday)
    assert digest_due(at(DAY, 7), digest_at, NIGHT, yesterday)
    assert not digest_due(at(DAY, 23), digest_at, NIGHT, yesterday)


def test_a_daytime_quiet_window() -> None:
    lunch = QuietHours.parse("12:00-14:00")
    yesterday = DAY - timedelta(days=1)
    assert not digest_due(at(DAY, 13), time(13), lunch, yesterday)
    assert digest_due(at(DAY, 14), time(13), lunch, yesterday)
    assert not digest_due(at(DAY, 13, 30), time(9), lunch, yesterday)


def test_works_with_an_aware_local_time() -> None:
    local = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert digest_due(local, time(8), NIGHT, None)
    assert not digest_due(local.replace(hour=22), time(8), NIGHT, None)


@pytest.mark.parametrize(
    ("digest_at", "quiet", "expected"),
    [
        (time(8), NIGHT, time(8)),
        (time(23, 30), NIGHT, time(7)),
        (time(6), NIGHT, time(7)),
        (time(0), None, time(0)),
        (time(18, 7), QuietHours.parse("22:00-06:00"), time(18, 15)),
    ],
)
def test_a_scripted_week_gives_one_digest_a_day_outside_quiet_hours(
    digest_at: time, quiet: QuietHours | None, expected: time
) -> None:
    """A poller every 15 minutes for 7 days: each day's digest goes out once, at the first
    tick at or after the digest time that is outside quiet hours."""
    start = datetime(2026, 11, 23, 0, 0)
    last_sent: date | None = None
    sends: list[datetime] = []
    tick = start
    while tick < start + timedelta(days=7):
        if digest_due(tick, digest_at, quiet, last_sent):
            sends.append(tick)
            last_sent = tick.date()
        tick += timedelta(minutes=15)
    assert [sent.date() for sent in sends] == [start.date() + timedelta(days=n) for n in range(7)]
    assert all(sent.time() == expected for sent in sends)
    if quiet is not None:
        assert not any(quiet.contains(sent) for sent in sends)


def test_a_week_with_a_missed_poll_still_sends_that_day_when_it_comes_back() -> None:
    last_sent = DAY - timedelta(days=1)
    # the poller was down from 07:00 to 19:00: the digest goes at the next poll that day
    assert not digest_due(at(DAY, 6, 45), time(8), NIGHT, last_sent)
    assert digest_due(at(DAY, 19), time(8), NIGHT, last_sent)


def test_a_draft_with_a_line_without_unit_cost_says_its_total_is_incomplete() -> None:
    lines = (DigestLine("A-1", "Jam", 3, None), DigestLine("B-1", "Bread", 2, Decimal("2.5")))
    text, page = bodies(compose(quiet_day(drafts_waiting=(WaitingDraft("D-7", "Bakery", lines),))))
    for body in (text, page):
        assert "incomplete - a line has no unit cost" in body
    assert "3 x Jam (SKU A-1) at -" in text
    assert "2 x Bread (SKU B-1) at £2.50" in text


def test_on_hand_and_days_left_are_short_numbers() -> None:
    item = replace(urgent(), on_hand=2.25, days_left=None)
    text, page = bodies(compose(quiet_day(urgent=(item, replace(urgent(), on_hand=1234567.0)))))
    assert "2.25 on hand, not selling left" not in text
    assert "- Oat milk (SKU OAT-1): 2.25 on hand, not selling" in text
    assert "1234567 on hand" in text
    assert "e+" not in page


def test_no_sheet_and_no_workbook_means_no_location_line() -> None:
    text, page = bodies(compose(quiet_day(workbook_path=None)))
    assert text == "Corner Café & Pantry, 23 Nov: all stocked, nothing waiting on you.\n"
    assert "Workbook" not in page
