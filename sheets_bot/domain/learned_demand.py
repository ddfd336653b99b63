"""Each item's demand filter kept from one check to the next, advanced once a shop day.

The check reads only the last ``WINDOW_DAYS`` of history (a longer read costs too much at
tens of thousands of items), yet an item that sells once every few weeks needs months of
days to be classed and forecast with confidence. So the check keeps each item's
``DemandFilter`` (``LearnedDemand``) and folds into it only the days after the last one it
folded (``advance``): the forecast is then the one a single filter over every day the bot
has seen would give, as ``sheets-bot simulate`` computes it.

- An item without a kept filter (new, or back after longer than the window) is learned from
  its window, as before.
- When the last check that learned is older than the window (the bot did not run for that
  long), the days in between cannot be read any more: every item is learned again from its
  window, and ``Advance.note`` says so.
- A second check on the same day folds nothing: ``Advance.changed`` is false.

Whenever every item is learned again from its window (the kept state unreadable, too old, or
saved after yesterday), the check says why as a ``Restart``: in its problems, and in the
audit log, from which the owner's digest says it in one sentence (``restart_sentence``).

``encode`` / ``decode`` turn the kept filters into one compact blob: a JSON header (format,
``filter_state.LAYOUT``, the day folded through, the SKUs) and the numbers of every filter,
stored field by field (float64, little-endian), compressed. Pure: no I/O, no clock.
"""

from __future__ import annotations

import json
import sys
import zlib
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Final, NamedTuple

from sheets_bot.domain import filter_state
from sheets_bot.domain.demand import WINDOW_DAYS, DemandDay
from sheets_bot.domain.errors import InputError
from sheets_bot.domain.forecast import DemandFilter, Forecast, shop_sale_size, shop_size_cv2

FORMAT: Final = "sheets-bot learned demand"
COMPRESSION: Final = 1
"""zlib's fastest level: 6 makes the blob 8% smaller and takes three times as long."""


class UnreadableState(InputError):
    """A kept state that is not what ``encode`` of this version wrote; the check learns every
    item again from its window and says so."""


class Restart(StrEnum):
    """Why a check learned every item again from its window, in the owner's words: the values
    are kept in the audit log and shown in the digest as they are (``restart_sentence``)."""

    UNREADABLE = "the kept learning could not be read (damaged or from another version)"
    LAPSED = (
        f"the bot had not learned for more than {WINDOW_DAYS} days, and the days since could"
        " not all be read"
    )
    CLOCK_BACK = (
        "the clock is behind the last day learned (was it set back?); until it catches up,"
        " each check learns from these days alone and what was learned before is kept"
    )


def restart_sentence(why: str, window: int = WINDOW_DAYS) -> str:
    """``Learning restarted from the last 56 days: <why>.`` (``why`` a ``Restart`` value, or
    the text an older version kept; blank for none)."""
    why = why.strip().rstrip(".")
    return f"Learning restarted from the last {window} days{f': {why}' if why else ''}."


def history_unread_sentence(why: str) -> str:
    """``The stock history … cannot be read (…): the check went on from …`` (``why`` as the
    check audited it)."""
    why = why.strip().rstrip(".") or "the stock history could not be read"
    return (
        f"{why[0].upper()}{why[1:]}: the check went on from the demand learned before, and"
        " the days it holds are learned once it can be read."
    )


class ItemDemand(NamedTuple):
    """One item's filter and the last shop day folded into it (a tuple: made for every item
    at each load)."""

    through: date
    demand: DemandFilter


@dataclass(frozen=True)
class LearnedDemand:
    """Every kept filter by case-folded SKU, and the last shop day the check folded in."""

    through: date
    items: Mapping[str, ItemDemand]


@dataclass(frozen=True)
class Advance:
    """What ``advance`` made of the kept state and the day series."""

    state: LearnedDemand
    forecasts: dict[str, Forecast]
    """By case-folded SKU; an item with no day learned is absent."""
    changed: bool
    """Whether ``state`` is worth saving: a day was folded in, or nothing could be kept."""
    note: str | None = None
    """Why the kept state was not used, in plain words (for the check's problems)."""
    restart: Restart | None = None
    """The same, for the owner's digest: set exactly when ``note`` is."""
    usual_sale: float = 1.0
    """What an item that has not sold yet keeps (``forecast.shop_sale_size``)."""


def continued(
    saved: LearnedDemand | None, today: date, window: int = WINDOW_DAYS
) -> Mapping[str, ItemDemand]:
    """The kept filters a check on ``today`` goes on from: none when nothing was kept, when it
    was saved after yesterday, or when its last day is older than the window."""
    if saved is None:
        return {}
    yesterday = today - timedelta(days=1)
    if not today - timedelta(days=window + 1) <= saved.through <= yesterday:
        return {}
    return saved.items


def advance(
    saved: LearnedDemand | None,
    series: Mapping[str, Sequence[DemandDay]],
    skus: Iterable[str],
    today: date,
    window: int = WINDOW_DAYS,
) -> Advance:
    """Fold the days after each kept filter's last one, up to yesterday, into the filters of
    ``skus`` (case-folded); learn an item without one from its window.

    ``series`` holds each SKU's demand days, oldest first, one per day (``days_from_events``,
    ``days_from_stock``). The kept filters are advanced in place: ``saved`` belongs to the
    result. A kept SKU not in ``skus`` (not a readable Stock row today) keeps its filter
    unchanged, so that a row with a typo for a day loses nothing; it is dropped once its last
    day is older than the window (removed from Stock, or learned afresh when it comes back).
    """
    yesterday = today - timedelta(days=1)
    start = today - timedelta(days=window)
    note = None
    restart = None
    kept = continued(saved, today, window)
    changed = True
    if saved is not None:
        if saved.through > yesterday:
            note = (
                f"saved through {saved.through.isoformat()}, after this check's yesterday"
                f" ({yesterday.isoformat()}; was the clock set back?): items are learned from"
                f" the last {window} days for this check only, and what was saved is kept"
            )
            restart = Restart.CLOCK_BACK
            changed = False
        elif saved.through < start - timedelta(days=1):
            note = (
                f"the last check that learned demand folded in {saved.through.isoformat()},"
                f" more than {window} days ago, and the days since cannot all be read: every"
                f" item is learned again from the last {window} days (from"
                f" {start.isoformat()})"
            )
            restart = Restart.LAPSED
        else:
            changed = saved.through < yesterday
    items: dict[str, ItemDemand] = {}
    oldest = start - timedelta(days=1)
    for sku in skus:
        days = series.get(sku, ())
        entry = kept.get(sku)
        if entry is not None and oldest <= entry.through <= yesterday:
            demand, after = entry.demand, entry.through
            new = []
            for day in reversed(days):
                if day.day <= after:
                    break
                if day.day < today:
                    new.append(day)
            for day in reversed(new):
                demand.update(day.units, day.censored)
        else:
            demand = DemandFilter()
            for day in days:
                if start <= day.day < today:
                    demand.update(day.units, day.censored)
        if demand.days:
            items[sku] = ItemDemand(yesterday, demand)
    prior = shop_size_cv2(entry.demand.shape for entry in items.values())
    forecasts = {sku: entry.demand.forecast(prior) for sku, entry in items.items()}
    usual_sale = shop_sale_size(entry.demand for entry in items.values())
    for sku, entry in kept.items():
        if sku not in items and entry.through >= yesterday - timedelta(days=window):
            items[sku] = entry
    return Advance(LearnedDemand(yesterday, items), forecasts, changed, note, restart, usual_sale)


# --- the blob -------------------------------------------------------------------------------

_WIDTH: Final = 1 + filter_state.WIDTH
"""Per item: the day folded through (an ordinal), then the filter's numbers."""


def encode(state: LearnedDemand) -> bytes:
    """One compact blob of ``state`` (see the module's docstring)."""
    skus = list(state.items)
    rows = [
        (entry.through.toordinal(), *filter_state.dump(entry.demand))
        for entry in state.items.values()
    ]
    by_field = array("d")
    for column in zip(*rows, strict=True) if rows else ():
        by_field.extend(column)
    if sys.byteorder != "little":
        by_field.byteswap()
    header = json.dumps(
        {
            "format": FORMAT,
            "layout": filter_state.LAYOUT,
            "through": state.through.isoformat(),
            "width": _WIDTH,
            "skus": skus,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")
    return zlib.compress(header + b"\n" + by_field.tobytes(), COMPRESSION)


def decode(data: bytes) -> LearnedDemand:
    """The state ``encode`` wrote; ``UnreadableState`` for anything else (another layout of
    the filter, a damaged blob)."""
    try:
        raw = zlib.decompress(data)
        head, _, body = raw.partition(b"\n")
        header = json.loads(head.decode("utf-8"))
    except (zlib.error, UnicodeDecodeError, ValueError) as error:
        raise UnreadableState(f"it is not a learned-demand state ({error})") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise UnreadableState("it is not a learned-demand state")
    if header.get("layout") != filter_state.LAYOUT or header.get("width") != _WIDTH:
        raise UnreadableState("it was saved by another version of the bot's learning")
    skus = header.get("skus")
    try:
        through = date.fromisoformat(str(header.get("through")))
        if not isinstance(skus, list) or not all(isinstance(sku, str) for sku in skus):
            raise ValueError("the SKUs are not a list of text")
        count = len(skus)
        if len(body) != 8 * _WIDTH * count:
            raise ValueError(f"{len(body)} bytes of numbers for {count} items")
        by_field = array("d")
        by_field.frombytes(body)
        if sys.byteorder != "little":
            by_field.byteswap()
        columns = [by_field[n * count : (n + 1) * count] for n in range(_WIDTH)]
        days = {day: date.fromordinal(int(day)) for day in set(columns[0])}
        filters = filter_state.load_many(columns[1:])
        items = {
            sku: ItemDemand(days[day], demand)
            for sku, day, demand in zip(skus, columns[0], filters, strict=True)
        }
    except (ValueError, OverflowError) as error:
        raise UnreadableState(f"it is damaged ({error})") from None
    return LearnedDemand(through, items)
