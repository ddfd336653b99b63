"""Acting on decisions: sending approved POs at most once, closing skips, quiet hours."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest

from sheets_bot.domain.purchase_order import PoState
from sheets_bot.services.poll import run_poll
from sheets_bot.testing.memory_sheet import MemorySheet
from tests.services.harness import Shop

BEANS = "Bean Brothers Roasters"


@pytest.fixture
def shop() -> Shop:
    shop = Shop.sample()
    shop.check()
    return shop


def _attachments(message: EmailMessage) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for part in message.iter_attachments():
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        found[str(part.get_filename())] = payload
    return found


def test_an_approved_draft_is_emailed_filed_in_orders_and_audited(shop: Shop) -> None:
    draft = shop.draft_of(BEANS)
    shop.decide(draft, "approve")
    report = shop.poll()
    assert report.sent == [f"PO-0001 to {BEANS} <orders@beanbrothers.example>"]
    [message] = shop.mailer.sent
    assert message["To"] == "orders@beanbrothers.example"
    assert message["From"] == "orders@cornercafe.example"
    assert message["Reply-To"] == "owner@cornercafe.example"
    assert "PO-0001" in str(message["Subject"])
    assert "PO-0001.csv" in _attachments(message)
    csv_text = _attachments(message)["PO-0001.csv"].decode()
    assert "COF-ESP-1K" in csv_text
    assert "24" in csv_text
    assert shop.draft_lines(draft) == []
    orders = shop.rows("Orders")
    assert [(row["PO"], row["SKU"], row["Qty"], row["Status"]) for row in orders] == [
        ("PO-0001", "COF-ESP-1K", 24, "sent"),
        ("PO-0001", "COF-DEC-1K", 2, "sent"),
    ]
    assert orders[0]["Sent at"] == "2026-11-23 10:00"
    assert shop.stock("COF-ESP-1K")["On order"] == 24
    actions = [(entry.who, entry.action) for entry in shop.store.audit.entries()][5:]
    assert actions == [
        ("owner (sheet)", "approve"),
        ("sheets-bot", "send claimed"),
        ("sheets-bot", "po sent"),
    ]
    approve = shop.store.audit.entries()[5]
    assert approve.before == {"drafted": {"COF-ESP-1K": "24", "COF-DEC-1K": "2"}}
    assert approve.after is not None
    assert approve.after["lines"] == {"COF-ESP-1K": 24, "COF-DEC-1K": 2}
    assert [row["Action"] for row in shop.rows("Audit")][-3:] == [
        "approve",
        "send claimed",
        "po sent",
    ]


def test_the_next_check_counts_the_sent_po_as_on_order(shop: Shop) -> None:
    shop.decide(shop.draft_of(BEANS), "approve")
    shop.poll()
    report = shop.check()
    assert shop.stock("COF-ESP-1K")["On order"] == 24
    assert shop.stock("COF-ESP-1K")["Move"] == "watch"  # 30 − 7 days × 2.5 ≤ 16.5, not due
    assert "COF-ESP-1K" not in {row["SKU"] for row in shop.rows("Drafts")}
    assert report.drafts_created == {}


def test_the_owners_edits_are_what_is_sent(shop: Shop) -> None:
    draft = shop.draft_of(BEANS)
    shop.set_line(draft, "COF-ESP-1K", "Order qty", "36")
    shop.set_line(draft, "COF-ESP-1K", "Note", "deliver to the back door")
    for sku in ("COF-ESP-1K", "COF-DEC-1K"):
        shop.set_line(draft, sku, "Send to", "marco@beanbrothers.example")
    shop.decide(draft, "approve", "skip")
    shop.poll()
    [message] = shop.mailer.sent
    assert message["To"] == "marco@beanbrothers.example"
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert "deliver to the back door" in text
    assert "COF-DEC-1K" not in text
    assert [(row["SKU"], row["Qty"]) for row in shop.rows("Orders")] == [("COF-ESP-1K", 36)]
    record = shop.store.ledger.get(draft)
    assert record is not None
    assert record.order.send_to == "marco@beanbrothers.example"
    assert [(line.sku, line.quantity, line.drafted_quantity) for line in record.order.lines] == [
        ("COF-ESP-1K", 36, 24)
    ]


def test_a_poll_with_no_decisions_reads_once_and_writes_nothing(shop: Shop) -> None:
    reads, applies = shop.sheet.reads, shop.sheet.applies
    report = shop.poll()
    assert shop.sheet.reads == reads + 1
    assert shop.sheet.applies == applies
    assert len(report.waiting) == 5
    assert shop.mailer.sent == []


def test_skip_closes_the_draft_and_the_next_check_drafts_again(shop: Shop) -> None:
    draft = shop.draft_of(BEANS)
    shop.decide(draft, "skip")
    report = shop.poll()
    assert report.skipped == [draft]
    assert shop.mailer.sent == []
    assert shop.draft_lines(draft) == []
    assert shop.store.ledger.get(draft) is None
    shop.check()
    again = [row for row in shop.rows("Drafts") if row["Supplier"] == BEANS]
    assert {row["SKU"] for row in again} == {"COF-ESP-1K", "COF-DEC-1K"}
    assert again[0]["Draft"] == "D-0006"


@pytest.mark.parametrize(
    ("decisions", "outcome"), [(("approve", ""), "waiting"), (("approve", "edit"), "held")]
)
def test_a_blank_or_edit_line_holds_the_whole_draft(
    shop: Shop, decisions: tuple[str, str], outcome: str
) -> None:
    draft = shop.draft_of(BEANS)
    shop.decide(draft, *decisions)
    report = shop.poll()
    assert draft in getattr(report, outcome)
    assert shop.mailer.sent == []
    assert len(shop.draft_lines(draft)) == 2


def test_an_invalid_quantity_is_shown_on_the_draft_and_nothing_is_sent(shop: Shop) -> None:
    draft = shop.draft_of(BEANS)
    shop.set_line(draft, "COF-ESP-1K", "Order qty", "two dozen")
    shop.decide(draft, "approve")
    report = shop.poll()
    assert shop.mailer.sent == []
    status = str(shop.draft_lines(draft)[0]["Status"])
    assert "Drafts row 2, column J 'Order qty': 'two dozen' is not a number" in status
    assert report.problems


def test_quiet_hours_hold_an_approval_until_they_end(shop: Shop) -> None:
    draft = shop.draft_of(BEANS)
    shop.decide(draft, "approve")
    shop.clock.instant = datetime(2026, 11, 23, 23, 0, tzinfo=UTC)  # 23:00 in London
    report = shop.poll()
    assert report.deferred == ["D-0001 at 06:00"]
    assert shop.mailer.sent == []
    assert "goes out at 2026-11-24 06:00 when quiet hours end" in str(
        shop.draft_lines(draft)[0]["Status"]
    )
    shop.clock.instant = datetime(2026, 11, 24, 5, 59, tzinfo=UTC)
    shop.poll()
    assert shop.mailer.sent == []
    shop.clock.instant = datetime(2026, 11, 24, 6, 1, tzinfo=UTC)
    report = shop.poll()
    assert len(shop.mailer.sent) == 1
    assert report.sent


def test_a_rejected_send_is_shown_not_retried_until_the_draft_changes(shop: Shop) -> None:
    draft = shop.draft_of(BEANS)
    shop.decide(draft, "approve")
    shop.mailer.fail_with = "reject"
    report = shop.poll()
    assert report.attention
    assert "SEND FAILED for PO-0001" in str(shop.draft_lines(draft)[0]["Status"])
    shop.mailer.fail_with = None
    shop.poll()
    assert shop.mailer.sent == []
    for sku in ("COF-ESP-1K", "COF-DEC-1K"):
        shop.set_line(draft, sku, "Send to", "marco@beanbrothers.example")
    shop.poll()
    assert [message["To"] for message in shop.mailer.sent] == ["marco@beanbrothers.example"]


def test_an_unknown_outcome_is_never_retried_silently(shop: Shop) -> None:
    draft = shop.draft_of(BEANS)
    shop.decide(draft, "approve")
    shop.mailer.fail_with = "crash"
    report = shop.poll()
    assert len(shop.mailer.sent) == 1  # it may well have gone
    assert any("SEND OUTCOME UNKNOWN for PO-0001" in note for note in report.attention)
    shop.mailer.fail_with = None
    for _ in range(3):
        shop.clock.advance(hours=1)
        shop.poll()
    assert len(shop.mailer.sent) == 1
    record = shop.store.ledger.get(draft)
    assert record is not None
    assert record.state is PoState.UNKNOWN
    assert "sheets-bot resolve PO-0001" in str(shop.draft_lines(draft)[0]["Status"])


def test_resolve_resend_sends_once_more_and_resolve_sent_files_it(shop: Shop) -> None:
    beans, dairy = shop.draft_of(BEANS), shop.draft_of("Dairy Fresh Co")
    shop.decide(beans, "approve")
    shop.decide(dairy, "approve")
    shop.mailer.fail_with = "crash"
    shop.poll()
    shop.mailer.fail_with = None
    shop.store.ledger.resolve("PO-0001", "approved", shop.clock.now())
    shop.store.ledger.resolve("PO-0002", "sent", shop.clock.now())
    shop.clock.advance(minutes=10)
    shop.poll()
    assert len(shop.mailer.sent) == 3  # two that may have gone, one resend of PO-0001
    assert {row["PO"] for row in shop.rows("Orders")} == {"PO-0001", "PO-0002"}
    assert shop.rows("Drafts") and not shop.draft_lines(beans) and not shop.draft_lines(dairy)


def test_a_run_that_dies_after_sending_is_finished_by_the_next_without_resending(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = shop.draft_of(BEANS)
    shop.decide(draft, "approve")
    original = shop.sheet.apply

    def dies(batch: object) -> None:
        raise ConnectionError("the sheet write never happened")

    monkeypatch.setattr(shop.sheet, "apply", dies)
    with pytest.raises(ConnectionError):
        shop.poll()
    monkeypatch.setattr(shop.sheet, "apply", original)
    assert len(shop.mailer.sent) == 1
    assert shop.draft_lines(draft)
    shop.clock.advance(minutes=1)
    report = shop.poll()  # within the filing grace: the sending run may still file it
    assert report.sent == []
    shop.clock.advance(minutes=10)
    report = shop.poll()
    assert len(shop.mailer.sent) == 1
    assert report.sent == [f"PO-0001 to {BEANS} <orders@beanbrothers.example>"]
    assert [row["PO"] for row in shop.rows("Orders")] == ["PO-0001", "PO-0001"]
    assert shop.draft_lines(draft) == []
    # the audit entries of the dead run were kept and mirrored by the next one
    assert [row["Action"] for row in shop.rows("Audit")].count("po sent") == 1


def test_a_claim_left_by_a_dead_run_becomes_unknown_after_the_lease(shop: Shop) -> None:
    draft = shop.draft_of(BEANS)
    shop.decide(draft, "approve")

    def killed_mid_send(message: EmailMessage) -> str:
        raise SystemExit("killed")

    original_send = shop.mailer.send
    shop.mailer.send = killed_mid_send  # type: ignore[method-assign]
    with pytest.raises(SystemExit):
        shop.poll()
    shop.mailer.send = original_send  # type: ignore[method-assign]
    record = shop.store.ledger.get(draft)
    assert record is not None
    assert record.state is PoState.SENDING
    shop.clock.advance(minutes=5)
    shop.poll()
    assert "being sent by another run" in str(shop.draft_lines(draft)[0]["Status"])
    shop.clock.advance(minutes=20)
    report = shop.poll()
    assert shop.mailer.sent == []
    assert any("SEND OUTCOME UNKNOWN" in note for note in report.attention)


def test_two_pollers_racing_send_one_email(shop: Shop) -> None:
    """Two pollers read the same sheet at once (as two Lambda runs would) and share the ledger."""
    shop.decide(shop.draft_of(BEANS), "approve")
    shop.mailer.delay = 0.05
    sheets = [MemorySheet.from_tabs(shop.sheet.tabs) for _ in range(2)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def poller(sheet: MemorySheet) -> None:
        adapters = replace(shop.poll_ports, sheet=sheet)
        try:
            barrier.wait()
            run_poll(adapters)
        except BaseException as error:  # reported below, outside the thread
            errors.append(error)

    threads = [threading.Thread(target=poller, args=(sheet,)) for sheet in sheets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(shop.mailer.sent) == 1
    filed = [len([r for r in sheet.records("Orders") if r["PO"] == "PO-0001"]) for sheet in sheets]
    assert sorted(filed) == [0, 2]  # one poller filed it; the other left it to that one
