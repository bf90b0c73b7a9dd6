"""``make bench``: performance figures of budget-kb (figures only, no pass/fail).

Prints, as Markdown: the machine; parse MB/s on the corpus and on a 36 MB concatenation (bench/parse.py);
``kb ingest`` wall time and peak RSS (child process, os.wait4) for the corpus and for 250, 1,000 and
10,000 synthetic documents (``kb synth``) on the embedded store, the 10,000 / 1,000 ratio, and the
incremental figures: adding one new document to the 1,000- and 10,000-document stores (``kb ingest`` of
one file into a copy of each store) and re-ingesting an unchanged corpus (a no-op); ``kb check`` recall
on the planted contradictions of the 1,000-document store; then the figures of the other benches, each
run as a child if present: bench/ingest.py, bench/link_quality.py and bench/isolation.py (``--corpus DIR``),
bench/ask.py and bench/question_set.py (``--db`` the ingested corpus), bench/real_documents.py (scores on
tests/data/real/, dev and holdout), bench/project_filter.py (the learned project filter's projects F1,
5-fold cross-validated by document, per group), bench/neo4j_ingest.py (the corpus and 1,000 synthetic documents on the
embedded store and on the Neo4j server ``make bench`` starts).

Environment: ``KB_BENCH_10000=0`` leaves out the 10,000-document run; ``KB_BENCH_TIMEOUT`` (seconds, default
3600) bounds each child. The other benches get ``KB_BENCH_WORK`` (scratch folder), ``KB_BENCH_SYNTH``
(JSON {size: folder with truth.json}), ``KB_BENCH_CORPUS_DB`` and ``KB_BENCH_SYNTH_DB`` (ingested stores).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.parse import (concatenation_throughput, corpus_throughput, run_child, synthetic_throughput,  # noqa: E402
                         target_line)

TIMEOUT = float(os.environ.get("KB_BENCH_TIMEOUT", "3600"))
OTHER_BENCHES = ("ingest", "link_quality", "ask", "question_set", "real_documents", "project_filter", "isolation",
                 "neo4j_ingest")
TARGETS = {"1000": "≤ 30 s, peak RSS ≤ 2 GB", "10000": "≤ 8 × the 1,000-document time, peak RSS ≤ 3 GB"}
ADD_ONE_SHARE = 0.10
"""Target of adding one document to an N-document store: ≤ 10 % of the time to ingest the N."""


def machine() -> dict:
    """Cores, memory, CPU model, Python and the git commit benchmarked."""
    import psutil

    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout
    return {"cores": os.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1), "cpu": model,
            "python": platform.python_version(), "commit": commit.strip(),
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def kb_command(*args: str) -> list[str]:
    """The ``kb`` CLI run as a child with this interpreter: ``[python, -m, kb.cli, *args]``."""
    return [sys.executable, "-m", "kb.cli", *args]


def _children_cpu() -> float:
    """CPU seconds (user + system) of every child process reaped so far (``RUSAGE_CHILDREN``)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def ingest(folder: Path, db: Path) -> dict:
    """``kb ingest FOLDER --db DB`` in a child process: wall time, CPU time (the child and the parse workers
    it reaped), peak RSS and its summary line. On a shared machine the CPU time is the steadier figure."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    before = _children_cpu()
    child = run_child(kb_command("ingest", str(folder), "--db", str(db)), TIMEOUT, env)
    summary = next((line for line in child["stdout"].splitlines() if line.startswith("导入")), "")
    error = "" if child["returncode"] == 0 else (child["stderr"].strip().splitlines() or ["failed"])[-1]
    return {"seconds": child["seconds"], "cpu_seconds": _children_cpu() - before,
            "peak_rss_mb": child["peak_rss_mb"], "summary": summary,
            "error": "timed out" if child["timed_out"] else error}


def add_one(size: int, db: Path, work: Path, folder: Path | None = None) -> dict:
    """Add one new synthetic document to a copy of the ``size``-document store ``db``; then ingest it again,
    and then the whole corpus ``folder`` (unchanged: a no-op that only hashes the files).

    Returns:
        {"add": ``ingest`` figures of the new document, "again": figures of re-ingesting it (a no-op),
        "corpus_again": figures of re-ingesting ``folder`` (when given)}.
    """
    import shutil

    from kb.synth import generate_corpus

    extra = work / f"extra-{size}"
    generate_corpus(1, extra, seed=size + 1)
    copy = work / f"db-synth-{size}-plus-one"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(db, copy)
    files = sorted(extra.glob("*.txt"))
    added = ingest(files[0], copy)
    again = ingest(files[0], copy)
    corpus_again = ingest(folder, copy) if folder is not None else None
    shutil.rmtree(copy, ignore_errors=True)
    return {"add": added, "again": again, "corpus_again": corpus_again}


def check_recall(db: Path, truth_file: Path) -> dict:
    """Recall of ``kb check`` (findings read from the store) on the contradictions planted by ``kb synth``.

    Returns:
        {"planted", "found", "recall", "by_kind": {kind: [found, planted]}, "clean_documents",
        "clean_documents_with_findings"}.
    """
    from kb.checks import check_store
    from kb.store import open_store

    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    with open_store(db, "embedded") as store:
        report = check_store(store)
    kinds_by_file = {d["file"]: {f.kind for f in d["findings"]} for d in report.documents}
    by_kind: dict[str, list[int]] = {}
    clean = clean_flagged = 0
    for document in truth["documents"]:
        kinds = kinds_by_file.get(document["file"], set())
        for planted in document["planted"]:
            counts = by_kind.setdefault(planted["kind"], [0, 0])
            counts[0] += planted["kind"] in kinds
            counts[1] += 1
        if not document["planted"]:
            clean += 1
            clean_flagged += bool(kinds)
    found, planted = sum(c[0] for c in by_kind.values()), sum(c[1] for c in by_kind.values())
    return {"planted": planted, "found": found, "recall": found / planted if planted else None,
            "by_kind": by_kind, "clean_documents": clean, "clean_documents_with_findings": clean_flagged}


def other_bench(name: str, arguments: list[str], env: dict) -> str:
    """Run bench/<name>.py with ``arguments`` as a child; return what it printed (or that it is missing/failed)."""
    script = REPO / "bench" / f"{name}.py"
    if not script.exists():
        return f"bench/{name}.py: missing"
    child = run_child([sys.executable, str(script), *arguments], TIMEOUT, env)
    output = child["stdout"].rstrip()
    if child["returncode"] != 0:
        last = (child["stderr"].strip().splitlines() or ["no message"])[-1]
        output += f"\nbench/{name}.py failed (exit {child['returncode']}): {last}"
    return output or f"bench/{name}.py printed nothing"


def _row(name: str, figures: dict, target: str = "") -> str:
    said = f"error: {figures['error']}" if figures.get("error") else figures["summary"]
    return (f"| {name} | {figures['seconds']:.1f} | {figures['cpu_seconds']:.1f} | {figures['peak_rss_mb']:.0f} | "
            f"{said} | {target} |")


def run(corpus: Path, work: Path, sizes: list[int]) -> str:
    """Run every measurement and return the Markdown report (also printed section by section)."""
    out: list[str] = []

    def emit(*lines: str) -> None:
        for line in lines:
            print(line, flush=True)
            out.append(line)

    info = machine()
    emit("# budget-kb benchmarks", "", f"{info['date']} · commit {info['commit']} · {info['cores']} cores · "
         f"{info['memory_gb']} GB RAM · {info['cpu']} · Python {info['python']}", "")

    emit("## Parse (loaders.parse_file)", "")
    parsed = corpus_throughput(corpus)
    emit(f"- corpus: {parsed['files']} files, {parsed['bytes'] / 1e6:.2f} MB in {parsed['seconds']:.2f} s = "
         f"**{parsed['mb_per_s']:.2f} MB/s** wall, {parsed['cpu_mb_per_s']:.2f} MB/s CPU "
         f"({parsed['ms_per_file']:.0f} ms per file)")
    big = concatenation_throughput(corpus, work)
    if "error" in big:
        emit(f"- 36 MB concatenation: {big['error']}")
    else:
        emit(f"- 36 MB concatenation: {big['bytes'] / 1e6:.1f} MB in {big['seconds']:.1f} s = "
             f"**{big['mb_per_s']:.2f} MB/s** wall, {big['cpu_mb_per_s']:.2f} MB/s CPU, {big['projects']} projects, "
             f"peak RSS {big['peak_rss_mb']:.0f} MB")
    synthetic = synthetic_throughput(work, 1000)
    emit(f"- 1,000 synthetic documents (kb synth): {synthetic['bytes'] / 1e6:.1f} MB, **{synthetic['cpu_mb_per_s']:.2f} "
         f"MB/s CPU** (target 4), {synthetic['mb_per_s']:.2f} MB/s wall in one process, "
         f"{synthetic['parallel_mb_per_s']:.2f} MB/s wall in {synthetic['workers']} worker processes")
    emit(f"- {target_line(synthetic)}")
    emit("")

    emit("## Ingest (kb ingest, embedded store, child process)", "",
         "| input | wall s | CPU s | peak RSS MB | kb ingest summary | target |", "|---|---|---|---|---|---|")
    ingests = {"corpus": ingest(corpus, work / "db-corpus")}
    emit(_row(f"corpus ({parsed['files']} files)", ingests["corpus"]))
    synth_dirs: dict[int, Path] = {}
    from kb.synth import generate_corpus

    for size in sizes:
        folder = work / f"synth-{size}"
        started = time.perf_counter()
        generate_corpus(size, folder, seed=size)
        generated = time.perf_counter() - started
        synth_dirs[size] = folder
        ingests[str(size)] = figures = ingest(folder, work / f"db-synth-{size}")
        emit(_row(f"{size:,} synthetic (generated in {generated:.1f} s)", figures, TARGETS.get(str(size), "")))
    if "1000" in ingests and "10000" in ingests and not ingests["1000"]["error"] and not ingests["10000"]["error"]:
        emit("", f"10,000 / 1,000 wall-time ratio: **{ingests['10000']['seconds'] / ingests['1000']['seconds']:.2f}** "
             f"(CPU-time ratio {ingests['10000']['cpu_seconds'] / ingests['1000']['cpu_seconds']:.2f}; target ≤ 8); "
             f"peak RSS at 10,000: **{ingests['10000']['peak_rss_mb']:.0f} MB** (target ≤ 3,072)")
    emit("")

    emit("## Incremental ingest (one new document into an N-document store)", "",
         "| store | add one: wall s (CPU s) | share of the N ingest: wall (CPU) | peak RSS MB | "
         "same file again (no-op) s | whole corpus again (no-op) s | summary |",
         "|---|---|---|---|---|---|---|")
    for size in sizes:
        if size < 1000 or ingests[str(size)]["error"]:
            continue
        figures = add_one(size, work / f"db-synth-{size}", work, synth_dirs[size])
        added, again, corpus_again = figures["add"], figures["again"], figures["corpus_again"]
        full = ingests[str(size)]
        share, cpu_share = added["seconds"] / full["seconds"], added["cpu_seconds"] / full["cpu_seconds"]
        emit(f"| {size:,} documents | **{added['seconds']:.1f}** ({added['cpu_seconds']:.1f}) | **{share:.1%}** "
             f"({cpu_share:.1%}; target ≤ {ADD_ONE_SHARE:.0%}) | {added['peak_rss_mb']:.0f} | {again['seconds']:.1f} | "
             f"{corpus_again['seconds']:.1f} ({corpus_again['summary'][:40] or corpus_again['error']}) | "
             f"{added['summary'] or added['error']} |")
    emit("")

    emit("## kb check recall on planted contradictions", "")
    recall_size = 1000 if 1000 in synth_dirs else (max(synth_dirs) if synth_dirs else None)
    if recall_size and not ingests[str(recall_size)]["error"]:
        recall = check_recall(work / f"db-synth-{recall_size}", synth_dirs[recall_size] / "truth.json")
        emit(f"- {recall_size:,}-document store: found {recall['found']} of {recall['planted']} planted = "
             f"**recall {recall['recall']:.3f}**")
        emit("- by kind: " + ", ".join(f"{kind} {found}/{planted}" for kind, (found, planted)
                                       in sorted(recall["by_kind"].items())))
        emit(f"- documents with nothing planted that have findings: {recall['clean_documents_with_findings']} of "
             f"{recall['clean_documents']}")
    else:
        emit("- not measured: no synthetic store was ingested")
    emit("")

    env = {**os.environ, "HF_HUB_OFFLINE": "1", "KB_BENCH_WORK": str(work),
           "KB_BENCH_SYNTH": json.dumps({str(size): str(path) for size, path in synth_dirs.items()}),
           "KB_BENCH_CORPUS_DB": str(work / "db-corpus")}
    if recall_size:
        env["KB_BENCH_SYNTH_DB"] = str(work / f"db-synth-{recall_size}")
    arguments = {"ingest": ["--corpus", str(corpus)], "link_quality": ["--corpus", str(corpus)],
                 "ask": ["--db", str(work / "db-corpus")],  # kb ask over the ingested corpus
                 "question_set": ["--db", str(work / "db-corpus")],  # issue 11's question set, same store
                 "real_documents": [],  # tests/data/real/, dev and holdout
                 "project_filter": [],  # the learned project filter: 5-fold cross-validated projects F1 per group
                 "isolation": ["--corpus", str(corpus)],
                 "neo4j_ingest": ["--corpus", str(corpus)]}  # embedded beside Neo4j (NEO4J_URI: make bench)
    for name in OTHER_BENCHES:
        emit(f"## bench/{name}.py", "")
        emit(other_bench(name, arguments[name], env), "")
    if 1000 in synth_dirs:  # kb ask on a 1,000-document synthetic store (the corpus questions, same router)
        emit("## bench/ask.py on the 1,000-document synthetic store", "")
        emit(other_bench("ask", ["--db", str(work / "db-synth-1000"), "--repeats", "2"], env), "")
    return "\n".join(out) + "\n"


def main() -> None:
    """Run every benchmark described in the module docstring and print the figures as Markdown (stdout)."""
    parser = argparse.ArgumentParser(description="budget-kb benchmarks (figures, no pass/fail)")
    parser.add_argument("--corpus", type=Path, required=True, help="folder of real disclosures")
    parser.add_argument("--sizes", default="250,1000,10000", help="synthetic corpus sizes, comma-separated")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temporary one)")
    parser.add_argument("--out", type=Path, default=None, help="also write the Markdown report here")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    if os.environ.get("KB_BENCH_10000", "1") == "0":
        sizes = [size for size in sizes if size != 10000]
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as scratch:
        work = args.work or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        report = run(args.corpus.resolve(), work, sizes)
    if args.out:
        args.out.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
