"""The noted formula results are used only while the file and the formula are unchanged."""

from __future__ import annotations

from pathlib import Path

from sheets_bot.adapters.local.formula_results import FormulaResults


def test_round_trip_and_staleness(tmp_path: Path) -> None:
    noted = FormulaResults(cells={"Stock": {"2,4": ("=2*2", 4)}})
    noted.save(tmp_path, (111, 222))
    loaded = FormulaResults.load(tmp_path)
    assert loaded.result((111, 222), "Stock", 2, 4, "=2*2") == 4
    assert loaded.result((111, 223), "Stock", 2, 4, "=2*2") is None  # the file changed since
    assert loaded.result((111, 222), "Stock", 2, 4, "=2*3") is None  # the formula changed
    assert loaded.result((111, 222), "Stock", 3, 4, "=2*2") is None
    assert loaded.result(None, "Stock", 2, 4, "=2*2") is None


def test_a_missing_or_broken_file_notes_nothing(tmp_path: Path) -> None:
    assert FormulaResults.load(tmp_path).cells == {}
    (tmp_path / "formula-results.json").write_text("{not json")
    assert FormulaResults.load(tmp_path).cells == {}
    FormulaResults().save(tmp_path, None)
    assert not (tmp_path / "formula-results.json").exists()
