"""ingest_message on the sample café (memory sheet and store, blobs in a folder): the trust
checks before any attachment, one Proposed row per change for every export format, dedupe,
limits, unreadable files in the audit and the digest, and price lists for one supplier."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path

import pytest

from sheets_bot.adapters.local.folder_blobs import FolderBlobs
from sheets_bot.domain.audit import AuditAction
from sheets_bot.domain.inbound import SesVerdicts
from sheets_bot.intake.columns import Field
from sheets_bot.intake.message import MailLimits
from sheets_bot.ports import Cell
from sheets_bot.services.digest import run_digest
from sheets_bot.services.ingest import IngestReport, Outcome, ingest_message, seen_key
from sheets_bot.sheet.layout import PROPOSED
from sheets_bot.testing.memory_marks import MemoryMarks
from tests.email.mail import OWNER, forward
from tests.intake.samples import zip_with
from tests.intake.vendor_exports import ALL, BEAN_BROTHERS_PRICES, VendorFile
from tests.services.harness import MONDAY_10AM, Shop


@pytest.fixture
def shop() -> Shop:
    return Shop.sample()


@pytest.fixture
def blobs(tmp_path: Path) -> FolderBlobs:
    return FolderBlobs(tmp_path / "blobs")


def ingest(shop: Shop, blobs: FolderBlobs, raw: bytes, **options: object) -> IngestReport:
    parser = options.pop("parser", None)
    ports = shop.intake_ports(blobs, parser)  # type: ignore[arg-type]
    return ingest_message(ports, raw, **options)  # type: ignore[arg-type]


def set_setting(shop: Shop, key: str, value: str) -> None:
    grid = shop.sheet.tabs["Settings"]
    for row in grid[1:]:
        if row and row[0] == key:
            row[1] = value
            return
    grid.append([key, value])


def proposals(shop: Shop) -> list[dict[str, Cell]]:
    return shop.rows(PROPOSED)


def changes(shop: Shop) -> dict[tuple[str, Field], Decimal]:
    return {
        (str(row["SKU"]), Field(str(row["Field"]))): Decimal(str(row["Proposed"]))
        for row in proposals(shop)
        if row["Field"] and not str(row["Status"] or "").startswith("unmatched")
    }


def audit(shop: Shop, action: str) -> list[dict[str, object]]:
    return [
        {"subject": e.subject, **(e.after or {})}
        for e in shop.store.audit.entries()
        if e.action == action
    ]


@pytest.mark.parametrize("sample", ALL, ids=[sample.vendor for sample in ALL])
def test_every_export_format_proposes_exactly_its_changes(
    shop: Shop, blobs: FolderBlobs, sample: VendorFile
) -> None:
    for key, value in sample.settings:
        set_setting(shop, key, value)
    report = ingest(shop, blobs, forward((sample.filename, sample.data), body=sample.body))

    assert report.refused is None
    assert changes(shop) == sample.expected
    [file] = report.files
    outcome = Outcome.PROPOSED if sample.expected else Outcome.NEEDS_LOCATION
    assert (file.outcome, file.unmatched) == (outcome, sample.unknown)
    if not sample.expected:
        assert "'Front', 'Back'" in file.problem and "Count location" in file.problem
    unmatched = [r for r in proposals(shop) if str(r["Status"]).startswith("unmatched")]
    assert len(unmatched) == sample.unknown
    assert all(r["Confidence"] == 0 and not r["Current"] for r in unmatched)
    assert shop.sheet.applies == 1, "one batched write"


def test_proposed_rows_say_where_they_came_from(shop: Shop, blobs: FolderBlobs) -> None:
    raw = forward(("count.csv", b"SKU,Count\nCOF-ESP-1K,14\n"), subject="Fwd: Monday count")
    report = ingest(shop, blobs, raw)

    [row] = proposals(shop)
    assert row == {
        "Proposal": "P-0001-01",
        "Source": f"{OWNER} | Fwd: Monday count | 2026-11-23 09:30 | count.csv",
        "SKU": "COF-ESP-1K",
        "Item": "House espresso blend 1kg",
        "Field": "on hand",
        "Current": 6,
        "Proposed": 14,
        "Confidence": 1.0,
        "Why": "column 'Count'; matched by SKU COF-ESP-1K",
        "Decision": None,
        "Status": None,
    }
    assert report.proposals == ["P-0001-01"]
    assert report.key == f"inbound/{MONDAY_10AM:%Y-%m-%d}/{report.key.rsplit('/', 1)[1]}"
    assert blobs.get(report.key) == raw
    assert shop.stock("COF-ESP-1K")["On hand"] == 6, "nothing reaches Stock before apply"


def test_uncertain_matches_say_why(shop: Shop, blobs: FolderBlobs) -> None:
    csv = b"SKU,Item,Qty\nX-9,Decaf blend 1kg,4\n,cafe au lait,1\n"
    ingest(shop, blobs, forward(("count.csv", csv)))

    decaf, unknown = proposals(shop)
    assert decaf["SKU"] == "COF-DEC-1K"
    assert decaf["Confidence"] == 0.5
    assert "SKU 'X-9' is not in Stock" in str(decaf["Status"])
    assert str(decaf["Status"]).startswith("uncertain: ")
    assert str(unknown["Status"]).startswith("unmatched: no SKU, and the name 'cafe au lait'")


def test_an_unknown_sender_is_refused_before_any_attachment_and_never_answered(
    shop: Shop, blobs: FolderBlobs, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(
        "sheets_bot.services.ingest.parse_attachment",
        lambda name, data: opened.append(name),
    )
    raw = forward(("count.csv", b"SKU,Count\nCOF-ESP-1K,99\n"), sender="mallory@evil.example")

    report = ingest(shop, blobs, raw)

    assert report.refused == (
        "mallory@evil.example is not the owner and not on Settings 'Allowed senders'"
    )
    assert opened == []
    assert proposals(shop) == []
    assert shop.mailer.sent == []
    [entry] = audit(shop, AuditAction.MAIL_REFUSED)
    assert entry["sender"] == "mallory@evil.example"
    assert entry["reason"] == report.refused
    assert blobs.get(report.key) == raw, "the raw message is kept"
    assert shop.sheet.applies == 0, "refused mail writes nothing to the sheet"
    shop.poll()
    assert shop.rows("Audit")[-1]["Action"] == AuditAction.MAIL_REFUSED, "the next poll mirrors it"


def test_verdicts_are_checked_before_the_sheet_is_read(shop: Shop, blobs: FolderBlobs) -> None:
    raw = forward(("count.csv", b"SKU,Count\nCOF-ESP-1K,99\n"))
    report = ingest(shop, blobs, raw, verdicts=SesVerdicts("PASS", "PASS", "PASS", virus="FAIL"))
    assert report.refused == "SES found a virus in it"
    assert (shop.sheet.reads, shop.sheet.applies) == (0, 0)


def test_a_logo_in_the_signature_is_not_a_count(shop: Shop, blobs: FolderBlobs) -> None:
    message = EmailMessage()
    message["From"] = OWNER
    message["Subject"] = "count"
    message.set_content("see attached")
    message.add_alternative("<p>see attached</p><img src='cid:logo'>", subtype="html")
    html = message.get_payload()[1]  # type: ignore[index]
    assert isinstance(html, EmailMessage)
    html.add_related(b"\x89PNG" + b"\0" * 50_000, "image", "png", cid="<logo>")
    message.add_attachment(
        b"SKU,Count\nCOF-ESP-1K,14\n", maintype="text", subtype="csv", filename="count.csv"
    )
    message.add_attachment(
        b"\x89PNG" + b"\0" * 500, maintype="image", subtype="png", filename="icon.png"
    )
    report = ingest(shop, blobs, bytes(message))
    assert [f.name for f in report.files] == ["count.csv"]


@pytest.mark.parametrize(
    ("allowed", "sender", "ok"),
    [
        ("sam@cornercafe.example", "Sam <SAM@cornercafe.example>", True),
        ("@cornercafe.example", "jo@cornercafe.example", True),
        ("@cornercafe.example", "jo@mail.cornercafe.example", False),
        ("sam@cornercafe.example; @other.example", "x@other.example", True),
        ("", "jo@cornercafe.example", False),
    ],
)
def test_allowed_senders(
    shop: Shop, blobs: FolderBlobs, allowed: str, sender: str, ok: bool
) -> None:
    set_setting(shop, "Allowed senders", allowed)
    report = ingest(shop, blobs, forward(("c.csv", b"SKU,Qty\nCOF-ESP-1K,1\n"), sender=sender))
    assert (report.refused is None) is ok


@pytest.mark.parametrize(
    ("verdicts", "refusal"),
    [
        (SesVerdicts("PASS", "FAIL", "GRAY"), None),
        (SesVerdicts("FAIL", "PASS", "PASS"), None),
        (SesVerdicts("FAIL", "FAIL", "GRAY"), "neither SPF (FAIL) nor DKIM (FAIL) passed"),
        (SesVerdicts("GRAY", "FAIL", "PASS"), "neither SPF (GRAY) nor DKIM (FAIL) passed"),
        (SesVerdicts("PASS", "PASS", "FAIL"), "DMARC failed"),
    ],
)
def test_ses_verdicts(
    shop: Shop, blobs: FolderBlobs, verdicts: SesVerdicts, refusal: str | None
) -> None:
    raw = forward(("c.csv", b"SKU,Qty\nCOF-ESP-1K,1\n"))
    report = ingest(shop, blobs, raw, verdicts=verdicts)
    assert report.refused == refusal
    assert bool(proposals(shop)) is (refusal is None)
    if refusal:
        assert audit(shop, AuditAction.MAIL_REFUSED)[0]["sender"] == OWNER


def test_a_malformed_message_without_a_sender_is_refused(shop: Shop, blobs: FolderBlobs) -> None:
    raw = b"Subject: hi\r\n\r\nno from header\r\n"
    report = ingest(shop, blobs, raw)
    assert report.refused == "the message has 0 From addresses; one is needed"
    assert blobs.get(report.key) == raw


def test_a_second_forward_of_the_same_file_proposes_nothing_new(
    shop: Shop, blobs: FolderBlobs, tmp_path: Path
) -> None:
    data = b"SKU,Count\nCOF-ESP-1K,14\nDAI-MLK-4L,9\n"
    ingest(shop, blobs, forward(("count.csv", data)))
    assert len(proposals(shop)) == 2

    again = forward(("count copy.csv", data), message_id="<count-2@x>", subject="Fwd: again")
    report = ingest(Shop(shop.sheet, shop.store, shop.mailer, shop.clock), blobs, again)

    assert [(f.name, f.outcome) for f in report.files] == [("count copy.csv", Outcome.DUPLICATE)]
    assert len(proposals(shop)) == 2
    marker = json.loads(blobs.get(seen_key(hashlib.sha256(data).hexdigest())))
    assert marker["proposals"] == ["P-0001-01", "P-0001-02"]


def test_the_same_file_twice_in_one_message_is_read_once(shop: Shop, blobs: FolderBlobs) -> None:
    data = b"SKU,Count\nCOF-ESP-1K,14\n"
    report = ingest(shop, blobs, forward(("a.csv", data), ("b.csv", data)))
    assert [f.outcome for f in report.files] == [Outcome.PROPOSED, Outcome.DUPLICATE]
    assert len(proposals(shop)) == 1


def test_a_zip_bomb_is_an_unreadable_attachment_in_the_audit_and_the_digest(
    shop: Shop, blobs: FolderBlobs
) -> None:
    bomb = zip_with({"xl/workbook.xml": b"\0" * (5 * 1024 * 1024)})
    good = b"SKU,Count\nCOF-ESP-1K,14\n"
    report = ingest(shop, blobs, forward(("count.xlsx", bomb), ("ok.csv", good)))

    [entry] = audit(shop, AuditAction.ATTACHMENT_UNREADABLE)
    assert entry["file"] == "count.xlsx"
    assert "zip bomb" in str(entry["problem"])
    assert [f.outcome for f in report.files] == [Outcome.UNREADABLE, Outcome.PROPOSED]
    assert len(proposals(shop)) == 1, "the other attachment is still read"
    # The next digest names the file and the problem.
    digest = run_digest(replace(shop.daily_ports, marks=MemoryMarks()), force=True)
    assert digest.sent
    [message] = shop.mailer.sent
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    text = " ".join(str(body.get_content()).split())
    assert "count.xlsx" in text
    assert "zip bomb" in text


def test_a_formula_in_a_file_stays_text(shop: Shop, blobs: FolderBlobs) -> None:
    csv = b'SKU,Item,Qty\nZZ-1,"=HYPERLINK(""http://evil.example"",""x"")",3\n'
    ingest(shop, blobs, forward(("count.csv", csv), subject="=1+1"))
    [row] = proposals(shop)
    assert row["Item"] == '=HYPERLINK("http://evil.example","x")'
    assert " | =1+1 | " in str(row["Source"])


def test_row_problems_are_proposed_rows_naming_the_cell(shop: Shop, blobs: FolderBlobs) -> None:
    ingest(shop, blobs, forward(("count.csv", b"SKU,Qty\nCOF-ESP-1K,ask Sam\n")))
    [row] = proposals(shop)
    assert row["Status"] == "unreadable: count.csv row 2, column B 'Qty': 'ask Sam' is not a number"


def test_a_pdf_needs_ai_parsing_which_is_off(shop: Shop, blobs: FolderBlobs) -> None:
    report = ingest(shop, blobs, forward(("count.pdf", b"%PDF-1.7 ...")))
    [file] = report.files
    assert file.outcome is Outcome.NEEDS_AI
    assert "needs AI parsing, which is turned off" in file.problem
    assert audit(shop, AuditAction.ATTACHMENT_UNREADABLE)[0]["file"] == "count.pdf"


def test_a_forward_without_a_file_or_a_table_has_no_count(shop: Shop, blobs: FolderBlobs) -> None:
    report = ingest(shop, blobs, forward(body="espresso 12\nmilk 4\n"))
    [file] = report.files
    assert (file.name, file.outcome) == ("this message", Outcome.NO_COUNT)
    assert file.problem.startswith("no count found in this message")


def test_a_table_pasted_in_the_body_is_read(shop: Shop, blobs: FolderBlobs) -> None:
    report = ingest(shop, blobs, forward(body="SKU\tCount\nDAI-OAT-1L\t7\nDAI-MLK-4L\t9\n"))
    assert changes(shop) == {
        ("DAI-OAT-1L", Field.ON_HAND): Decimal(7),
        ("DAI-MLK-4L", Field.ON_HAND): Decimal(9),
    }
    assert report.files[0].name == "message body"


def test_limits(shop: Shop, blobs: FolderBlobs) -> None:
    files = [(f"c{n}.csv", f"SKU,Qty\nCOF-ESP-1K,{n + 10}\n".encode()) for n in range(3)]
    limits = MailLimits(max_attachments=2)
    report = ingest(shop, blobs, forward(*files), limits=limits)
    assert [f.outcome for f in report.files] == [
        Outcome.UNREADABLE,
        Outcome.PROPOSED,
        Outcome.PROPOSED,
    ]
    assert "over the limit of 2 attachments" in report.files[0].problem


def test_row_limit(shop: Shop, blobs: FolderBlobs) -> None:
    csv = b"SKU,Qty\nCOF-ESP-1K,10\nDAI-MLK-4L,11\nDAI-OAT-1L,12\n"
    report = ingest(shop, blobs, forward(("c.csv", csv)), limits=MailLimits(max_rows=2))
    assert len(proposals(shop)) == 2
    assert "over the limit of 2" in report.files[-1].problem


def test_message_size_limit(shop: Shop, blobs: FolderBlobs) -> None:
    raw = forward(("c.csv", b"SKU,Qty\nCOF-ESP-1K,10\n"))
    report = ingest(shop, blobs, raw, limits=MailLimits(max_message_bytes=100))
    assert proposals(shop) == []
    assert "over the limit of 100" in report.files[0].problem
    assert blobs.get(report.key) == raw


def test_a_price_list_proposes_costs_and_packs_for_that_suppliers_items_only(
    shop: Shop, blobs: FolderBlobs
) -> None:
    csv = (
        "Code;Description;Wholesale;Case qty\n"
        "COF-ESP-1K;House espresso blend 1kg;\xa319.20;6\n"
        "DAI-MLK-4L;Whole milk 4L;\xa33.30;1\n"
    ).encode("latin-1")
    raw = forward(
        ("prices.csv", csv),
        sender="Bean Brothers <orders@beanbrothers.example>",
        subject="Trade prices 2027",
    )
    set_setting(shop, "Allowed senders", "@beanbrothers.example")

    report = ingest(shop, blobs, raw)

    assert report.supplier == "Bean Brothers Roasters"
    espresso, milk = proposals(shop)
    assert (espresso["Field"], espresso["Current"], espresso["Proposed"]) == (
        "unit cost",
        18.5,
        19.2,
    )
    assert str(milk["Status"]).startswith("unmatched: 'Whole milk 4L' (DAI-MLK-4L) is Dairy Fresh")


def test_a_price_list_of_an_unknown_supplier_is_uncertain(shop: Shop, blobs: FolderBlobs) -> None:
    csv = b"SKU,Unit cost\nDAI-MLK-4L,3.30\n"
    ingest(shop, blobs, forward(("prices.csv", csv)))
    [row] = proposals(shop)
    assert row["Confidence"] == 0.5
    assert "check it is Dairy Fresh Co's" in str(row["Status"])


def test_a_supplier_named_in_the_forwarded_text_owns_the_price_list(
    shop: Shop, blobs: FolderBlobs
) -> None:
    sample = BEAN_BROTHERS_PRICES
    report = ingest(shop, blobs, forward((sample.filename, sample.data), body=sample.body))
    assert report.supplier == "Bean Brothers Roasters"
    by_change = {(r["SKU"], r["Field"]): (r["Confidence"], r["Status"]) for r in proposals(shop)}
    assert by_change[("COF-ESP-1K", "unit cost")] == (1.0, None)
    confidence, status = by_change[("COF-DEC-1K", "pack size")]
    assert confidence == 0.5
    assert status == (
        "uncertain: SKU 'BB-DEC' is not in Stock, and the item matched by name has SKU 'COF-DEC-1K'"
    )


def test_a_message_forwarded_as_an_attachment_is_read_inside(
    shop: Shop, blobs: FolderBlobs
) -> None:
    inner = EmailMessage()
    inner["From"] = "Bean Brothers Roasters <orders@beanbrothers.example>"
    inner["Subject"] = "Trade prices 2027"
    inner.set_content("Attached.")
    inner.add_attachment(
        b"SKU,Unit cost\nCOF-ESP-1K,19.20\nDAI-MLK-4L,3.30\n",
        maintype="text",
        subtype="csv",
        filename="prices.csv",
    )
    outer = EmailMessage()
    outer["Authentication-Results"] = (
        "mx.cornercafe.example; dkim=pass header.d=cornercafe.example;"
        " dmarc=pass header.from=cornercafe.example"
    )
    outer["From"] = OWNER
    outer["Subject"] = "Fwd: Trade prices 2027"
    outer.set_content("New prices from Bean Brothers.")
    outer.add_attachment(inner, filename="forwarded.eml")

    report = ingest(shop, blobs, bytes(outer))

    assert report.supplier == "Bean Brothers Roasters", "named by the inner message's From"
    espresso, milk = proposals(shop)
    assert (espresso["SKU"], espresso["Proposed"], espresso["Status"]) == ("COF-ESP-1K", 19.2, None)
    assert str(milk["Status"]).startswith("unmatched: 'Whole milk 4L' (DAI-MLK-4L) is Dairy")


def test_the_digest_marks_uncertain_and_unverified_proposals(
    shop: Shop, blobs: FolderBlobs
) -> None:
    ingest(shop, blobs, forward(("napkins.csv", b"SKU,Count\nPAK-NAP-5,9.500\n")))
    unverified = forward(
        ("oat.csv", b"SKU,Count\nDAI-OAT-1L,3\n"), message_id="<u@x>", authenticated=False
    )
    ingest(shop, blobs, unverified)
    ingest(shop, blobs, forward(("ok.csv", b"SKU,Count\nCOF-ESP-1K,14\n"), message_id="<k@x>"))

    digest = run_digest(replace(shop.daily_ports, marks=MemoryMarks()), force=True)

    assert digest.sent
    [message] = shop.mailer.sent
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    text = " ".join(str(body.get_content()).split())
    assert "3 proposed counts waiting" in text
    assert "2 of them need checking before you apply" in text
    assert (
        "CHECK P-0001-01 PAK-NAP-5 on hand 9500: uncertain: '9.500' could be 9500 or 9.500" in text
    )
    assert "CHECK P-0002-01 DAI-OAT-1L on hand 3: sender not verified" in text
    assert "COF-ESP-1K" not in text.split("Proposed counts", 1)[1].split("Problem", 1)[0]
    html_part = message.get_body(preferencelist=("html",))
    assert html_part is not None
    assert "PAK-NAP-5" in str(html_part.get_content())
