"""The digest's Approve/Skip links through the decision app: a GET shows and changes nothing;
the POST writes the Decision cells once, audited as the owner's, and the next poll sends;
forged, expired, replayed and stale tokens get a clear page and change nothing."""

from __future__ import annotations

import base64
import copy
import dataclasses
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from sheets_bot.domain.decision_links import DraftSnapshot, decision_claims
from sheets_bot.domain.tokens import sign_token
from sheets_bot.services.check import run_check
from sheets_bot.services.decision_links import LINK_WHO, LinkSigner, draft_snapshots
from sheets_bot.services.lanes import LinkPorts
from sheets_bot.services.shop import read_shop
from sheets_bot.testing.memory_marks import MemoryMarks
from sheets_bot.web.decision import decision_app, next_poll_within
from sheets_bot.web.http_server import WebRequest, WebResponse
from tests.services.harness import MONDAY_10AM, Shop

KEY = b"s" * 32


class Links:
    def __init__(self) -> None:
        self.shop = Shop.sample()
        self.marks = MemoryMarks()
        run_check(self.shop.check_ports)
        self.app = decision_app(self.open, KEY)

    @property
    def adapters(self) -> LinkPorts:
        return dataclasses.replace(self.shop.link_ports, marks=self.marks)

    @contextmanager
    def open(self) -> Iterator[LinkPorts]:
        yield self.adapters

    def snapshot(self, draft: str) -> DraftSnapshot:
        view = read_shop(self.shop.sheet, ("Drafts", "Settings"))
        return draft_snapshots(view["Drafts"])[draft]

    def token(self, draft: str, action: str = "approve", *, now: datetime = MONDAY_10AM) -> str:
        signer = LinkSigner(KEY, "http://127.0.0.1:8080")
        url = signer.links(
            self.snapshot(draft), now, read_shop(self.shop.sheet, ("Settings",)).settings
        )
        link = url.approve if action == "approve" else url.skip
        return parse_qs(urlsplit(link).query)["t"][0]

    def get(self, token: str) -> WebResponse:
        return self.app(WebRequest("GET", "/decision", query={"t": token}))

    def post(self, token: str) -> WebResponse:
        return self.app(
            WebRequest("POST", "/decision", body=urlencode({"t": token}).encode("ascii"))
        )

    def decisions(self, draft: str) -> list[str]:
        return [str(row["Decision"] or "") for row in self.shop.draft_lines(draft)]


@pytest.fixture
def links() -> Links:
    return Links()


def _nonce(token: str) -> str:
    payload = token.split(".")[0]
    return str(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["n"])


def _text(response: WebResponse) -> str:
    return response.body_bytes.decode("utf-8")


def test_a_get_shows_the_po_and_changes_nothing(links: Links) -> None:
    token = links.token("D-0001")
    before = copy.deepcopy(links.shop.sheet.tabs)
    applies, entries = links.shop.sheet.applies, len(links.shop.store.audit.entries())

    for _ in range(3):  # a mail scanner, a preview, the owner
        response = links.get(token)
        assert response.status == 200
    page = _text(response)
    assert "Approve D-0001 for Bean Brothers Roasters?" in page
    assert "House espresso blend 1kg" in page and "£482.00" in page
    assert 'method="post" action="/decision"' in page
    assert links.shop.sheet.tabs == before
    assert links.shop.sheet.applies == applies
    assert len(links.shop.store.audit.entries()) == entries
    assert links.marks.nonce_used(_nonce(token)) is False


def test_the_post_records_the_decision_once_and_the_poll_sends_it(links: Links) -> None:
    token = links.token("D-0001")
    response = links.post(token)
    assert response.status == 200
    assert "Approved: D-0001" in _text(response)
    assert links.decisions("D-0001") == ["approve", "approve"]
    [entry] = [e for e in links.shop.store.audit.entries() if e.who == LINK_WHO]
    assert (entry.action, entry.subject) == ("approve", "D-0001")
    assert "owner (digest link)" in [row["Who"] for row in links.shop.rows("Audit")]

    again = links.post(token)
    assert again.status == 410
    assert "already used" in _text(again)
    assert links.get(token).status == 410

    links.shop.clock.instant = MONDAY_10AM + timedelta(minutes=5)
    report = links.shop.poll()
    assert report.sent == ["PO-0001 to Bean Brothers Roasters <orders@beanbrothers.example>"]
    record = links.shop.store.ledger.get("D-0001")
    assert record is not None and record.state == "sent"


def test_skip_marks_every_line_skip(links: Links) -> None:
    response = links.post(links.token("D-0002", "skip"))
    assert response.status == 200
    assert "Skipped: D-0002" in _text(response)
    assert set(links.decisions("D-0002")) == {"skip"}
    assert links.shop.poll().skipped == ["D-0002"]


def _refused_without_change(links: Links, token: str, status: int, words: str) -> None:
    before = copy.deepcopy(links.shop.sheet.tabs)
    for response in (links.get(token), links.post(token)):
        assert response.status == status
        assert words in _text(response)
    assert links.shop.sheet.tabs == before


def test_a_forged_token_is_refused(links: Links) -> None:
    good = links.token("D-0001")
    payload, signature = good.split(".")
    forged = sign_token(
        decision_claims(links.snapshot("D-0001"), "approve", now=MONDAY_10AM, nonce="x"),
        b"another key entirely, 32 bytes long",
    )
    for token in (forged, f"{payload}.{signature[:-2]}AA", "nonsense", ""):
        _refused_without_change(links, token, 403, "not valid")


def test_an_expired_token_is_refused(links: Links) -> None:
    token = links.token("D-0001", now=MONDAY_10AM - timedelta(hours=73))
    _refused_without_change(links, token, 410, "expired")


def test_a_stale_token_is_refused_after_an_owner_edit(links: Links) -> None:
    token = links.token("D-0001")
    links.shop.set_line("D-0001", "COF-ESP-1K", "Order qty", 30)
    _refused_without_change(links, token, 409, "changed since the digest")
    links.shop.set_line("D-0001", "COF-ESP-1K", "Order qty", 24)
    assert links.post(token).status == 200


def test_a_token_for_a_draft_decided_in_the_sheet_changes_nothing(links: Links) -> None:
    token = links.token("D-0003")
    links.shop.decide("D-0003", "skip")
    _refused_without_change(links, token, 409, "no longer waiting")


def test_a_send_to_change_makes_the_link_stale(links: Links) -> None:
    token = links.token("D-0001")
    for line in links.shop.draft_lines("D-0001"):
        links.shop.set_line("D-0001", str(line["SKU"]), "Send to", "other@beanbrothers.example")
    _refused_without_change(links, token, 409, "changed since the digest")


def test_other_methods_are_not_allowed(links: Links) -> None:
    response = links.app(WebRequest("DELETE", "/decision"))
    assert response.status == 405


def test_links_carry_their_draft_action_and_expiry() -> None:
    snapshot = Links().snapshot("D-0001")
    claims = decision_claims(snapshot, "skip", now=datetime(2026, 11, 23, tzinfo=UTC), nonce="n")
    assert (claims.subject, claims.action, claims.purpose) == ("D-0001", "skip", "decision")
    assert claims.expires == int(datetime(2026, 11, 26, tzinfo=UTC).timestamp())
    with pytest.raises(ValueError, match="approve or skip"):
        decision_claims(snapshot, "edit", now=datetime(2026, 11, 23, tzinfo=UTC), nonce="n")


def test_the_page_shows_a_check_qty_flag(links: Links) -> None:
    number = next(n for n, row in links.shop.numbered("Drafts") if row["SKU"] == "PAK-CUP-8")
    draft = str(links.shop.sheet.get_cell("Drafts", number, "Draft"))
    links.shop.sheet.set_cell("Drafts", number, "Status", "CHECK QTY: <over 2x> the usual order")
    page = _text(links.get(links.token(draft)))
    assert '<p class="warn">PAK-CUP-8: CHECK QTY: &lt;over 2x&gt; the usual order</p>' in page


def test_a_junk_token_is_refused_before_anything_is_opened(links: Links) -> None:
    """Junk tokens never wait for (or hold) the workbook's lock that real ones need."""
    opened: list[str] = []

    @contextmanager
    def counted() -> Iterator[LinkPorts]:
        opened.append("opened")
        yield links.adapters

    app = decision_app(counted, KEY)
    real = links.token("D-0001")
    other_key = decision_app(counted, b"k" * 32)
    for token in ["", "abc", "a.b", real[:-4] + "AAAA", "x" * 3000, "é.é"]:
        assert app(WebRequest("GET", "/decision", query={"t": token})).status == 403
        body = urlencode({"t": token}).encode("ascii")
        assert app(WebRequest("POST", "/decision", body=body)).status == 403
    assert other_key(WebRequest("GET", "/decision", query={"t": real})).status == 403
    assert opened == []

    assert app(WebRequest("GET", "/decision", query={"t": real})).status == 200
    assert opened == ["opened"]


def test_the_page_says_truthfully_when_the_po_goes_out(links: Links) -> None:
    page = _text(links.get(links.token("D-0001")))
    assert "when the bot next polls: on this computer only if cron runs" in page
    assert "within minutes" not in page
    timed = decision_app(links.open, KEY, when_sent=next_poll_within("5 minutes"))
    response = timed(WebRequest("GET", "/decision", query={"t": links.token("D-0001")}))
    assert "at the next poll, within 5 minutes" in _text(response)
