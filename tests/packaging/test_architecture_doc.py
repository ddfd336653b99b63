"""The architecture document is in the repository, linked from the README, and names every
port: a clone needs nothing from outside itself to find its way around."""

from __future__ import annotations

import inspect
import re
import subprocess
from pathlib import Path
from typing import Protocol

from sheets_bot import ports

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "architecture.md"


def _protocols() -> list[str]:
    return [
        name
        for name, value in vars(ports).items()
        if inspect.isclass(value)
        and value.__module__ == ports.__name__
        and Protocol in getattr(value, "__mro__", ())
    ]


def test_the_readme_links_the_architecture_document() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](docs/architecture.md)" in readme
    assert DOC.is_file()


def test_every_port_has_its_line_in_the_ports_table() -> None:
    listed = set(re.findall(r"^\| `(\w+)` \|", DOC.read_text(encoding="utf-8"), re.MULTILINE))
    protocols = set(_protocols())
    assert len(protocols) >= 16
    assert protocols - listed == set(), "ports missing from docs/architecture.md"
    assert listed - protocols == set(), "the table names ports that no longer exist"


def test_no_tracked_file_points_outside_the_repository() -> None:
    """A clone has only the repository: no link or quoted path may lead out of it."""
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    outside = []
    for name in tracked:
        if not name.endswith((".md", ".toml", ".yaml", ".txt")):
            continue
        text = (ROOT / name).read_text(encoding="utf-8", errors="replace")
        for target in re.findall(r"(?:\]\(|`)((?:\.\./)+[^)`\s#]+)", text):
            resolved = ((ROOT / name).parent / target).resolve()
            if not resolved.is_relative_to(ROOT.resolve()):
                outside.append(f"{name}: {target}")
    assert outside == []
