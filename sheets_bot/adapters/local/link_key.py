"""The key that signs the digest's links on this machine: 32 random bytes, made once.

It lives in the state folder, readable by its owner only (0600), created with ``O_EXCL`` so
two first runs at once cannot each write their own. Anyone who can read it can make working
links: it is as private as the ledger beside it.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sheets_bot.adapters.local.private_files import private_dir
from sheets_bot.domain.tokens import MIN_KEY_BYTES

KEY_FILE = "link-key"


def local_link_key(state_dir: Path) -> bytes:
    path = state_dir / KEY_FILE
    if not path.exists():
        private_dir(state_dir)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(secrets.token_bytes(MIN_KEY_BYTES))
    key = path.read_bytes()
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"{path} is too short to be a link key: delete it to make a new one")
    return key
