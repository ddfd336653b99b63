"""The digest's later sections (unconfirmed POs, unreadable mail, failed runs), its one-tap
links, what a link is bound to, the new Settings keys, and a tab after a batch."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from sheets_bot.documents.digest_email import compose_digest, digest_subject
from sheets_bot.domain.decision_links import DraftSnapshot, SnapshotLine, link_url
from sheets_bot.domain.digest import (
    DecisionLinks,
    DigestData,
    DigestLine,
    FailedRun,
    UnconfirmedPo,
    UnreadMail,
    WaitingDraft,
)
from sheets_bot.domain.models import ShopSettings
from sheets_bot.ports import Cell, CellWrite, RowsAppend, RowsDelete, SheetBatch
from sheets_bot.sheet.after import table_after
from sheets_bot.sheet.layout import load_layout
from sheets_bot.sheet.settings import read_settings
from sheets_bot.sheet.table import Table

NOW = datetime(2026, 11, 24, 7, 30, tzinfo=UTC)
SCRIPT = "<script>alert(1)</script>"
SETTINGS = ShopSettings(
    business_name="Corner Café",
    owner_email="owner@corner.example",
    from_address="bot@corner.example",
    timezone="Europe/London",
    currency="GBP",
)


def _bodies(data: DigestData) -> tuple[str, str]:
    message = compose_digest(data, SETTINGS, now=NOW)
    assert message is not None
    text, page = message.get_body(("plain",)), message.get_body(("html",))
    assert text is not None and page is not None
    return text.get_content(), page.get_content()


def _day(**fields: object) -> DigestData:
    return DigestData(shop_name="Corner Café", local_date=date(2026, 11, 24), **fields)  # type: ignore[arg-type]


def test_each_later_section_alone_makes_the_day_not_quiet() -> None:
    sent = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
    for fields in (
        {"unconfirmed": (UnconfirmedPo("PO-0001", "Bean Co", sent, 69),)},
        {"unread_mail": (UnreadMail(NOW, "count.xlsx", "not a spreadsheet"),)},
        {"failed_runs": (FailedRun("poll-decisions", NOW, "TimeoutError"),)},
    ):
        assert not _day(**fields).is_quiet_day


def test_later_sections_in_text_html_and_subject() -> None:
    data = _day(
        unconfirmed=(
            UnconfirmedPo("PO-0001", "Bean Co", datetime(2026, 11, 21, 10, 0, tzinfo=UTC), 69),
        ),
        unread_mail=(UnreadMail(NOW, SCRIPT, "zip bomb"),),
        failed_runs=(FailedRun("daily-check", None, "SheetBusy"),),
    )
    text, page = _bodies(data)
    assert "- PO-0001 to Bean Co: sent 21 Nov 10:00, 3 days ago, still not confirmed" in text
    assert f"- {SCRIPT} (24 Nov 07:30): zip bomb" in text
    assert "- daily-check (time unknown): an unexpected error (SheetBusy)" in text
    assert "<script" not in page and "&lt;script&gt;" in page
    assert digest_subject(data) == (
        "Corner Café: 1 PO not confirmed, 1 unreadable mail, 1 failed run — 24 Nov"
    )


def test_a_waiting_draft_has_approve_and_skip_buttons() -> None:
    links = DecisionLinks("https://x.example/decision?t=a.b", 'https://x.example/decision?t="c')
    data = _day(
        drafts_waiting=(
            WaitingDraft("D-0001", "Bean Co", (DigestLine("B-1", "Beans", 2, None),), links),
        )
    )
    text, page = _bodies(data)
    assert "    Approve: https://x.example/decision?t=a.b" in text
    assert '<a href="https://x.example/decision?t=a.b"' in page
    assert "t=&quot;c" in page and 't="c' not in page
    assert ">Approve</a>" in page and ">Skip</a>" in page


def _snapshot(**changes: str) -> DraftSnapshot:
    line = {"sku": "B-1", "order_qty": "24", "send_to": "orders@bean.example", "decision": ""}
    line.update(changes)
    supplier = line.pop("supplier", "Bean Co")
    return DraftSnapshot(
        "D-0001",
        supplier,
        (
            SnapshotLine(row=2, item="Beans", unit_cost="18.5", **line),
            SnapshotLine(3, "C-1", "Cups", "100", "0.1", "orders@bean.example", ""),
        ),
    )


def test_a_links_content_changes_with_any_bound_part_only() -> None:
    base = _snapshot().content
    assert _snapshot(order_qty="25").content != base
    assert _snapshot(send_to="other@bean.example").content != base
    assert _snapshot(sku="B-2").content != base
    assert _snapshot(supplier="Other Co").content != base
    assert _snapshot(decision="skip").content != base
    assert _snapshot(send_to="ORDERS@bean.example").content == base
    moved = DraftSnapshot("D-0001", "Bean Co", tuple(reversed(_snapshot().lines)))
    assert moved.content == base


def test_link_url_quotes_the_token() -> None:
    assert link_url("https://x.example/", "a.b+c") == "https://x.example/decision?t=a.b%2Bc"


def _settings_table(rows: list[list[str]]) -> Table:
    grid: list[list[Cell]] = [["Setting", "Value"], *(list[Cell](row) for row in rows)]
    return Table.from_grid(load_layout().tab("Settings"), grid)


def test_digest_settings_are_read_with_located_problems() -> None:
    settings, problems = read_settings(
        _settings_table(
            [["Digest time", "6:45"], ["Empty digest", "None"], ["Links URL", "https://l.example/"]]
        )
    )
    assert (settings.digest_time, settings.empty_digest, settings.links_url) == (
        time(6, 45),
        "none",
        "https://l.example",
    )
    assert problems == []
    defaults, problems = read_settings(
        _settings_table(
            [["Digest time", "25:00"], ["Empty digest", "sometimes"], ["Links URL", "javascript:x"]]
        )
    )
    assert (defaults.digest_time, defaults.empty_digest, defaults.links_url) == (
        time(7, 30),
        "one-line",
        "",
    )
    assert [p.row for p in problems] == [2, 3, 4]
    assert "is not a time like 07:30" in str(problems[0])


@pytest.fixture
def drafts() -> Table:
    spec = load_layout().tab("Drafts")
    header = list(spec.headers)
    grid: list[list[Cell]] = [list(header)]
    for number, sku in enumerate(("A-1", "B-1", "C-1")):
        row: list[Cell] = [None] * len(header)
        row[header.index("Draft")] = "D-0001"
        row[header.index("SKU")] = sku
        row[header.index("Order qty")] = number + 1
        grid.append(row)
    return Table.from_grid(spec, grid)


def test_a_tab_after_writes_appends_and_deletes(drafts: Table) -> None:
    qty = drafts.column("Order qty")
    new = drafts.new_row({"Draft": "D-0002", "SKU": "Z-9", "Order qty": 7})
    batch = SheetBatch(
        writes=[CellWrite("Drafts", 2, qty, 10), CellWrite("Stock", 2, qty, "other tab")],
        appends=[RowsAppend("Drafts", [new])],
        deletes=[RowsDelete("Drafts", [3])],
    )
    after = table_after(drafts, batch)
    assert [(row.number, row.text("SKU"), row.text("Order qty")) for row in after] == [
        (2, "A-1", "10"),
        (4, "C-1", "3"),
        (5, "Z-9", "7"),
    ]
    assert [row.text("Order qty") for row in drafts] == ["1", "2", "3"]


def test_failed_runs_are_grouped_with_their_reason_in_words() -> None:
    polls = tuple(
        FailedRun(
            "sheets-bot poll",
            datetime(2026, 11, 24, 9, 0, tzinfo=UTC) + timedelta(minutes=5 * n),
            "WorkbookBusyError",
            "the workbook was open in Excel or LibreOffice",
        )
        for n in range(13)
    )
    check = FailedRun("sheets-bot check", datetime(2026, 11, 24, 7, 0, tzinfo=UTC), "BotError")
    text, page = _bodies(_day(failed_runs=(*polls, check)))
    section = text[text.index("Runs that failed") :]
    assert section.splitlines()[2:] == [
        "- sheets-bot check at 24 Nov 07:00: a setting or input needs fixing (run the same"
        " command by hand to see which)",
        "- sheets-bot poll: the workbook was open in Excel or LibreOffice, for 13 polls"
        " between 24 Nov 09:00 and 10:00",
    ]
    assert "WorkbookBusyError" not in text and "WorkbookBusyError" not in page
    assert "13 polls" in page


def test_counts_and_durations_read_as_words() -> None:
    from sheets_bot.domain.words import hours_ago, plural

    assert plural(1, "pack") == "1 pack" and plural(2, "pack") == "2 packs"
    assert plural(1, "delivery", "deliveries") == "1 delivery"
    assert hours_ago(5) == "5 hours ago" and hours_ago(1) == "1 hour ago"
    assert hours_ago(502) == "21 days ago"
