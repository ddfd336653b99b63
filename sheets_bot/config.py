"""Configuration of a local run, built once from the command line and the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

STATE_FOLDER = "sheets-bot-state"


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


class LocalConfig(BaseModel):
    model_config = ConfigDict(frozen=True)

    workbook: Path
    state_dir: Path
    now: datetime | None = None
    smtp: SmtpConfig | None = Field(default=None, repr=False)

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
            now=datetime.fromisoformat(now) if now else None,
            smtp=SmtpConfig.from_env(env),
        )
