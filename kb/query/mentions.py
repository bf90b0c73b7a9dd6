"""What a question names: 文号, 文件 titles, issuers, units, years, subjects, projects, indicators and their
types, programs, budget figures — read by entity linking against the graph's gazetteer.

The question is normalised once (``normalize_text``: traditional -> simplified, full-width -> half-width) and
made a match key. Then, in this order:
1. 文号 in every spelling (any bracket or none, 年 between year and number, spaces, a trailing 文): a year
   followed by a number and 号, its issuer read as the longest known issuer code ending right before it;
2. every other name by the gazetteer's Aho-Corasick automaton (``kb.query.gazetteer``), longest first, then
   by its pinyin automaton (homophone typos: 棋江区 -> 綦江区), then project names by edit distance (rapidfuzz
   ``partial_ratio`` ≥ 88) and 文件 titles typed in part (rapidfuzz ≥ 90);
3. a topic word (关于X的, 涉及X的 …), homophones corrected against project names (退补渔民 -> 退捕渔民);
4. the budget figure, classification scheme and citation role asked about (small domain lexicons).
Each name found is replaced in ``masked`` by a one-character marker, so the intent is read from the
question's shape ("Ⓓ支持了哪些项目？"), not from the names in it.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from kb.core.doc_no import find_doc_nos
from kb.core.normalize import match_key, normalize_text
from kb.query.gazetteer import Gazetteer, Match, select
from kb.query.vocabulary import Vocabulary

MARKERS = {"doc_no": "Ⓓ", "issuer_code": "Ⓘ", "unit": "Ⓤ", "year": "Ⓨ", "subject": "Ⓢ", "project": "Ⓟ",
           "indicator": "Ⓝ", "program": "Ⓖ", "keyword": "Ⓚ", "indicator_type": "Ⓣ"}
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
        indicator_types: indicator types named (Indicator.level1/level2: 时效指标, 满意度指标 …).
        fuzzy: {kind, typed, known, how} for every name read by pinyin or edit distance rather than exactly.
        amount_bounds: (">" | ">=" | "<" | "<=", 万元) bounds on amounts (超过100万元, 不到10万元).
        alternatives: other gazetteer readings of a span read (``kb.query.gazetteer.Match``).
        topic_reading: the same question with its longest content word read as a topic word (荣昌有没有乡村医生补助),
            when it asks whether something exists; the frame keeps the reading the classifier finds clearer.
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
    indicator_types: list[str] = field(default_factory=list)
    fuzzy: list[dict] = field(default_factory=list)
    amount_bounds: list[tuple[str, float]] = field(default_factory=list)
    alternatives: list = field(default_factory=list)
    topic_reading: "Mentions | None" = None

    def kinds(self) -> set[str]:
        """Kinds of names found ("doc_no", "unit", ...), the vocabulary of template parameters."""
        found = {"doc_no": self.doc_nos or self.unknown_doc_nos, "issuer_code": self.issuer_codes,
                 "unit": self.units, "year": self.years, "subject": self.subjects, "project": self.projects,
                 "indicator": self.indicators, "program": self.programs, "keyword": self.keywords,
                 "field": self.budget_field, "indicator_type": self.indicator_types}
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

    def free_text(self, key: str) -> str:
        return "".join(char if not self.taken[i] else " " for i, char in enumerate(key))


# A 文号 in a question key: a year, then (bracket, 年 or nothing) a number and 号 (a trailing 文 dropped).
_DOC_NO_TAIL = re.compile(r"[〔【\[(（]?(?P<year>(?:19|20)\d\d)[〕】\])）]?年?第?(?P<number>\d{1,5})号(?:文(?!件))?")
_TITLE_CUES = re.compile(r"《|》|通知|意见|办法|条例|规定|规范|决定|批复|文件")


def gazetteer_of(vocab: Vocabulary) -> Gazetteer:
    """The vocabulary's gazetteer (built and cached on it when the vocabulary was read without one)."""
    gazetteer = vocab.cache.get("gazetteer")
    if gazetteer is None:
        gazetteer = vocab.cache["gazetteer"] = Gazetteer.build(vocab)
    return gazetteer


def read_mentions(question: str, vocab: Vocabulary) -> Mentions:
    """Read every name ``question`` holds, against the graph's ``vocab`` (see the module docstring).

    Args:
        question: the question as typed (traditional characters, full-width digits, any 文号 spelling, typos).
        vocab: the store's vocabulary (its gazetteer in ``vocab.cache["gazetteer"]``).

    Returns:
        ``Mentions`` with canonical values (full unit names, canonical 文号, stored project names).

    Example:
        >>> m = read_mentions("渝委辦發【2019】66號支持了哪些項目？", vocab)  # doctest: +SKIP
        >>> m.doc_nos, m.masked
        (['渝委办发〔2019〕66号'], 'Ⓓ支持了哪些项目?')
    """
    text = normalize_text(question.replace("\n", " "))
    key = match_key(text)
    mentions = Mentions(text=text, key=key)
    masker = _Masker(key)
    gazetteer = gazetteer_of(vocab)
    _read_doc_nos(mentions, masker, vocab)
    found = [m for m in gazetteer.exact(key) if masker.free(m.start, m.end) and _digits_stand_alone(m, key)]
    free = masker.free_text(key)
    homophones = [m for m in gazetteer.homophones(free) if masker.free(m.start, m.end)]
    chosen = select(found + homophones)
    if any(m.kind in ("project", "program", "indicator", "title") for m in chosen):
        chosen = [m for m in chosen if m.kind != "program_keyword"]
    mentions.alternatives = _alternatives(chosen, found + homophones)
    for match in chosen:
        if match.kind != "program_keyword":
            _apply(mentions, masker, match, vocab)
    for match in _YEAR.finditer(key):
        if masker.free(match.start(), match.end()):
            mentions.years.append(int(match.group(1)))
            masker.take(match.start(), match.end(), MARKERS["year"])
    _read_amount_bounds(mentions, masker)
    if not mentions.projects and not mentions.programs:
        _read_projects_fuzzily(mentions, masker, vocab)
    if not mentions.doc_nos and _TITLE_CUES.search(key):
        _read_titles_fuzzily(mentions, masker, vocab)
    _read_topic(mentions, masker, gazetteer)
    if not (mentions.projects or mentions.programs or mentions.indicators or mentions.keywords):
        for match in chosen:  # a program by its group word (民师, 军转干部) only when nothing more specific was read
            if match.kind == "program_keyword" and masker.free(match.start, match.end):
                _apply(mentions, masker, match, vocab)
    _read_indicator_words(mentions, masker, vocab)
    if not (mentions.kinds() - {"year", "field"}):
        _read_indicator_word_alone(mentions, masker, vocab)
    mentions.masked = masker.text()
    if _EXISTENCE.search(key) and not (mentions.kinds() & _SPECIFIC_KINDS):
        topic = Mentions(**{**mentions.__dict__, "keywords": [], "fuzzy": list(mentions.fuzzy)})
        topic_masker = _Masker(key)
        topic_masker.chars, topic_masker.taken = list(masker.chars), list(masker.taken)
        _read_remaining_topic(topic, topic_masker, gazetteer)
        if topic.keywords:
            topic.masked = topic_masker.text()
            mentions.topic_reading = topic
    for words, name in BUDGET_FIELDS:
        if words in key:
            mentions.budget_field = name
            break
    mentions.scheme = next((name for words, name in SCHEMES if words in key), None)
    if "立项依据" in key or "作为依据" in key:
        mentions.role = "basis"
    mentions.masked = masker.text()
    return mentions


_SPECIFIC_KINDS = {"doc_no", "project", "program", "indicator", "indicator_type", "issuer_code", "subject", "keyword"}
_EXISTENCE = re.compile(r"有没有|有无|是否有|是否|有关|相关|关于|涉及|针对|方面")
_BOUND_WORDS = re.compile(r"(?P<word>超过|大于|高于|多于|不少于|不低于|至少|不到|低于|少于|小于|不足|不超过|未超过)"
                          r"(?P<value>\d+(?:\.\d+)?)(?P<scale>亿|万|千)?元?|(?P<value2>\d+(?:\.\d+)?)(?P<scale2>亿|万|千)?元?"
                          r"(?P<word2>以上|以下|以内)")
_SCALE_TO_WAN = {"亿": 10000.0, "万": 1.0, "千": 0.1, None: 1.0}


def _read_amount_bounds(mentions: Mentions, masker: _Masker) -> None:
    """An amount bound (超过100万元, 不到10万元, 50万元以上): ``mentions.amount_bounds`` gets (">=" or "<", 万元)."""
    for found in _BOUND_WORDS.finditer(mentions.key):
        if not masker.free(found.start(), found.end()):
            continue
        word = found.group("word") or found.group("word2")
        value = float(found.group("value") or found.group("value2"))
        scale = _SCALE_TO_WAN[found.group("scale") or found.group("scale2")]
        if not (found.group("scale") or found.group("scale2")) and "万" not in mentions.key[found.end():found.end() + 2]:
            scale = 1.0
        bound = ">" if word in ("超过", "大于", "高于", "多于", "以上") else ">=" if word in ("不少于", "不低于", "至少") else "<"
        if word in ("不超过", "未超过", "以内"):
            bound = "<="
        mentions.amount_bounds.append((bound, value * scale))
        masker.take(found.start(), found.end(), "Ⓐ")


def _alternatives(chosen: list[Match], found: list[Match]) -> list[Match]:
    """Other readings of a chosen span (a project name that is also a program's, 信息化建设 as a subject and as a
    program's group word): the frame tries each and keeps the one the classifier reads best."""
    spans = {(m.start, m.end): m.kind for m in chosen}
    kinds = {"project", "program", "program_keyword", "subject", "indicator"}
    return [m for m in found if (m.start, m.end) in spans and m.kind != spans[(m.start, m.end)]
            and m.kind in kinds and spans[(m.start, m.end)] in kinds]


def _read_remaining_topic(mentions: Mentions, masker: _Masker, gazetteer: Gazetteer) -> None:
    """The longest content word left (≥ 2 characters, not a budget figure) as the topic word of a question
    asking whether something exists (荣昌有没有乡村医生补助 -> 乡村医生补助)."""
    words = [w for w in content_words_of(masker.text()) if not any(f in w for f, _ in BUDGET_FIELDS)]
    if not words:
        return
    word = max(words, key=len)
    start = masker.free_text(mentions.key).find(word)
    if start < 0:
        return
    if not any(word in text for text in gazetteer.project_texts):
        known = gazetteer.homophone_in_projects(word)
        if known:
            mentions.fuzzy.append({"kind": "keyword", "typed": word, "known": known, "how": "pinyin"})
            word = known
    mentions.keywords.append(word)
    masker.take(start, start + len(word), MARKERS["keyword"])


def _digits_stand_alone(match: Match, key: str) -> bool:
    """A code made of digits (a subject code) counts only when no digit touches it (not 202 inside 2026)."""
    if not match.surface.isdigit():
        return True
    before = key[match.start - 1] if match.start else ""
    after = key[match.end] if match.end < len(key) else ""
    return not before.isdigit() and not after.isdigit()


def _apply(mentions: Mentions, masker: _Masker, match: Match, vocab: Vocabulary) -> None:
    """Record one gazetteer match in ``mentions`` and mask its span."""
    kind, value = match.kind, match.value
    if match.fuzzy:
        mentions.fuzzy.append({"kind": kind, "typed": match.surface, "known": match.known, "how": match.fuzzy})
    marker = {"doc_no": "doc_no", "title": "doc_no", "issuer": "issuer_code", "program_keyword": "program"}.get(kind, kind)
    if masker.free(match.start, match.end):
        masker.take(match.start, match.end, MARKERS[marker])
    elif masker.chars[match.start] != MARKERS[marker]:
        return  # the span was taken by a name of another kind
    if kind in ("doc_no", "title"):
        _add(mentions.doc_nos, value)
    elif kind == "unit":
        if match.surface != match_key(value) and any(match_key(name) == match.surface for name in vocab.units):
            return  # a full unit name means that unit only
        _add(mentions.units, value)
    elif kind == "issuer":
        _add(mentions.issuer_codes, value)
    elif kind == "project":
        runs = [p for p in vocab.projects if p.name == value]
        for project in runs:
            entry = (project.name, project.unit, 100.0 if not match.fuzzy else 90.0)
            if entry not in mentions.projects:
                mentions.projects.append(entry)
        for alias, names in vocab.unit_aliases.items():  # 荣昌区民师…: a unit inside a project name
            if alias in match.surface and len(alias) >= 2:
                for name in names:
                    if any(p.unit == name for p in runs):
                        _add(mentions.units, name)
    elif kind in ("program", "program_keyword"):
        _add(mentions.programs, value)
    elif kind == "subject":
        mentions.subjects.extend(e for e in vocab.subjects.get(value, []) if e not in mentions.subjects)
    elif kind == "indicator":
        _add(mentions.indicators, value)
    elif kind == "indicator_type":
        _add(mentions.indicator_types, value)


def _add(values: list, value) -> None:
    if value not in values:
        values.append(value)


def _issuer_codes(vocab: Vocabulary) -> list[str]:
    codes = vocab.cache.get("issuer codes")
    if codes is None:
        found = set(vocab.issuers)
        for doc_no in vocab.doc_nos:
            head = doc_no.split("〔", 1)[0]
            if head != doc_no:
                found.add(head)
        codes = vocab.cache["issuer codes"] = sorted(found, key=len, reverse=True)
    return codes


def _read_doc_nos(mentions: Mentions, masker: _Masker, vocab: Vocabulary) -> None:
    """文号 in any spelling: the issuer is the longest known issuer code ending right before the year (or,
    for an issuer the graph does not know, the prefix ``find_doc_nos`` reads); unknown ones are kept apart."""
    key = mentions.key
    codes = _issuer_codes(vocab)
    for found in _DOC_NO_TAIL.finditer(key):
        before = key[max(0, found.start() - 14):found.start()]
        issuer = next((code for code in codes if before.endswith(match_key(code))), None)
        if issuer is None:
            read = find_doc_nos(f"{before}〔{found.group('year')}〕{found.group('number')}号")
            if not read:
                continue
            issuer = read[-1].issuer_code
        start = found.start() - len(match_key(issuer))
        doc_no = f"{issuer}〔{found.group('year')}〕{int(found.group('number'))}号"
        if not masker.free(start, found.end()):
            continue
        masker.take(start, found.end(), MARKERS["doc_no"])
        _add(mentions.doc_nos if doc_no in vocab.doc_nos else mentions.unknown_doc_nos, doc_no)


def _projects_by_key(vocab: Vocabulary) -> dict[str, list]:
    by_key = vocab.cache.get("projects by key")
    if by_key is None:
        by_key = {}
        for project in vocab.projects:
            by_key.setdefault(match_key(project.name), []).append(project)
        vocab.cache["projects by key"] = by_key
    return by_key


def _read_projects_fuzzily(mentions: Mentions, masker: _Masker, vocab: Vocabulary) -> None:
    """A project name typed with a few characters changed or missing: rapidfuzz partial_ratio ≥ 88 between a
    name and the question (or one of its content runs), the match covering ≥ 60 % of the name (so a short word
    such as 民办教师 is a topic, not the project 代发民办教师养老和医疗补助资金)."""
    key = mentions.key
    by_key = _projects_by_key(vocab)
    choices = [name_key for name_key in by_key if len(name_key) >= 5]
    free_text = masker.free_text(key)
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
        if score < 100:
            mentions.fuzzy.append({"kind": "project", "typed": key[start:end], "known": by_key[name_key][0].name,
                                   "how": "edit"})


def _read_titles_fuzzily(mentions: Mentions, masker: _Masker, vocab: Vocabulary) -> None:
    """A 文件 named by part of its title (rapidfuzz partial_ratio ≥ 90 over ≥ 6 characters of the question)."""
    titles = {match_key(title): doc_no for doc_no, forms in vocab.titles.items() for title in forms}
    titles.update({match_key(doc_no.strip("《》")): doc_no for doc_no in vocab.doc_nos if doc_no.startswith("《")})
    if not titles:
        return
    free_text = masker.free_text(mentions.key)
    for offset, run in _content_runs(free_text):
        run = run.strip("《》")
        if len(run) < 6:
            continue
        found = process.extractOne(run, list(titles), scorer=fuzz.partial_ratio, score_cutoff=90)
        if found is not None:
            start = offset + free_text[offset:].find(run)
            masker.take(start, start + len(run), MARKERS["doc_no"])
            _add(mentions.doc_nos, titles[found[0]])
            mentions.fuzzy.append({"kind": "title", "typed": run, "known": found[0], "how": "edit"})
            return


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


def _read_indicator_words(mentions: Mentions, masker: _Masker, vocab: Vocabulary) -> None:
    """Part of an indicator name next to 指标 (满意度指标, 指标涉及冒领 …): the longest free run inside some
    indicator name, when no indicator or indicator type was named."""
    key = mentions.key
    if mentions.indicators or mentions.indicator_types or not re.search("指标|考核", key):
        return
    names = [match_key(name) for name in vocab.indicators]
    reserved = {index for found in re.finditer("指标|考核", key) for index in range(found.start(), found.end())}
    for size in range(8, 1, -1):
        for start in range(0, len(key) - size + 1):
            word = key[start:start + size]
            if (not masker.free(start, start + size) or word in _GENERIC
                    or reserved.intersection(range(start, start + size))
                    or any(generic in word for generic in ("哪些", "项目", "设了", "涉及", "有关", "绩效"))):
                continue
            if any(word in name_key for name_key in names):
                masker.take(start, start + size, MARKERS["indicator"])
                mentions.indicators.append(word)
                return


def _read_indicator_word_alone(mentions: Mentions, masker: _Masker, vocab: Vocabulary) -> None:
    """A question naming nothing whose longest content word (≥ 3 characters) is part of an indicator name
    (死亡冒领): that word, as an indicator word."""
    names = [match_key(name) for name in vocab.indicators]
    for word in sorted(content_words_of(masker.text()), key=len, reverse=True):
        if len(word) >= 3 and any(word in name for name in names):
            start = masker.free_text(mentions.key).find(word)
            if start >= 0:
                masker.take(start, start + len(word), MARKERS["indicator"])
                mentions.indicators.append(word)
            return


def _read_topic(mentions: Mentions, masker: _Masker, gazetteer: Gazetteer) -> None:
    for pattern in _TOPIC:
        match = pattern.search(mentions.key)
        if (match and match.group("x") not in _GENERIC and not any(c in MARKER_CHARS for c in match.group("x"))
                and not re.search(r"哪|什么|多少|单位|项目", match.group("x"))):
            start, end = match.start("x"), match.end("x")
            if masker.free(start, end):
                word = match.group("x")
                if not any(word in text for text in gazetteer.project_texts):
                    known = gazetteer.homophone_in_projects(word)
                    if known:
                        mentions.fuzzy.append({"kind": "keyword", "typed": word, "known": known, "how": "pinyin"})
                        word = known
                mentions.keywords.append(word)
                masker.take(start, end, MARKERS["keyword"])
                return


def content_words(mentions: Mentions) -> list[str]:
    """Runs of ≥ 2 characters of the masked question that are neither names found nor question words."""
    return content_words_of(mentions.masked)


def content_words_of(masked: str) -> list[str]:
    """``content_words`` of a masked text."""
    text = masked
    for word in sorted(QUESTION_WORDS, key=len, reverse=True):
        text = text.replace(word, " ")
    text = re.sub(f"[{''.join(MARKER_CHARS)}Ⓐ]", " ", text)
    text = re.sub(r"[^\w]+", " ", text)
    return [word for word in text.split() if len(word) >= 2]


__all__ = ["BUDGET_FIELDS", "MARKERS", "Mentions", "content_words", "read_mentions"]
