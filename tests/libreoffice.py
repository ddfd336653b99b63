"""LibreOffice Calc, headless, for tests that need the owner's real tool to open and save a
workbook (it computes every formula on the way). Tests that use it skip where it is absent."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice")
needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed"
)


def resave_in_libreoffice(path: Path, profile: Path) -> Path:
    """Open ``path`` in LibreOffice and save it as .xlsx; the saved copy's path (beside it,
    in ``libreoffice-out/``). ``profile`` is a fresh user profile for this test."""
    assert SOFFICE is not None
    out = path.parent / "libreoffice-out"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return out / path.name
