"""What goes into the Lambda packages, and how big they are.

The eight functions share one dependency layer (``DependenciesLayer`` in infra/template.yaml);
each function's own zip is sheets-bot and the handlers. ``make`` builds both through
``sam build`` (``build-DependenciesLayer`` and ``build-<Function>``), and calls ``trim`` here on
the layer so the build and the size check leave out the same things:

* ``boto3``, ``botocore`` and ``s3transfer``: the Lambda Python runtime provides them;
* fontTools' compiled speed-ups (``*.so``) and their C sources: fontTools ships the same modules
  as pure Python beside them and falls back to those; fpdf2 only subsets the odd font;
* ``__pycache__`` folders and console scripts (``bin``).

``size`` measures without the network or the SAM CLI: it zips, into a temporary file, the
files the installed distributions list in their RECORD (the runtime dependencies of
pyproject.toml, followed through their requirements) less what ``trim`` removes, and the
sheets-bot package less ``sheets_bot/testing``. The wheels installed here are this machine's
(x86_64); the arm64 ones Lambda gets differ by a few percent in their compiled parts.

    python tools/lambda_package.py size      # prints the sizes, fails above the limits
    python tools/lambda_package.py trim DIR  # after pip install --target DIR (the build)
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
import tomllib
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Final

ROOT: Final = Path(__file__).resolve().parent.parent
RUNTIME_PROVIDED: Final = frozenset({"boto3", "botocore", "s3transfer"})
"""Distributions the Lambda Python runtime already has."""
FUNCTION_ZIP_LIMIT_MB: Final = 25.0
"""The target for one function's zip (its code and the layer together)."""
UNZIPPED_LIMIT_MB: Final = 250.0
"""Lambda's own limit: a function and its layers, unzipped."""
_SPEEDUP: Final = re.compile(r"^fontTools/.+\.(so|pyd|c)$")
_NAME: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*")


def dropped(path: PurePosixPath) -> bool:
    """Whether a file at ``path`` (relative to site-packages) is left out of the layer."""
    top = path.parts[0] if path.parts else ""
    return (
        "__pycache__" in path.parts
        or top in ("bin", "..")
        or any(top == name or top.startswith(f"{name}-") for name in RUNTIME_PROVIDED)
        or bool(_SPEEDUP.match(str(path)))
    )


def trim(target: Path) -> int:
    """Remove from an installed ``target`` (pip install --target) what ``dropped`` names;
    return the bytes removed."""
    removed = 0
    for path in sorted(target.rglob("*"), reverse=True):
        relative = PurePosixPath(path.relative_to(target).as_posix())
        if path.is_file() and dropped(relative):
            removed += path.stat().st_size
            path.unlink()
    for folder in sorted((p for p in target.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    for name in RUNTIME_PROVIDED:
        for leftover in target.glob(f"{name}*"):
            shutil.rmtree(leftover, ignore_errors=True)
    return removed


def runtime_requirements(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    return [str(r) for r in data["project"]["dependencies"]]


def _name(requirement: str) -> str | None:
    """The distribution a requirement names, or None if it applies only with an extra or on
    another platform (``; extra == "socks"``)."""
    text, _, marker = requirement.partition(";")
    if "extra ==" in marker or 'sys_platform == "win32"' in marker:
        return None
    found = _NAME.match(text.strip())
    return found.group(0) if found else None


def closure(requirements: Iterable[str]) -> list[metadata.Distribution]:
    """The installed distributions ``requirements`` need, followed through their own."""
    seen: dict[str, metadata.Distribution] = {}
    pending = [name for name in map(_name, requirements) if name]
    while pending:
        name = pending.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in seen or key in RUNTIME_PROVIDED:
            continue
        distribution = metadata.distribution(name)
        seen[key] = distribution
        pending += [n for n in map(_name, distribution.requires or []) if n]
    return sorted(seen.values(), key=lambda d: d.metadata["Name"].lower())


def layer_files(distributions: Iterable[metadata.Distribution]) -> Iterator[tuple[Path, str]]:
    """(file on disk, path in the layer's ``python/`` folder) of what the layer holds."""
    for distribution in distributions:
        for file in distribution.files or []:
            relative = PurePosixPath(str(file))
            if dropped(relative):
                continue
            located = Path(str(distribution.locate_file(file)))
            if located.is_file():
                yield located, f"python/{relative}"


def function_files() -> Iterator[tuple[Path, str]]:
    """sheets-bot (without its test fakes) and the handlers, as one function's zip holds them."""
    for folder in ("sheets_bot", "sheet_templates", "lambdas"):
        for path in sorted((ROOT / folder).rglob("*")):
            relative = path.relative_to(ROOT)
            if not path.is_file() or "__pycache__" in relative.parts:
                continue
            if relative.parts[:2] == ("sheets_bot", "testing"):
                continue
            yield path, relative.as_posix()


@dataclass(frozen=True)
class Size:
    files: int
    unzipped_mb: float
    zipped_mb: float


def zipped(files: Iterable[tuple[Path, str]]) -> Size:
    """Zip ``files`` into a temporary file (deflate, as sam build does) and measure it."""
    count = raw = 0
    with tempfile.TemporaryDirectory() as folder:
        archive = Path(folder) / "package.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
            for path, name in files:
                out.write(path, name)
                count += 1
                raw += path.stat().st_size
        return Size(count, raw / 1e6, archive.stat().st_size / 1e6)


def sizes() -> dict[str, Size]:
    distributions = closure(runtime_requirements())
    return {"layer": zipped(layer_files(distributions)), "function": zipped(function_files())}


def main(argv: list[str]) -> int:
    if argv[:1] == ["trim"] and len(argv) == 2:
        removed = trim(Path(argv[1]))
        print(f"trimmed {removed / 1e6:.1f} MB from {argv[1]}")
        return 0
    if argv[:1] != ["size"]:
        print(__doc__, file=sys.stderr)
        return 2
    found = sizes()
    layer, function = found["layer"], found["function"]
    report = {
        "layer_zip_mb": round(layer.zipped_mb, 1),
        "layer_unzipped_mb": round(layer.unzipped_mb, 1),
        "function_zip_mb": round(function.zipped_mb, 2),
        "function_unzipped_mb": round(function.unzipped_mb, 1),
        "per_function_mb": round(layer.zipped_mb + function.zipped_mb, 1),
        "limit_mb": FUNCTION_ZIP_LIMIT_MB,
    }
    print(json.dumps(report))
    over = layer.zipped_mb + function.zipped_mb > FUNCTION_ZIP_LIMIT_MB or (
        layer.unzipped_mb + function.unzipped_mb > UNZIPPED_LIMIT_MB
    )
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
