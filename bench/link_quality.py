"""Linking benchmark: time of ``linking.link`` and its precision/recall, on the corpus and a synthetic corpus.

Run alone (``python bench/link_quality.py --corpus ../shared/corpus``) or through ``bench/run.py`` (``make
bench``), which runs it as a child. Figures only, no pass/fail:

- corpus: the five documents parsed, linked once cold (embedding model load included) and once warm;
  precision/recall on the labelled pairs of ``linking/data/labelled_pairs.csv``;
- synthetic: ``kb synth`` documents (their ground-truth records, so parsing is not timed) linked warm;
  pairwise precision/recall of programs against the synthetic program families.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 3) if denominator else None


def corpus_figures(corpus: Path) -> dict:
    """Parse and link the corpus; time the linking; score it on the labelled pairs."""
    from kb.embeddings import embed, embedder_name
    from linking import link
    from linking.evaluate import evaluate
    from loaders import parse_file

    extractions = [parse_file(path) for path in sorted(corpus.glob("*.txt"))]
    started = time.perf_counter()
    embed(["warm-up"])
    model_seconds = time.perf_counter() - started
    started = time.perf_counter()
    link(extractions)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    result = link(extractions)
    warm = time.perf_counter() - started
    metrics = {kind: value.to_dict() for kind, value in evaluate(result, extractions).items()}
    return {"documents": len(extractions), "projects": sum(len(e.projects) for e in extractions),
            "embedder": embedder_name(), "model_load_seconds": round(model_seconds, 3),
            "link_seconds_cold": round(cold, 3), "link_seconds_warm": round(warm, 3),
            "policy_documents": len(result.policy_documents), "policy_links": len(result.policy_links),
            "programs": len(result.programs), "labelled_pairs": metrics}


def _truth(documents: int, seed: int) -> dict:
    """The ground truth of a synthetic corpus: the one ``bench/run.py`` made (``KB_BENCH_SYNTH``) if it has
    this size, else a new ``kb synth`` corpus."""
    from kb.synth import TRUTH_FILE, generate_corpus

    made = json.loads(os.environ.get("KB_BENCH_SYNTH", "{}") or "{}")
    if str(documents) in made and (Path(made[str(documents)]) / TRUTH_FILE).exists():
        return json.loads((Path(made[str(documents)]) / TRUTH_FILE).read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as folder:
        return json.loads(generate_corpus(documents, Path(folder), seed=seed).read_text(encoding="utf-8"))


def synthetic_figures(documents: int, seed: int = 0) -> dict:
    """Link ``documents`` synthetic disclosures; pairwise precision/recall of programs vs their families."""
    from kb.core.records import Extraction
    from linking import link

    truth = _truth(documents, seed)
    extractions, family = [], {}
    for document in truth["documents"]:
        extraction = Extraction.model_validate({**document["record"], "file": document["file"]})
        extractions.append(extraction)
        family.update(zip(extraction.project_ids(), document["programs"]))
    started = time.perf_counter()
    result = link(extractions)
    seconds = time.perf_counter() - started
    predicted = set()
    for program in result.programs:
        members = sorted({m.project_id for m in program.members if m.status != "rejected" and m.project_id in family})
        predicted.update(combinations(members, 2))
    by_family: dict[str, list[str]] = {}
    for project_id, key in family.items():
        by_family.setdefault(key, []).append(project_id)
    expected = {pair for members in by_family.values() for pair in combinations(sorted(members), 2)}
    hits = len(predicted & expected)
    return {"documents": documents, "projects": len(family), "link_seconds": round(seconds, 3),
            "projects_per_second": round(len(family) / seconds, 1) if seconds else None,
            "programs": len(result.programs), "families": len(by_family),
            "pair_precision": _rate(hits, len(predicted)), "pair_recall": _rate(hits, len(expected))}


def run(corpus: Path = DEFAULT_CORPUS, synthetic_documents: int = 1000) -> dict:
    """Run the linking benchmark and print its figures.

    Args:
        corpus: folder of the real disclosures (.txt).
        synthetic_documents: size of the synthetic corpus (0 skips it).

    Returns:
        {"corpus": {... "link_seconds_cold", "link_seconds_warm", "labelled_pairs": {"policy": {...,
        "precision", "recall"}, "program": {...}}}, "synthetic": {"link_seconds", "pair_precision",
        "pair_recall", ...}}; seconds of wall time, rates 0..1.
    """
    figures = {"corpus": corpus_figures(Path(corpus))}
    if synthetic_documents:
        figures["synthetic"] = synthetic_figures(synthetic_documents)
    corpus_part = figures["corpus"]
    print(f"linking corpus: {corpus_part['projects']} projects, cold {corpus_part['link_seconds_cold']} s, "
          f"warm {corpus_part['link_seconds_warm']} s ({corpus_part['embedder']})")
    for kind, metrics in corpus_part["labelled_pairs"].items():
        print(f"  {kind} pairs: precision {metrics['precision']} recall {metrics['recall']} "
              f"false merges {metrics['false_merges']}")
    if "synthetic" in figures:
        synthetic = figures["synthetic"]
        print(f"linking synthetic: {synthetic['documents']} documents, {synthetic['projects']} projects in "
              f"{synthetic['link_seconds']} s; program pairs precision {synthetic['pair_precision']} "
              f"recall {synthetic['pair_recall']}")
    return figures


def main() -> int:
    """Command line: [--corpus DIR] [--synthetic N] [--json]; the repository root must be on sys.path."""
    from bench.cli import corpus_arguments, print_json

    arguments = corpus_arguments(__doc__.splitlines()[0], DEFAULT_CORPUS, 1000, "synthetic documents (0 to skip)")
    print_json(run(arguments.corpus, arguments.synthetic), arguments.json)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
