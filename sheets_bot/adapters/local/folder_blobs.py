"""A folder in place of S3: each key is a file under the folder.

A file appears whole or not at all (written to a hidden temporary file beside it, flushed,
then renamed into place), so a reader never sees half a snapshot. The folder keeps only the
latest data of each key; a version id is the digest of the data stored, so putting the same
bytes twice gives the same id (S3 gives a new one each time).

Keys are checked by ``check_key``, which the S3 adapter uses too: no key can name a path
outside the folder.
"""

from __future__ import annotations

import builtins
import contextlib
import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Final

_PART: Final = re.compile(r"[A-Za-z0-9_=+-][A-Za-z0-9._=+-]*")
_MAX_KEY: Final = 1024
"""S3's limit on a key, in bytes (all allowed characters are ASCII)."""


def check_key(key: str) -> str:
    """``key`` if it is a valid blob key (see ``sheets_bot.ports.Blobs``), else ``ValueError``."""
    parts = key.split("/")
    if not key or len(key) > _MAX_KEY or not all(_PART.fullmatch(part) for part in parts):
        raise ValueError(
            f"{key!r} is not a blob key: use parts of letters, digits and ._=+- (not starting"
            " with a dot) joined by '/'"
        )
    return key


class FolderBlobs:
    """``Blobs`` in ``folder`` (created when first written to)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __repr__(self) -> str:
        return f"FolderBlobs({str(self.folder)!r})"

    def put(self, key: str, data: bytes, content_type: str) -> str:
        """Store ``data`` under ``key``; a file has no content type, so it is not kept."""
        target = self.folder / check_key(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".put-", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        return hashlib.sha256(data).hexdigest()[:32]

    def get(self, key: str) -> bytes:
        path = self.folder / check_key(key)
        try:
            return path.read_bytes()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            raise KeyError(f"no blob {key!r} in {self.folder}") from None

    def list(self, prefix: str) -> builtins.list[str]:
        if not self.folder.is_dir():
            return []
        keys = []
        for path in self.folder.rglob("*"):
            key = path.relative_to(self.folder).as_posix()
            if key.startswith(prefix) and path.is_file() and _is_key(key):
                keys.append(key)
        return sorted(keys)


def _is_key(key: str) -> bool:
    """False for a temporary file, or anything else not put there by ``put``."""
    try:
        check_key(key)
    except ValueError:
        return False
    return True
