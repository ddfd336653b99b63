"""Each attachment judged on its own: size limits naming the file and the limit, Outlook's
winmail.dat unpacked or refused by name, duplicates found by content."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from sheets_bot.adapters.local.folder_blobs import FolderBlobs
from sheets_bot.intake.columns import Field
from sheets_bot.intake.message import MailLimits
from sheets_bot.services.ingest import IngestReport, Outcome, ingest_message
from sheets_bot.sheet.layout import PROPOSED
from tests.email.mail import forward
from tests.intake.samples import tnef_bytes, xlsx_bytes
from tests.services.harness import Shop

SMALL = ("count.csv", b"SKU,Count\nCOF-ESP-1K,14\n")


@pytest.fixture
def shop() -> Shop:
    return Shop.sample()


def ingest(shop: Shop, tmp_path: Path, raw: bytes, **options: object) -> IngestReport:
    blobs = FolderBlobs(tmp_path / "blobs")
    parser = options.pop("parser", None)
    ports = shop.intake_ports(blobs, parser)  # type: ignore[arg-type]
    return ingest_message(ports, raw, **options)  # type: ignore[arg-type]


def outcomes(report: IngestReport) -> dict[str, tuple[Outcome, str]]:
    return {file.name: (file.outcome, file.problem) for file in report.files}


def test_a_large_attachment_is_refused_by_name_and_the_others_still_read(
    shop: Shop, tmp_path: Path
) -> None:
    big = ("history.csv", b"SKU,Count\n" + b"X,1\n" * 400)
    report = ingest(
        shop, tmp_path, forward(big, SMALL), limits=MailLimits(max_attachment_bytes=1000)
    )
    found = outcomes(report)
    outcome, problem = found["history.csv"]
    assert outcome is Outcome.UNREADABLE
    assert "over the limit of 1,000 bytes for one attachment" in problem
    assert found["count.csv"][0] is Outcome.PROPOSED
    assert [row["Proposed"] for row in shop.rows(PROPOSED) if row["Field"]] == [14]


def test_the_total_limit_names_the_file_that_passes_it(shop: Shop, tmp_path: Path) -> None:
    first = ("a.csv", b"SKU,Count\nDAI-OAT-1L,3\n" + b"\n" * 600)
    limits = MailLimits(max_total_attachment_bytes=800)
    report = ingest(
        shop, tmp_path, forward(first, ("b.csv", b"SKU,Count\n" + b"\n" * 600)), limits=limits
    )
    found = outcomes(report)
    assert found["a.csv"][0] is Outcome.PROPOSED
    assert "over the limit of 800 bytes together" in found["b.csv"][1]


def test_winmail_dat_is_unpacked(shop: Shop, tmp_path: Path) -> None:
    wrapped = tnef_bytes({"count.xlsx": xlsx_bytes([["SKU", "Count"], ["DAI-OAT-1L", 9]])})
    report = ingest(shop, tmp_path, forward(("winmail.dat", wrapped)))
    assert outcomes(report) == {"count.xlsx": (Outcome.PROPOSED, "")}
    assert [row["Proposed"] for row in shop.rows(PROPOSED)] == [9]


def test_a_broken_winmail_dat_is_refused_by_name(shop: Shop, tmp_path: Path) -> None:
    report = ingest(shop, tmp_path, forward(("winmail.dat", b"not a TNEF file at all"), SMALL))
    found = outcomes(report)
    assert "winmail.dat" in found
    assert found["winmail.dat"][1].startswith("is Outlook's TNEF wrapper and could not be unpacked")
    assert found["count.csv"][0] is Outcome.PROPOSED


def test_the_same_rows_in_another_layout_are_not_proposed_again(shop: Shop, tmp_path: Path) -> None:
    ingest(shop, tmp_path, forward(("c.csv", b"SKU,Count\r\nCOF-ESP-1K,14\r\nDAI-OAT-1L,9\r\n")))
    again = xlsx_bytes([["  SKU ", "Count"], ["DAI-OAT-1L", 9], ["COF-ESP-1K ", "14"]])
    report = ingest(shop, tmp_path, forward(("c.xlsx", again), message_id="<2@x>"))
    assert [file.outcome for file in report.files] == [Outcome.DUPLICATE]
    assert len(shop.rows(PROPOSED)) == 2


def test_a_changed_count_is_not_a_duplicate(shop: Shop, tmp_path: Path) -> None:
    ingest(shop, tmp_path, forward(("c.csv", b"SKU,Count\nCOF-ESP-1K,14\n")))
    report = ingest(
        shop,
        tmp_path,
        forward(("c.csv", b"SKU,Count\nCOF-ESP-1K,15\n"), message_id="<3@x>"),
    )
    assert [file.outcome for file in report.files] == [Outcome.PROPOSED]
    first, second = shop.rows(PROPOSED)
    assert str(first["Status"]).startswith("replaced by P-0002-01")
    assert Decimal(str(second["Proposed"])) == 15


def test_several_locations_tell_the_owner_in_the_sheet(shop: Shop, tmp_path: Path) -> None:
    data = b"Item,Qty [Front],Qty [Depot]\nFree-range eggs (tray 30),2,5\n"
    report = ingest(shop, tmp_path, forward(("stores.csv", data)))
    [file] = report.files
    assert file.outcome is Outcome.NEEDS_LOCATION
    [row] = shop.rows(PROPOSED)
    assert str(row["Status"]).startswith("not proposed: this file counts 2 locations")
    assert "'Front', 'Depot'" in str(row["Status"])


def test_the_ingest_output_says_the_sender_was_not_verified(shop: Shop, tmp_path: Path) -> None:
    from sheets_bot.ingest_output import format_ingest

    report = ingest(shop, tmp_path, forward(SMALL, authenticated=False))
    out = format_ingest(report)
    assert "Sender not verified (no Authentication-Results" in out
    assert "count.csv: 1 change(s) proposed" in out


def test_a_newer_count_matching_stock_settles_the_pending_one(shop: Shop, tmp_path: Path) -> None:
    ingest(shop, tmp_path, forward(("c.csv", b"SKU,Count\nCOF-ESP-1K,14\n")))
    later = forward(
        ("d.csv", b"SKU,Count\nCOF-ESP-1K,6\n"),
        message_id="<4@x>",
        date="Mon, 23 Nov 2026 12:00:00 +0000",
    )
    ingest(shop, tmp_path, later)
    [row] = shop.rows(PROPOSED)
    assert str(row["Status"]).startswith("replaced by a newer count (2026-11-23 12:00)")


def test_square_bracketed_location_names() -> None:
    from sheets_bot.intake.parse import parse_attachment

    data = (
        b"Item Name,Variation Name,SKU,Current Quantity [Main St],New Quantity [Main St]\n"
        b"Oat milk,Regular,A-1,4,\n"
    )
    sheet = parse_attachment("sq.csv", data)
    assert list(sheet.columns.locations) == ["Main St"]
    assert sheet.rows[0].values[Field.ON_HAND] == Decimal(4)


def test_a_replaced_proposal_is_audited(shop: Shop, tmp_path: Path) -> None:
    from sheets_bot.domain.audit import AuditAction

    ingest(shop, tmp_path, forward(("c.csv", b"SKU,Count\nCOF-ESP-1K,14\n")))
    ingest(shop, tmp_path, forward(("c.csv", b"SKU,Count\nCOF-ESP-1K,15\n"), message_id="<9@x>"))
    [entry] = [e for e in shop.store.audit.entries() if e.action == AuditAction.PROPOSAL_REPLACED]
    assert entry.subject == "P-0001-01"
    assert str((entry.after or {})["Status"]).startswith("replaced by P-0002-01")


def test_a_table_pasted_as_html_is_read(shop: Shop, tmp_path: Path) -> None:
    from email.message import EmailMessage

    message = EmailMessage()
    message["Authentication-Results"] = (
        "mx.cornercafe.example; dkim=pass header.d=cornercafe.example;"
        " dmarc=pass header.from=cornercafe.example"
    )
    message["From"] = "owner@cornercafe.example"
    message["Subject"] = "count"
    message.set_content("Count below.")
    message.add_alternative(
        "<p>Count below.</p><table><tr><th>SKU</th><th>Count</th></tr>"
        "<tr><td>DAI-OAT-1L</td><td>7</td></tr><tr><td>DAI-MLK-4L</td><td>9</td></tr></table>",
        subtype="html",
    )
    report = ingest(shop, tmp_path, bytes(message))
    assert [file.name for file in report.files] == ["table 1 in the message"]
    assert [row["Proposed"] for row in shop.rows(PROPOSED)] == [7, 9]
