"""Senders checked on one machine as on AWS: the receiving server's Authentication-Results,
then a DKIM signature verified with dkimpy (a generated key, DNS stubbed: no network), else
the rows say "sender not verified"."""

from __future__ import annotations

import base64
from pathlib import Path

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from sheets_bot.adapters.local.folder_blobs import FolderBlobs
from sheets_bot.domain.audit import AuditAction
from sheets_bot.domain.inbound import parse_authentication_results
from sheets_bot.intake.sender_auth import check_sender
from sheets_bot.services.ingest import ingest_message
from sheets_bot.sheet.layout import PROPOSED
from tests.email.mail import OWNER, forward
from tests.services.harness import Shop

COUNT = ("count.csv", b"SKU,Count\nCOF-ESP-1K,14\n")
SELECTOR = b"mail"
DOMAIN = b"cornercafe.example"


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )


def _dns(key: rsa.RSAPrivateKey):  # type: ignore[no-untyped-def]
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)

    def lookup(name: bytes, timeout: int = 5) -> bytes | None:
        return record if name == b"mail._domainkey.cornercafe.example." else None

    return lookup


def _signed(key: rsa.RSAPrivateKey, raw: bytes) -> bytes:
    raw = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    signature = dkim.sign(raw, SELECTOR, DOMAIN, _pem(key), include_headers=[b"from", b"subject"])
    return bytes(signature) + raw


def test_topmost_authentication_results_is_honoured() -> None:
    raw = forward(COUNT)
    check = check_sender(raw, OWNER)
    assert check.verified and "DMARC passed at mx.cornercafe.example" in check.how


def test_a_forged_header_below_the_servers_does_not_count() -> None:
    forged = b"Authentication-Results: evil.example; dkim=pass header.d=cornercafe.example\r\n"
    raw = forward(COUNT, authenticated=False)
    top = b"Authentication-Results: mx.cornercafe.example; spf=none; dkim=none; dmarc=none\r\n"
    check = check_sender(top + forged + raw, OWNER)
    assert check.refusal is not None and "neither SPF (NONE) nor DKIM (NONE)" in check.refusal


def test_passing_checks_for_another_domain_do_not_vouch_for_the_owner() -> None:
    top = (
        b"Authentication-Results: mx.cornercafe.example; dkim=pass header.d=evil.example;"
        b" spf=pass smtp.mailfrom=evil.example; dmarc=none\r\n"
    )
    check = check_sender(top + forward(COUNT, authenticated=False), OWNER)
    assert (check.verified, check.refusal) == (False, None)


def test_parse_authentication_results() -> None:
    results = parse_authentication_results(
        "mx.google.com;\r\n dkim=pass header.i=@cornercafe.example header.s=mail;"
        " spf=softfail (domain of x) smtp.mailfrom=x@other.example;"
        " dmarc=pass (p=NONE sp=NONE) header.from=cornercafe.example"
    )
    assert results.server == "mx.google.com"
    assert (results.verdicts.spf, results.verdicts.dkim, results.verdicts.dmarc) == (
        "SOFTFAIL",
        "PASS",
        "PASS",
    )
    assert results.dkim_domains == ("cornercafe.example",)


def test_a_dkim_signature_is_verified_with_the_published_key(key: rsa.RSAPrivateKey) -> None:
    raw = _signed(key, forward(COUNT, authenticated=False))
    check = check_sender(raw, OWNER, dns=_dns(key))
    assert check.verified and "DKIM signature (cornercafe.example) verifies" in check.how


def test_a_tampered_signed_message_is_not_verified(key: rsa.RSAPrivateKey) -> None:
    raw = _signed(key, forward(COUNT, authenticated=False)).replace(
        b"Fwd: stock count", b"Fwd: stock c0unt"
    )
    check = check_sender(raw, OWNER, dns=_dns(key))
    assert not check.verified and "does not verify" in check.how


def test_a_signature_of_another_domain_does_not_vouch(key: rsa.RSAPrivateKey) -> None:
    raw = _signed(key, forward(COUNT, authenticated=False, sender="Sam <sam@other.example>"))
    check = check_sender(raw, "sam@other.example", dns=_dns(key))
    assert not check.verified and "not the From address's domain" in check.how


def test_a_forged_owner_address_is_read_but_never_one_tap(tmp_path: Path) -> None:
    shop = Shop.sample()
    report = ingest_message(
        shop.intake_ports(FolderBlobs(tmp_path)), forward(COUNT, authenticated=False)
    )
    assert report.refused is None and not report.sender_verified
    [row] = shop.rows(PROPOSED)
    assert str(row["Status"]).startswith("sender not verified (no Authentication-Results")


def test_failing_server_checks_refuse_the_mail_as_on_aws(tmp_path: Path) -> None:
    shop = Shop.sample()
    top = b"Authentication-Results: mx.cornercafe.example; spf=fail; dkim=fail; dmarc=fail\r\n"
    raw = top + forward(COUNT, authenticated=False)
    report = ingest_message(shop.intake_ports(FolderBlobs(tmp_path)), raw)
    assert report.refused is not None
    assert shop.rows(PROPOSED) == []
    assert [e.action for e in shop.store.audit.entries()] == [AuditAction.MAIL_REFUSED]


def test_a_signed_message_is_verified_through_the_intake(
    key: rsa.RSAPrivateKey, tmp_path: Path
) -> None:
    shop = Shop.sample()
    raw = _signed(key, forward(COUNT, authenticated=False))
    report = ingest_message(shop.intake_ports(FolderBlobs(tmp_path)), raw, dns=_dns(key))
    assert report.sender_verified
    [row] = shop.rows(PROPOSED)
    assert row["Status"] is None
