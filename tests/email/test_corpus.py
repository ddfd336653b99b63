"""Every message of the benchmark corpus (tests/intake/corpus.py) through the intake: each
case proposes exactly its values, nothing wrong, and tells the owner what it must."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.intake_accuracy import measure
from tests.intake.corpus import CASES, Case


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_corpus_case_is_read_exactly(case: Case, tmp_path: Path) -> None:
    result = measure(case, tmp_path / "blobs")
    assert result["wrong_rows"] == []
    assert (result["exact"], result["missing"]) == (len(case.expected), 0)
    assert result["refused"] == case.refused_files
    if case.told:
        assert result["told"], f"the owner is told {case.told!r}"


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40
