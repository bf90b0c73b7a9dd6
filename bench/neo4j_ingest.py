"""Ingest on Neo4j beside the embedded store: ``kb ingest`` of the corpus and of 1,000 synthetic documents.

Each ingest runs as its own ``kb ingest`` child process (wall time, peak RSS of the Python process; the
Neo4j server's own memory is not in it). For each input: the embedded store into a fresh folder, Neo4j
from an emptied database, then Neo4j again with the same files (the delta is empty: nothing is written).
Needs NEO4J_URI (+ NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE): ``make bench`` starts a local Neo4j 5.26 for it
(Bolt 7689); without it the Neo4j rows say "not measured". Uses ``KB_BENCH_SYNTH`` (from bench/run.py) when it
names a 1,000-document folder, else generates one (``kb synth --docs 1000``, seed 1000).

Run alone: ``NEO4J_URI=bolt://127.0.0.1:7689 … python bench/neo4j_ingest.py --corpus ../shared/corpus``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZE = 1000


def timed_ingest(folder: Path, db: Path, backend: str) -> dict:
    """``kb ingest FOLDER --db DB --backend BACKEND`` in a child: {"seconds", "peak_mb", "exit", "summary"}."""
    command = [sys.executable, "-m", "kb.cli", "ingest", str(folder), "--db", str(db), "--backend", backend]
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as errors:
        child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True,
                                 env={**os.environ, "HF_HUB_OFFLINE": "1"})
        output = child.stdout.read()
        _, status, usage = os.wait4(child.pid, 0)
        errors.seek(0)
        message = errors.read().strip()
    seconds = time.perf_counter() - started
    lines = (output.strip() or message).splitlines()
    return {"seconds": round(seconds, 1), "exit": os.waitstatus_to_exitcode(status),
            "summary": lines[-1] if lines else "", "peak_mb": round(usage.ru_maxrss / 1024)}


def empty_neo4j() -> None:
    """Delete every node of the Neo4j database, in batched transactions (the bench starts from nothing)."""
    import neo4j

    auth = (os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD", ""))
    with neo4j.GraphDatabase.driver(os.environ["NEO4J_URI"], auth=auth) as driver, \
            driver.session(database=os.environ.get("NEO4J_DATABASE") or None) as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


def run(corpus: Path, synthetic: Path, work: Path) -> list[dict]:
    """Measure both engines on the corpus and on ``synthetic``; print a Markdown table; return the rows."""
    rows = []
    print("| input | store | wall s | peak RSS MB (kb) | kb ingest summary |", "|---|---|---|---|---|", sep="\n",
          flush=True)
    for name, folder in (("corpus", corpus), (f"{SIZE:,} synthetic", synthetic)):
        runs = [("embedded", "embedded", timed_ingest(folder, work / f"{name}-embedded", "embedded"))]
        if os.environ.get("NEO4J_URI"):
            empty_neo4j()
            runs.append(("neo4j", "Neo4j (empty database)", timed_ingest(folder, work / f"{name}-neo4j", "neo4j")))
            runs.append(("neo4j", "Neo4j again, same files", timed_ingest(folder, work / f"{name}-neo4j", "neo4j")))
        else:
            print(f"| {name} | Neo4j | not measured | | NEO4J_URI is not set (make bench starts a server) |")
        for backend, label, figures in runs:
            summary = figures["summary"] if figures["exit"] == 0 else f"exit {figures['exit']}: {figures['summary']}"
            print(f"| {name} | {label} | {figures['seconds']:.1f} | {figures['peak_mb']} | {summary} |", flush=True)
            rows.append({"input": name, "store": label, "backend": backend, **figures})
    return rows


def synthetic_folder(work: Path) -> Path:
    """The 1,000-document folder bench/run.py generated (KB_BENCH_SYNTH), or a new one in ``work``."""
    named = json.loads(os.environ.get("KB_BENCH_SYNTH", "{}")).get(str(SIZE))
    if named and Path(named).is_dir():
        return Path(named)
    from kb.synth import generate_corpus

    generate_corpus(SIZE, work / f"synth-{SIZE}", seed=SIZE)
    return work / f"synth-{SIZE}"


def main() -> None:
    """Command line: --corpus DIR [--json]."""
    sys.path.insert(0, str(ROOT))
    from bench.cli import corpus_arguments, print_json

    args = corpus_arguments(__doc__.splitlines()[0], None, 0, "unused (the synthetic size is 1,000)")
    with tempfile.TemporaryDirectory(prefix="kb-bench-neo4j-") as scratch:
        rows = run(args.corpus.resolve(), synthetic_folder(Path(scratch)), Path(scratch))
    print_json(rows, args.json)


if __name__ == "__main__":
    main()
