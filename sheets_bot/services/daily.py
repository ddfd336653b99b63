"""The daily run: the check, then the owner's digest from what the check read and wrote.

One read of the sheet (the check's, with the digest's optional tabs in the same request) and
one write (the check's): the digest adds no Sheets request.
"""

from __future__ import annotations

from dataclasses import dataclass

from sheets_bot.services.check import CheckReport, check
from sheets_bot.services.digest import DIGEST_OPTIONAL_TABS, DigestReport, send_digest
from sheets_bot.services.lanes import DailyPorts


@dataclass(frozen=True)
class DailyReport:
    check: CheckReport
    digest: DigestReport


def run_daily(adapters: DailyPorts, *, force_digest: bool = False) -> DailyReport:
    """The check, then the digest if it is due (``adapters.digest_time``, else Settings'
    ``Digest time``) or ``force_digest``."""
    outcome = check(adapters, also_read=DIGEST_OPTIONAL_TABS)
    digest = send_digest(adapters, outcome.view, outcome.batch, outcome.now, force=force_digest)
    return DailyReport(outcome.report, digest)
