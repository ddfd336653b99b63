"""Errors a user can act on. Each says what is wrong and what to do, in one line.

One base per layer: the domain's refusals derive from ``domain.errors.DomainError`` (its
input errors are also ``ValueError``s); the services' and the user's from ``BotError``; what
an adapter (a port's implementation: the sheet, the mail system, DynamoDB, a model) raises
from ``AdapterError``, itself a ``BotError`` since the user acts on it the same way. The
command line prints any ``BotError`` as one line.
"""

from __future__ import annotations


class BotError(Exception):
    """An error that stops a run with a one-line reason for the user."""


class SheetLayoutError(BotError):
    """A tab or header the bot needs is missing or renamed."""

    def __init__(self, tab: str, header: str | None):
        self.tab = tab
        self.header = header
        if header is None:
            message = f"the sheet has no tab '{tab}' (run `sheets-bot init` to add missing tabs)"
        else:
            message = (
                f"tab '{tab}' has no column '{header}' in its first row"
                " (was it renamed or deleted? `sheets-bot init` adds missing headers)"
            )
        super().__init__(message)


class WorkbookBusyError(BotError):
    """The workbook is open in LibreOffice or Excel, or another run holds it.

    ``reason`` is a fixed phrase (no path, no value) for the digest's list of failed runs."""

    def __init__(self, message: str, reason: str = ""):
        super().__init__(message)
        self.reason = reason


class AdapterError(BotError):
    """A port's implementation failed; the message names the service and what to do."""


class MailRejected(AdapterError):
    """The mail system refused the message: it certainly did not go out."""


class NarrationFailed(AdapterError):
    """The model gave no usable text (refused, throttled, unreachable, empty): the monthly
    summary falls back to its plain template narrative."""
