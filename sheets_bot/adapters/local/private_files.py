"""The state folder and its files are its owner's alone: the ledger, the audit log, the link key
and the inbound mail are as private as each other.

A new state folder is made 0700; the SQLite database (and the ``-wal`` and ``-shm`` files SQLite
keeps beside it) 0600, like ``link-key``. A database an older release left 0644 is tightened
when it is next opened.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def private_dir(path: Path) -> Path:
    """``path`` as a folder, made 0700 (its parents too) when this creates it."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:
            continue
    return path


def private_file(path: Path) -> Path:
    """``path`` as a file only its owner can read and write: created empty 0600 when missing,
    tightened when it exists (group and others lose every bit)."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            os.chmod(path, mode & PRIVATE_FILE)
    else:
        os.close(descriptor)
    return path


def tighten(path: Path) -> None:
    """``private_file`` for a file that may not exist (SQLite's ``-wal`` and ``-shm``)."""
    if path.exists():
        private_file(path)
