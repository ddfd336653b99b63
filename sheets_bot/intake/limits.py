"""How much of an untrusted attachment the intake lane is willing to read."""

from __future__ import annotations

from dataclasses import dataclass

from sheets_bot.intake.errors import IntakeError

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_attachment_bytes: int = 10 * MB
    max_rows: int = 20_000
    max_columns: int = 200
    max_zip_members: int = 2_000
    max_zip_member_bytes: int = 50 * MB
    max_zip_total_bytes: int = 100 * MB
    max_zip_ratio: float = 100.0
    """Largest uncompressed/compressed size ratio of one zip member (a zip bomb's tell)."""


DEFAULT_LIMITS = Limits()


class AttachmentRejected(IntakeError):
    """The whole file is refused (too big, not a spreadsheet, unsafe); ``reason`` says why."""

    def __init__(self, filename: str, reason: str) -> None:
        super().__init__(f"{filename}: {reason}")
        self.filename = filename
        self.reason = reason


class TooLarge(IntakeError):
    """A reader went past one of the limits; the message names the limit."""


def check_size(data: bytes, limits: Limits) -> None:
    if len(data) > limits.max_attachment_bytes:
        raise TooLarge(
            f"is {len(data):,} bytes, over the limit of {limits.max_attachment_bytes:,} bytes"
        )


def check_row_count(count: int, limits: Limits) -> None:
    if count > limits.max_rows:
        raise TooLarge(f"has more than {limits.max_rows:,} rows")


def check_column_count(count: int, limits: Limits, row: int) -> None:
    if count > limits.max_columns:
        raise TooLarge(f"row {row} has more than {limits.max_columns:,} columns")
