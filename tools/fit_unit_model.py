"""Fit the models ``loaders.unit`` reads from loaders/data/unit_model.json, from the training documents of
tests/data/real (splits dev, fresh and unseen3: every document but the holdout group, which is never used).

    python tools/fit_unit_model.py            # fit, print the leave-one-out accuracy, write the model
    python tools/fit_unit_model.py --check    # exit 1 when the stored model differs from a fresh fit

What is fitted: the kind model (``loaders.kind_model.fit_kind``: bigram shares per kind of the documents' heads
as the loaders read them, expected kinds 预算/决算/通知 from the documents' ``expected.kind``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRAINING_SPLITS = ("dev", "fresh", "unseen3")


def training_heads() -> list[tuple[str, str, str]]:
    """(id, head text, expected kind) of every training document whose expected kind is not null."""
    from loaders.kind_model import head_text
    from loaders.read import read_source
    from loaders.stream import Stream
    from tests.real_scoring import documents

    heads = []
    for record in documents():
        kind = record["expected"].get("kind")
        if record["split"] not in TRAINING_SPLITS or not kind:
            continue
        source = read_source(record["path"])
        stream = Stream.from_lines(source.lines, source.layout)
        heads.append((record["id"], head_text([row.cells for row in stream.rows]), kind))
    return heads


def fit() -> dict:
    """The model file's content: {"kind": fit_kind(...), "training": {split names, document ids}}."""
    from loaders.kind_model import fit_kind

    heads = training_heads()
    return {"kind": fit_kind([(text, kind) for _, text, kind in heads]),
            "training": {"splits": list(TRAINING_SPLITS), "documents": [identifier for identifier, _, _ in heads]}}


def leave_one_out(notice_threshold: float = 0.99) -> dict[str, int]:
    """Each training document scored by a model fitted without it.

    Returns:
        {"documents", "right" (most probable kind = expected), "notice_said" (P(通知) >= ``notice_threshold``,
        the only use ``loaders.unit`` makes of the model), "notice_right" (of those, expected 通知),
        "notices" (documents expected 通知)}.
    """
    from loaders.kind_model import fit_kind, kind_posterior

    heads = training_heads()
    counts = dict.fromkeys(("documents", "right", "notice_said", "notice_right", "notices"), 0)
    for index, (_, text, kind) in enumerate(heads):
        model = {"kind": fit_kind([(t, k) for j, (_, t, k) in enumerate(heads) if j != index])}
        posterior = kind_posterior(text, model)
        counts["documents"] += 1
        counts["notices"] += kind == "通知"
        counts["right"] += bool(posterior) and max(posterior, key=posterior.get) == kind
        if posterior.get("通知", 0.0) >= notice_threshold:
            counts["notice_said"] += 1
            counts["notice_right"] += kind == "通知"
    return counts


def main() -> int:
    """Command line: [--check]."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare the stored model with a fresh fit")
    arguments = parser.parse_args()
    from loaders.kind_model import MODEL_PATH

    model = fit()
    text = json.dumps(model, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if arguments.check:
        same = MODEL_PATH.exists() and MODEL_PATH.read_text(encoding="utf-8") == text
        print("模型与重新拟合的结果一致" if same else "模型已过期：请运行 python tools/fit_unit_model.py")
        return 0 if same else 1
    loo = leave_one_out()
    print(f"kind model: {len(model['kind']['features'])} bigrams, {loo['documents']} training documents "
          f"{model['kind']['documents']}; leave-one-out: most probable kind right {loo['right']}/{loo['documents']}, "
          f"P(通知) >= 0.99 said {loo['notice_said']} times, right {loo['notice_right']} "
          f"(of {loo['notices']} notices)")
    MODEL_PATH.parent.mkdir(exist_ok=True)
    MODEL_PATH.write_text(text, encoding="utf-8")
    print(f"written to {MODEL_PATH.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
