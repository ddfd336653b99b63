"""The monthly summary as an email: plain text, inline-CSS HTML, and the stock chart.

Same rules as the PO email and the digest: headers only from addresses that pass
``checked_address``, ``email.policy.default``, untrusted text (item and supplier names from
the sheet, the model's narrative) only in bodies, HTML-escaped in the HTML part. The chart is
shown inline (``cid:``, a ``multipart/related`` part: no remote image) and attached as well,
for mail clients that hide inline images.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Final

from sheets_bot.documents.email_html import H2, html_table
from sheets_bot.documents.owner_mail import owner_message
from sheets_bot.documents.po_email import address_domain
from sheets_bot.domain.calendar_names import short_date
from sheets_bot.domain.currencies import money_for_owner
from sheets_bot.domain.models import ShopSettings
from sheets_bot.domain.monthly import MonthlyFigures

SUMMARY_HEADER: Final = "X-Sheets-Bot-Summary"
"""The month (``2026-11``) a summary is for."""
CHART_FILENAME: Final = "stock-chart.png"
NO_HISTORY: Final = "No stock history yet: stockouts, in-stock rate and days of supply start"
"""Said in place of stock figures when the deployment keeps no Stock history."""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _esc(text: str) -> str:
    return html.escape(_one_line(text), quote=True)


def _number(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _percent(rate: float) -> str:
    return f"{rate * 100:.1f}%"


def summary_subject(figures: MonthlyFigures, shop_name: str, currency: str) -> str:
    """``Corner Café: November 2026 - 3 POs, 132.00 GBP, 2 late deliveries``."""
    parts = [
        f"{figures.pos_sent} PO{'' if figures.pos_sent == 1 else 's'}",
        money_for_owner(figures.total_spend, currency),
    ]
    if figures.late:
        parts.append(f"{len(figures.late)} late deliver{'y' if len(figures.late) == 1 else 'ies'}")
    stock = figures.stock
    if stock is not None and stock.stockouts:
        parts.append(f"{len(stock.stockouts)} out of stock")
    return f"{_one_line(shop_name)}: {figures.period} - {', '.join(parts)}"


def compose_summary(
    figures: MonthlyFigures,
    settings: ShopSettings,
    narrative: str,
    *,
    now: datetime,
    chart_png: bytes | None = None,
    ai_written: bool = False,
    where: str | None = None,
) -> EmailMessage:
    """The summary email to the owner, dated ``now`` (timezone-aware). ``narrative`` is plain
    text (escaped here); ``where`` the sheet's URL or the workbook's path, shown as text.
    ``ValueError`` naming what to fix when the owner email or the From address is unusable."""
    message = owner_message(
        settings,
        what="the monthly summary",
        subject=summary_subject(figures, settings.business_name, settings.currency),
        now=now,
        idstring="summary",
    )
    sender = str(message["From"])
    message[SUMMARY_HEADER] = str(figures.month)
    chart_cid = make_msgid(idstring="chart", domain=address_domain(sender)) if chart_png else None
    message.set_content(summary_text(figures, settings, narrative, ai_written, where))
    message.add_alternative(
        summary_html(figures, settings, narrative, ai_written, where, chart_cid), subtype="html"
    )
    if chart_png is not None and chart_cid is not None:
        html_part = message.get_body(preferencelist=("html",))
        if html_part is None:
            raise RuntimeError("the summary lost its HTML part")
        html_part.add_related(
            chart_png, "image", "png", cid=chart_cid, disposition="inline", filename=CHART_FILENAME
        )
        message.add_attachment(chart_png, "image", "png", filename=CHART_FILENAME)
    return message


# ---------------------------------------------------------------- plain text


def _section(title: str, lines: Sequence[str]) -> list[str]:
    return ["", title, "-" * len(title), *lines]


def summary_text(
    figures: MonthlyFigures,
    settings: ShopSettings,
    narrative: str,
    ai_written: bool,
    where: str | None,
) -> str:
    currency = settings.currency
    out = [f"{_one_line(settings.business_name)} - monthly summary, {figures.period}", ""]
    out += [paragraph for paragraph in narrative.split("\n") if paragraph.strip()]
    if ai_written:
        out.append("(Written by AI from the figures below; the figures are the bot's own.)")
    spend = [
        f"- {_one_line(s.supplier)}: {s.pos} PO{'' if s.pos == 1 else 's'},"
        f" {money_for_owner(s.spend, currency)}"
        + (f" ({s.unpriced_lines} line(s) without a unit cost)" if s.unpriced_lines else "")
        for s in figures.spend
    ] or ["No purchase orders were sent."]
    spend.append(
        f"Total: {figures.pos_sent} PO{'' if figures.pos_sent == 1 else 's'},"
        f" {money_for_owner(figures.total_spend, currency)}"
    )
    out += _section("Spend by supplier", spend)
    out += _section("Stock", _stock_text(figures))
    late = [
        f"- {_one_line(d.po)} from {_one_line(d.supplier)}: expected {short_date(d.expected)}, "
        + (f"received {short_date(d.received)}" if d.received else "not received")
        + f", {d.days_late} day{'' if d.days_late == 1 else 's'} late"
        for d in figures.late
    ] or ["None: every delivery came within its lead time."]
    out += _section("Late suppliers", late)
    stock = figures.stock
    if stock is not None:
        dead = [
            f"- {_one_line(d.name)} (SKU {_one_line(d.sku)}): {_number(d.on_hand)} on hand"
            for d in stock.dead
        ] or ["None: everything with stock sold."]
        if figures.complete:
            out += _section("Did not sell (dead stock candidates)", dead)
        if stock.movers:
            out += ["", f"The chart of stock against reorder point is attached ({CHART_FILENAME})."]
    if where:
        out += ["", f"Sheet: {_one_line(where)}"]
    return "\n".join([*out, ""])


def _stock_text(figures: MonthlyFigures) -> list[str]:
    stock = figures.stock
    if stock is None:
        return [f"{NO_HISTORY} once the bot has kept a few days of Stock snapshots."]
    lines: list[str] = []
    if stock.in_stock_rate is not None:
        lines.append(
            f"In stock {_percent(stock.in_stock_rate)} of {stock.item_days} item-days"
            f" ({stock.stockout_days} stockout day{'' if stock.stockout_days == 1 else 's'})."
        )
    else:
        lines.append("No Stock snapshots fall in this month.")
    if stock.average_days_of_supply is not None:
        lines.append(f"Average days of supply: {_number(stock.average_days_of_supply)}.")
    for out in stock.stockouts:
        lines.append(
            f"- {_one_line(out.name)} (SKU {_one_line(out.sku)}): out on"
            f" {out.days} day{'' if out.days == 1 else 's'}"
        )
    if not figures.complete:
        lines.append("Items that did not sell are named once the month is over.")
    return lines

    # ---------------------------------------------------------------- HTML


def _h2(title: str) -> str:
    return f'<h2 style="{H2}">{title}</h2>\n'


def _p(text: str, style: str = "margin:0 0 8px 0;") -> str:
    return f'<p style="{style}">{text}</p>\n'


def summary_html(
    figures: MonthlyFigures,
    settings: ShopSettings,
    narrative: str,
    ai_written: bool,
    where: str | None,
    chart_cid: str | None,
) -> str:
    currency = settings.currency
    shop = _esc(settings.business_name)
    parts = [
        f'<h1 style="font-size:20px;margin:0 0 4px 0;">{shop}</h1>\n',
        _p(f"Monthly summary, {figures.period}", "margin:0 0 12px 0;color:#57606a;"),
    ]
    parts += [_p(_esc(paragraph)) for paragraph in narrative.split("\n") if paragraph.strip()]
    if ai_written:
        parts.append(
            _p(
                "Written by AI from the figures below; the figures are the bot's own.",
                "margin:0 0 8px 0;color:#57606a;font-size:12px;",
            )
        )
    parts.append(_h2("Spend by supplier"))
    rows = [
        [
            (_esc(s.supplier), False),
            (str(s.pos), True),
            (
                _esc(money_for_owner(s.spend, currency))
                + (f" ({s.unpriced_lines} unpriced)" if s.unpriced_lines else ""),
                True,
            ),
        ]
        for s in figures.spend
    ]
    rows.append(
        [
            ("<strong>Total</strong>", False),
            (f"<strong>{figures.pos_sent}</strong>", True),
            (f"<strong>{_esc(money_for_owner(figures.total_spend, currency))}</strong>", True),
        ]
    )
    parts.append(html_table([("Supplier", False), ("POs sent", True), ("Spend", True)], rows))
    parts.append(_h2("Stock"))
    parts.append(_stock_html(figures, chart_cid))
    parts.append(_h2("Late suppliers"))
    if figures.late:
        parts.append(
            html_table(
                [
                    ("PO", False),
                    ("Supplier", False),
                    ("Expected", False),
                    ("Received", False),
                    ("Days late", True),
                ],
                [
                    [
                        (_esc(d.po), False),
                        (_esc(d.supplier), False),
                        (short_date(d.expected), False),
                        (short_date(d.received) if d.received else "not yet", False),
                        (str(d.days_late), True),
                    ]
                    for d in figures.late
                ],
            )
        )
    else:
        parts.append(_p("None: every delivery came within its lead time."))
    stock = figures.stock
    if stock is not None and figures.complete:
        parts.append(_h2("Did not sell (dead stock candidates)"))
        if stock.dead:
            parts.append(
                html_table(
                    [("Item", False), ("SKU", False), ("On hand", True)],
                    [
                        [(_esc(d.name), False), (_esc(d.sku), False), (_number(d.on_hand), True)]
                        for d in stock.dead
                    ],
                )
            )
        else:
            parts.append(_p("None: everything with stock sold."))
    if where:
        parts.append(
            _p(
                f'Sheet: <span style="font-family:Consolas,monospace;">{_esc(where)}</span>',
                "margin:16px 0 0 0;",
            )
        )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head><meta charset="utf-8">'
        f"<title>{shop} monthly summary</title></head>\n"
        '<body style="margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;'
        'font-size:14px;color:#1f2328;">\n'
        f"{''.join(parts)}"
        "</body>\n</html>\n"
    )


def _stock_html(figures: MonthlyFigures, chart_cid: str | None) -> str:
    stock = figures.stock
    if stock is None:
        return _p(f"{NO_HISTORY} once the bot has kept a few days of Stock snapshots.")
    parts: list[str] = []
    if stock.in_stock_rate is None:
        parts.append(_p("No Stock snapshots fall in this month."))
    else:
        figures_rows = [
            [("In-stock rate", False), (_percent(stock.in_stock_rate), True)],
            [("Stockout days", False), (str(stock.stockout_days), True)],
            [("Item-days counted", False), (str(stock.item_days), True)],
        ]
        if stock.average_days_of_supply is not None:
            figures_rows.append(
                [("Average days of supply", False), (_number(stock.average_days_of_supply), True)]
            )
        parts.append(html_table([("Figure", False), ("Value", True)], figures_rows))
    if stock.stockouts:
        parts.append(
            html_table(
                [("Ran out", False), ("SKU", False), ("Days out", True)],
                [
                    [(_esc(o.name), False), (_esc(o.sku), False), (str(o.days), True)]
                    for o in stock.stockouts
                ],
            )
        )
    if not figures.complete:
        parts.append(_p("Items that did not sell are named once the month is over."))
    if chart_cid is not None and stock.movers:
        names = ", ".join(_esc(m.name) for m in stock.movers)
        parts.append(
            _p(
                f'<img src="cid:{html.escape(chart_cid.strip("<>"), quote=True)}" width="600"'
                f' alt="Stock against reorder point: {names}" style="display:block;border:0;'
                'max-width:100%;height:auto;">',
                "margin:8px 0 4px 0;",
            )
        )
        parts.append(
            _p(
                "Closing stock per day (blue) against the reorder point (red dashes) for the"
                " items that sold the most by value (units sold × unit cost).",
                "margin:0 0 8px 0;color:#57606a;font-size:12px;",
            )
        )
    return "".join(parts)
