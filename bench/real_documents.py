"""Real-disclosure scores: ``loaders.parse_file`` on tests/data/real/ (issue 12), each split (dev, holdout, fresh, unseen3, unseen4, unseen5) separately.

Run alone (``python bench/real_documents.py [--json]``) or through ``bench/run.py`` (``make bench``), which
runs it as a child. Figures only, no pass/fail (tests/test_real_documents.py asserts the floors): per
split, the share of unit/year/kind/totals fields right, projects F1, 文号 F1, documents refused, the
per-field counts, and the parse time of the split.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def figures(split: str) -> dict:
    """``tests.real_scoring.score(split)`` without the per-document detail, plus its wall time in seconds."""
    from tests.real_scoring import score

    started = time.perf_counter()
    result = score(split)
    result["seconds"] = round(time.perf_counter() - started, 2)
    result["refused_ids"] = [document["id"] for document in result.pop("per_document") if document["refused"]]
    return result


def markdown(results: list[dict]) -> str:
    """A Markdown table, one row per split, then the per-field counts."""
    lines = ["| split | documents | fields right | projects F1 | 文号 F1 | refused | seconds |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for result in results:
        lines.append(f"| {result['split']} | {result['documents']} | {result['fields_right']}/{result['fields_expected']} "
                     f"({result['field_accuracy']:.1%}) | {result['projects']['f1']:.2f} | {result['doc_nos']['f1']:.2f} | "
                     f"{result['refused']} | {result['seconds']} |")
    for result in results:
        by_field = ", ".join(f"{field} {right}/{expected}" for field, (right, expected) in result["by_field"].items())
        lines.append(f"\n{result['split']} by field: {by_field}")
    return "\n".join(lines)


def main() -> int:
    """Command line: [--json]; prints dev, holdout, fresh, unseen3, unseen4 and unseen5 figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    arguments = parser.parse_args()
    results = [figures(split) for split in ("dev", "holdout", "fresh", "unseen3", "unseen4", "unseen5")]
    print(json.dumps(results, ensure_ascii=False, indent=2) if arguments.json else markdown(results))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
