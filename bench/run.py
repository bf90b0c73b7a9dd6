"""``make bench``: every benchmark in turn (parse throughput, ingest time and memory, question latency).

Usage: ``python bench/run.py --corpus ../shared/corpus [--synthetic 1000]``. Figures only, no pass/fail.
Each benchmark is its own script in bench/ and runs in its own process.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def main() -> int:
    """Run bench/parse.py, bench/ingest.py and bench/ask.py where present; return the worst exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--synthetic", type=int, default=1000)
    args = parser.parse_args()
    steps = [
        ("parse", ["--corpus", str(args.corpus)]),
        ("ingest", ["--corpus", str(args.corpus), "--synthetic", str(args.synthetic)]),
        ("ask", []),
    ]
    worst = 0
    for name, arguments in steps:
        script = BENCH / f"{name}.py"
        if not script.exists():
            continue
        print(f"== {name}", flush=True)
        worst = max(worst, subprocess.call([sys.executable, str(script), *arguments]))
    return worst


if __name__ == "__main__":
    sys.exit(main())
