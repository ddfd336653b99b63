"""The sample café of ``tests/services/harness.py`` with the live lanes wired: memory sales
buffer, receipts and claims, and confirmation links."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from sheets_bot.domain.confirm_links import ConfirmLinks
from sheets_bot.ports import Cell
from sheets_bot.services.lanes import PollPorts
from sheets_bot.testing.memory_live import MemoryClaims, MemoryReceiptLog, MemorySalesLog
from tests.services.harness import Shop

LINK_KEY = b"k" * 32
CONFIRM_BASE = "https://links.example/confirm"
BEANS = "Bean Brothers Roasters"
_HEADERS = {
    "status": "Status",
    "received_qty": "Received qty",
    "received_on": "Received on",
    "note": "Note",
}


@dataclass
class LiveShop(Shop):
    sales: MemorySalesLog = field(default_factory=MemorySalesLog)
    receipts: MemoryReceiptLog = field(default_factory=MemoryReceiptLog)
    claims: MemoryClaims = field(default_factory=MemoryClaims)
    links: ConfirmLinks | None = field(default_factory=lambda: ConfirmLinks(CONFIRM_BASE, LINK_KEY))

    @classmethod
    def checked(cls) -> LiveShop:
        """The café with the live lanes, after its first check."""
        base = Shop.sample()
        shop = cls(base.sheet, base.store, base.mailer, base.clock)
        shop.check()
        return shop

    @classmethod
    def with_sent_po(cls) -> LiveShop:
        """The café after the check and the approval of the beans draft: PO-0001 is sent,
        ``COF-ESP-1K`` 24 and ``COF-DEC-1K`` 2 on order."""
        shop = cls.checked()
        shop.decide(shop.draft_of(BEANS), "approve")
        shop.poll()
        shop.mailer.sent.clear()
        return shop

    @property
    def poll_ports(self) -> PollPorts:
        return replace(super().poll_ports, claims=self.claims, confirm_links=self.links)

    def order_row(self, po: str, sku: str) -> int:
        return next(
            n for n, row in self.numbered("Orders") if row["PO"] == po and row["SKU"] == sku
        )

    def order(self, po: str, sku: str) -> dict[str, Cell]:
        return self.rows("Orders")[self.order_row(po, sku) - 2]

    def set_order(self, po: str, sku: str, **values: Cell) -> None:
        """``status="received", received_qty=20`` sets Status and Received qty."""
        row = self.order_row(po, sku)
        for name, value in values.items():
            self.sheet.set_cell("Orders", row, _HEADERS[name], value)
