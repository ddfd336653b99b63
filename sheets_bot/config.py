"""Configuration of a run, built once from the command line and the environment: local mode
(an ``.xlsx`` workbook) or sheet mode (a Google Sheet)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from sheets_bot.adapters.google.spreadsheet_id import parse_spreadsheet_id, sheet_url
from sheets_bot.errors import BotError

STATE_FOLDER = "sheets-bot-state"
"""Local mode: state beside the workbook."""
SHEET_STATE_ROOT = ".sheets-bot"
"""Sheet mode: state in ``~/.sheets-bot/<spreadsheet id>/``."""


class SmtpConfig(BaseModel):
    """Real email from one machine; without it, mail goes to the outbox folder."""

    model_config = ConfigDict(frozen=True)

    host: str
    port: int = 587
    username: str = ""
    password: SecretStr = SecretStr("")
    starttls: bool = True

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SmtpConfig | None:
        host = env.get("SHEETS_BOT_SMTP_HOST", "").strip()
        if not host:
            return None
        return cls(
            host=host,
            port=int(env.get("SHEETS_BOT_SMTP_PORT", "587")),
            username=env.get("SHEETS_BOT_SMTP_USER", ""),
            password=SecretStr(env.get("SHEETS_BOT_SMTP_PASSWORD", "")),
            starttls=env.get("SHEETS_BOT_SMTP_STARTTLS", "yes").lower() not in ("0", "no", "false"),
        )


class LiveConfig(BaseModel):
    """The live lanes' secrets and addresses (all optional): POS webhook keys and where the
    supplier confirmation page is reachable from outside."""

    model_config = ConfigDict(frozen=True)

    public_url: str = ""
    """``SHEETS_BOT_PUBLIC_URL``: the address suppliers reach ``sheets-bot serve`` at (through
    a tunnel or proxy); PO emails carry a confirmation link only when it is set."""
    link_key: SecretStr | None = Field(default=None, repr=False)
    """``SHEETS_BOT_LINK_KEY``; locally, without it, a key kept in the state folder."""
    shopify_secret: SecretStr | None = Field(default=None, repr=False)
    square_signature_key: SecretStr | None = Field(default=None, repr=False)
    square_notification_url: str = ""
    """Exactly the URL entered in Square's webhook subscription: Square signs it."""

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> LiveConfig:
        def secret(name: str) -> SecretStr | None:
            value = env.get(name, "").strip()
            return SecretStr(value) if value else None

        return cls(
            public_url=env.get("SHEETS_BOT_PUBLIC_URL", "").strip(),
            link_key=secret("SHEETS_BOT_LINK_KEY"),
            shopify_secret=secret("SHEETS_BOT_SHOPIFY_SECRET"),
            square_signature_key=secret("SHEETS_BOT_SQUARE_SIGNATURE_KEY"),
            square_notification_url=env.get("SHEETS_BOT_SQUARE_NOTIFICATION_URL", "").strip(),
        )


def parse_now(text: str | None) -> datetime | None:
    """``--now``: an ISO-8601 time with its zone; ``BotError`` saying what to type."""
    if not text:
        return None
    example = "like 2026-11-23T09:00:00Z or 2026-11-23T09:00:00+01:00"
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise BotError(f"--now {text!r} is not a time: give an ISO-8601 time, {example}") from None
    if moment.tzinfo is None:
        raise BotError(f"--now {text!r} has no time zone: add Z (UTC) or an offset, {example}")
    return moment


class RunConfig(BaseModel):
    """What every run needs besides the sheet: where state lives, the time, and mail."""

    model_config = ConfigDict(frozen=True)

    state_dir: Path
    now: datetime | None = None
    smtp: SmtpConfig | None = Field(default=None, repr=False)
    live: LiveConfig = Field(default_factory=LiveConfig, repr=False)

    @field_validator("now")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("--now needs a timezone, like 2026-11-23T09:00:00+00:00 or ...Z")
        return value

    @property
    def outbox(self) -> Path:
        return self.state_dir / "outbox"

    @property
    def database(self) -> Path:
        return self.state_dir / "sheets-bot.sqlite"

    @property
    def blobs(self) -> Path:
        """Stock snapshots and the stock history the learning reads (a folder in place of S3)."""
        return self.state_dir / "blobs"


class LocalConfig(RunConfig):
    """The shop's sheet is a local ``.xlsx`` workbook."""

    workbook: Path

    @classmethod
    def build(
        cls,
        workbook: str | None,
        state: str | None,
        now: str | None,
        env: Mapping[str, str] | None = None,
    ) -> LocalConfig:
        env = os.environ if env is None else env
        path = Path(workbook or env.get("SHEETS_BOT_WORKBOOK") or "shop.xlsx").expanduser()
        state_dir = Path(state).expanduser() if state else path.parent / STATE_FOLDER
        return cls(
            workbook=path,
            state_dir=state_dir,
            now=parse_now(now),
            smtp=SmtpConfig.from_env(env),
            live=LiveConfig.from_env(env),
        )


class SheetConfig(RunConfig):
    """The shop's sheet is a Google Sheet; state stays on this machine.

    Credentials, first found wins: ``--credentials PATH``, then the JSON text in
    ``SHEETS_BOT_GOOGLE_CREDENTIALS_JSON``, then the file ``GOOGLE_APPLICATION_CREDENTIALS``
    names. They are loaded only when the sheet is opened (``resolve`` needs none).
    """

    spreadsheet_id: str
    credentials_file: Path | None = None
    credentials_json: SecretStr | None = Field(default=None, repr=False)

    @property
    def sheet_url(self) -> str:
        return sheet_url(self.spreadsheet_id)

    @classmethod
    def build(
        cls,
        sheet: str,
        credentials: str | None,
        state: str | None,
        now: str | None,
        env: Mapping[str, str] | None = None,
    ) -> SheetConfig:
        env = os.environ if env is None else env
        spreadsheet_id = parse_spreadsheet_id(sheet)
        json_text = env.get("SHEETS_BOT_GOOGLE_CREDENTIALS_JSON", "").strip()
        file = credentials or (None if json_text else env.get("GOOGLE_APPLICATION_CREDENTIALS"))
        state_dir = (
            Path(state).expanduser() if state else Path.home() / SHEET_STATE_ROOT / spreadsheet_id
        )
        return cls(
            spreadsheet_id=spreadsheet_id,
            credentials_file=Path(file).expanduser() if file else None,
            credentials_json=SecretStr(json_text) if json_text and not file else None,
            state_dir=state_dir,
            now=parse_now(now),
            smtp=SmtpConfig.from_env(env),
            live=LiveConfig.from_env(env),
        )
