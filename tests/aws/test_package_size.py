"""The Lambda packages stay small: one shared dependency layer without what the runtime has,
each function's zip only sheets-bot and the handlers (tools/lambda_package.py, make
package-size); the build and the check leave out the same files."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from tools.lambda_package import (
    FUNCTION_ZIP_LIMIT_MB,
    UNZIPPED_LIMIT_MB,
    closure,
    dropped,
    function_files,
    main,
    runtime_requirements,
    sizes,
    trim,
)


def test_a_function_and_the_layer_zip_under_the_limit() -> None:
    found = sizes()
    layer, function = found["layer"], found["function"]
    assert layer.zipped_mb + function.zipped_mb < FUNCTION_ZIP_LIMIT_MB
    assert layer.unzipped_mb + function.unzipped_mb < UNZIPPED_LIMIT_MB
    assert function.zipped_mb < 2  # the code itself; the dependencies are the layer's


def test_the_runtimes_boto3_is_not_packed_but_what_it_lacks_is() -> None:
    names = {
        re.sub(r"[-_.]+", "-", d.metadata["Name"]).lower() for d in closure(runtime_requirements())
    }
    assert {"boto3", "botocore", "s3transfer"}.isdisjoint(names)
    assert {"fpdf2", "fonttools", "gspread", "pydantic", "aws-lambda-powertools"} <= names


def test_the_fakes_are_not_in_a_function() -> None:
    names = [name for _, name in function_files()]
    assert "lambdas/poll_decisions.py" in names
    assert "sheets_bot/services/poll.py" in names
    assert not [name for name in names if name.startswith("sheets_bot/testing/")]


def test_trim_leaves_out_what_the_size_check_leaves_out(tmp_path: Path) -> None:
    kept = ["fontTools/cu2qu/cu2qu.py", "fpdf/fpdf.py", "urllib3/__init__.py"]
    gone = [
        "boto3/__init__.py",
        "botocore/data/endpoints.json",
        "botocore-1.35.0.dist-info/RECORD",
        "s3transfer/manager.py",
        "fontTools/cu2qu/cu2qu.cpython-312-aarch64-linux-gnu.so",
        "fontTools/cu2qu/cu2qu.c",
        "fpdf/__pycache__/fpdf.cpython-312.pyc",
        "bin/fonttools",
    ]
    for name in kept + gone:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * 10)

    assert trim(tmp_path) == 10 * len(gone)

    left = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert left == sorted(kept)
    assert all(dropped(PurePosixPath(name)) for name in gone)
    assert not any(dropped(PurePosixPath(name)) for name in kept)


def test_the_command_refuses_what_it_does_not_know() -> None:
    assert main(["pack"]) == 2
