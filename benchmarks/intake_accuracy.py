"""How well forwarded counts are read: every message of ``tests/intake/corpus.py`` (the
vendors' documented layouts and quirks, and the mail-level cases) is forwarded to the sample
café (memory sheet) and its Proposed rows compared with what a correct reading proposes.

Per value: ``exact`` (the right item, the right value), ``wrong`` (a value proposed for the
wrong item, a wrong value, or a value where none is right), ``missing`` (expected, not
proposed); ``unwarned`` counts the wrong values shown without a visible warning (Status blank
and Confidence at or above 0.8) — the ones an owner would apply with one tap. ``refused``
counts files refused as unreadable (as a correct reading must for some: the expected number
in brackets), ``told`` whether the owner was
told what the case needs (the locations found, "no count found", the refused file's name).

    python benchmarks/intake_accuracy.py [--json] [--verbose]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from decimal import Decimal, InvalidOperation
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sheets_bot.adapters.local.folder_blobs import FolderBlobs
from sheets_bot.services.ingest import ingest_message
from sheets_bot.sheet.layout import PROPOSED
from tests.email.mail import forward
from tests.intake.corpus import CASES, Case
from tests.services.harness import Shop

WARN_BELOW = 0.8
"""A Confidence under this is shown as uncertain, as is any Status."""


def _set(shop: Shop, key: str, value: str) -> None:
    grid = shop.sheet.tabs["Settings"]
    for row in grid[1:]:
        if row and row[0] == key:
            row[1] = value
            return
    grid.append([key, value])


def _decimal(value: object) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def measure(case: Case, blobs_dir: Path) -> dict[str, object]:
    shop = Shop.sample()
    for setting, text in case.settings:
        _set(shop, setting, text)
    blobs = FolderBlobs(blobs_dir)
    for number, files in enumerate(case.earlier):
        earlier = forward(*files, message_id=f"<earlier-{number}@cornercafe.example>")
        ingest_message(shop.intake_ports(blobs), earlier)
    before = len(shop.rows(PROPOSED))
    raw = forward(*case.files, body=case.body)
    report = ingest_message(shop.intake_ports(blobs), raw)
    exact = wrong = unwarned = 0
    seen: set[tuple[str, str]] = set()
    wrong_rows: list[str] = []
    for row in shop.rows(PROPOSED)[before:]:
        status = str(row.get("Status") or "")
        if not row.get("Field") or status.startswith(("unmatched", "unreadable", "not proposed")):
            continue
        key = (str(row["SKU"]), str(row["Field"]))
        seen.add(key)
        expected = {(sku, field.value): value for (sku, field), value in case.expected.items()}
        if expected.get(key) == _decimal(row["Proposed"]):
            exact += 1
            continue
        wrong += 1
        confidence = _decimal(row.get("Confidence")) or Decimal(0)
        if not status and confidence >= Decimal(str(WARN_BELOW)):
            unwarned += 1
        wrong_rows.append(f"{key[0]} {key[1]} = {row['Proposed']} ({confidence}, {status!r})")
    expected_keys = {(sku, field.value) for sku, field in case.expected}
    refused = sum(
        1 for file in report.files if file.outcome.value in ("unreadable", "needs AI parsing")
    )
    said = " ".join(
        [file.problem for file in report.files]
        + [note for file in report.files for note in file.notes]
        + [file.name for file in report.files if file.problem]
    )
    return {
        "case": case.name,
        "expected": len(case.expected),
        "exact": exact,
        "wrong": wrong,
        "unwarned": unwarned,
        "missing": len(expected_keys - seen),
        "refused": refused,
        "refused_expected": case.refused_files,
        "told": (case.told in said) if case.told else None,
        "wrong_rows": wrong_rows,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="one JSON object")
    parser.add_argument("--verbose", action="store_true", help="list every wrong value")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        results = [measure(case, Path(folder) / str(n)) for n, case in enumerate(CASES)]
    totals: dict[str, object] = {
        key: sum(int(str(result[key])) for result in results)
        for key in ("expected", "exact", "wrong", "unwarned", "missing", "refused")
    }
    told = [result["told"] for result in results if result["told"] is not None]
    totals["told"] = f"{sum(1 for t in told if t)}/{len(told)}"
    totals["messages"] = len(results)
    expected = int(str(totals["expected"]))
    totals["exact_pct"] = round(100 * int(str(totals["exact"])) / expected, 1) if expected else 0
    if args.json:
        print(json.dumps({"cases": results, "totals": totals}, indent=2))
        return 0
    print(
        f"{'Message':<66} {'exp':>3} {'exact':>5} {'wrong':>5} {'unwarn':>6} {'miss':>4}"
        f" {'refused':>7} told"
    )
    for r in results:
        told_text = "" if r["told"] is None else ("yes" if r["told"] else "NO")
        print(
            f"{str(r['case'])[:66]:<66} {r['expected']:>3} {r['exact']:>5} {r['wrong']:>5}"
            f" {r['unwarned']:>6} {r['missing']:>4} {r['refused']!s:>3} ({r['refused_expected']})"
            f" {told_text}"
        )
        if args.verbose:
            for line in r["wrong_rows"]:  # type: ignore[attr-defined]
                print(f"    wrong: {line}")
    print(
        f"{'total, ' + str(len(results)) + ' messages':<66} {totals['expected']!s:>3}"
        f" {totals['exact']!s:>5} {totals['wrong']!s:>5} {totals['unwarned']!s:>6}"
        f" {totals['missing']!s:>4} {totals['refused']!s:>7} {totals['told']}"
    )
    print(f"exact: {totals['exact_pct']}% of expected values")
    return 0


if __name__ == "__main__":
    sys.exit(main())
