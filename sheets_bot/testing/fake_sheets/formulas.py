"""A deliberately tiny formula "evaluator".

The fake stores formulas faithfully (``FORMULA`` render returns them as written) but does not
run a spreadsheet engine. It computes the handful of literal-only formulas a bot is likely to
write, and every other formula reads back as :data:`UNEVALUATED` under ``FORMATTED_VALUE`` and
``UNFORMATTED_VALUE``, so a test can never mistake an unevaluated formula for a real result:

* ``=HYPERLINK("url")`` / ``=HYPERLINK("url", "label")`` -> the label (or the url)
* ``=SUM(1, 2.5, ...)`` with numeric literals -> their sum
* ``=42``, ``="text"``, ``=TRUE`` / ``=FALSE`` -> that literal
* ``=SPARKLINE({1,2,3})`` over a literal array of numbers -> ``""``: like ``IMAGE``, Google
  draws it in the cell and it has no value
"""

from __future__ import annotations

import re
from typing import Final

UNEVALUATED: Final = "#UNEVALUATED!"
"""What a formula the fake cannot compute reads as; no real Sheets value looks like this."""

_STRING: Final = r'"(?:[^"]|"")*"'
_NUMBER: Final = r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
_HYPERLINK: Final = re.compile(
    rf"^HYPERLINK\(\s*(?P<url>{_STRING})\s*(?:,\s*(?P<label>{_STRING})\s*)?\)$", re.IGNORECASE
)
_SPARKLINE: Final = re.compile(
    rf"^SPARKLINE\(\s*\{{\s*{_NUMBER}(?:\s*,\s*{_NUMBER})*\s*\}}\s*\)$", re.IGNORECASE
)
_SUM: Final = re.compile(rf"^SUM\(\s*(?P<args>{_NUMBER}(?:\s*,\s*{_NUMBER})*)\s*\)$", re.IGNORECASE)


def evaluate(formula: str) -> str | float | bool:
    """The value ``formula`` (including its leading ``=``) computes to, or :data:`UNEVALUATED`."""
    body = formula[1:].strip()
    if re.fullmatch(_NUMBER, body):
        return float(body)
    if re.fullmatch(_STRING, body):
        return _unquote(body)
    if body.upper() in ("TRUE", "FALSE"):
        return body.upper() == "TRUE"
    link = _HYPERLINK.match(body)
    if link is not None:
        return _unquote(link.group("label") or link.group("url"))
    if _SPARKLINE.match(body):
        return ""
    total = _SUM.match(body)
    if total is not None:
        return sum(float(arg) for arg in total.group("args").split(","))
    return UNEVALUATED


def _unquote(literal: str) -> str:
    return literal[1:-1].replace('""', '"')
