"""The issue's POS case on one machine (issue 18, "POS events and the HTTP surface" item 1): a
signed Shopify order with a `1e400` line, sent to the apps `sheets-bot serve` mounts, then a
`poll` with three approved drafts. It raised `OverflowError` in `on_hand.as_cell` after the POs
were emailed; now the order is refused at the door with a 400 naming the line, and the poll
sends, records and applies the valid sales."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sheets_bot.adapters.clock import FixedClock
from sheets_bot.adapters.local.sqlite_live import SqliteSalesLog
from sheets_bot.adapters.local.sqlite_store import SqliteStore
from sheets_bot.cli import main
from sheets_bot.config import LocalConfig
from sheets_bot.testing.sheet_helpers import WorkbookOwner
from sheets_bot.web.local_apps import local_apps
from sheets_bot.web.server import route
from tests.live.pos_bodies import SHOPIFY_SECRET, body_of, shopify_order, shopify_request

CHECKED = "2026-11-23T09:00:00Z"
POLLED = "2026-11-23T10:00:00Z"
ARRIVED = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
SOLD = "2026-11-23T09:15:00+00:00"


def test_an_infinite_quantity_is_refused_at_the_door_and_the_poll_completes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SHEETS_BOT_SHOPIFY_SECRET", SHOPIFY_SECRET.decode())
    workbook = tmp_path / "shop" / "shop.xlsx"
    assert main(["init", "--workbook", str(workbook), "--sample"]) == 0
    assert main(["check", "--workbook", str(workbook), "--now", CHECKED]) == 0
    owner = WorkbookOwner(workbook)
    drafts = sorted({str(r["Draft"]) for r in owner.records("Drafts")})[:3]
    for number, row in enumerate(owner.records("Drafts"), start=2):
        if row["Draft"] in drafts:
            owner.set_cell("Drafts", number, "Decision", "approve")
    stock = {str(r["SKU"]): r for r in owner.records("Stock")}
    capsys.readouterr()

    config = LocalConfig.build(str(workbook), None, None)
    lines = tuple((n, "DAI-BUT-250", 1) for n in range(1, 21))
    infinite = body_of(shopify_order(order_id=1, lines=((99, "COF-ESP-1K", 777),), created_at=SOLD))
    infinite = infinite.replace(b'"quantity":777', b'"quantity":1e400')
    with SqliteStore(config.database) as store:
        apps = local_apps(config, store, FixedClock(ARRIVED))
        refused = route(apps, shopify_request("orders/create", infinite))
        valid = route(
            apps,
            shopify_request(
                "orders/create", shopify_order(order_id=2, lines=lines, created_at=SOLD)
            ),
        )
        assert refused.status == 400
        assert "line_items[0] (id 99).quantity" in json.loads(refused.body_bytes)["error"]
        assert valid.status == 200
        assert len(SqliteSalesLog(store).unapplied()) == 20

    code = main(["poll", "--workbook", str(workbook), "--now", POLLED])
    out = capsys.readouterr().out

    assert code == 0
    assert out.count("Sent PO-") == 3
    orders = WorkbookOwner(workbook).records("Orders")
    assert {str(r["PO"]) for r in orders} == {d.replace("D-", "PO-") for d in drafts}
    actions = [r["Action"] for r in WorkbookOwner(workbook).records("Audit")]
    assert actions.count("po sent") == 3
    butter = next(r for r in WorkbookOwner(workbook).records("Stock") if r["SKU"] == "DAI-BUT-250")
    assert (stock["DAI-BUT-250"]["On hand"], butter["On hand"]) == (40, 20)
    with SqliteStore(config.database) as store:
        assert SqliteSalesLog(store).unapplied() == []
