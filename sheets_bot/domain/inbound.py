"""Who may send the bot a count, and what SES must have said about the message first.

Pure: the sender's address, the Settings allowlist and SES's verdicts in, a reason out. The
ingest service asks these before it opens a single attachment.
"""

from __future__ import annotations

import re
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


@dataclass(frozen=True)
class AuthenticationResults:
    """One ``Authentication-Results`` header (RFC 8601), as the receiving server wrote it."""

    server: str
    verdicts: SesVerdicts
    dkim_domains: tuple[str, ...] = ()
    """``header.d`` (or the domain of ``header.i``) of each DKIM signature that passed."""
    spf_domain: str = ""
    """The domain of ``smtp.mailfrom`` when SPF passed."""
    dmarc_from: str = ""
    """``header.from`` of the DMARC result."""


_METHOD = re.compile(r"\b(spf|dkim|dmarc)\s*=\s*([a-z]+)([^;]*)", re.IGNORECASE)
_PROPERTY = re.compile(r"\b(header\.d|header\.i|smtp\.mailfrom|header\.from)\s*=\s*([^\s;()]+)")


def parse_authentication_results(value: str) -> AuthenticationResults:
    """``mx.google.com; dkim=pass header.i=@shop.example; spf=pass smtp.mailfrom=…``."""
    text = re.sub(r"\([^)]*\)", " ", " ".join(value.split()))
    server = text.split(";", 1)[0].strip()
    results: dict[str, str] = {}
    dkim_domains: list[str] = []
    spf_domain = dmarc_from = ""
    for method, result, rest in _METHOD.findall(text):
        method, result = method.casefold(), result.upper()
        props = {
            key.casefold(): val.strip("\"'<>").casefold() for key, val in _PROPERTY.findall(rest)
        }
        if method == "dkim":
            if result == PASS:
                domain = props.get("header.d") or props.get("header.i", "").rpartition("@")[2]
                if domain:
                    dkim_domains.append(domain)
            if results.get("dkim") != PASS:
                results["dkim"] = result
        elif method not in results:
            results[method] = result
            if method == "spf" and result == PASS:
                spf_domain = props.get("smtp.mailfrom", "").rpartition("@")[2]
            if method == "dmarc":
                dmarc_from = props.get("header.from", "")
    verdicts = SesVerdicts(
        spf=results.get("spf", ""), dkim=results.get("dkim", ""), dmarc=results.get("dmarc", "")
    )
    return AuthenticationResults(server, verdicts, tuple(dkim_domains), spf_domain, dmarc_from)


def aligned(domain: str, sender: str) -> bool:
    """DMARC's relaxed alignment: the sender's domain is ``domain`` or one of its subdomains
    (compared the other way round too, for a signing parent domain)."""
    sender_domain = sender.rpartition("@")[2].casefold()
    domain = domain.casefold().strip(".")
    if not domain or not sender_domain:
        return False
    return (
        sender_domain == domain
        or sender_domain.endswith("." + domain)
        or domain.endswith("." + sender_domain)
    )


def verified_by(results: AuthenticationResults, sender: str) -> str | None:
    """What ties the From address to a passing check, or None when nothing does."""
    verdicts = results.verdicts
    if verdicts.dmarc.upper() == PASS and (
        not results.dmarc_from or aligned(results.dmarc_from, sender)
    ):
        return f"DMARC passed at {results.server}"
    for domain in results.dkim_domains:
        if aligned(domain, sender):
            return f"DKIM ({domain}) passed at {results.server}"
    if results.spf_domain and aligned(results.spf_domain, sender):
        return f"SPF ({results.spf_domain}) passed at {results.server}"
    return None
