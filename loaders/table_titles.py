"""The one recogniser of table titles: is a line a table's title, and which table of the disclosure set is it.

Used by ``loaders.sections`` (sections), ``loaders.project_fields`` (project blocks end at a title),
``loaders.unit`` (a unit named in the first table title) and ``kb.checks.tables`` (table blocks).

A title is a short line that is not a sentence and ends in a table head noun (…总表, …支出表, …目标表,
…情况表, …统计表, 表（一级项目）…) or is a budget table title cut short by the page ("…基本支出预").
Its kind is read from a vocabulary of table names, in priority order; numbering such as 表一、公开01表、
附表5 is ignored ("表一：部门收支总表" is the 部门收支总表).

| kind | table (中文) |
|---|---|
| project_performance | 项目支出绩效目标表 / 绩效自评表 |
| unit_performance | 整体支出绩效目标表 |
| fund_three_public | 政府性基金"三公"经费支出表 |
| three_public | "三公"经费支出表 |
| procurement | 政府采购预算表 |
| fund_expense | 政府性基金预算支出表 |
| capital_expense | 国有资本经营预算支出表 |
| fiscal_summary | 财政拨款收支总表 |
| fiscal_economic | 财政拨款支出表（经济分类） |
| summary | 收支总表 |
| income | 收入总表 |
| expense | 支出总表 |
| basic_economic | 一般公共预算基本支出表 |
| project_expense | 项目支出表 |
| general_expense | 一般公共预算支出表 |
| catalogue | 目录 |
| other | any other table title |
"""

from __future__ import annotations

import functools
import re

# (kind, pattern) in priority order: the first pattern found in a title decides its kind.
KIND_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern)) for kind, pattern in (
        ("project_performance", r"项目.*绩效目标|专项资金绩效目标|项目绩效|项目.*绩效自评|绩效自评表"),
        ("unit_performance", r"整体.*绩效目标"),
        ("fund_three_public", r"政府性基金.*三公"),
        ("three_public", r"三公"),
        ("procurement", r"政府采购"),
        ("fund_expense", r"政府性基金.*支出"),
        ("capital_expense", r"国有资本经营.*支出"),
        ("fiscal_summary", r"财政拨款收(?:入)?支(?:出)?.*总(?:体情况)?表"),
        ("fiscal_economic", r"财政拨款支出(?:预|决)算表.*经济分类"),
        ("summary", r"收(?:入)?支(?:出)?.*总(?:体情况)?表"),
        ("income", r"收入.*总(?:体情况)?表|^[^预]*收入决算表"),
        ("expense", r"支出.*总(?:体情况)?表|(?<!拨款)(?<!基本)(?<!项目)(?<!预算)支出决算表"),
        ("basic_economic", r"基本支出"),
        ("project_expense", r"项目支出.*表"),
        ("general_expense", r"一般公共预算.*支出"),
        ("catalogue", r"^目\s*录"),
    )
)
KIND_NAMES = {"project_performance": "项目支出绩效目标表", "unit_performance": "整体支出绩效目标表",
              "fund_three_public": "政府性基金“三公”经费支出表", "three_public": "“三公”经费支出表",
              "procurement": "政府采购预算表", "fund_expense": "政府性基金预算支出表",
              "capital_expense": "国有资本经营预算支出表", "fiscal_summary": "财政拨款收支总表",
              "fiscal_economic": "财政拨款支出表（经济分类）", "summary": "收支总表", "income": "收入总表",
              "expense": "支出总表", "basic_economic": "一般公共预算基本支出表", "project_expense": "项目支出表",
              "general_expense": "一般公共预算支出表", "catalogue": "目录", "other": "其他表"}
_MARKUP = re.compile(r"^[#\s*]+|[*\s]+$|</?[a-zA-Z][^>]*>")
_NOT_A_TITLE = re.compile(r"^(备注|注[:：]|说明|空表说明|此表|本表)|本表|情况说明|[:：]|[，。；]")
_NUMBER_PREFIX = re.compile(r"^(?:附件|附表|公开表|表)\s*[\d一二三四五六七八九十\-—.]+\s*[:：、.]\s*")  # "表一：…"
_TABLE_NUMBER = re.compile(r"^(?:部门|单位)?(?:公开|附)?表?[\d一二三四五六七八九十\-—.]+表?$|^附件[\d\-]+$")
# a table head noun at the end: …总表, …支出表, …目标表, …统计表; a bracketed note may follow (表（一级项目）)
_HEAD_NOUN = re.compile(r"(?:目标|预算|决算|明细|总|支出|收入|收支|情况|汇总|统计|清单|指标|项目|分配|安排|经费|资金|评|"
                        r"一览|计划|分类|科目|购买服务|采购|资产)表\s*(?:[（(][^（）()]{1,20}[)）]\s*)*$")
_TRUNCATED = re.compile(r"预算.*(?:支出|收入|收支)(?:预算?)?$|基本支出预$")  # "…一般公共预算财政拨款基本支出预" (001)
_CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff（）()])\s+(?=[\u4e00-\u9fff（）()])")


def clean_title(text: str) -> str:
    """A title without markup, numbering (表一：, 附表5、) or spaces between Chinese characters.

    Example:
        >>> clean_title("## 表一：部门 收支 总表")
        '部门收支总表'
    """
    # each pass only where it can change something: markup (# * <), whitespace, a numbering word first
    text = _MARKUP.sub("", text).strip() if ("#" in text or "*" in text or "<" in text) else text.strip()
    if " " in text or not text.isprintable():  # (every whitespace but the space is unprintable)
        text = _CJK_SPACE.sub("", text)
    return (_NUMBER_PREFIX.sub("", text) or text) if text[:1] in ("附", "公", "表") else text


@functools.lru_cache(maxsize=65536)
def classify_title(text: str) -> str | None:
    """The kind of table a title names, "other" for another table title, None when ``text`` is no title.

    Args:
        text: one row's only non-empty cell.

    Example:
        >>> classify_title("2024年万盛经开区部门一般公共预算财政拨款基本支出预算表"), classify_title("备注：本表无数据。")
        ('basic_economic', None)
        >>> classify_title("台创园2017-度部门“三公”经费预算情况表"), classify_title("人大代表")
        ('three_public', None)
    """
    if len(text) > 300:
        return None
    title = clean_title(text)
    compact = "".join(title.split())  # (str.split and \s agree on what is whitespace)
    if not compact or len(compact) > 70 or _NOT_A_TITLE.search(compact):
        return None
    if compact.startswith("目录"):
        return "catalogue"
    if compact.startswith("-") or _TABLE_NUMBER.match(compact):  # "- 一、单位收支总表" (a list item), "公开01表"
        return None
    if not (_HEAD_NOUN.search(compact) or (_TRUNCATED.search(compact) and not re.search(r"无|没有|未|情况", compact))):
        return None
    for kind, pattern in KIND_PATTERNS:
        if pattern.search(compact):
            return kind
    return "other"


def is_table_title(text: str) -> bool:
    """True when ``text`` (one row's only cell) is a table's title (the catalogue heading 目录 is not).

    Example:
        >>> is_table_title("2024年区级重点专项资金绩效目标表（一级项目）"), is_table_title("表十一"), is_table_title("人大代表")
        (True, False, False)
    """
    kind = classify_title(text)
    return kind is not None and kind != "catalogue"
