"""Pass rates of the question development set (tests/data/questions, issue 11) on the corpus store.

Prints, as Markdown for ``make bench``: questions dev/holdout and conversation turns dev/holdout (passed/total,
%), the pass rate per category and the wall time of the runs. Also runs alone:
``python bench/question_set.py [--db DIR] [--failures]`` (without --db it ingests ../shared/corpus into a
temporary folder). Scoring is tests/question_scoring.py, the same the test uses.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SHARED = REPO.parent / "shared"


def run(store) -> dict:
    """Score every split (first set, fresh, fresh2; dev and holdout) of questions and conversations on ``store``.

    Args:
        store: an open store holding the ingested corpus.

    Returns:
        {"questions": {split: SetResult}, "turns": {split: SetResult}, "seconds": wall time of the runs}.
    """
    from tests.question_scoring import ALL_SPLITS, run_conversations, run_questions

    started = time.perf_counter()
    questions = {split: run_questions(store, split) for split in ALL_SPLITS}
    turns = {split: run_conversations(store, split) for split in ALL_SPLITS}
    return {"questions": questions, "turns": turns, "seconds": time.perf_counter() - started}


def report(figures: dict, failures: bool = False) -> str:
    """The Markdown lines for ``figures`` (see ``run``); with ``failures`` every failed item too."""
    from tests.question_scoring import summary

    questions, turns = figures["questions"], figures["turns"]
    lines = [summary(questions, turns), "", f"wall time {figures['seconds']:.0f} s "
             f"({sum(r.total for r in questions.values()) + sum(r.total for r in turns.values())} answers)", "",
             "| category | " + " | ".join(questions) + " |", "|---" * (len(questions) + 1) + "|"]
    for part, table in (("question", questions), ("turn", turns)):
        names = sorted(set().union(*(result.by_category for result in table.values())))
        for name in names:
            cells = ["{}/{}".format(*result.by_category.get(name, [0, 0])) for result in table.values()]
            lines.append(f"| {part}: {name} | " + " | ".join(cells) + " |")
    if failures:
        for kind, table in (("question", questions), ("turn", turns)):
            for split in table:
                lines += [f"- {split} {kind} {item_id} {question} — {reason} — {answer}"
                          for item_id, question, reason, answer in table[split].failures]
    return "\n".join(lines)


def main() -> None:
    """Score the question set (dev and holdout, per category) on the ``--db`` store and print it as Markdown."""
    parser = argparse.ArgumentParser(description="question development set pass rates")
    parser.add_argument("--db", type=Path, help="an ingested corpus store (default: ingest ../shared/corpus)")
    parser.add_argument("--failures", action="store_true", help="list every failed question and turn")
    args = parser.parse_args()
    from kb.store import open_store

    if args.db:
        with open_store(args.db, "embedded") as store:
            print(report(run(store), args.failures))
        return
    from kb.ingest import ingest_paths

    with tempfile.TemporaryDirectory() as work, open_store(Path(work) / "kb-data", "embedded") as store:
        ingest_paths([SHARED / "corpus"], store)
        print(report(run(store), args.failures))


if __name__ == "__main__":
    main()
