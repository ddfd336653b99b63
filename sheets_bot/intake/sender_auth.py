"""Who really sent a message, checked the same way on every lane.

On AWS, SES's verdicts arrive with the event. On one machine the raw message is all there is,
so the intake honours what the receiving server wrote in the topmost ``Authentication-Results``
header (Gmail's and Outlook's servers add one; a header further down could have been written
by anyone), then verifies a ``DKIM-Signature`` itself with dkimpy when there is one. A message
neither vouches for is read, but its rows are marked "sender not verified" and can never be
applied with one tap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from email import policy
from email.parser import BytesHeaderParser

from sheets_bot.domain.inbound import aligned, parse_authentication_results, verified_by

DnsLookup = Callable[..., bytes | None]
"""dkimpy's ``dnsfunc``: a TXT record's text for a name (tests stub it; no network)."""


@dataclass(frozen=True)
class SenderCheck:
    verified: bool
    how: str
    """What vouched for the sender, or why nothing did."""
    refusal: str | None = None
    """The receiving server's checks failed outright: the message is refused, as on AWS."""


def check_sender(raw: bytes, sender: str, dns: DnsLookup | None = None) -> SenderCheck:
    """The receiving server's verdicts first, then a DKIM signature, else not verified."""
    headers = BytesHeaderParser(policy=policy.compat32).parsebytes(raw)
    found = headers.get_all("Authentication-Results") or []
    if found:
        results = parse_authentication_results(str(found[0]))
        refusal = results.verdicts.refusal()
        if refusal is not None:
            return SenderCheck(False, refusal, refusal=f"{results.server}: {refusal}")
        how = verified_by(results, sender)
        if how is not None:
            return SenderCheck(True, how)
    if headers.get("DKIM-Signature") is None:
        return SenderCheck(
            False,
            "no Authentication-Results from the receiving server that vouch for the From"
            " address, and no DKIM signature",
        )
    return _dkim(raw, sender, dns)


def _dkim(raw: bytes, sender: str, dns: DnsLookup | None) -> SenderCheck:
    import dkim  # only a signed message on one machine needs it (not the AWS lane's cold start)

    verifier = dkim.DKIM(raw)
    try:
        ok = verifier.verify(dnsfunc=dns) if dns is not None else verifier.verify()
    except Exception as error:  # a malformed signature or a failed lookup: not verified
        return SenderCheck(False, f"its DKIM signature could not be checked ({error})")
    domain = (verifier.domain or b"").decode("ascii", "replace")
    if not ok:
        return SenderCheck(False, f"its DKIM signature ({domain or 'no domain'}) does not verify")
    if not aligned(domain, sender):
        return SenderCheck(False, f"it is DKIM-signed by {domain}, not the From address's domain")
    return SenderCheck(True, f"its DKIM signature ({domain}) verifies")
