"""Figures read from the 情况说明 narrative (sentences, not tables), in 万元.

Some disclosures are narrative only; then the totals come from sentences such as
"2026年收入合计2235.58万元", "县社保事务中心 2023 年支出预算 24107.98 万元，其中：基本支出 16182.05 万元",
"2022年度收、支总计各是4125.49,4143.91万元" (respectively), "收支总计均为1523.26万",
"基本支出预算 2476260.58 元" (元 scaled to 万元) or, in a 决算, "本单位收入为…", "年初结转和结余0.00万元".
Elsewhere these figures are compared with the tables and a difference is recorded as a discrepancy.

The text rows are read as one stream: a label on one line and its figure on the next (a heading
"(一)收入预算" then the sentence, or a paragraph wrapped by a PDF) still pair up, and every figure keeps the
line its number is printed on. A figure is skipped when it is a change (增加/减少/比上年 …), when its clause
names another year than the document's, and, for the "三公" total, when it is the 预算 figure of a 决算
(or the 决算 figure of a 预算).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from kb.core.amounts import parse_amount, to_wan_yuan
from loaders.rows import Row

_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+(?![\d.])|(?![\d.]|,\d{3}))"  # "9,685.55" whole; "4125.49,4143.91" two
_NUMBER = r"(?P<value>" + _NUM + r")\s*(?P<unit>万元|亿元|千元|元|万(?![人户平亩个次张辆件套]))"
_NUMBER_PAIR = (r"(?P<value>" + _NUM + r")\s*(?:万元|万|元)?\s*[,，、和及与]\s*(?P<value2>" + _NUM + r")\s*"
                r"(?P<unit>万元|亿元|千元|元|万(?![人户平亩个次张辆件套]))")
_GAP = r"(?:[^，。；,;：:\d]|20\d\d\s*年){0,16}?"
_IS = r"(?:各是|分别为|分别是|均为|都是|共计|合计|为|是)?\s*"
_BOTH = re.compile(r"收(?:入)?\s*[、,，/和与及]?\s*支(?:出)?(?:决算|预算)?(?:总计|合计|总额|总数|总规模)" + _IS + r"(?:" + _NUMBER_PAIR + ")")
_BOTH_ONE = re.compile(r"(?:收(?:入)?\s*[、,，/和与及]?\s*支(?:出)?(?:决算|预算)?(?:总计|合计|总额|总数|总规模)|收支预算总数)" + _GAP + _NUMBER)
PATTERNS: dict[str, tuple[re.Pattern[str], ...]] = {
    "income_total": (
        re.compile(r"收入(?:预算|决算)?(?:合计|总计|总额)" + _GAP + _NUMBER),
        re.compile(r"收入预算[：:]?" + _GAP + _NUMBER),
        re.compile(r"(?<!公共)(?<!基金)(?<!经营)预算收入(?:总计|合计|总额)?" + _GAP + _NUMBER),
        re.compile(r"(?:本单位|本部门|单位|部门)?(?:本年)?收入(?:决算数?)?(?:为|共计|是)" + _GAP + _NUMBER),
    ),
    "expense_total": (
        re.compile(r"支出(?:预算|决算)?(?:合计|总计|总额)" + _GAP + _NUMBER),
        re.compile(r"支出预算[：:]?" + _GAP + _NUMBER),
        re.compile(r"(?<!公共)(?<!基金)(?<!经营)预算支出(?:总计|合计|总额)?" + _GAP + _NUMBER),
        re.compile(r"(?:本单位|本部门|单位|部门)?(?:本年)?支出(?:决算数?)?(?:为|共计|是)" + _GAP + _NUMBER),
    ),
    "general_public_budget": (
        re.compile(r"一般公共预算(?:财政)?拨款(?:收入)?(?:合计)?" + _GAP + _NUMBER),
        re.compile(r"一般公共预算当年拨款" + _GAP + _NUMBER),
    ),
    "basic_expense": (re.compile(r"基本支出(?:预算|决算)?" + _GAP + _NUMBER),),
    "project_expense": (re.compile(r"项目支出(?:预算|决算)?" + _GAP + _NUMBER),),
    "carryover": (re.compile(r"(?:上年结转|年初结转)(?:[\u4e00-\u9fff]{0,12}?)" + _GAP + _NUMBER),),
    "three_public": (re.compile(r"三公[”’\"']?\s*经费[”’\"']?(?:财政拨款)?(?:支出)?(?:预算|预算数|决算|决算数|支出|合计|总计)*"
                                r"(?:为|是|共计)?" + _GAP + _NUMBER),),
}
# what may stand right before an income/expense total's label; any other word makes it another figure
# (三公经费财政拨款支出预算, 对个人和家庭补助支出, 事业收入 …)
_UNQUALIFIED = re.compile(r"(?:^|[^\u4e00-\u9fff]|年|年度|本年|全年|部门|单位|本单位|本部门|我单位|其中|合计|总计|全部|当年|"
                          r"情况|说明|总体|共|汇总)$")
_QUALIFIABLE = {"income_total", "expense_total"}
_CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff“”])\s+(?=[\u4e00-\u9fff“”])")
_CHANGE_WORDS = re.compile(r"(增加|减少|增长|下降|持平|比\d{4}|较|上涨|降低|节约|超支)\s*$")
_YEAR = re.compile(r"(20\d\d)\s*年")
_CLAUSE_END = re.compile(r"[，。；,;\n]")
_LARGEST = {"income_total", "expense_total", "basic_expense", "project_expense"}


@dataclass
class NarrativeFigure:
    """One figure read from a sentence: value in 万元, the line, and the sentence excerpt."""

    field: str
    value: float
    line: int
    excerpt: str


def _stream(rows: list[Row]) -> tuple[str, list[int], list[int]]:
    """The text rows as one string, with (offset where each row starts, its line) to trace figures.

    A row joins the previous one without a break when the previous row is a long line that does not end a
    sentence (a paragraph wrapped by the page); otherwise a newline separates them.
    """
    parts: list[str] = []
    starts: list[int] = []
    lines: list[int] = []
    length = 0
    previous = ""
    for row in rows:
        cells = row.cells
        if len(cells) == 1:  # a line of text (most rows read here): its one cell
            text = cells[0] if cells[0].strip() else ""
        else:
            filled = [cell for cell in cells if cell.strip()]
            if row.is_table and len(filled) > 1:
                continue
            text = " ".join(filled)
        if " " in text or not text.isprintable():  # (every whitespace but the space is unprintable)
            text = _CJK_SPACE.sub("", text)
        if not text:
            continue
        separator = "" if len(previous) >= 20 and previous[-1] not in "。；！？：:;!?" else "\n"
        if parts:
            parts.append(separator)
            length += len(separator)
        starts.append(length)
        lines.append(row.line)
        parts.append(text)
        length += len(text)
        previous = text
    return "".join(parts), starts, lines


def _clause_before(text: str, position: int) -> str:
    """The text of the clause ending at ``position`` (back to the last comma, full stop or line break)."""
    start = position
    while start > 0 and not _CLAUSE_END.match(text[start - 1]):
        start -= 1
    return text[start:position]


def _value(raw: str, unit: str) -> float | None:
    value = parse_amount(raw)
    return to_wan_yuan(value, "万元" if unit == "万" else unit)


def narrative_figures(rows: list[Row], year: int | None = None, kind: str | None = None) -> dict[str, NarrativeFigure]:
    """The figure of each Totals field the document's sentences state, in 万元.

    Args:
        rows: the document's rows; only text rows (one cell) are read.
        year: the document's year: a figure whose clause names another year is skipped (None: no check).
        kind: 预算 or 决算: for three_public, a 决算 prefers the 决算 figure and a 预算 the 预算 figure.

    Returns:
        field name -> NarrativeFigure (``line`` is where the number is printed). Patterns are tried in
        priority order; for income, expense, basic and project the largest level figure of the best
        pattern is kept (a page that starts inside another figure's sentence does not win).

    Example:
        >>> from loaders.rows import Row
        >>> narrative_figures([Row(["2026年“三公”经费预算0.9万元，比2025年减少0.1万元。"], 5)])["three_public"].value
        0.9
    """
    text, starts, lines = _stream(rows)
    if "万" not in text and "元" not in text:
        return {}

    def line_at(offset: int) -> int:
        return lines[bisect.bisect_right(starts, offset) - 1]

    def usable(match: re.Match, field: str, group: str = "value") -> bool:
        before = text[max(0, match.start(group) - 6):match.start(group)]
        if _CHANGE_WORDS.search(before):
            return False
        clause = _clause_before(text, match.start())
        if field in _QUALIFIABLE and not _UNQUALIFIED.search(clause.rstrip()):
            return False
        if year is not None:
            years = _YEAR.findall(clause + text[match.start():match.start(group)])
            if years and int(years[-1]) not in (year,):
                return False
        return True

    found: dict[str, NarrativeFigure] = {}
    for pattern in (_BOTH, _BOTH_ONE):
        for match in pattern.finditer(text):
            if not usable(match, "income_total"):
                continue
            first = _value(match.group("value"), match.group("unit"))
            second = _value(match.group("value2"), match.group("unit")) if "value2" in pattern.groupindex else first
            if first is None or second is None:
                continue
            line = line_at(match.start("value"))
            found.setdefault("income_total", NarrativeFigure("income_total", first, line, match.group(0)))
            found.setdefault("expense_total", NarrativeFigure("expense_total", second, line, match.group(0)))
            break
    for field, patterns in PATTERNS.items():
        if field in found:
            continue
        for pattern in patterns:
            hits: list[NarrativeFigure] = []
            for match in pattern.finditer(text):
                if not usable(match, field):
                    continue
                value = _value(match.group("value"), match.group("unit"))
                if value is None:
                    continue
                hits.append(NarrativeFigure(field, value, line_at(match.start("value")), match.group(0)))
            if not hits:
                continue
            if field == "three_public" and kind in ("预算", "决算"):
                other = "预算" if kind == "决算" else "决算"
                hits = [hit for hit in hits if other not in hit.excerpt] or hits
            found[field] = max(hits, key=lambda hit: hit.value) if field in _LARGEST else hits[0]
            break
    return found
