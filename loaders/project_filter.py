"""A learned filter over the project candidates of the fallback readers (issue 12).

A document with no project block, performance table or 项目支出预算表 line has its projects read by seven
readers of looser layouts, tried in order (``READERS``): tables found by their header row
(``project_header_tables``), tables printed one cell per line (``project_vertical_tables``), tables flattened onto
one line or with a header spread over several lines (``project_flat_tables``), label forms run together
(``project_forms``), numbered lists (``project_lists``), sentences (``project_narrative``) and names paired with an
amount printed apart (``project_sentences``, judged in every document kind). Their
hand rules propose a name and an amount generously; in funding notices many proposals are not projects:
allocation categories (支持产业发展 2993.7万元), villages' or towns' shares, fund names and funding splits.

Each candidate is described by binary features (``candidate_features``): the reader, the name's first and last
characters, its character bigrams, its length, whether it holds a year, a count (2个项目), a place or a level of
government, whether the name is a funding phrase, the words printed just before and after it on its line, its
amount against the other candidates of the same reader (the largest, the sum of the others, a repeated figure),
how many candidates the reader proposed and the document's kind. A logistic regression over these features,
trained on the candidates of the labelled real documents (tests/data/real, every split but holdout; labels from
their expected projects), keeps a candidate when its probability is at least the shipped threshold. The weights
ship in ``loaders/data/project_filter.json`` and are scored here in pure Python (no scikit-learn on the parse
path); ``bench/project_filter.py`` retrains them and prints the cross-validated figures.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

from kb.core.places import PLACE_SUFFIXES
from loaders.evidence import Needs, gated
from loaders.notes import note
from loaders.project_flat_tables import flat_table_entries
from loaders.project_forms import form_entries
from loaders.project_header_tables import header_table_entries
from loaders.project_lists import listed_entries
from loaders.project_narrative import is_excluded_name, is_funding_phrase, narrative_entries
from loaders.project_sentences import paired_entries
from loaders.project_tables import Entry
from loaders.project_vertical_tables import vertical_table_entries

WEIGHTS = Path(__file__).resolve().parent / "data" / "project_filter.json"
FILTERED_KIND = "通知"  # the document kind (``Unit.kind``) whose candidates the filter judges
# The fallback readers, in the order they are tried: (name, reader(rows, lines) -> candidates).
# Each is gated (``loaders.evidence``) by a word its output cannot be without: a name column 项目 holds 目, a
# vertical table's name column 项目名称 holds 名, a form prints 项目名称, a list's and a sentence's amount 元.
READERS: tuple[tuple[str, Callable[[list, list[str]], list[Entry]]], ...] = (
    ("header", gated(Needs("目"), lambda rows, lines: header_table_entries(rows, lines))),
    ("vertical", gated(Needs("名"), lambda rows, lines: vertical_table_entries(lines))),
    ("flat", gated(Needs("目"), lambda rows, lines: flat_table_entries(lines))),  # its name column holds 项目
    ("form", gated(Needs("项目名称"), lambda rows, lines: form_entries(rows))),
    ("list", gated(Needs("元"), lambda rows, lines: listed_entries(rows))),
    ("narrative", gated(Needs("元"), lambda rows, lines: narrative_entries(rows, generous=True))),
    ("sentence", gated(Needs("元"), lambda rows, lines: paired_entries(rows))),  # it pairs names with 元 amounts
)
# Readers with no hand rules of their own (``project_sentences``: a name and an amount printed apart): the filter
# judges their candidates in every document, after the other readers found nothing.
JUDGED_EVERYWHERE = ("sentence",)
_PLACE_WORDS = tuple(sorted(set(PLACE_SUFFIXES) | {"村", "社区", "居委会", "村委会", "镇", "乡", "街道", "办事处", "组"},
                            key=len, reverse=True))
_PLACE_ONLY = re.compile(r"(?:[\u4e00-\u9fff]{1,6}?(?:" + "|".join(_PLACE_WORDS) + r"))+")
_PLACE_IN = re.compile(r"[\u4e00-\u9fff](?:村|社区|镇|乡|街道)")
_LEVEL = re.compile(r"中央|省级|市级|县级|区级|州级|本级|配套|自筹|上级")
_YEAR = re.compile(r"20\d\d年")
_COUNT = re.compile(r"\d+\s*[个项批]")
_GENERIC_TAIL = re.compile(r"(?:项目|工程|专项|经费|补助|补贴|资金|费)+$")
_ODD_START = re.compile(r"^[（(“\"、，,.．:：;；)）]")
_CONTEXT = 6  # characters of the line read on each side of the name


@dataclass(frozen=True)
class Candidate:
    """One proposal of one fallback reader, ready to be scored.

    Attributes:
        reader: the reader's name in ``READERS``.
        entry: the proposed project (name as printed, amount in 万元, line).
        features: the binary features ``candidate_features`` gave it.
    """

    reader: str
    entry: Entry
    features: tuple[str, ...]


def _length_bucket(length: int) -> str:
    for limit, label in ((4, "<=4"), (8, "5-8"), (14, "9-14"), (24, "15-24")):
        if length <= limit:
            return label
    return ">24"


def _amount_bucket(amount: float) -> str:
    for limit, label in ((10, "<10"), (100, "10-100"), (1000, "100-1000")):
        if amount < limit:
            return label
    return ">=1000"


def _bigrams(prefix: str, text: str) -> set[str]:
    return {f"{prefix}={text[i:i + 2]}" for i in range(len(text) - 1)}


def _context(entry: Entry, lines: list[str]) -> tuple[str, str]:
    """The characters printed just before and just after the name on its line ("" when not found)."""
    if not 1 <= entry.first_line <= len(lines):
        return "", ""
    line = "".join(lines[entry.first_line - 1].split())
    name = "".join(entry.name.split())
    at = line.find(name)
    if at < 0:
        return "", ""
    return line[max(0, at - _CONTEXT):at], line[at + len(name):]


def candidate_features(entry: Entry, reader: str, siblings: list[Entry], lines: list[str],
                       kind: str | None) -> tuple[str, ...]:
    """The binary features of one candidate, as sorted feature names ("end2=项目", "reader=narrative" …).

    Args:
        entry: the candidate (name as printed, amount in 万元 or None, first_line 1-based).
        reader: the reader that proposed it (a name of ``READERS``).
        siblings: every candidate the same reader proposed in the document (``entry`` among them).
        lines: the document's normalised text lines (``Extraction.lines``), for the words around the name.
        kind: the document's kind (预算, 决算, 通知 or None) as read by ``loaders.unit``.

    Returns:
        A sorted tuple of feature names; a feature present counts 1, an absent one 0.
    """
    name = "".join(entry.name.split())
    stem = _GENERIC_TAIL.sub("", name)
    features = {f"reader={reader}", f"kind={kind}", f"len={_length_bucket(len(name))}",
                f"candidates={'1' if len(siblings) == 1 else '2-3' if len(siblings) <= 3 else '4+'}"}
    features |= {f"end{n}={name[-n:]}" for n in (1, 2, 3) if len(name) >= n}
    features |= {f"start{n}={name[:n]}" for n in (1, 2) if len(name) >= n}
    features |= _bigrams("bi", name)
    for flag, present in (("year", _YEAR.search(name)), ("count", _COUNT.search(name)),
                          ("place_only", stem and _PLACE_ONLY.fullmatch(stem)), ("place_in", _PLACE_IN.search(name)),
                          ("level", _LEVEL.search(name)), ("funding_phrase", is_funding_phrase(name)),
                          ("excluded_by_rules", is_excluded_name(name)),
                          ("generic_only", not stem), ("odd_start", _ODD_START.search(entry.name)),
                          ("digit_start", name[:1].isdigit()), ("unclosed", name.count("(") + name.count("（")
                                                                   != name.count(")") + name.count("）"))):
        if present:
            features.add(flag)
    left, right = _context(entry, lines)
    features |= _bigrams("left", left) | _bigrams("right", right[:2 * _CONTEXT])
    features.add("left=none" if not left else "left=some")
    if "其中" in right or "含" in right[:12]:
        features.add("right_split")
    if entry.amount is None:
        features.add("amount=none")
    else:
        features.add(f"amount={_amount_bucket(entry.amount)}")
        amounts = [other.amount for other in siblings if other.amount is not None]
        others = sum(amounts) - entry.amount
        if len(amounts) > 1 and entry.amount >= max(amounts):
            features.add("amount_largest")
        if len(amounts) >= 3 and abs(others - entry.amount) <= 0.011:
            features.add("amount_sum_of_others")
        if sum(1 for amount in amounts if abs(amount - entry.amount) <= 1e-6) > 1:
            features.add("amount_repeated")
    if sum(1 for other in siblings if "".join(other.name.split()) == name) > 1:
        features.add("name_repeated")
    features.update(getattr(entry, "pairing", ()))  # how project_sentences paired the name with its amount
    if reader in JUDGED_EVERYWHERE:  # shared weights, and weights of its own (a name paired at a distance differs)
        features |= {f"{reader}:{feature}" for feature in features}
    return tuple(sorted(features))


def propose(rows: list, lines: list[str], kind: str | None) -> list[list[Candidate]]:
    """Every fallback reader's candidates with their features, one list per reader in ``READERS`` order.

    Args:
        rows: the document's rows (``Stream.rows``); lines: ``Extraction.lines``; kind: the document's kind.

    Returns:
        ``[[Candidate, ...] for each reader]`` (an empty list for a reader that proposed nothing).
    """
    proposals = []
    for reader, read in READERS:
        entries = read(rows, lines)
        proposals.append([Candidate(reader, entry, candidate_features(entry, reader, entries, lines, kind))
                          for entry in entries])
    return proposals


class ProjectFilter:
    """A logistic regression over candidate features, scored in pure Python.

    Args:
        intercept: the model's bias; weights: {feature name: weight} (absent features weigh 0);
        threshold: the least probability (0..1) at which a candidate is kept.
    """

    def __init__(self, intercept: float, weights: dict[str, float], threshold: float = 0.5) -> None:
        self.intercept = intercept
        self.weights = weights
        self.threshold = threshold

    @classmethod
    def from_dict(cls, data: dict) -> "ProjectFilter":
        """A filter from the JSON document ``bench/project_filter.py`` writes ({"intercept", "weights", "threshold"})."""
        return cls(float(data["intercept"]), {key: float(value) for key, value in data["weights"].items()},
                   float(data.get("threshold", 0.5)))

    def probability(self, features: tuple[str, ...] | list[str]) -> float:
        """P(project) of a candidate with these features: sigmoid(intercept + sum of their weights)."""
        score = self.intercept + sum(self.weights.get(feature, 0.0) for feature in features)
        return 1.0 / (1.0 + math.exp(-score)) if score > -700 else 0.0

    def keeps(self, candidate: Candidate) -> bool:
        """True when the candidate's probability reaches the threshold."""
        return self.probability(candidate.features) >= self.threshold


@lru_cache(maxsize=1)
def shipped_filter() -> ProjectFilter:
    """The filter of ``loaders/data/project_filter.json`` (read once per process).

    Raises:
        FileNotFoundError, json.JSONDecodeError: the package's data file is missing or damaged.
    """
    return ProjectFilter.from_dict(json.loads(WEIGHTS.read_text(encoding="utf-8")))


def fallback_entries(rows: list, lines: list[str], kind: str | None,
                     project_filter: ProjectFilter | None = None) -> tuple[list[Entry], list[tuple[Candidate, float]]]:
    """The projects of a document without project tables: the first reader whose candidates pass the filter.

    Readers are tried in ``READERS`` order; a reader whose every candidate is rejected gives way to the next.
    The filter judges funding notices only (``FILTERED_KIND``), where the readers' proposals hold allocation
    categories, shares and funding splits; in other documents (a 预算 情况说明 naming its 重点项目) the readers'
    hand rules decide alone, as the training notices say little about them; when none of them proposes anything,
    the readers without hand rules (``JUDGED_EVERYWHERE``: names and amounts printed apart) are judged by the filter.

    Args:
        rows, lines, kind: as for ``propose``; project_filter: the filter (default ``shipped_filter()``).

    Returns:
        (kept entries in reading order, [(rejected candidate, its probability), ...] of the readers tried).
    """
    if kind != FILTERED_KIND:  # the rules alone: the first reader that proposes anything, hand exclusions applied
        for reader, read in READERS:
            if reader in JUDGED_EVERYWHERE:
                continue
            entries = [entry for entry in read(rows, lines) if reader != "narrative" or not is_excluded_name(entry.name)]
            if entries:
                return entries, []
    project_filter = project_filter or shipped_filter()
    rejected: list[tuple[Candidate, float]] = []
    for reader, read in READERS:
        if kind != FILTERED_KIND and reader not in JUDGED_EVERYWHERE:
            continue
        entries = read(rows, lines)
        if not entries:
            continue
        kept = []
        for entry in entries:
            candidate = Candidate(reader, entry, candidate_features(entry, reader, entries, lines, kind))
            probability = project_filter.probability(candidate.features)
            if probability >= project_filter.threshold:
                kept.append(entry)
            else:
                rejected.append((candidate, probability))
        if kept:
            return kept, rejected
    return [], rejected


READER_NAMES = {"header": "表头表格", "vertical": "逐格分行表格", "flat": "压平表格", "form": "连写表单", "list": "编号列表",
                "narrative": "正文句子", "sentence": "分句配对"}
"""Reader name -> the Chinese name the extraction notes print."""


def rejected_note(rejected: list[tuple[Candidate, float]]) -> str:
    """The extraction note (``projects.filter_rejected``) listing the candidates the filter did not take: name,
    amount in 万元, line, reader and the filter's probability."""
    candidates = "；".join(
        f"“{candidate.entry.name}”（{candidate.entry.amount}万元，第{candidate.entry.first_line}行，"
        f"{READER_NAMES.get(candidate.reader, candidate.reader)}，概率{probability:.2f}）"
        for candidate, probability in rejected)
    return note("projects.filter_rejected", count=len(rejected), candidates=candidates)
