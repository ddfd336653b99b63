"""What ships: the wheel (and so every Lambda zip, which ``make deploy`` fills with
``pip install --no-deps .`` plus ``lambdas/``) holds the product and none of the test fakes.

The fakes in ``sheets_bot.testing`` import dev-only packages (``responses``); the tests and
benchmarks import them from the source tree, which the package build leaves them out of.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("pyproject.toml", "README.md", "sheets_bot", "sheet_templates")
DEV_ONLY = ("sheets_bot.testing", "responses", "pytest", "moto", "playwright", "tests")
"""Modules the shipped code must not import: the fakes and the dev extra's packages."""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from a copy of the source tree, offline (no build isolation, no index),
    so the build leaves nothing behind in the checkout."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build")
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=ignore)
        else:
            shutil.copy2(path, source / name)
    out = work / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--wheel-dir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    [built] = out.glob("sheets_bot-*.whl")
    return built


@pytest.fixture(scope="module")
def unpacked(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("unpacked")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    return target


def test_the_wheel_holds_the_product_and_not_the_fakes(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())

    assert not [name for name in names if name.startswith("sheets_bot/testing")]
    for shipped in (
        "sheets_bot/cli.py",
        "sheets_bot/services/check.py",
        "sheets_bot/adapters/aws/wiring.py",
        "sheet_templates/layout.toml",
    ):
        assert shipped in names, f"{shipped} is missing from the wheel"
    assert any(name.startswith("sheets_bot/cost/") and name.endswith(".toml") for name in names)


def _imports(path: Path, package: str) -> Iterator[tuple[int, str]]:
    """(line, module) of every import the module makes at run time: imports under
    ``if TYPE_CHECKING:`` are for the type checker only and skipped."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            yield node.lineno, module
            yield from ((node.lineno, f"{module}.{alias.name}") for alias in node.names)
        stack.extend(ast.iter_child_nodes(node))


def _dev_only(module: str) -> bool:
    return any(module == name or module.startswith(f"{name}.") for name in DEV_ONLY)


def test_nothing_shipped_imports_the_fakes_or_a_dev_only_package(unpacked: Path) -> None:
    """Every module of the wheel, and the Lambda handlers the zip adds beside it."""
    shipped = [*unpacked.glob("sheets_bot/**/*.py"), *(ROOT / "lambdas").glob("**/*.py")]
    assert len(shipped) > 100
    found = []
    for path in shipped:
        base = unpacked if path.is_relative_to(unpacked) else ROOT
        relative = path.relative_to(base).with_suffix("")
        parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
        package = ".".join(relative.parts[:-1]) if relative.name != "__init__" else ".".join(parts)
        found += [
            f"{relative}.py:{line} imports {module}"
            for line, module in _imports(path, package)
            if _dev_only(module)
        ]

    assert found == []


def test_every_shipped_module_imports_without_the_fakes(unpacked: Path) -> None:
    """Imported from the unpacked wheel alone, with the dev-only packages made unimportable:
    what a Lambda runtime has."""
    blocked = ", ".join(repr(name) for name in DEV_ONLY)
    script = f"""
import importlib, pkgutil, sys
sys.path.insert(0, {str(unpacked)!r})
for name in ({blocked}):
    sys.modules[name] = None
import sheets_bot
assert sheets_bot.__file__.startswith({str(unpacked)!r}), sheets_bot.__file__
for module in pkgutil.walk_packages(sheets_bot.__path__, "sheets_bot."):
    importlib.import_module(module.name)
print("imported", len(list(pkgutil.walk_packages(sheets_bot.__path__))))
"""
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=unpacked, capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("imported")
