"""Parse cost per reader: CPU time per document of each stage and reader of ``loaders.parse_file``, and how often
each reader's output is non-empty, on synthetic documents (``kb synth``) and on the real documents' dev split.

Each reader is wrapped (in the namespace of the module that calls it) by a timer of the process's CPU time; a
reader called inside another is counted in both (times are inclusive). "found" counts the documents where the
reader returned something non-empty (for the unit readers, which fill a dict of candidate lists: where they added
a candidate). Figures only; the wrapping itself costs about a microsecond per call.

    python bench/parse_readers.py --synth 300 [--json]
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# (stage name, module whose namespace holds the callee, attribute): what is timed.
TIMED = (
    ("read", "loaders.pipeline", "read_source"),
    ("read.decode_text", "loaders.read", "decode_text"),
    ("read.normalize_lines", "loaders.read", "normalize_lines"),
    ("read.detect_layout", "loaders.read", "detect_layout"),
    ("read.check_file", "loaders.read", "check_file"),
    ("stream", "loaders.stream", "Stream.from_rows"),
    ("stream.rebuild_rows", "loaders.stream", "rebuild_rows"),
    ("stream.refine_rows", "loaders.stream", "refine_rows"),
    ("stream.find_sections", "loaders.stream", "find_sections"),
    ("stream.scale_to_wan_yuan", "loaders.stream", "scale_to_wan_yuan"),
    ("summarize", "loaders.pipeline", "summarize"),
    ("unit", "loaders.summary", "read_unit"),
    ("unit.titles", "loaders.unit", "from_titles"),
    ("unit.fields", "loaders.unit", "from_fields"),
    ("unit.body", "loaders.unit", "from_body"),
    ("unit.signed_name", "loaders.unit", "signed_name"),
    ("unit.most_mentioned", "loaders.unit", "most_mentioned"),
    ("unit.kind_posterior", "loaders.unit", "kind_posterior"),
    ("summary.coded_tables", "loaders.summary", "read_coded_table"),
    ("summary.pairs", "loaders.summary", "_pairs"),
    ("summary.narrative", "loaders.summary", "narrative_figures"),
    ("summary.table_totals", "loaders.summary", "_table_totals"),
    ("summary.three_public", "loaders.summary", "_three_public"),
    ("summary.function_subjects", "loaders.summary", "_function_subjects"),
    ("summary.compare_classes", "loaders.summary", "_compare_classes"),
    ("summary.economic_lines", "loaders.summary", "_economic_lines"),
    ("unit.source_weights", "loaders.unit", "estimated_confidence"),
    ("unit.region_of", "loaders.unit", "region_of"),
    ("projects", "loaders.pipeline", "extract_projects"),
    ("projects.budget_list", "loaders.projects", "budget_list_entries"),
    ("projects.wide_tables", "loaders.projects", "wide_performance_entries"),
    ("projects.block_spans", "loaders.projects", "_block_spans"),
    ("projects.read_block", "loaders.projects", "_read_block"),
    ("projects.screen_units", "loaders.projects", "_screen_units"),
    ("projects.fallback", "loaders.projects", "fallback_entries"),
    ("projects.to_project", "loaders.projects", "_to_project"),
    ("projects.indicator_rows", "loaders.projects", "read_indicator_rows"),
    ("projects.merge", "loaders.projects", "_merge"),
    ("projects.block_references", "loaders.projects", "block_references"),
    ("projects.unit_indicators", "loaders.projects", "_unit_indicators"),
    ("projects.policy_docs", "loaders.projects", "document_policy_docs"),
    ("projects.notice_basis", "loaders.projects", "_notice_basis"),
    ("coverage", "loaders.pipeline", "coverage"),
)
_FILLED = {"unit.titles", "unit.fields", "unit.body"}  # readers that add candidates to their second argument


def _non_empty(result: object) -> bool:
    if isinstance(result, tuple):
        return any(_non_empty(part) for part in result if not isinstance(part, set))
    if hasattr(result, "projects"):
        return True
    return bool(result)


class Timers:
    """Per-stage CPU nanoseconds, calls and documents with a non-empty result, for the current document set."""

    def __init__(self) -> None:
        self.cpu: dict[str, int] = defaultdict(int)
        self.calls: dict[str, int] = defaultdict(int)
        self.found_in: dict[str, set[int]] = defaultdict(set)
        self.document = 0

    def wrap(self, name: str, function):
        clock = time.process_time_ns

        def timed(*args, **kwargs):
            before = sum(map(len, args[1].values())) if name in _FILLED else 0
            started = clock()
            result = function(*args, **kwargs)
            self.cpu[name] += clock() - started
            self.calls[name] += 1
            if (sum(map(len, args[1].values())) > before) if name in _FILLED else _non_empty(result):
                self.found_in[name].add(self.document)
            return result

        return timed


def install(timers: Timers) -> None:
    """Wrap every function of ``TIMED`` where it is called."""
    for name, module_name, attribute in TIMED:
        module = importlib.import_module(module_name)
        if "." in attribute:
            owner_name, method = attribute.split(".")
            owner = getattr(module, owner_name)
            original = getattr(owner, method).__func__
            wrapped = timers.wrap(name, lambda *args, _f=original, **kwargs: _f(owner, *args, **kwargs))
            setattr(owner, method, classmethod(lambda cls, *args, _w=wrapped, **kwargs: _w(*args, **kwargs)))
        else:
            setattr(module, attribute, timers.wrap(name, getattr(module, attribute)))
    project_filter = importlib.import_module("loaders.project_filter")
    project_filter.READERS = tuple((reader, timers.wrap(f"projects.fallback.{reader}", read))
                                   for reader, read in project_filter.READERS)


def measure(files: list[Path]) -> dict:
    """Parse ``files`` once each with every reader timed; returns per-stage figures."""
    from kb.core.errors import UnreadableDocument
    from loaders import parse_file

    timers = Timers()
    install(timers)
    total = time.process_time_ns()
    refused = 0
    for number, path in enumerate(files):
        timers.document = number
        try:
            parse_file(path)
        except UnreadableDocument:
            refused += 1
    total = time.process_time_ns() - total
    count = len(files)
    size = sum(path.stat().st_size for path in files)
    stages = {name: {"cpu_ms_per_document": timers.cpu[name] / count / 1e6,
                     "share": timers.cpu[name] / total, "calls_per_document": timers.calls[name] / count,
                     "found_in": len(timers.found_in[name])}
              for name in [t[0] for t in TIMED] + sorted(n for n in timers.cpu if n.startswith("projects.fallback."))}
    return {"documents": count, "bytes": size, "refused": refused, "cpu_ms_per_document": total / count / 1e6,
            "cpu_mb_per_s": size / (total / 1e9) / 1e6, "stages": stages}


def _print(title: str, figures: dict) -> None:
    print(f"\n{title}: {figures['documents']} documents, {figures['bytes'] / 1e6:.2f} MB, "
          f"{figures['cpu_ms_per_document']:.2f} ms CPU per document ({figures['cpu_mb_per_s']:.2f} MB/s, "
          f"with the timers), {figures['refused']} refused")
    print(f"{'stage':34} {'ms/doc':>8} {'share':>6} {'calls':>6} {'found':>7}")
    for name, stage in figures["stages"].items():
        print(f"{name:34} {stage['cpu_ms_per_document']:8.3f} {stage['share']:6.1%} "
              f"{stage['calls_per_document']:6.1f} {stage['found_in']:4}/{figures['documents']}")


def main() -> None:
    """Command line: [--synth N] [--real SPLIT] [--work DIR] [--json]; one set per process (``--only``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synth", type=int, default=300, help="synthetic documents (seed 0)")
    parser.add_argument("--real", default="dev", help="split of tests/data/real (dev; never a held-out split to tune)")
    parser.add_argument("--only", choices=("synth", "real"), help="measure one set (the other is a child process)")
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.only is None:  # each set in a fresh process, so caches warmed by one do not favour the other
        import subprocess

        for only in ("synth", "real"):
            subprocess.run([sys.executable, __file__, "--only", only, "--synth", str(args.synth), "--real", args.real,
                            "--work", str(args.work)] + (["--json"] if args.json else []), check=True)
        return
    if args.only == "synth":
        from kb.synth import generate_corpus

        folder = args.work / "parse-synth-1000"  # the set bench/parse.py parses
        if len(list(folder.glob("*.txt"))) != 1000:
            generate_corpus(1000, folder, 0)
        files, title = sorted(folder.glob("*.txt"))[:args.synth], f"synthetic (seed 0, first {args.synth})"
    else:
        from tests.real_scoring import documents

        files, title = [Path(record["path"]) for record in documents(args.real)], f"real documents ({args.real})"
    figures = measure(files)
    print(json.dumps({title: figures}, ensure_ascii=False, indent=1) if args.json else "", end="")
    if not args.json:
        _print(title, figures)


if __name__ == "__main__":
    main()
