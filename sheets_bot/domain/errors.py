"""The domain's errors: one base, so a caller can tell the domain's refusals from a defect.

``InputError`` is also a ``ValueError``: the domain's parsers run inside pydantic validators
and under callers that catch ``ValueError`` (a located Problem, not a crash), and those keep
working. Each message names the value and says what to type or do instead.
"""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused something; the message says what and what to do."""


class InputError(DomainError, ValueError):
    """A value given to the domain (a cell, an address, a token, a file) cannot be used."""
