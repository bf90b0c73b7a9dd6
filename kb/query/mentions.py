"""What a question names: 文号, issuers, units, years, subjects, projects, indicators, programs, budget figures.

The question is normalised once (``normalize_text``: traditional -> simplified, full-width -> half-width);
文号 are read with ``kb.core.doc_no.find_doc_nos`` (any bracket, spaces inside); every other name is
matched against the graph's own vocabulary (``kb.query.vocabulary``) on match keys, longest first, and
projects also by fuzzy match (rapidfuzz ``partial_ratio``, 0–100). Each name found is replaced in
``masked`` by a one-character marker, so intent is read from the question's shape
("Ⓓ支持了哪些项目？"), not from the names in it.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from kb.query.vocabulary import Vocabulary
from kb.core.doc_no import find_doc_nos, split_doc_no
from kb.core.normalize import match_key, normalize_text

MARKERS = {"doc_no": "Ⓓ", "issuer_code": "Ⓘ", "unit": "Ⓤ", "year": "Ⓨ", "subject": "Ⓢ", "project": "Ⓟ",
           "indicator": "Ⓝ", "program": "Ⓖ", "keyword": "Ⓚ"}
MARKER_CHARS = set(MARKERS.values())
# Budget figures by the words that name them (longest first); kept in the text (they also say intent).
BUDGET_FIELDS = (("一般公共预算拨款", "general_public_budget"), ("一般公共预算", "general_public_budget"),
                 ("收入总计", "income_total"), ("收入合计", "income_total"), ("总收入", "income_total"),
                 ("支出总计", "expense_total"), ("支出合计", "expense_total"), ("总支出", "expense_total"),
                 ("预算总额", "expense_total"), ("基本支出", "basic_expense"), ("项目支出", "project_expense"),
                 ("上年结转", "carryover"), ("结转", "carryover"), ("三公", "three_public"), ("收入", "income_total"))
# Classification schemes by the words that name them (longest first).
SCHEMES = (("政府经济分类", "gov_economic"), ("政府预算支出经济分类", "gov_economic"), ("经济分类", "economic"),
           ("功能分类", "function"))
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)\s*年?(?:度)?")
_CODE = re.compile(r"(?<!\d)(\d{3}|\d{5}|\d{7}|\d{9})(?!\d)")
_TOPIC = (re.compile(r"(?:关于|涉及|有关|提到|针对)(?P<x>[^，,。？?的]{2,12})的"),
          re.compile(r"(?:和|与|跟)(?P<x>[^，,。？?的]{2,12})(?:有关|相关)"),
          re.compile(r"(?P<x>[^，,。？?的有哪]{2,12})(?:相关|有关)的项目"))
# Words too generic to be an indicator or topic on their own.
_GENERIC = {"指标", "绩效", "项目", "哪些", "文件", "单位", "有哪", "多少", "绩效指标", "目标", "资金", "补助", "支出"}
# Words that only say what kind of question it is; what remains of a question are its content words.
QUESTION_WORDS = ("哪些", "哪个", "什么", "多少", "是否", "有没有", "分别", "各自", "一共", "总共", "合计", "请问", "列出",
                  "支持了", "支持", "有关", "关于", "涉及", "相关", "考核", "设了", "设置", "指标", "项目", "单位",
                  "区县", "文件", "预算", "安排了", "安排", "在", "有", "是", "的", "了", "吗", "呢", "和", "与", "及",
                  "各", "都", "被", "哪", "个", "钱", "年")
_PROJECT_FUZZY_MIN = 88
_PROGRAM_FUZZY_MIN = 80


@dataclass
class Mentions:
    """Names read from one question.

    Attributes:
        text: the normalised question.
        key: ``match_key`` of the question (what names are matched in).
        masked: ``key`` with each name replaced by its marker (see ``MARKERS``).
        doc_nos: canonical 文号 in order; unknown_doc_nos: those the graph does not hold.
        issuer_codes: issuer codes named without a full 文号 (e.g. "渝人社发的文件").
        units: full unit names (by alias), in order of appearance.
        years: years (2000–2099) named.
        subjects: (scheme, code, name) entries for a subject code or name named.
        projects: (project name, unit, score 0–100) candidates, best first.
        indicators: indicator names (exact) or indicator words (part of a name, e.g. 满意度).
        programs: program names matched (rapidfuzz score ≥ 80).
        keywords: topic words (e.g. 退捕渔民 from "关于退捕渔民的项目").
        budget_field: the budget figure the question asks about (e.g. "project_expense"), or None.
        role: "basis" when the question asks for 立项依据 only, else None.
        scheme: the classification the question names (function | economic | gov_economic), else None.
    """

    text: str
    key: str
    masked: str = ""
    doc_nos: list[str] = field(default_factory=list)
    unknown_doc_nos: list[str] = field(default_factory=list)
    issuer_codes: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    subjects: list[tuple[str, str, str]] = field(default_factory=list)
    projects: list[tuple[str, str, float]] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    budget_field: str | None = None
    role: str | None = None
    scheme: str | None = None

    def kinds(self) -> set[str]:
        """Kinds of names found ("doc_no", "unit", ...), the vocabulary of template parameters."""
        found = {"doc_no": self.doc_nos or self.unknown_doc_nos, "issuer_code": self.issuer_codes,
                 "unit": self.units, "year": self.years, "subject": self.subjects, "project": self.projects,
                 "indicator": self.indicators, "program": self.programs, "keyword": self.keywords,
                 "field": self.budget_field}
        return {kind for kind, value in found.items() if value}


class _Masker:
    """Replaces spans of the key by markers, refusing spans that overlap one already taken."""

    def __init__(self, key: str):
        self.chars = list(key)
        self.taken = [False] * len(key)

    def free(self, start: int, end: int) -> bool:
        return not any(self.taken[start:end])

    def take(self, start: int, end: int, marker: str) -> None:
        for index in range(start, end):
            self.chars[index] = "" if index > start else marker
            self.taken[index] = True

    def text(self) -> str:
        return "".join(self.chars)

    def find_free(self, needle: str, key: str) -> int:
        start = key.find(needle)
        while start >= 0:
            if self.free(start, start + len(needle)):
                return start
            start = key.find(needle, start + 1)
        return -1


def read_mentions(question: str, vocab: Vocabulary) -> Mentions:
    """Read every name ``question`` holds, against the graph's ``vocab``.

    Args:
        question: the question as typed (traditional characters, full-width digits, any 文号 brackets).
        vocab: the store's vocabulary.

    Returns:
        ``Mentions`` with canonical values (full unit names, canonical 文号, stored project names).

    Example:
        >>> m = read_mentions("渝委辦發【2019】66號支持了哪些項目？", vocab)  # doctest: +SKIP
        >>> m.doc_nos, m.masked
        (['渝委办发〔2019〕66号'], 'Ⓓ支持了哪些项目?')
    """
    text = normalize_text(question.replace("\n", " "))
    found_doc_nos = [_known_doc_no(found.doc_no, found.start, found.end, text, vocab) for found in find_doc_nos(text)]
    pieces, cursor = [], 0
    for _, start, end in found_doc_nos:
        pieces.append(text[cursor:start])
        pieces.append("\x00")  # placeholder survives match_key
        cursor = end
    pieces.append(text[cursor:])
    key = match_key("".join(pieces))
    mentions = Mentions(text=text, key=key)
    masker = _Masker(key)
    for index, char in enumerate(key):
        if char == "\x00":
            masker.take(index, index + 1, MARKERS["doc_no"])
    for doc_no, _, _ in found_doc_nos:
        target = mentions.doc_nos if doc_no in vocab.doc_nos else mentions.unknown_doc_nos
        if doc_no not in target:
            target.append(doc_no)

    for match in _YEAR.finditer(key):
        if masker.free(match.start(), match.end()):
            mentions.years.append(int(match.group(1)))
            masker.take(match.start(), match.end(), MARKERS["year"])
    if not _read_projects_exactly(mentions, masker, vocab) and not _read_programs_exactly(mentions, masker, vocab):
        _read_projects_fuzzily(mentions, masker, vocab)
    _read_units(mentions, masker, vocab)
    _read_issuers(mentions, masker, vocab)
    _read_subjects(mentions, masker, vocab)
    _read_indicators(mentions, masker, vocab)
    _read_programs(mentions, masker, vocab)
    _read_topic(mentions, masker)
    _read_program_keywords(mentions, masker, vocab)
    for words, name in BUDGET_FIELDS:
        if words in key:
            mentions.budget_field = name
            break
    mentions.scheme = next((name for words, name in SCHEMES if words in key), None)
    if "立项依据" in key or "作为依据" in key:
        mentions.role = "basis"
    mentions.masked = masker.text()
    return mentions


def _known_doc_no(doc_no: str, start: int, end: int, text: str, vocab: Vocabulary) -> tuple[str, int, int]:
    """Resolve a 文号 read with words of the question glued to its issuer ("立项依据是渝人社发〔2016〕132号").

    When ``doc_no`` is unknown but a known 文号 has the same year and number and an issuer code that ends
    the one read, that known 文号 is meant; its span starts at its issuer code.

    Returns:
        (doc_no, start, end) — unchanged when nothing known fits.
    """
    if doc_no in vocab.doc_nos or split_doc_no(doc_no) is None:
        return doc_no, start, end
    issuer, year, number = split_doc_no(doc_no)
    candidates = []
    for known in vocab.doc_nos:
        parts = split_doc_no(known)
        if parts and parts[1:] == (year, number) and issuer.endswith(parts[0]) and len(parts[0]) >= 2:
            candidates.append((len(parts[0]), known, parts[0]))
    if not candidates:
        return doc_no, start, end
    _, known, known_issuer = max(candidates)
    found_at = text.find(known_issuer[0], start + len(issuer) - len(known_issuer))
    return known, found_at if start <= found_at < end else start, end


def _longest_first(keys) -> list[str]:
    return sorted(keys, key=lambda key: (-len(key), key))


def _read_units(mentions: Mentions, masker: _Masker, vocab: Vocabulary) -> None:
    """Units by alias, longest alias first, listed in order of appearance in the question."""
    key = mentions.key
    found: dict[str, int] = {}
    for alias in _longest_first(vocab.unit_aliases):
        start = masker.find_free(alias, key)
        if start < 0 and mentions.projects and key.find(alias) >= 0:  # 荣昌区民师…: the unit inside a project name
            for name in vocab.unit_aliases[alias]:
                found.setdefault(name, key.find(alias))
        while start >= 0:
            masker.take(start, start + len(alias), MARKERS["unit"])
            names = vocab.unit_aliases[alias]
            exact = [name for name in names if match_key(name) == alias]  # a full name means that unit only
            for name in exact or names:
                found[name] = min(found.get(name, start), start)
            start = masker.find_free(alias, key)
    mentions.units = sorted(found, key=lambda name: found[name])


def _projects_by_key(vocab: Vocabulary) -> dict[str, list]:
    by_key = vocab.cache.get("projects by key")
    if by_key is None:
        by_key = {}
        for project in vocab.projects:
            by_key.setdefault(match_key(project.name), []).append(project)
        vocab.cache["projects by key"] = by_key
    return by_key


def _read_projects_exactly(mentions: Mentions, masker: _Masker, vocab: Vocabulary) -> bool:
    by_key = _projects_by_key(vocab)
    for name_key in _longest_first(by_key):
        if len(name_key) < 4:
            continue
        start = masker.find_free(name_key, mentions.key)
        if start >= 0:
            masker.take(start, start + len(name_key), MARKERS["project"])
            mentions.projects.extend((p.name, p.unit, 100.0) for p in by_key[name_key])
            return True
    return False


def _read_programs_exactly(mentions: Mentions, masker: _Masker, vocab: Vocabulary) -> bool:
    names = {match_key(name): name for name in vocab.programs}
    for name_key in _longest_first(names):
        start = masker.find_free(name_key, mentions.key)
        if start >= 0 and len(name_key) >= 3:
            masker.take(start, start + len(name_key), MARKERS["program"])
            mentions.programs.append(names[name_key])
            return True
    return False


def _read_projects_fuzzily(mentions: Mentions, masker: _Masker, vocab: Vocabulary) -> None:
    """A project name typed with a few characters changed or missing: rapidfuzz partial_ratio ≥ 88 between a
    name and the question (or one of its content runs), the match covering ≥ 60 % of the name (so a short word
    such as 民办教师 is a topic, not the project 代发民办教师养老和医疗补助资金)."""
    key = mentions.key
    by_key = _projects_by_key(vocab)
    choices = [name_key for name_key in by_key if len(name_key) >= 5]
    free_text = "".join(char if not masker.taken[i] else " " for i, char in enumerate(key))
    best_found = None
    for offset, text in [*_content_runs(free_text), (0, free_text)]:
        found = process.extractOne(text, choices, scorer=fuzz.partial_ratio, score_cutoff=_PROJECT_FUZZY_MIN)
        if found is None:
            continue
        name_key, score, _ = found
        alignment = fuzz.partial_ratio_alignment(name_key, text)
        covered = min(alignment.src_end - alignment.src_start, alignment.dest_end - alignment.dest_start)
        if covered < 4 or covered < 0.6 * len(name_key):
            continue
        span = _matched_span(name_key, text, alignment.dest_start, alignment.dest_end, offset)
        if best_found is None or score > best_found[1]:
            best_found = (name_key, score, span)
    if best_found is None:
        return
    name_key, score, (start, end) = best_found
    if masker.free(start, end):
        masker.take(start, end, MARKERS["project"])
        mentions.projects.extend((p.name, p.unit, float(score)) for p in by_key[name_key])


def _matched_span(name_key: str, text: str, start: int, end: int, offset: int) -> tuple[int, int]:
    """The part of ``text[start:end]`` that matches ``name_key`` (blocks of ≥ 2 characters), as key offsets,
    so the words around a loosely typed project name stay readable ("民师生活医疗补助依据的文件" keeps 依据)."""
    window = text[start:end]
    blocks = [b for b in difflib.SequenceMatcher(None, name_key, window, autojunk=False).get_matching_blocks()
              if b.size >= 2]
    if not blocks:
        return offset + start, offset + end
    return offset + start + blocks[0].b, offset + start + max(b.b + b.size for b in blocks)


def _content_runs(text: str) -> list[tuple[int, str]]:
    """(offset, run) of the runs of ≥ 4 characters left when question words are blanked out of ``text``."""
    blanked = text
    for word in sorted(QUESTION_WORDS, key=len, reverse=True):
        blanked = blanked.replace(word, " " * len(word))
    return [(match.start(), match.group()) for match in re.finditer(r"[^\s\W]{4,}", blanked)]


def _read_issuers(mentions: Mentions, masker: _Masker, vocab: Vocabulary) -> None:
    for code in _longest_first(vocab.issuers):
        code_key = match_key(code)
        start = masker.find_free(code_key, mentions.key) if len(code_key) >= 2 else -1
        if start >= 0:
            masker.take(start, start + len(code_key), MARKERS["issuer_code"])
            mentions.issuer_codes.append(code)


def _read_subjects(mentions: Mentions, masker: _Masker, vocab: Vocabulary) -> None:
    key = mentions.key
    for match in _CODE.finditer(key):
        if match.group(1) in vocab.subjects and masker.free(match.start(), match.end()):
            masker.take(match.start(), match.end(), MARKERS["subject"])
            mentions.subjects.extend(vocab.subjects[match.group(1)])
    for subject_key in _longest_first(k for k in vocab.subjects if not k.isdigit() and len(k) >= 3):
        start = masker.find_free(subject_key, key)
        if start >= 0:
            masker.take(start, start + len(subject_key), MARKERS["subject"])
            mentions.subjects.extend(e for e in vocab.subjects[subject_key] if e not in mentions.subjects)
            return


def _read_indicators(mentions: Mentions, masker: _Masker, vocab: Vocabulary) -> None:
    key = mentions.key
    names = {match_key(name): name for name in vocab.indicators}
    for name_key in _longest_first(names):
        if len(name_key) < 3:
            continue
        start = masker.find_free(name_key, key)
        if start >= 0:
            masker.take(start, start + len(name_key), MARKERS["indicator"])
            mentions.indicators.append(names[name_key])
            return
    # part of an indicator name (满意度指标, 指标涉及冒领 …): the longest free run inside some indicator name
    if "指标" not in key:
        return
    reserved = {index for found in re.finditer("指标", key) for index in range(found.start(), found.end())}
    for size in range(8, 1, -1):
        for start in range(0, len(key) - size + 1):
            word = key[start:start + size]
            if (not masker.free(start, start + size) or word in _GENERIC
                    or reserved.intersection(range(start, start + size))
                    or any(generic in word for generic in ("哪些", "项目", "设了", "涉及", "有关"))):
                continue
            if any(word in name_key for name_key in names):
                masker.take(start, start + size, MARKERS["indicator"])
                mentions.indicators.append(word)
                return


def _read_programs(mentions: Mentions, masker: _Masker, vocab: Vocabulary) -> None:
    """A program named loosely (rapidfuzz partial_ratio ≥ 80), when no project or program matched exactly."""
    if not vocab.programs or mentions.programs or mentions.projects:
        return
    free_text = "".join(char if not masker.taken[i] else " " for i, char in enumerate(mentions.key))
    names = {match_key(name): name for name in vocab.programs}
    best = process.extractOne(free_text, list(names), scorer=fuzz.partial_ratio, score_cutoff=_PROGRAM_FUZZY_MIN)
    if best is None:
        return
    alignment = fuzz.partial_ratio_alignment(best[0], free_text)
    if alignment and alignment.dest_end - alignment.dest_start >= 4 and masker.free(alignment.dest_start,
                                                                                    alignment.dest_end):
        masker.take(alignment.dest_start, alignment.dest_end, MARKERS["program"])
        mentions.programs.append(names[best[0]])


def _read_program_keywords(mentions: Mentions, masker: _Masker, vocab: Vocabulary) -> None:
    """A program named by its beneficiary group or topic (Program.keywords: 民办教师补助, 军转干部, 驻村帮扶),
    longest keyword first, when no project, program, indicator or 关于X的 topic was read."""
    if mentions.programs or mentions.projects or mentions.indicators or mentions.keywords:
        return
    for keyword in _longest_first(vocab.program_keywords):
        start = masker.find_free(keyword, mentions.key)
        if start >= 0:
            masker.take(start, start + len(keyword), MARKERS["program"])
            mentions.programs.append(vocab.program_keywords[keyword][0])
            return


def _read_topic(mentions: Mentions, masker: _Masker) -> None:
    for pattern in _TOPIC:
        match = pattern.search(mentions.key)
        if match and match.group("x") not in _GENERIC and not any(c in MARKER_CHARS for c in match.group("x")):
            start, end = match.start("x"), match.end("x")
            if masker.free(start, end):
                mentions.keywords.append(match.group("x"))
                masker.take(start, end, MARKERS["keyword"])
                return


def content_words(mentions: Mentions) -> list[str]:
    """Runs of ≥ 2 characters of the masked question that are neither names found nor question words."""
    text = mentions.masked
    for word in sorted(QUESTION_WORDS, key=len, reverse=True):
        text = text.replace(word, " ")
    text = re.sub(f"[{''.join(MARKER_CHARS)}]", " ", text)
    text = re.sub(r"[^\w]+", " ", text)
    return [word for word in text.split() if len(word) >= 2]


__all__ = ["BUDGET_FIELDS", "MARKERS", "Mentions", "content_words", "read_mentions"]
