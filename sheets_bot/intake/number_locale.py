"""Numbers as the file writes them: its decimal mark found from all its numbers and money.

A file from a European shop writes ``€0,07`` and ``1.234,5``; an English one ``1,234.50``;
either may group thousands with a space (``1 234``). One file keeps one convention, so the
separators are inferred per file from every text cell that shows them, and each value is read
with the file's convention. A value that could be read both ways (``2.400``, ``1,234``) in a
file that never shows its decimal mark is *ambiguous*: it is read the likelier way (a group
of three digits is thousands) and carries the reason, never passed off as certain.

Blank, ``-``, ``n/a``, ``not stocked``, ``untracked`` and the like mean "not counted" and read
as ``None``, never 0.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sheets_bot.intake.errors import IntakeError

NOT_COUNTED = frozenset(
    {
        "",
        "-",
        "--",
        "—",
        "–",
        "n/a",
        "na",
        "n.a.",
        "none",
        "not stocked",
        "notstocked",
        "untracked",
        "not tracked",
        "null",
        "?",
    }
)
"""Cells that say the item was not counted (Shopify writes ``not stocked``)."""

UNITS = frozenset(
    {
        "",
        "ea",
        "each",
        "pc",
        "pcs",
        "piece",
        "pieces",
        "unit",
        "units",
        "x",
        "stk",
        "stück",
        "st",
        "u",
        "uds",
        "pz",
        "day",
        "days",
        "d",
    }
)
_CURRENCY = "$£€¥₹"
_SPACES = "\u00a0\u202f\u2009 '"
_CELL = re.compile(
    rf"""^\s*(?P<paren>\()?\s*(?P<sign1>[-+−])?\s*
    (?P<cur1>[{_CURRENCY}]|[A-Z]{{3}}\s)?\s*(?P<sign2>[-+−])?\s*
    (?P<digits>[0-9][0-9.,{_SPACES}]*|[.,][0-9]+)
    \s*(?P<cur2>[{_CURRENCY}]|\s[A-Z]{{3}})?\s*(?P<unit>[^\d\s()][^\d()]*?)?\s*(?P<close>\))?\s*$""",
    re.VERBOSE,
)


class NotANumber(IntakeError):
    """The text is not a number a person would recognise."""


@dataclass(frozen=True)
class Convention:
    """The file's decimal mark (``.`` or ``,``), or None when the file never shows it."""

    decimal: str | None
    evidence: str = ""
    """Why: e.g. "'€0,07' has a decimal comma"."""
    conflict: bool = False
    """The file writes numbers both ways: every ambiguous value stays ambiguous."""

    @property
    def thousands(self) -> str | None:
        if self.decimal is None:
            return None
        return "." if self.decimal == "," else ","


@dataclass(frozen=True)
class Reading:
    value: Decimal | None
    """None: not counted (blank, ``-``, ``not stocked``)."""
    ambiguous: str = ""
    """Why the value could be read another way; blank when it could not."""
    by_convention: str = ""
    """The file's inferred convention decided this value (the evidence)."""


def _digits_of(text: str) -> tuple[str, bool] | None:
    """(the digits-and-separators part, whether the number is negative), or None."""
    match = _CELL.match(text)
    if match is None or bool(match["paren"]) != bool(match["close"]):
        return None
    unit = " ".join((match["unit"] or "").split()).casefold().rstrip(".")
    if unit not in UNITS:
        return None
    negative = bool(match["paren"]) or (match["sign1"] or match["sign2"] or "") in ("-", "−")
    return match["digits"].strip(_SPACES), negative


def _signals(digits: str) -> tuple[str | None, bool]:
    """(the decimal mark this token proves, if any; whether it is grouped with spaces)."""
    spaced = any(space in digits for space in _SPACES)
    compact = "".join(char for char in digits if char not in _SPACES)
    dots, commas = compact.count("."), compact.count(",")
    if dots and commas:
        return ("," if compact.rfind(",") > compact.rfind(".") else "."), spaced
    for mark, count in ((".", dots), (",", commas)):
        if count > 1:
            return ("," if mark == "." else "."), spaced  # repeated: a thousands mark
        if count == 1:
            head, tail = compact.split(mark)
            if len(tail) != 3 or not head or head == "0":
                return mark, spaced  # 0,5 / 12.50 / 1,2345: only a decimal mark reads so
    if spaced and not dots and not commas:
        return None, True
    return None, spaced


def infer_convention(cells: Iterable[str]) -> Convention:
    """The decimal mark shown by the text cells of one file (typed numbers say nothing)."""
    votes: dict[str, str] = {}
    for text in cells:
        parsed = _digits_of(text)
        if parsed is None:
            continue
        mark, _ = _signals(parsed[0])
        if mark is not None and mark not in votes:
            votes[mark] = text.strip()
    if len(votes) == 1:
        ((mark, example),) = votes.items()
        name = "decimal comma" if mark == "," else "decimal point"
        return Convention(mark, f"{example!r} shows the file's {name}")
    if len(votes) > 1:
        return Convention(
            None,
            f"the file writes decimals both ways ({votes['.']!r} and {votes[',']!r})",
            conflict=True,
        )
    return Convention(None)


def read_number(text: str, convention: Convention) -> Reading:
    """One text cell read with the file's convention; raises ``NotANumber``."""
    stripped = " ".join(text.split())
    if stripped.casefold() in NOT_COUNTED:
        return Reading(None)
    parsed = _digits_of(stripped)
    if parsed is None:
        raise NotANumber(f"{stripped!r} is not a number")
    digits, negative = parsed
    compact = "".join(char for char in digits if char not in _SPACES)
    mark, _ = _signals(digits)
    ambiguous = ""
    by_convention = ""
    if mark is not None and convention.conflict:
        ambiguous = f"{stripped!r}: {convention.evidence}"
    if mark is None and ("." in compact or "," in compact):
        # one separator followed by exactly three digits: 2.400 or 1,234
        separator = "." if "." in compact else ","
        if convention.decimal is not None and not convention.conflict:
            mark = convention.decimal
            by_convention = convention.evidence
        else:
            mark = "," if separator == "." else "."  # read as thousands, the likelier way
            why = convention.evidence or "the file shows no decimal mark anywhere else"
            ambiguous = (
                f"{stripped!r} could be {compact.replace(separator, '')} or"
                f" {compact.replace(separator, '.')}: {why}"
            )
    if mark is None:
        number_text = compact.replace(",", "").replace(".", "")
    else:
        thousands = "." if mark == "," else ","
        if mark in compact and compact.count(mark) > 1:
            raise NotANumber(f"{stripped!r} is not a number")
        if not _grouped_right(compact, thousands, mark):
            raise NotANumber(f"{stripped!r} is not a number (its digit groups are uneven)")
        number_text = compact.replace(thousands, "").replace(mark, ".")
    try:
        value = Decimal(number_text)
    except InvalidOperation as error:
        raise NotANumber(f"{stripped!r} is not a number") from error
    return Reading(-value if negative else value, ambiguous, by_convention)


def _grouped_right(compact: str, thousands: str, mark: str) -> bool:
    """``1,234,567.5`` yes; ``1,23.5`` no (a thousands group has three digits)."""
    whole = compact.split(mark)[0] if mark in compact else compact
    if thousands not in whole:
        return True
    groups = whole.split(thousands)
    return 1 <= len(groups[0]) <= 3 and all(len(group) == 3 for group in groups[1:])
