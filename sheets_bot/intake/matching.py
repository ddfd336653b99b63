"""Tie parsed rows to Stock items: by SKU first, then by normalised item name.

Every match carries a confidence. Anything short of a clean SKU or name match is flagged
``uncertain`` with the reason; a row that matches nothing, or only several items at once, is
never guessed into one of them.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from sheets_bot.domain.models import Item
from sheets_bot.intake.parse import ParsedRow

SKU_CONFIDENCE = 1.0
NAME_CONFIDENCE = 0.8
SKU_DISAGREES_CONFIDENCE = 0.5
ACCENTS_CONFIDENCE = 0.6
AMBIGUOUS_CONFIDENCE = 0.3
DUPLICATE_ROW_CONFIDENCE = 0.5


class MatchedBy(StrEnum):
    SKU = "sku"
    NAME = "name"


@dataclass(frozen=True)
class Match:
    row: ParsedRow
    candidates: tuple[Item, ...]
    """The one matched item; several when the row is ambiguous (then ``item`` is None)."""
    by: MatchedBy
    confidence: float
    uncertain: bool = False
    reason: str | None = None

    @property
    def item(self) -> Item | None:
        return self.candidates[0] if len(self.candidates) == 1 else None


@dataclass(frozen=True)
class Unmatched:
    row: ParsedRow
    reason: str


@dataclass(frozen=True)
class MatchResult:
    matches: tuple[Match, ...]
    unmatched: tuple[Unmatched, ...]


def sku_key(sku: str) -> str:
    return sku.strip().casefold()


def name_key(name: str) -> str:
    """Case and spacing ignored; punctuation and units ("1kg", "500 ml") kept."""
    return " ".join(name.split()).casefold()


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def normalise_name(name: str) -> str:
    """``"  Café  Crème 1kg "`` -> ``"cafe creme 1kg"``."""
    return name_key(strip_accents(name))


def _index(items: Iterable[Item], key: Callable[[Item], str]) -> dict[str, list[Item]]:
    found: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        value = key(item)
        if value:
            found[value].append(item)
    return found


def _rows_of(items: Sequence[Item]) -> str:
    return ", ".join(f"row {item.row} {item.name!r}" for item in items)


def _match_one(
    row: ParsedRow,
    by_sku: dict[str, list[Item]],
    by_name: dict[str, list[Item]],
    by_plain_name: dict[str, list[Item]],
) -> Match | Unmatched:
    sku = sku_key(row.sku)
    if sku and sku in by_sku:
        items = by_sku[sku]
        if len(items) == 1:
            return Match(row, (items[0],), MatchedBy.SKU, SKU_CONFIDENCE)
        return Match(
            row,
            tuple(items),
            MatchedBy.SKU,
            AMBIGUOUS_CONFIDENCE,
            uncertain=True,
            reason=f"SKU {row.sku.strip()!r} is on {len(items)} Stock rows: {_rows_of(items)}",
        )
    for index, key, confidence, how in (
        (by_name, name_key(row.name), NAME_CONFIDENCE, None),
        (
            by_plain_name,
            normalise_name(row.name),
            ACCENTS_CONFIDENCE,
            "the name matches only once accents are ignored",
        ),
    ):
        if not key or key not in index:
            continue
        items = index[key]
        if len(items) > 1:
            return Match(
                row,
                tuple(items),
                MatchedBy.NAME,
                AMBIGUOUS_CONFIDENCE,
                uncertain=True,
                reason=f"the name {row.name.strip()!r} matches {len(items)} Stock items:"
                f" {_rows_of(items)}",
            )
        item = items[0]
        reasons = [how] if how else []
        if sku and sku_key(item.sku) and sku_key(item.sku) != sku:
            reasons.append(
                f"SKU {row.sku.strip()!r} is not in Stock, and the item matched by name"
                f" has SKU {item.sku!r}"
            )
            confidence = min(confidence, SKU_DISAGREES_CONFIDENCE)
        return Match(
            row,
            (item,),
            MatchedBy.NAME,
            confidence,
            uncertain=bool(reasons),
            reason="; ".join(reasons) or None,
        )
    if sku and row.name.strip():
        reason = f"neither SKU {row.sku.strip()!r} nor name {row.name.strip()!r} is in Stock"
    elif sku:
        reason = f"SKU {row.sku.strip()!r} is not in Stock (and the row has no item name)"
    else:
        reason = f"no SKU, and the name {row.name.strip()!r} is not in Stock"
    return Unmatched(row, reason)


def _flag_repeats(matches: list[Match]) -> list[Match]:
    """Two rows of one file landing on the same item: both flagged, neither trusted blindly."""
    rows_per_item: dict[int, list[int]] = defaultdict(list)
    for match in matches:
        if match.item is not None:
            rows_per_item[match.item.row].append(match.row.row)
    flagged: list[Match] = []
    for match in matches:
        others = [] if match.item is None else rows_per_item[match.item.row]
        if len(others) > 1:
            note = "the same item is also on row(s) " + ", ".join(
                str(number) for number in others if number != match.row.row
            )
            match = replace(
                match,
                confidence=min(match.confidence, DUPLICATE_ROW_CONFIDENCE),
                uncertain=True,
                reason=f"{match.reason}; {note}" if match.reason else note,
            )
        flagged.append(match)
    return flagged


def match_rows(rows: Iterable[ParsedRow], items: Sequence[Item]) -> MatchResult:
    by_sku = _index(items, lambda item: sku_key(item.sku))
    by_name = _index(items, lambda item: name_key(item.name))
    by_plain_name = _index(items, lambda item: normalise_name(item.name))
    matches: list[Match] = []
    unmatched: list[Unmatched] = []
    for row in rows:
        result = _match_one(row, by_sku, by_name, by_plain_name)
        if isinstance(result, Match):
            matches.append(result)
        else:
            unmatched.append(result)
    return MatchResult(tuple(_flag_repeats(matches)), tuple(unmatched))
