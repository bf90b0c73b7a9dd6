"""Ingest wall time and peak memory: ``kb ingest`` of the corpus and of N synthetic documents.

Run alone (``python bench/ingest.py --corpus ../shared/corpus --synthetic 1000``) or through
``bench/run.py`` (which passes only ``--corpus`` and measures its synthetic sizes itself). Each ingest runs as its own ``kb ingest`` child process into a fresh database folder,
so the peak RSS reported (from ``wait4``'s rusage) is that ingest's alone. Figures only, no pass/fail;
the target for 1,000 synthetic documents is ≤ 30 s and ≤ 2 GB.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS, TARGET_MB = 30.0, 2048.0


def timed_ingest(paths: list[Path], db: Path) -> dict:
    """Run ``kb ingest PATHS --db DB`` in a child process.

    Returns:
        {"seconds": wall time, "peak_mb": the child's peak resident memory in MB, "exit": exit code,
         "summary": the last line kb printed}.
    """
    command = [sys.executable, "-m", "kb.cli", "ingest", *map(str, paths), "--db", str(db)]
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    lines = [line for line in output.strip().splitlines() if line.startswith("导入")] or output.strip().splitlines()
    return {"seconds": round(seconds, 2), "peak_mb": round(usage.ru_maxrss / 1024, 1),
            "exit": os.waitstatus_to_exitcode(status), "summary": lines[-1] if lines else ""}


def run(corpus: Path, synthetic: int, work: Path) -> dict:
    """Benchmark the corpus, then (if ``synthetic`` > 0) that many documents from ``kb synth``; print a line each."""
    results = {}
    results["corpus"] = timed_ingest([corpus], work / "corpus-db")
    results["corpus again (unchanged: a no-op)"] = timed_ingest([corpus], work / "corpus-db")
    if synthetic:
        from kb.synth import generate_corpus

        generate_corpus(synthetic, work / "synthetic", seed=0)
        results[f"synthetic_{synthetic}"] = timed_ingest([work / "synthetic"], work / "synthetic-db")
    for name, result in results.items():
        print(f"ingest {name}: {result['seconds']:.1f} s wall, peak {result['peak_mb']:.0f} MB RSS, exit "
              f"{result['exit']}  ({result['summary']})")
    if synthetic:
        print(f"  target for 1,000 synthetic documents: ≤ {TARGET_SECONDS:.0f} s, ≤ {TARGET_MB:.0f} MB")
    return results


def main() -> None:
    """Command line: --corpus DIR [--synthetic N] [--json]."""
    sys.path.insert(0, str(ROOT))
    from bench.cli import corpus_arguments, print_json

    args = corpus_arguments(__doc__.splitlines()[0], None, 0,
                            "synthetic documents to ingest too (bench/run.py does its own sizes)")
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as work:
        results = run(args.corpus, args.synthetic, Path(work))
    print_json(results, args.json)


if __name__ == "__main__":
    main()
