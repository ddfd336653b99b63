"""Retrying Sheets requests: exponential backoff with full jitter, bounded in attempts and time.

A request Google certainly did not apply (429, no connection) is simply sent again. One it may
have applied (5xx, a read timeout) is sent again only if repeating it is harmless; for a
write that is not (deleting rows by number), ``applied`` is asked first: ``True`` means it
went through, ``False`` that it did not (send it again), ``None`` that nobody can tell.
Each request is a whole batch, which Google applies atomically, so a request that fails for
good has written nothing.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from sheets_bot.adapters.google.errors import FailureKind, failure_kind
from sheets_bot.errors import AdapterError

_T = TypeVar("_T")
log = logging.getLogger(__name__)


class RetriesExhausted(AdapterError):
    """The last failure of a request tried ``attempts`` times over ``seconds``."""

    def __init__(self, error: BaseException, attempts: int, seconds: float) -> None:
        super().__init__(
            f"{type(error).__name__} after {attempts} attempts in {seconds:.1f} s: the service"
            " kept failing; try again later"
        )
        self.error = error
        self.attempts = attempts
        self.seconds = seconds


class OutcomeUnknown(AdapterError):
    """A write that must not be repeated failed ambiguously and ``applied`` could not tell."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(
            f"{type(error).__name__}; the outcome is unknown: look at the sheet before running"
            " again"
        )
        self.error = error


@dataclass(frozen=True)
class RetryPolicy:
    """At most ``attempts`` tries; before try n+1 a random pause in [0, min(cap, base·2ⁿ⁻¹)]
    ("full jitter"), and no pause that would end past ``budget`` seconds from the first try.
    ``sleep``, ``random`` and ``clock`` are injectable so tests take no time."""

    attempts: int = 6
    base: float = 2.0
    cap: float = 32.0
    budget: float = 60.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    random: Callable[[], float] = field(default=random.random, repr=False)
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)

    def pause(self, failures: int) -> float:
        """The pause after the ``failures``-th failure (1-based)."""
        return self.random() * min(self.cap, self.base * 2.0 ** (failures - 1))

    def run(
        self,
        call: Callable[[], _T],
        *,
        what: str,
        idempotent: bool = True,
        applied: Callable[[], bool | None] | None = None,
    ) -> _T | None:
        """``call()``'s result, or ``None`` when it failed ambiguously but ``applied`` says it
        went through. Raises ``RetriesExhausted``, ``OutcomeUnknown`` or the error itself
        when retrying cannot help."""
        started = self.clock()
        attempt = 0
        while True:
            attempt += 1
            try:
                return call()
            except Exception as error:
                kind = failure_kind(error)
                if kind is None:
                    raise
                if kind is FailureKind.AMBIGUOUS and not idempotent:
                    try:
                        outcome = applied() if applied is not None else None
                    except Exception as unchecked:
                        raise OutcomeUnknown(error) from unchecked
                    if outcome is None:
                        raise OutcomeUnknown(error) from error
                    if outcome:
                        log.info("%s: went through despite %s", what, type(error).__name__)
                        return None
                elapsed = self.clock() - started
                delay = self.pause(attempt)
                if attempt >= self.attempts or elapsed + delay > self.budget:
                    raise RetriesExhausted(error, attempt, elapsed) from error
                log.warning(
                    "%s: %s; try %d of %d in %.1f s",
                    what,
                    _describe(error),
                    attempt + 1,
                    self.attempts,
                    delay,
                )
                self.sleep(delay)


def _describe(error: BaseException) -> str:
    response = getattr(error, "response", None)
    status = getattr(response, "status_code", None)
    return f"HTTP {status}" if status is not None else type(error).__name__
