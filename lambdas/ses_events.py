"""The event an SES receipt rule's Lambda action invokes ``inbound_email`` with.

Shape as SES documents it ("Event records provided by the Lambda action"): ``Records[0].ses``
with ``mail`` (``messageId``, headers, no body) and ``receipt`` (``spfVerdict``, ``dkimVerdict``,
``dmarcVerdict``, each ``{"status": "PASS" | "FAIL" | "GRAY" | "PROCESSING_FAILED"}``). The
rule's S3 action has already stored the raw message at ``INBOUND_PREFIX`` + ``messageId``.
Powertools' ``SesModel`` has no ``dkimVerdict``, so this model is our own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field

from sheets_bot.domain.inbound import SesVerdicts

INBOUND_PREFIX: Final = "inbound/ses/"
"""The S3 action's ObjectKeyPrefix in infra/template.yaml."""


class _Verdict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    status: str = Field(default="", max_length=40)


class _Receipt(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    spfVerdict: _Verdict = _Verdict()
    dkimVerdict: _Verdict = _Verdict()
    dmarcVerdict: _Verdict = _Verdict()
    spamVerdict: _Verdict = _Verdict()
    virusVerdict: _Verdict = _Verdict()


class _Mail(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    messageId: str = Field(pattern=r"^[A-Za-z0-9_=+-][A-Za-z0-9._=+-]{0,200}$")


class _Ses(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    mail: _Mail
    receipt: _Receipt


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    ses: _Ses


class InboundMail(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    Records: list[_Record] = Field(min_length=1, max_length=1)

    @classmethod
    def parse(cls, event: Mapping[str, Any]) -> InboundMail:
        return cls.model_validate(dict(event))

    @property
    def object_key(self) -> str:
        """Where the receipt rule's S3 action stored the raw message."""
        return INBOUND_PREFIX + self.Records[0].ses.mail.messageId

    @property
    def verdicts(self) -> SesVerdicts:
        receipt = self.Records[0].ses.receipt
        return SesVerdicts(
            spf=receipt.spfVerdict.status,
            dkim=receipt.dkimVerdict.status,
            dmarc=receipt.dmarcVerdict.status,
            spam=receipt.spamVerdict.status,
            virus=receipt.virusVerdict.status,
        )
