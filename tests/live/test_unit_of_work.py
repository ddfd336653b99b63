"""The unit of work (``services/shop.Run``): a run commits everything or leaves nothing
half-applied, except what it checkpointed (a PO already emailed), which is always recorded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from sheets_bot.domain.audit import BOT, AuditAction
from sheets_bot.domain.history import SaleEvent
from sheets_bot.domain.purchase_order import PoState
from sheets_bot.ports import SheetBatch
from sheets_bot.services import live, poll
from sheets_bot.services.lanes import PollPorts
from sheets_bot.services.shop import Run, read_shop
from sheets_bot.sheet.layout import AUDIT, SETTINGS, STOCK
from tests.live.live_shop import BEANS, LiveShop

PO = "PO-0001"
ESP = "COF-ESP-1K"
MILK = "DAI-MLK-4L"
T = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class Boom(RuntimeError):
    """The failure a test injects."""


def _sale(n: int, sku: str, quantity: float = 1) -> SaleEvent:
    return SaleEvent(f"s{n}", "shopify", sku, quantity, T + timedelta(minutes=n))


def _run(shop: LiveShop) -> Run[PollPorts]:
    view = read_shop(shop.sheet, (STOCK, SETTINGS, AUDIT))
    return Run(shop.poll_ports, view, shop.clock.now())


def _on_hand_write(shop: LiveShop, run: Run[PollPorts], value: int) -> None:
    stock = run.view[STOCK]
    run.batch.writes.append(stock.write(shop.stock_row(ESP), "On hand", value))


@pytest.fixture
def shop() -> LiveShop:
    return LiveShop.checked()


# --- the Run itself ------------------------------------------------------------------------


def test_rolls_back_on_error(shop: LiveShop) -> None:
    steps: list[str] = []
    applies, entries = shop.sheet.applies, len(shop.store.audit.entries())

    def body() -> None:
        with _run(shop) as run:
            _on_hand_write(shop, run, 99)
            run.audit(BOT, AuditAction.POS_APPLIED, ESP)
            run.on_rollback(lambda: steps.append("first undone"))
            run.on_rollback(lambda: steps.append("second undone"))
            run.on_commit(lambda: steps.append("settled"))
            raise Boom

    with pytest.raises(Boom):
        body()

    assert steps == ["second undone", "first undone"]
    assert shop.sheet.applies == applies
    assert len(shop.store.audit.entries()) == entries
    assert shop.stock(ESP)["On hand"] == 6


def test_a_commit_settles_and_undoes_nothing(shop: LiveShop) -> None:
    steps: list[str] = []

    with _run(shop) as run:
        _on_hand_write(shop, run, 99)
        run.audit(BOT, AuditAction.POS_APPLIED, ESP)
        run.on_rollback(lambda: steps.append("undone"))
        run.on_commit(lambda: steps.append("settled"))
        run.commit()

    assert steps == ["settled"]
    assert shop.stock(ESP)["On hand"] == 99
    assert shop.store.audit.entries()[-1].action is AuditAction.POS_APPLIED


def test_leaving_without_a_commit_rolls_back(shop: LiveShop) -> None:
    steps: list[str] = []

    with _run(shop) as run:
        _on_hand_write(shop, run, 99)
        run.on_rollback(lambda: steps.append("undone"))

    assert steps == ["undone"]
    assert shop.stock(ESP)["On hand"] == 6


def test_every_undo_step_runs_even_when_one_fails(shop: LiveShop) -> None:
    steps: list[str] = []

    def failing() -> None:
        raise OSError("the claims table is unreachable")

    def body() -> None:
        with _run(shop) as run:
            run.on_rollback(lambda: steps.append("first undone"))
            run.on_rollback(failing)
            run.on_rollback(lambda: steps.append("third undone"))
            raise Boom

    with pytest.raises(Boom) as raised:
        body()

    assert steps == ["third undone", "first undone"]
    assert raised.value.__notes__ == [
        "undoing the run's claims also failed: OSError('the claims table is unreachable')"
    ]


def test_an_undo_failure_after_leaving_without_a_commit_is_raised(shop: LiveShop) -> None:
    def failing() -> None:
        raise OSError("the claims table is unreachable")

    def body() -> None:
        with _run(shop) as run:
            run.on_rollback(failing)

    with pytest.raises(OSError, match="unreachable"):
        body()


def test_a_failure_after_a_checkpoint_commits_what_came_before_it(shop: LiveShop) -> None:
    steps: list[str] = []
    milk_row = shop.stock_row(MILK)

    def body() -> None:
        with _run(shop) as run:
            _on_hand_write(shop, run, 99)
            run.audit(BOT, AuditAction.PO_SENT, PO)
            run.on_rollback(lambda: steps.append("undone before"))
            run.on_commit(lambda: steps.append("settled before"))
            run.checkpoint({STOCK: {(ESP, "On hand"): "99"}})
            run.batch.writes.append(run.view[STOCK].write(milk_row, "On hand", 1))
            run.audit(BOT, AuditAction.POS_APPLIED, MILK)
            run.on_rollback(lambda: steps.append("undone after"))
            run.on_commit(lambda: steps.append("settled after"))
            raise Boom

    with pytest.raises(Boom):
        body()

    assert steps == ["settled before", "undone after"]
    assert (shop.stock(ESP)["On hand"], shop.stock(MILK)["On hand"]) == (99, 5)
    assert [e.action for e in shop.store.audit.entries()][-1:] == [AuditAction.PO_SENT]
    assert shop.rows("Audit")[-1]["Action"] == "po sent", "mirrored in the same write"
    assert shop.store.memory.recall(STOCK)[(ESP, "On hand")] == "99"


def test_a_failed_commit_is_not_tried_again_and_undoes_everything(shop: LiveShop) -> None:
    steps: list[str] = []
    attempts: list[SheetBatch] = []

    def unreachable(batch: SheetBatch) -> None:
        attempts.append(batch)
        raise ConnectionError("Google is down")

    shop.sheet.apply = unreachable  # type: ignore[method-assign]

    def body() -> None:
        with _run(shop) as run:
            _on_hand_write(shop, run, 99)
            run.on_rollback(lambda: steps.append("undone before"))
            run.checkpoint()
            run.on_rollback(lambda: steps.append("undone after"))
            run.commit()

    with pytest.raises(ConnectionError):
        body()

    assert len(attempts) == 1
    assert steps == ["undone after", "undone before"]


# --- a poll that fails midway -----------------------------------------------------------------


def _fail_after(module: object, name: str) -> Callable[[pytest.MonkeyPatch], None]:
    """Patch ``module.name`` to do its work, then fail (a defect in a later step)."""

    def patch(monkeypatch: pytest.MonkeyPatch) -> None:
        original = getattr(module, name)

        def then_fail(*args: object, **kwargs: object) -> object:
            original(*args, **kwargs)
            raise Boom(f"after {name}")

        monkeypatch.setattr(module, name, then_fail)

    return patch


def test_a_poll_failing_midway_leaves_nothing_half_applied(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Sales taken, a delivery claimed, the Proposed tab and Stock changed in the batch: then
    a later step fails. No event stays taken, no claim stays held, no receipt is stored, the
    sheet and the audit log are as they were; the next poll does it all, once."""
    shop = LiveShop.with_sent_po()
    shop.clock.advance(days=9)
    shop.set_order(PO, ESP, status="received")
    shop.sales.add([_sale(1, ESP, 2), _sale(2, MILK, 1)])
    before = {tab: shop.rows(tab) for tab in shop.sheet.tabs}
    entries, applies = len(shop.store.audit.entries()), shop.sheet.applies
    with monkeypatch.context() as patched:
        _fail_after(live, "apply_sales")(patched)
        with pytest.raises(Boom):
            shop.poll()

    assert {tab: shop.rows(tab) for tab in shop.sheet.tabs} == before
    assert shop.sheet.applies == applies
    assert len(shop.store.audit.entries()) == entries
    assert len(shop.sales.unapplied()) == 2
    assert shop.sales.unsettled(shop.clock.now() + timedelta(days=1)) == []
    assert shop.claims.claimed_at(f"received:{PO}:{ESP}") is None
    assert shop.receipts.receipts() == []

    report = shop.poll()
    shop.poll()

    assert (report.live.pos_events, len(report.live.received)) == (2, 1)
    assert (shop.stock(ESP)["On hand"], shop.stock(MILK)["On hand"]) == (6 - 2 + 24, 4)
    assert len(shop.receipts.receipts()) == 1


@pytest.mark.parametrize(
    "failure",
    [
        pytest.param(_fail_after(live, "apply_sales"), id="a sale applied later fails"),
        pytest.param(_fail_after(live, "apply_receiving"), id="receiving fails"),
        pytest.param(_fail_after(poll, "apply_proposals"), id="the Proposed tab fails"),
    ],
)
def test_a_poll_failing_after_a_send_still_records_what_it_sent(
    shop: LiveShop,
    monkeypatch: pytest.MonkeyPatch,
    failure: Callable[[pytest.MonkeyPatch], None],
) -> None:
    """The PO is emailed, then a later step of the same poll fails: the Orders lines, the
    draft's removal, On order and the "po sent" audit entry are written all the same (the
    ledger says sent), so the send is neither lost nor repeated; the failed step's claims go
    back."""
    draft = shop.draft_of(BEANS)
    shop.decide(draft, "approve")
    shop.sales.add([_sale(1, MILK, 1)])
    failure(monkeypatch)

    with pytest.raises(Boom):
        shop.poll()

    assert len(shop.mailer.sent) == 1
    orders = [(row["PO"], row["SKU"], row["Qty"], row["Status"]) for row in shop.rows("Orders")]
    assert orders == [(PO, ESP, 24, "sent"), (PO, "COF-DEC-1K", 2, "sent")]
    assert shop.draft_lines(draft) == []
    assert shop.stock(ESP)["On order"] == 24
    actions = [entry.action for entry in shop.store.audit.entries()]
    assert actions.count(AuditAction.PO_SENT) == 1
    assert "po sent" in [row["Action"] for row in shop.rows("Audit")]
    record = shop.store.ledger.get(draft)
    assert record is not None
    assert record.state is PoState.SENT
    assert shop.stock(MILK)["On hand"] == 5
    assert len(shop.sales.unapplied()) == 1, "the sale goes back for the next poll"

    with pytest.raises(Boom):
        shop.poll()  # the defect is still there: the send is not repeated nor filed twice
    monkeypatch.undo()
    report = shop.poll()

    assert len(shop.mailer.sent) == 1
    assert len(shop.rows("Orders")) == 2
    assert [entry.action for entry in shop.store.audit.entries()].count(AuditAction.PO_SENT) == 1
    assert report.live.pos_events == 1
    assert shop.stock(MILK)["On hand"] == 4
