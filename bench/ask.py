"""Benchmark ``kb ask``: whole-process latency from the shell (target ≤ 1.5 s) and in-process p50/p95 over the
researcher questions and a conversation (target p95 ≤ 150 ms).

Used by ``make bench`` (bench/run.py runs this file with ``--db``); also runs alone:
``python bench/ask.py [--db DIR]`` (without --db it ingests ../shared/corpus into a temporary folder).
The first in-process pass (gazetteer and classifier load) is a warm-up and is reported separately; the
shell runs are timed after one untimed run (which builds ``<db>/query-index.pkl`` when it is missing).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
TARGET_P95_MS = 150.0
TARGET_SHELL_S = 1.5
SHELL_QUESTIONS = ["荣昌区社会保险事务中心2026年的项目支出是多少？", "渝委办发〔2019〕66号支持了哪些项目？", "綦江有几个项目？"]
EXTRA_QUESTIONS = ["渝委辦發〔2019〕66號支持了哪些項目？", "荣昌2026年项目支出多少", "那綦江呢？", "哪些项目的指标涉及冒领？",
                   "企业军转干部生活补助在各区县分别是多少？", "渝人社发的文件支持了哪些项目？"]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def run(store, repeats: int = 5) -> dict:
    """Time ``kb.query.ask.ask`` on every question of questions.json plus a few variants.

    Args:
        store: an open store holding the ingested corpus.
        repeats: timed passes over the questions after one warm-up pass.

    Returns:
        {"questions", "timed_calls", "warmup_ms", "p50_ms", "p95_ms", "max_ms", "target_p95_ms", "within_target"}.
    """
    from kb.core.errors import UnanswerableQuestion
    from kb.query.ask import ask

    questions = [case["question"] for case in json.loads((SHARED / "questions.json").read_text(encoding="utf-8"))]
    questions += EXTRA_QUESTIONS

    def one(question: str, previous):
        try:
            return ask(store, question, previous=previous)
        except UnanswerableQuestion:
            return None

    started = time.perf_counter()
    previous = None
    for question in questions:
        previous = one(question, previous) or previous
    warmup_ms = (time.perf_counter() - started) * 1000
    timings = []
    for _ in range(repeats):
        previous = None
        for question in questions:
            began = time.perf_counter()
            previous = one(question, previous) or previous
            timings.append((time.perf_counter() - began) * 1000)
    result = {
        "questions": len(questions), "timed_calls": len(timings), "warmup_ms": round(warmup_ms, 1),
        "p50_ms": round(statistics.median(timings), 1), "p95_ms": round(_percentile(timings, 0.95), 1),
        "max_ms": round(max(timings), 1), "target_p95_ms": TARGET_P95_MS,
    }
    result["within_target"] = result["p95_ms"] <= TARGET_P95_MS
    print(f"kb ask: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms over {len(timings)} calls "
          f"(target p95 ≤ {TARGET_P95_MS:.0f} ms; warm-up {result['warmup_ms']} ms)")
    return result


def shell_latency(db: Path, runs: int = 3) -> dict:
    """Whole-process ``python -m kb.cli ask QUESTION --db DB`` wall time (seconds), median and max over
    ``runs`` runs of each of ``SHELL_QUESTIONS``, after one untimed run."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    command = [sys.executable, "-m", "kb.cli", "ask", "", "--db", str(db)]

    cpu_times: list[float] = []

    def once(question: str) -> float:
        command[4] = question
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.perf_counter()
        subprocess.run(command, capture_output=True, env=env, check=False, timeout=300)
        wall = time.perf_counter() - began
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu_times.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        return wall

    once(SHELL_QUESTIONS[0])
    cpu_times.clear()
    timings = [once(question) for _ in range(runs) for question in SHELL_QUESTIONS]
    result = {"runs": len(timings), "median_s": round(statistics.median(timings), 2), "max_s": round(max(timings), 2),
              "median_cpu_s": round(statistics.median(cpu_times), 2), "load_average": round(os.getloadavg()[0], 1),
              "target_s": TARGET_SHELL_S}
    result["within_target"] = result["median_s"] <= TARGET_SHELL_S
    print(f"kb ask from the shell: median {result['median_s']} s wall, {result['median_cpu_s']} s CPU, max "
          f"{result['max_s']} s over {len(timings)} runs (target ≤ {TARGET_SHELL_S} s; load average "
          f"{result['load_average']} on {os.cpu_count()} cores: wall time grows with it, CPU time hardly)")
    return result


def main() -> None:
    """Command line: benchmark a database folder, or the corpus ingested into a temporary one."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, help="an ingested database folder (default: ingest the corpus)")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    from kb.store import open_store

    if args.db:
        with open_store(args.db) as store:
            run(store, args.repeats)
        shell_latency(args.db)
        return
    from kb.ingest import ingest_paths

    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "kb-data") as store:
        ingest_paths([SHARED / "corpus"], store)
        run(store, args.repeats)


if __name__ == "__main__":
    main()
