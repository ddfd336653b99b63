"""Check a zip container (XLSX, ODS) before any of it is decompressed for parsing."""

from __future__ import annotations

import io
import zipfile

from sheets_bot.intake.errors import IntakeError
from sheets_bot.intake.limits import Limits, TooLarge


class UnsafeZip(IntakeError):
    """The zip is malformed or shaped like an attack (bomb, path traversal)."""


def check_zip(data: bytes, limits: Limits) -> zipfile.ZipFile:
    """The opened archive, once its directory passes every limit; raises otherwise."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise UnsafeZip(f"is not a readable zip file ({error})") from error
    members = archive.infolist()
    if len(members) > limits.max_zip_members:
        raise TooLarge(f"has {len(members):,} zip members, over {limits.max_zip_members:,}")
    total = 0
    for member in members:
        name = member.filename.replace("\\", "/")
        if name.startswith("/") or ".." in name.split("/") or (len(name) > 1 and name[1] == ":"):
            raise UnsafeZip(f"has a zip member with an unsafe path {member.filename!r}")
        if member.flag_bits & 0x1:
            raise UnsafeZip("is encrypted")
        if member.file_size > limits.max_zip_member_bytes:
            raise TooLarge(
                f"zip member {member.filename!r} unpacks to {member.file_size:,} bytes,"
                f" over {limits.max_zip_member_bytes:,}"
            )
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1024 * 1024 and ratio > limits.max_zip_ratio:
            raise UnsafeZip(
                f"zip member {member.filename!r} is compressed {ratio:,.0f} to 1,"
                f" over {limits.max_zip_ratio:,.0f} to 1 (a zip bomb?)"
            )
        total += member.file_size
    if total > limits.max_zip_total_bytes:
        raise TooLarge(f"unpacks to {total:,} bytes in all, over {limits.max_zip_total_bytes:,}")
    return archive


def read_member(archive: zipfile.ZipFile, name: str, limits: Limits) -> bytes:
    """One member, read with a hard cap in case the directory lied about its size."""
    with archive.open(name) as stream:
        data = stream.read(limits.max_zip_member_bytes + 1)
    if len(data) > limits.max_zip_member_bytes:
        raise TooLarge(f"zip member {name!r} unpacks to more than {limits.max_zip_member_bytes:,}")
    return data
