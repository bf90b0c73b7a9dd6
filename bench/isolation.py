"""Parsing in worker processes (kb.isolation): what it costs on good files, what a hostile file costs.

Prints Markdown: the corpus parsed in this process (``loaders.parse_file``) and through
``kb.isolation.parse_files`` with 1 and 2 workers (wall seconds; the first call includes starting the fork
server, which imports the readers once); then, for each hostile file built by tests/hostile_files.py
(zip bombs, encrypted PDF, a 45 MB text, a slow text), the seconds until its error and the error code under
the default limits (``Limits()``; the 45 MB text under 30 s, the slow text under 10 s), and this process's
peak RSS before and after (it builds the hostile files but parses none of them). Figures only, no pass/fail.

Run: ``python bench/isolation.py --corpus ../shared/corpus`` (``make bench`` runs it through bench/run.py).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import hostile_files as hostile  # noqa: E402
from kb.isolation import parse_files  # noqa: E402
from loaders.limits import Limits  # noqa: E402


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _timed(function) -> tuple[float, object]:
    started = time.perf_counter()
    value = function()
    return round(time.perf_counter() - started, 2), value


def main() -> None:
    """Print the worker-isolation figures (corpus through parse_files, hostile files against their limits) as Markdown."""
    parser = argparse.ArgumentParser(description="kb.isolation figures")
    parser.add_argument("--corpus", type=Path, required=True)
    args = parser.parse_args()
    files = sorted(path for path in args.corpus.iterdir() if path.is_file())
    print(f"- corpus: {len(files)} files")
    first, _ = _timed(lambda: list(parse_files(files[:1], workers=1)))
    print(f"- first call (fork server start, readers imported once, one file): {first} s")
    from loaders import parse_file

    seconds, _ = _timed(lambda: [parse_file(path) for path in files])
    print(f"- corpus in this process: {seconds} s")
    for workers in (1, 2):
        seconds, results = _timed(lambda: list(parse_files(files, workers=workers)))
        failed = sum(1 for _, result in results if isinstance(result, Exception))
        print(f"- corpus through parse_files, {workers} worker(s): {seconds} s ({failed} failed)")
    before = _peak_mb()
    print(f"- this process's peak RSS before the hostile files: {before} MB", "", "| file | size | seconds | result |",
          "|---|---|---|---|", sep="\n")
    with tempfile.TemporaryDirectory(prefix="kb-bench-hostile-") as scratch:
        folder = Path(scratch)
        cases = [(hostile.docx_bomb(folder / "bomb.docx"), Limits()),
                 (hostile.xlsx_bomb(folder / "bomb.xlsx"), Limits()),
                 (hostile.encrypted_pdf(folder / "encrypted.pdf"), Limits()),
                 (hostile.wide_text(folder / "wide-45MB.txt"), Limits(timeout_seconds=30)),
                 (hostile.slow_text(folder / "slow.txt"), Limits(timeout_seconds=10))]
        for path, limits in cases:
            seconds, [(_, result)] = _timed(lambda: list(parse_files([path], limits)))
            outcome = getattr(result, "code", "parsed")
            print(f"| {path.name} | {path.stat().st_size / 2**20:.1f} MB | {seconds} | {outcome} "
                  f"(limit {limits.timeout_seconds:g} s) |")
    print("", f"- this process's peak RSS after: {_peak_mb()} MB (before: {before} MB)", sep="\n")


if __name__ == "__main__":
    main()
