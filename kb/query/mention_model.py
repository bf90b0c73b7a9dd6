"""What entity linking reads a question into: ``Mentions``, the markers that stand for names in the masked
question, the small domain lexicons (budget figures, classification schemes, question words) and the
masker that replaces spans of the question key by markers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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
# Words that only say what kind of question it is; what remains of a question are its content words.
QUESTION_WORDS = ("哪些", "哪个", "什么", "多少", "是否", "有没有", "分别", "各自", "一共", "总共", "合计", "请问", "列出",
                  "支持了", "支持", "有关", "关于", "涉及", "相关", "考核", "设了", "设置", "指标", "项目", "单位",
                  "区县", "文件", "预算", "安排了", "安排", "在", "有", "是", "的", "了", "吗", "呢", "和", "与", "及",
                  "各", "都", "被", "哪", "个", "钱", "年")


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
        top: N of "前N" (排前三的项目), else 0.
        topic_reading: the same question with its longest content word read as a topic word (荣昌有没有乡村医生补助),
            when it asks whether something exists; the frame keeps the reading the classifier finds clearer.
        surfaces: (kind, text as typed) of every gazetteer name read.
        unknown_places: places of China named that no stored unit is in (成都, 江北区, 万州), or another body of a
            stored unit's place (荣昌区医保局, 綦江区教委): the question is about a unit the store does not hold.
        unknown_titles: 文件 titles named (《…》, or words ending in 通知/意见/办法/条例 …) that no stored 文件 has.
        unknown_issuers: issuing bodies named (…厅, …局, …委员会, …办公室) that no stored 文件 was issued by.
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
    top: int = 0
    surfaces: list[tuple[str, str]] = field(default_factory=list)
    unknown_places: list[str] = field(default_factory=list)
    unknown_titles: list[str] = field(default_factory=list)
    unknown_issuers: list[str] = field(default_factory=list)

    def kinds(self) -> set[str]:
        """Kinds of names found ("doc_no", "unit", ...), the vocabulary of template parameters."""
        found = {"doc_no": self.doc_nos or self.unknown_doc_nos, "issuer_code": self.issuer_codes,
                 "unit": self.units, "year": self.years, "subject": self.subjects, "project": self.projects,
                 "indicator": self.indicators, "program": self.programs, "keyword": self.keywords,
                 "field": self.budget_field, "indicator_type": self.indicator_types}
        return {kind for kind, value in found.items() if value}


class Masker:
    """Replaces spans of the key by markers, refusing spans that overlap one already taken."""

    def __init__(self, key: str):
        self.chars = list(key)
        self.taken = [False] * len(key)

    def free(self, start: int, end: int) -> bool:
        """True when no character of ``key[start:end]`` is taken yet."""
        return not any(self.taken[start:end])

    def take(self, start: int, end: int, marker: str) -> None:
        """Replace ``key[start:end]`` by ``marker`` (one marker for the whole span) and mark it taken."""
        for index in range(start, end):
            self.chars[index] = "" if index > start else marker
            self.taken[index] = True

    def text(self) -> str:
        """The key with every taken span replaced by its marker."""
        return "".join(self.chars)

    def free_text(self, key: str) -> str:
        """``key`` (same length as the masked one) with taken characters blanked to spaces, offsets kept."""
        return "".join(char if not self.taken[i] else " " for i, char in enumerate(key))


def add_value(values: list, value) -> None:
    """Append ``value`` to the list of found mentions ``values`` unless it is already there (keeps first-found order)."""
    if value not in values:
        values.append(value)


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


__all__ = ["BUDGET_FIELDS", "MARKERS", "MARKER_CHARS", "Masker", "Mentions", "QUESTION_WORDS", "SCHEMES", "add_value",
           "content_words", "content_words_of"]
