"""Parse snapshot: every Extraction of a fixed document set dumped to JSON, to prove a speed change alters no value.

The set: the corpus's .txt files, tests/data/real/*.txt, tests/data/loaders_dev/*.txt and ``--synth`` synthetic
documents (``kb.synth.generate_corpus``, seed 1, written under ``--work``). For each document the snapshot keeps
what ``kb parse --json`` prints (``Extraction.schema_dict()``), the normalised lines, the rows as printed that the
consistency checks read (``Extraction.table_rows``) and the findings of ``kb.checks.check_extraction``; a document
refused as unreadable keeps its Chinese reason instead.

    python bench/parse_snapshot.py write SNAPSHOT.json --corpus ../shared/corpus   # before a change
    python bench/parse_snapshot.py check SNAPSHOT.json --corpus ../shared/corpus   # after it: exit 1 on a change

``check`` rebuilds the snapshot and compares it byte for byte; on a difference it names each changed document
and its first differing top-level keys.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SYNTH_SEED = 1


def document_set(corpus: Path, work: Path, synth: int) -> list[Path]:
    """The snapshot's files: corpus, real and loader-dev documents, then ``synth`` synthetic ones (generated once)."""
    from kb.synth import generate_corpus

    files = sorted(corpus.glob("*.txt"))
    files += sorted((ROOT / "tests" / "data" / "real").glob("*.txt"))
    files += sorted((ROOT / "tests" / "data" / "loaders_dev").glob("*.txt"))
    if synth:
        folder = work / f"snapshot-synth-{synth}-seed{SYNTH_SEED}"
        if len(list(folder.glob("synth_*.txt"))) != synth:
            generate_corpus(synth, folder, SYNTH_SEED)
        files += sorted(folder.glob("synth_*.txt"))
    return files


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False).encode("utf-8")).hexdigest()


def snapshot_of(path: Path) -> dict:
    """One document's snapshot: {"extraction", "lines_sha256", "printed_rows_sha256", "findings"} or {"error"}."""
    from kb.checks import check_extraction
    from kb.core.errors import UnreadableDocument
    from loaders import parse_file

    try:
        extraction = parse_file(path)
    except UnreadableDocument as error:
        return {"error": str(error)}
    printed = [[row.cells, row.line, row.end_line, row.is_table, row.cell_line] for row in extraction.table_rows]
    findings = [finding.model_dump(mode="json") for finding in check_extraction(extraction)]
    dumped = extraction.schema_dict()
    dumped["path"] = path.name  # the folder differs between machines and worktrees
    return {"extraction": dumped, "lines_sha256": _digest(extraction.lines),
            "printed_rows_sha256": _digest(printed), "findings": findings}


def build(files: list[Path]) -> dict[str, dict]:
    """The snapshot of ``files``, keyed by "folder/file name"."""
    return {f"{path.parent.name}/{path.name}": snapshot_of(path) for path in files}


def dumps(snapshot: dict) -> str:
    """The snapshot as the text written to disk (keys in order, one document per line)."""
    return "{\n" + ",\n".join(json.dumps(key, ensure_ascii=False) + ": " + json.dumps(value, ensure_ascii=False,
                                                                                       sort_keys=True)
                              for key, value in snapshot.items()) + "\n}\n"


def differences(old: dict, new: dict) -> list[str]:
    """One line per changed, added or removed document, naming the top-level keys that differ."""
    found = []
    for key in sorted(set(old) | set(new)):
        if key not in old or key not in new:
            found.append(f"{key}: {'added' if key not in old else 'removed'}")
        elif old[key] != new[key]:
            a, b = old[key], new[key]
            parts = sorted(part for part in set(a) | set(b) if a.get(part) != b.get(part))
            if "extraction" in parts and "extraction" in a and "extraction" in b:
                parts += [f"extraction.{field}" for field in sorted(set(a["extraction"]) | set(b["extraction"]))
                          if a["extraction"].get(field) != b["extraction"].get(field)]
            found.append(f"{key}: {', '.join(parts)}")
    return found


def main() -> int:
    """Command line: write|check SNAPSHOT [--corpus DIR] [--work DIR] [--synth N]; exit 1 when check finds a change."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("write", "check"))
    parser.add_argument("snapshot", type=Path)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent.parent / "shared" / "corpus")
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")))
    parser.add_argument("--synth", type=int, default=200)
    args = parser.parse_args()
    files = document_set(args.corpus, args.work, args.synth)
    snapshot = build(files)
    text = dumps(snapshot)
    if args.action == "write":
        args.snapshot.write_text(text, encoding="utf-8")
        print(f"{len(snapshot)} documents written to {args.snapshot}")
        return 0
    before = args.snapshot.read_text(encoding="utf-8")
    if before == text:
        print(f"{len(snapshot)} documents: identical")
        return 0
    for line in differences(json.loads(before), snapshot):
        print(line)
    return 1


if __name__ == "__main__":
    sys.exit(main())
