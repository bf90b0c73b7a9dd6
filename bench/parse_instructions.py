"""Parse cost in instructions per document: ``loaders.parse_file`` under valgrind's callgrind, a figure that does
not move with the load of a shared machine (CPU time there varies by ±20 % between runs of the same code).

Two child runs of the same interpreter: one imports the loaders and parses nothing, the other parses ``--count``
synthetic documents (``kb.synth``, seed 0, from ``--skip`` on: each parsed once, caches cold as in
``bench/parse.py``). The difference, divided by the count, is the instructions one document costs. Figures only;
needs ``valgrind`` on PATH (Debian package ``valgrind``). About a minute per 10 documents.

    python bench/parse_instructions.py --count 30
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

_CHILD = ("import sys; from pathlib import Path; from loaders.pipeline import parse_file\n"
          "files = sorted(Path(sys.argv[1]).glob('*.txt'))[int(sys.argv[2]):int(sys.argv[2]) + int(sys.argv[3])]\n"
          "for path in files: parse_file(path)\n")
_COLLECTED = re.compile(r"Collected\s*:\s*([\d,]+)")


def instructions(folder: Path, skip: int, count: int) -> int:
    """Instructions (callgrind ``Ir``) of a child interpreter that imports the loaders and parses ``count`` files
    of ``folder`` after the first ``skip``.

    Raises:
        RuntimeError: valgrind printed no instruction count (not installed, or the child failed).
    """
    command = ["valgrind", "--tool=callgrind", "--cache-sim=no", "--callgrind-out-file=/dev/null",
               sys.executable, "-c", _CHILD, str(folder), str(skip), str(count)]
    run = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy())
    found = _COLLECTED.search(run.stderr)
    if run.returncode != 0 or not found:
        raise RuntimeError(run.stderr.strip().splitlines()[-1:] or "valgrind failed")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    """Command line: [--count N] [--skip K] [--work DIR]; prints instructions per document as JSON and a line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=30, help="documents parsed under valgrind")
    parser.add_argument("--skip", type=int, default=600, help="documents of the synthetic set skipped first")
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")))
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind 未安装（apt-get install valgrind）")
    from kb.synth import generate_corpus

    folder = args.work / "parse-synth-1000"  # the set bench/parse.py parses
    if len(list(folder.glob("*.txt"))) != 1000:
        generate_corpus(1000, folder, 0)
    files = sorted(folder.glob("*.txt"))[args.skip:args.skip + args.count]
    size = sum(path.stat().st_size for path in files)
    base, parsed = instructions(folder, args.skip, 0), instructions(folder, args.skip, args.count)
    per_document = (parsed - base) / len(files)
    figures = {"documents": len(files), "bytes": size, "instructions_per_document": per_document,
               "instructions_per_byte": per_document * len(files) / size}
    print(json.dumps(figures, indent=1))
    print(f"parse: {per_document / 1e6:.1f} M instructions per document, "
          f"{figures['instructions_per_byte']:.0f} per byte ({len(files)} synthetic documents)")


if __name__ == "__main__":
    main()
