"""What every form of a purchase order says besides its lines, in one place: the email body,
the CSV and the PDF show the same fields with the same words."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sheets_bot.documents.dates import shop_date
from sheets_bot.domain.calendar_names import MONTH_NAMES
from sheets_bot.domain.models import ShopSettings
from sheets_bot.domain.purchase_order import ApprovedOrder


def requested_delivery_text(order: ApprovedOrder, settings: ShopSettings, issued: datetime) -> str:
    """``27 November 2026``: the day it is placed + the lead time; blank without a lead time."""
    day = order.requested_delivery(issued.astimezone(ZoneInfo(settings.timezone)).date())
    if day is None:
        return ""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def requested_delivery_iso(order: ApprovedOrder, settings: ShopSettings, issued: datetime) -> str:
    day = order.requested_delivery(issued.astimezone(ZoneInfo(settings.timezone)).date())
    return day.isoformat() if day is not None else ""


def header_fields(
    order: ApprovedOrder, settings: ShopSettings, issued: datetime
) -> list[tuple[str, str]]:
    """(label, value) pairs in reading order, blank values left out."""
    fields = [
        ("PO number", order.po_number),
        ("Date", shop_date(issued, settings.timezone)),
        ("From", settings.business_name),
        ("Deliver to", settings.delivery_address),
        ("Phone", settings.phone),
        ("Tax number", settings.tax_number),
        ("Supplier", order.supplier),
        ("Attention", order.supplier_contact),
        ("Our account", order.supplier_code),
        ("Requested delivery", requested_delivery_text(order, settings, issued)),
        ("Payment terms", settings.payment_terms),
    ]
    return [(label, " ".join(value.split())) for label, value in fields if value.strip()]
