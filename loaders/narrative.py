"""Figures read from the 情况说明 narrative (sentences, not tables), in 万元.

Some disclosures are narrative only; then the totals come from sentences such as
"2026年收入合计2235.58万元", "县社保事务中心 2023 年支出预算 24107.98 万元，其中：基本支出 16182.05 万元",
"2026年“三公”经费预算0.9万元". Elsewhere these figures are compared with the tables and a
difference is recorded as a discrepancy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.core.amounts import parse_amount
from loaders.rows import Row

_NUMBER = r"(?P<value>\d[\d,]*(?:\.\d+)?)\s*万元"
_GAP = r"[^，。；,;：:\d]{0,16}?"
PATTERNS: dict[str, tuple[re.Pattern[str], ...]] = {
    "income_total": (
        re.compile(r"收入(?:预算)?(?:合计|总计|总额)" + _GAP + _NUMBER),
        re.compile(r"收入预算[：:]?" + r"[^，。；,;]{0,16}?" + _NUMBER),
        re.compile(r"收支预算总数" + _GAP + _NUMBER),
        re.compile(r"(?<!公共)(?<!基金)(?<!经营)预算收入(?:总计|合计|总额)?" + _GAP + _NUMBER),
    ),
    "expense_total": (
        re.compile(r"支出(?:预算)?(?:合计|总计|总额)" + _GAP + _NUMBER),
        re.compile(r"支出预算[：:]?" + r"[^，。；,;]{0,16}?" + _NUMBER),
        re.compile(r"收支预算总数" + _GAP + _NUMBER),
        re.compile(r"(?<!公共)(?<!基金)(?<!经营)预算支出(?:总计|合计|总额)?" + _GAP + _NUMBER),
    ),
    "general_public_budget": (
        re.compile(r"一般公共预算(?:财政)?拨款(?:收入)?(?:合计)?" + _GAP + _NUMBER),
        re.compile(r"一般公共预算当年拨款" + _GAP + _NUMBER),
    ),
    "basic_expense": (re.compile(r"基本支出(?:预算)?" + _GAP + _NUMBER),),
    "project_expense": (re.compile(r"项目支出(?:预算)?" + _GAP + _NUMBER),),
    "carryover": (re.compile(r"上年结转(?:[\u4e00-\u9fff]{0,12}?)" + _GAP + _NUMBER),),
    "three_public": (re.compile(r"三公[”’\"']?\s*经费(?:财政拨款)?(?:预算|预算数|支出)?(?:为)?" + _GAP + _NUMBER),),
}
_CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff“”])\s+(?=[\u4e00-\u9fff“”])")
_CHANGE_WORDS = re.compile(r"(增加|减少|增长|下降|持平|比\d{4}|较)\s*$")


@dataclass
class NarrativeFigure:
    """One figure read from a sentence: value in 万元, the line, and the sentence excerpt."""

    field: str
    value: float
    line: int
    excerpt: str


def narrative_figures(rows: list[Row]) -> dict[str, NarrativeFigure]:
    """The first sentence figure of each Totals field found in the document's text rows.

    Args:
        rows: the document's rows; only text rows (one cell) are read.

    Returns:
        field name -> NarrativeFigure; a figure preceded by 增加/减少/比… (a change, not a level) is skipped.

    Example:
        >>> from loaders.rows import Row
        >>> narrative_figures([Row(["2026年“三公”经费预算0.9万元，比2025年减少0.1万元。"], 5)])["three_public"].value
        0.9
    """
    found: dict[str, NarrativeFigure] = {}
    for row in rows:
        if row.is_table and len([c for c in row.cells if c.strip()]) > 1:
            continue
        text = _CJK_SPACE.sub("", " ".join(cell for cell in row.cells if cell.strip()))  # "收 入 合 计"
        if "万元" not in text:
            continue
        for field, patterns in PATTERNS.items():
            if field in found:
                continue
            for pattern in patterns:
                for match in pattern.finditer(text):
                    before = text[max(0, match.start("value") - 6):match.start("value")]
                    if _CHANGE_WORDS.search(before):
                        continue
                    value = parse_amount(match.group("value"))
                    if value is None:
                        continue
                    found[field] = NarrativeFigure(field, value, row.line, match.group(0))
                    break
                if field in found:
                    break
    return found
