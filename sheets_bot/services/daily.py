"""The daily run: the check, then the owner's digest from what the check read and wrote.

One read of the sheet (the check's, with the digest's optional tabs in the same request) and
one write (the check's): the digest adds no Sheets request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from sheets_bot.services.check import CheckReport, check
from sheets_bot.services.decision_links import LinkSigner
from sheets_bot.services.digest import DIGEST_OPTIONAL_TABS, DigestReport, send_digest
from sheets_bot.services.shop import Adapters


@dataclass(frozen=True)
class DailyReport:
    check: CheckReport
    digest: DigestReport


def run_daily(
    adapters: Adapters,
    *,
    signer: LinkSigner | None = None,
    force_digest: bool = False,
    digest_time: time | None = None,
) -> DailyReport:
    """``digest_time``: when the digest is due, if not Settings' ``Digest time``."""
    outcome = check(adapters, also_read=DIGEST_OPTIONAL_TABS)
    digest = send_digest(
        adapters,
        outcome.view,
        outcome.batch,
        outcome.now,
        force=force_digest,
        signer=signer,
        digest_time=digest_time,
    )
    return DailyReport(outcome.report, digest)
