"""Who may send the bot a count, and what SES must have said about the message first.

Pure: the sender's address, the Settings allowlist and SES's verdicts in, a reason out. The
ingest service asks these before it opens a single attachment.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

PASS = "PASS"  # noqa: S105 - an SES verdict, not a password
FAIL = "FAIL"


@dataclass(frozen=True)
class SesVerdicts:
    """SES's receipt verdicts (``PASS``, ``FAIL``, ``GRAY``, ``PROCESSING_FAILED``, ...)."""

    spf: str
    dkim: str
    dmarc: str
    spam: str = ""
    virus: str = ""

    def refusal(self) -> str | None:
        """Why the message cannot be trusted, or None: SPF or DKIM must pass, DMARC not fail
        (nor SES's virus or spam scan).

        Either SPF or DKIM is enough because a forward breaks SPF and some relays break DKIM;
        DMARC, which ties them to the From domain, must not have failed outright.
        """
        if self.virus.strip().upper() == FAIL:
            return "SES found a virus in it"
        if self.spam.strip().upper() == FAIL:
            return "SES marked it as spam"
        spf, dkim, dmarc = (
            verdict.strip().upper() for verdict in (self.spf, self.dkim, self.dmarc)
        )
        if spf != PASS and dkim != PASS:
            return f"neither SPF ({spf or 'none'}) nor DKIM ({dkim or 'none'}) passed"
        if dmarc == FAIL:
            return "DMARC failed"
        return None


def parse_allowlist(text: str) -> tuple[str, ...]:
    """``"sam@shop.example, @supplier.example; jo@x.example"`` -> its entries, lower case.

    Entries are separated by commas, semicolons or spaces. An entry is an address or a
    ``@domain`` (that domain only, not its subdomains); ``none`` is the empty list. Raises
    ``ValueError`` naming the first entry that is neither.
    """
    if text.strip().casefold() == "none":
        return ()
    entries: list[str] = []
    for raw in text.replace(";", ",").replace(" ", ",").split(","):
        entry = raw.strip().casefold()
        if not entry:
            continue
        local, at, domain = entry.rpartition("@")
        if not at or not domain or "." not in domain or "@" in local:
            raise ValueError(f"{raw.strip()!r} is not an address or an @domain")
        entries.append(entry)
    return tuple(dict.fromkeys(entries))


def sender_allowed(sender: str, allowed: Iterable[str], owner: str | None) -> bool:
    """The owner is always allowed; others when their address or ``@domain`` is listed."""
    address = sender.strip().casefold()
    if not address or "@" not in address:
        return False
    if owner is not None and address == owner.strip().casefold():
        return True
    domain = "@" + address.rpartition("@")[2]
    return any(entry in (address, domain) for entry in allowed)
