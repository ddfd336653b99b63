"""How well forwarded files are read: each export format in tests/intake/vendor_exports.py is
forwarded to the sample café (memory sheet) and its Proposed rows compared with what a correct
reading proposes.

Per file: ``matched`` changes proposed for the right item with the right value, ``wrong`` ones
proposed for the wrong item or with a wrong value, ``missed`` expected changes not proposed,
``unmatched`` rows listed as unmatched (``expected`` of those in brackets), and the time to
ingest the message. ``--json`` prints one object instead.

    python benchmarks/intake_accuracy.py
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sheets_bot.adapters.local.folder_blobs import FolderBlobs
from sheets_bot.intake.columns import Field
from sheets_bot.services.ingest import ingest_message
from sheets_bot.sheet.layout import PROPOSED
from tests.email.mail import forward
from tests.intake.vendor_exports import ALL, VendorFile
from tests.services.harness import Shop


def measure(sample: VendorFile, blobs_dir: Path) -> dict[str, object]:
    shop = Shop.sample()
    raw = forward((sample.filename, sample.data), body=sample.body)
    started = time.perf_counter()
    ingest_message(shop.adapters, FolderBlobs(blobs_dir), raw)
    elapsed = time.perf_counter() - started
    proposed: dict[tuple[str, Field], Decimal] = {}
    unmatched = 0
    for row in shop.rows(PROPOSED):
        if str(row["Status"] or "").startswith("unmatched"):
            unmatched += 1
        elif row["Field"]:
            proposed[(str(row["SKU"]), Field(str(row["Field"])))] = Decimal(str(row["Proposed"]))
    matched = sum(1 for key, value in proposed.items() if sample.expected.get(key) == value)
    return {
        "vendor": sample.vendor,
        "file": sample.filename,
        "matched": matched,
        "wrong": len(proposed) - matched,
        "missed": sum(1 for key in sample.expected if key not in proposed),
        "unmatched": unmatched,
        "unmatched_expected": sample.unknown,
        "ms": round(elapsed * 1000, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="one JSON object")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        results = [measure(sample, Path(folder) / str(n)) for n, sample in enumerate(ALL)]
    totals = {
        key: sum(int(str(result[key])) for result in results)
        for key in ("matched", "wrong", "missed", "unmatched", "unmatched_expected")
    }
    if args.json:
        print(json.dumps({"files": results, "totals": totals}, indent=2))
        return 0
    print(f"{'Format':<44} {'matched':>7} {'wrong':>5} {'missed':>6} {'unmatched':>11} {'ms':>6}")
    for result in results:
        unmatched = f"{result['unmatched']} ({result['unmatched_expected']})"
        print(
            f"{result['vendor']:<44} {result['matched']:>7} {result['wrong']:>5}"
            f" {result['missed']:>6} {unmatched:>11} {result['ms']:>6}"
        )
    unmatched_total = f"{totals['unmatched']} ({totals['unmatched_expected']})"
    print(
        f"{'total, ' + str(len(results)) + ' files':<44} {totals['matched']:>7}"
        f" {totals['wrong']:>5} {totals['missed']:>6} {unmatched_total:>11}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
