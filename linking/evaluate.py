"""Precision and recall of linking on hand-labelled pairs read from the corpus (``data/labelled_pairs.csv``).

Each row names two references as printed (a 文号 in any bracket style, or a 《title》) or two projects by
name, and says whether they are the same 文件 / the same program. A pair is **linked** when linking put
both on one node, or joined them by a POSSIBLY_SAME_AS link or one program whose memberships are not
rejected (possible counts: it is shown for review); it is **merged** when they are one node, or accepted
members of one program. Precision and recall count linked pairs; a "different" pair that is merged is a
false merge, which must never happen.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field

from kb.core.records import Extraction, LinkResult
from linking.policy import title_key
from linking.vocabulary import DATA
from kb.core.doc_no import canonicalize
from kb.core.normalize import match_key, normalize_text


@dataclass(frozen=True)
class LabelledPair:
    """One labelled pair: kind "policy" or "program", the two items as printed, same or not, and why."""

    kind: str
    a: str
    b: str
    same: bool
    note: str


@dataclass
class PairMetrics:
    """Counts and rates over the labelled pairs of one kind (precision/recall None when undefined)."""

    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    true_negative: int = 0
    false_merges: int = 0
    unresolved: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        """Share of the pairs linked that the labels call the same (0..1); None when nothing was linked."""
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else None

    @property
    def recall(self) -> float | None:
        """Share of the pairs labelled the same that were linked (0..1); None when no pair is labelled the same."""
        expected = self.true_positive + self.false_negative
        return self.true_positive / expected if expected else None

    def to_dict(self) -> dict:
        """Counts, precision and recall (0..1, rounded to 3), unresolved items and wrong pairs."""
        rate = (lambda value: None if value is None else round(value, 3))
        return {"true_positive": self.true_positive, "false_positive": self.false_positive,
                "false_negative": self.false_negative, "true_negative": self.true_negative,
                "false_merges": self.false_merges, "precision": rate(self.precision), "recall": rate(self.recall),
                "unresolved": self.unresolved, "errors": self.errors}


def load_labelled_pairs() -> list[LabelledPair]:
    """The labelled pairs of ``data/labelled_pairs.csv`` (columns kind, a, b, same, note)."""
    with open(DATA / "labelled_pairs.csv", encoding="utf-8", newline="") as handle:
        return [LabelledPair(row["kind"], row["a"].strip(), row["b"].strip(), row["same"].strip() == "1",
                             row["note"]) for row in csv.DictReader(handle)]


def _policy_node(result: LinkResult, reference: str) -> str | None:
    """The policy node a printed reference names: its canonical 文号, or the node carrying its title."""
    text = normalize_text(reference).strip()
    nodes = {node.doc_no: node for node in result.policy_documents}
    if not text.startswith("《"):
        doc_no = canonicalize(text)
        return doc_no if doc_no in nodes else None
    key = title_key(text.strip("《》"))
    numbered = sorted(doc_no for doc_no, node in nodes.items()
                      if not doc_no.startswith("《") and any(title_key(title) == key for title in node.titles))
    if len(numbered) == 1:
        return numbered[0]
    titled = [doc_no for doc_no in nodes if doc_no.startswith("《") and title_key(doc_no.strip("《》")) == key]
    return titled[0] if len(titled) == 1 and not numbered else None


def _project_ids(extractions: list[Extraction], name: str) -> list[str]:
    key = match_key(name)
    return [project_id for extraction in extractions
            for project, project_id in zip(extraction.projects, extraction.project_ids())
            if match_key(project.name) == key]


def _policy_verdict(result: LinkResult, pair: LabelledPair) -> tuple[bool, bool] | None:
    a, b = _policy_node(result, pair.a), _policy_node(result, pair.b)
    if a is None or b is None:
        return None
    linked = {frozenset((link.a, link.b)) for link in result.policy_links if link.status != "rejected"}
    return a == b or frozenset((a, b)) in linked, a == b


def _program_verdict(result: LinkResult, extractions: list[Extraction], pair: LabelledPair) -> tuple[bool, bool] | None:
    a_ids, b_ids = set(_project_ids(extractions, pair.a)), set(_project_ids(extractions, pair.b))
    if not a_ids or not b_ids:
        return None
    linked = merged = False
    for program in result.programs:
        statuses = {member.project_id: member.status for member in program.members}
        a_status = [statuses[i] for i in a_ids if i in statuses and statuses[i] != "rejected"]
        b_status = [statuses[i] for i in b_ids if i in statuses and statuses[i] != "rejected"]
        if a_status and b_status:
            linked = True
            merged = merged or ("accepted" in a_status and "accepted" in b_status)
    return linked, merged


def evaluate(result: LinkResult, extractions: list[Extraction],
             pairs: list[LabelledPair] | None = None) -> dict[str, PairMetrics]:
    """Score a linking result on labelled pairs.

    Args:
        result: ``linking.link(extractions)``.
        extractions: the documents it linked (program pairs name their projects).
        pairs: labelled pairs; default ``load_labelled_pairs()``.

    Returns:
        {"policy": PairMetrics, "program": PairMetrics}; items that name no node or project are listed in
        ``unresolved`` and not counted; wrongly judged pairs are listed in ``errors``.

    Example:
        >>> evaluate(link(extractions), extractions)["policy"].to_dict()["false_merges"]  # doctest: +SKIP
        0
    """
    metrics = {"policy": PairMetrics(), "program": PairMetrics()}
    for pair in pairs if pairs is not None else load_labelled_pairs():
        counts = metrics[pair.kind]
        verdict = (_policy_verdict(result, pair) if pair.kind == "policy"
                   else _program_verdict(result, extractions, pair))
        if verdict is None:
            counts.unresolved.append(f"{pair.a} | {pair.b}")
            continue
        linked, merged = verdict
        if pair.same and linked:
            counts.true_positive += 1
        elif pair.same:
            counts.false_negative += 1
            counts.errors.append(f"missed: {pair.a} | {pair.b}")
        elif linked:
            counts.false_positive += 1
            counts.false_merges += int(merged)
            counts.errors.append(f"{'merged' if merged else 'linked'}: {pair.a} | {pair.b}")
        else:
            counts.true_negative += 1
    return metrics
