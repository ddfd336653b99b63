"""A draft decided line by line: each line's Status, the poll, the digest and the links all
name the rows still waiting; a draft's lines stay together as one block."""

from __future__ import annotations

import dataclasses
from contextlib import nullcontext
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from sheets_bot.services.decision_links import LinkSigner
from sheets_bot.services.digest import run_digest
from sheets_bot.testing.memory_marks import MemoryMarks
from sheets_bot.web.decision import decision_app
from sheets_bot.web.http_server import WebRequest
from tests.services.harness import Shop

TEA = "D-0005"  # the sample's four-line draft (its rows are read from the sheet)
KEY = b"p" * 32


@pytest.fixture
def shop() -> Shop:
    shop = Shop.sample()
    # The gift tin, due only through Leaf & Co's ordering days, stays off the tea draft so that
    # it keeps its four lines.
    shop.sheet.set_cell("Stock", shop.stock_row("RET-TEA-GIFT"), "On hand", 200)
    shop.check()
    return shop


def _rows(shop: Shop, draft: str) -> list[int]:
    return [n for n, row in shop.numbered("Drafts") if row["Draft"] == draft]


def _statuses(shop: Shop, draft: str) -> dict[int, str]:
    return {n: str(row["Status"]) for n, row in shop.numbered("Drafts") if row["Draft"] == draft}


def test_the_poll_names_the_undecided_row_on_every_line(shop: Shop) -> None:
    first, second, third, last = _rows(shop, TEA)
    shop.decide(TEA, "approve", "approve", "skip", "")
    report = shop.poll()
    assert report.waiting_rows[TEA] == (last,)
    assert _statuses(shop, TEA) == {
        first: f"approve noted; the draft goes on once you decide row {last}",
        second: f"approve noted; the draft goes on once you decide row {last}",
        third: f"skip noted; the draft goes on once you decide row {last}",
        last: f"waiting for your decision on row {last}",
    }
    assert shop.mailer.sent == []


def test_a_flag_stays_on_an_undecided_line_and_clearing_restores_the_checks_status(
    shop: Shop,
) -> None:
    # The owner types a safety buffer of 70 (14 days of sales) for the oat milk barista
    # (5/day, 2-day lead, none on hand): reorder point 5 × 2 + 70 = 80, target 80 + 10 = 90,
    # need 90 = 2.57× its usual order (a week of sales, 35): flagged on its purpose.
    shop.sheet.set_cell("Stock", shop.stock_row("DAI-OATB-1L"), "Safety buffer", 70)
    assert shop.check().lines_refreshed == 1
    flag = (
        "CHECK QTY: needs 90, 2.57× the usual order (no past order; 7 days of sales 35,"
        " a week at least); over the 2× check"
    )
    assert _statuses(shop, "D-0002")[6] == flag
    shop.decide("D-0002", "approve", "", "")
    shop.poll()
    statuses = _statuses(shop, "D-0002")
    assert statuses[5] == "waiting for your decision on rows 5 and 6"
    assert statuses[6] == f"{flag}; waiting for your decision on rows 5 and 6"
    shop.decide("D-0002", "")
    shop.poll()
    statuses = _statuses(shop, "D-0002")
    assert statuses[4] == statuses[5] == "awaiting your decision"
    assert statuses[6] == flag
    assert shop.check().lines_refreshed == 0  # the poll's statuses are the check's again


def test_when_the_last_line_is_decided_the_draft_goes_out(shop: Shop) -> None:
    shop.decide(TEA, "approve", "approve", "approve", "")
    shop.poll()
    shop.decide(TEA, "approve")
    report = shop.poll()
    assert [entry.split(" to ")[0] for entry in report.sent] == ["PO-0001"]


class _Links:
    def __init__(self, shop: Shop) -> None:
        self.shop = shop
        self.marks = MemoryMarks()
        nonces = iter(range(1000))
        self.signer = LinkSigner(KEY, "https://links.example", lambda: f"n{next(nonces)}")
        self.adapters = dataclasses.replace(shop.link_ports, marks=self.marks)
        self.daily = dataclasses.replace(shop.daily_ports, marks=self.marks, links=self.signer)

        self.app = decision_app(lambda: nullcontext(self.adapters), KEY)

    def digest(self) -> str:
        self.shop.mailer.sent.clear()
        assert run_digest(self.daily, force=True).sent
        [message] = self.shop.mailer.sent
        return str(message.get_body(("plain",)).get_content())  # type: ignore[union-attr]

    def token(self, text: str, label: str) -> str:
        line = next(line for line in text.splitlines() if line.strip().startswith(label + ":"))
        url = line.split(": ", 1)[1].strip()
        return parse_qs(urlsplit(url).query)["t"][0]

    def get(self, token: str) -> str:
        return self.app(WebRequest("GET", "/decision", query={"t": token})).body_bytes.decode()

    def post(self, token: str) -> int:
        body = urlencode({"t": token}).encode("ascii")
        return self.app(WebRequest("POST", "/decision", body=body)).status


def test_the_digest_and_its_links_agree_with_the_poll(shop: Shop) -> None:
    last = _rows(shop, TEA)[-1]
    links = _Links(shop)
    before = links.digest()
    whole_draft = links.token(before[before.index(TEA) :], "Approve")
    shop.decide(TEA, "approve", "approve", "approve", "")
    shop.poll()

    refused = links.get(whole_draft)
    assert "no longer waiting" not in refused
    assert "Part of this draft was decided in the sheet" in refused
    assert f"D-0005 is waiting for your decision on row {last}" in refused

    text = links.digest()
    section = text[text.index(TEA) :]
    assert section.splitlines()[0] == (
        f"D-0005 for Leaf & Co Tea Merchants, waiting for your decision on row {last}"
        " (3 of 4 lines decided):"
    )
    page = links.get(links.token(section, f"Approve row {last}"))
    assert f"Approve row {last} of D-0005" in page
    assert links.post(links.token(section, f"Approve row {last}")) == 200
    assert [row["Decision"] for row in shop.draft_lines(TEA)] == ["approve"] * 4
    assert [entry.split(" to ")[0] for entry in shop.poll().sent] == ["PO-0001"]


def test_skipping_the_rest_by_link_keeps_the_sheets_decisions(shop: Shop) -> None:
    _, second, _, last = _rows(shop, TEA)
    links = _Links(shop)
    shop.decide(TEA, "approve", "", "approve", "")
    shop.poll()
    section = links.digest()
    section = section[section.index(TEA) :]
    assert links.post(links.token(section, f"Skip rows {second} and {last}")) == 200
    assert [row["Decision"] for row in shop.draft_lines(TEA)] == [
        "approve",
        "skip",
        "approve",
        "skip",
    ]


def _blocks(shop: Shop) -> list[str]:
    """The Drafts tab's draft ids in sheet order, runs of the same draft counted once."""
    order: list[str] = []
    for row in shop.rows("Drafts"):
        if not order or order[-1] != row["Draft"]:
            order.append(str(row["Draft"]))
    return order


def test_a_line_added_to_a_draft_joins_its_block(shop: Shop) -> None:
    assert _blocks(shop) == ["D-0001", "D-0002", "D-0003", "D-0004", "D-0005"]
    shop.set_line("D-0001", "COF-ESP-1K", "Note", "back door")
    shop.sheet.set_cell("Stock", shop.stock_row("COF-ETH-1K"), "On hand", 1)
    report = shop.check()
    assert report.lines_added == 1
    blocks = _blocks(shop)
    assert sorted(blocks) == ["D-0001", "D-0002", "D-0003", "D-0004", "D-0005"]
    assert [row["SKU"] for row in shop.draft_lines("D-0001")] == [
        "COF-ESP-1K",
        "COF-DEC-1K",
        "COF-ETH-1K",
    ]
    assert shop.draft_lines("D-0001")[0]["Note"] == "back door"
    assert shop.check().lines_refreshed == 0  # the moved lines are the bot's as before
