"""Ingest wall time and peak memory: ``kb ingest`` of the corpus and of N synthetic documents.

Run alone (``python bench/ingest.py --corpus ../shared/corpus --synthetic 1000``) or through
``bench/run.py`` (which passes only ``--corpus`` and measures its synthetic sizes itself). Each ingest runs as its own ``kb ingest`` child process into a fresh database folder,
so the peak RSS reported (from ``wait4``'s rusage) is that ingest's alone. Figures only, no pass/fail;
the target for 1,000 synthetic documents is ≤ 30 s and ≤ 2 GB.

With ``--synthetic N`` it then profiles adding one new synthetic document to a copy of the N-document store,
in this process: wall and CPU seconds of each ingest stage (``IngestSummary.stages`` / ``cpu_stages``) and
of each part of the question index (``kb.query.index.build_query_index``), the same work ``kb ingest FILE``
does after its start (``add_one_profile``).
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


def add_one_profile(db: Path, work: Path, seed: int = 1001) -> dict:
    """Add one new synthetic document to a copy of the store ``db``, in this process, stage by stage.

    Returns:
        {"stages": wall s per ingest stage, "cpu_stages": CPU s per stage (this process; the parse worker's
        not counted), "index": wall s per question-index part, "index_cpu": CPU s of the whole index,
        "written": what the delta wrote, "summary": the kb ingest line}.
    """
    import shutil

    from kb.ingest import ingest_paths
    from kb.query.index import build_query_index
    from kb.store import open_store
    from kb.synth import generate_corpus

    extra = work / "add-one-document"
    generate_corpus(1, extra, seed=seed)
    copy = work / "add-one-store"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(db, copy)
    with open_store(copy) as store:
        summary = ingest_paths(sorted(extra.glob("*.txt")), store)
        cpu = time.process_time()
        index = build_query_index(store)
        index_cpu = time.process_time() - cpu
    shutil.rmtree(copy, ignore_errors=True)
    return {"stages": summary.stages, "cpu_stages": summary.cpu_stages, "index": index,
            "index_cpu": round(index_cpu, 2), "written": summary.written, "summary": summary.describe()}


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
        profile = results[f"add one to synthetic_{synthetic}"] = add_one_profile(work / "synthetic-db", work)
        print(f"add one document to the {synthetic}-document store, in process (wall s / CPU s per stage): " +
              ", ".join(f"{stage} {seconds:.2f}/{profile['cpu_stages'].get(stage, 0.0):.2f}"
                        for stage, seconds in profile["stages"].items()) +
              f"; question index {sum(profile['index'].values()):.2f} s wall / {profile['index_cpu']:.2f} s CPU "
              f"({', '.join(f'{part} {seconds:.2f}' for part, seconds in profile['index'].items())}); "
              f"written {profile['written']}")
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
