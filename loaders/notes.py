"""The one catalogue of extraction notes: a stable code and a Chinese message for every note a loader attaches
to a parsed document (``Extraction.notes``) or to a project (``Project.notes``).

A note is printed as ``[code] message`` (``kb parse --json`` keeps ``notes`` a list of strings, as
EXTRACTION_SCHEMA.md has it): the message is what a user reads, the code is what programs match
(``linking.policy`` finds the 《titles》 cited without a 文号 by the code ``references.title_only``, never by the
wording). Codes are ``area.what``; a message's ``{fields}`` are filled by ``note``.

Example:
    >>> note("references.title_only", references="《社会保险业务档案管理规范》；17号文")
    '[references.title_only] 非文号引用（仅记入备注）：《社会保险业务档案管理规范》；17号文。'
    >>> note_code(_), note_message(_)
    ('references.title_only', '非文号引用（仅记入备注）：《社会保险业务档案管理规范》；17号文。')
"""

from __future__ import annotations

import re

NOTES: dict[str, str] = {
    # reading the file (loaders.pipeline, loaders.read, loaders.sections)
    "read.converted": "由{format}转换读取：表格按制表符分栏，行号为中间文本（共{lines}行）的行号。",
    "read.encoding": "文本按{encoding}编码解码。",
    "read.damaged_bytes": "解码时有{count}处损坏的字节序列被替换为U+FFFD。",
    "read.amount_unit": "{title}（第{line}行）以{unit}列示金额，已折算为万元。",
    "document.incomplete": "披露内容不完整，未找到：{missing}。",
    # the unit, year and kind (loaders.unit)
    "unit.source": "{field}“{value}”取自{source}（第{line}行，置信度{confidence}）。",
    "unit.source_no_line": "{field}“{value}”取自{source}（置信度{confidence}）。",
    # totals and subjects (loaders.summary)
    "totals.sources": "总额来源：{sources}。",
    "totals.no_total_row": "基本支出、项目支出未填：{title}没有合计行。",
    "subjects.economic": "经济分类科目：取自{title}的{count}行编码（{scheme}）。",
    "subjects.functional": "功能分类科目：取自{title}（第{line}行）的{count}行编码。",
    # projects (loaders.projects and loaders.project_*)
    "projects.amount_in_yuan": "{label}{value}以元列示，已折算为万元。",
    "projects.category_from_title": "未印项目分类，类别取自表题“{title}”。",
    "projects.funding": "资金来源：{funding}。",
    "projects.foreign_block": "{where}：项目块“{name}”（{amount}万元）位于混有其他单位项目块的绩效表中（不可靠，可能是识别错误），未归入任何项目。",
    "projects.name_as_printed": "{table}第{line}行将项目名称印作“{name}”。",
    "projects.indicators_from": "绩效指标取自{table}第{first}至{last}行。",
    "projects.unattached_indicators": "第{line}行的指标表（“{title}”）不属于任何项目块，其{count}行未归入。",
    "projects.notice_basis": "资金下达文件：其“根据”条款给出的依据为{basis}。",
    "projects.no_amount": "项目块中未印金额。",
    "projects.none_found": "未找到项目块（带金额的项目名称）或项目支出预算表的行。",
    "projects.filter_rejected": "项目筛选器（学习所得）未将{count}个候选取为项目：{candidates}。",
    "projects.glued_figures": "{label}：连写的数字“{figures}”按{value}读取（分属{columns}个预算栏）。",
    "projects.amount_blank": "{label}印为0或空白：无金额。",
    "projects.amounts_differ": "{label}：年初预算{initial}与调整后（全年）预算{adjusted}不同，金额存疑，暂不取。",
    "projects.from_form": "读自正文中连写的表单（第{line}行）：项目名称“{name}”。",
    "projects.from_header_table": "按表头识别的项目表（第{line}行），金额单位为{unit}。",
    "projects.from_list": "编号列表：名称在第{line}行，金额在第{amount_line}行。",
    "projects.from_text": "读自正文（第{line}行），未印项目表。",
    "projects.from_vertical_table": "逐格分行印出的表格（表头在第{line}行），金额单位为{unit}。",
    # references (loaders.references)
    "references.title_only": "非文号引用（仅记入备注）：{references}。",
}

# What the unit readers' source identifiers (``UnitInfo.sources``) are called in a note.
SOURCE_LABELS: dict[str, str] = {
    "title": "标题", "notice title": "通知标题", "notice title without issuer": "未署发文单位的通知标题",
    "form field": "表单栏目", "labelled field": "带标签的栏目", "coded cell": "带编码的单元格", "code field": "编码栏目",
    "form label glued to its value": "与取值连写的表单标签", "body sentence": "正文句子", "body phrase": "正文用语",
    "signature": "落款", "signature over two lines": "分两行的落款", "first table title": "首张表的表题",
    "table titles": "表题", "form title": "表单标题", "notice wording": "通知用语", "body words": "正文中的预算/决算字样",
    "names before a date": "日期前的署名", "table cells": "表格单元格", "most frequent year": "出现最多的年份",
    "file name": "文件名", "byline under the title": "标题下的署名", "most mentioned name": "提及最多的名称",
    "wording model": "用语模型", "mention": "正文提及的名称", "kind scorer": "类型评分模型",
    "own 文号": "本文文号", "document date": "成文或发布日期", "issuer above the title": "标题上方的发文单位",
    "issuer of a title": "标题中的发文单位", "publisher field": "发布机构栏目", "year in the title": "标题中的年份",
}
# What the Totals fields are called in a note.
TOTAL_LABELS: dict[str, str] = {"income_total": "收入总计", "expense_total": "支出总计", "general_public_budget": "一般公共预算",
                                "basic_expense": "基本支出", "project_expense": "项目支出", "carryover": "年初结转和结余",
                                "three_public": "“三公”经费"}
# What the economic classification schemes (``EconomicSubjectLine.scheme``) are called in a note.
SCHEME_LABELS: dict[str, str] = {"economic": "部门预算支出经济分类", "gov_economic": "政府预算支出经济分类"}
FIELD_LABELS: dict[str, str] = {"name": "单位名称", "year": "年度", "kind": "类型", "code": "单位编码"}
_CODED = re.compile(r"^\[(?P<code>[a-z_]+\.[a-z_]+)\] (?P<message>.*)$", re.DOTALL)
# Notes written before this catalogue, in records kept since (the hand-checked gold files of ../shared/gold):
# recognised by their old English opening, here and nowhere else.
LEGACY_OPENINGS: dict[str, str] = {"Non-文号 references (notes only): ": "references.title_only"}


def note(code: str, **values: object) -> str:
    """The note ``[code] message`` with the message's fields filled.

    Args:
        code: a key of ``NOTES``; values: the message's ``{fields}``.

    Raises:
        KeyError: an unknown code or a missing field (a programming error, caught by the tests).
    """
    return f"[{code}] " + NOTES[code].format(**values)


def note_code(text: str) -> str | None:
    """The code of a note written by ``note`` (or of a legacy note, ``LEGACY_OPENINGS``), or None for any other
    text."""
    matched = _CODED.match(text)
    if matched:
        return matched.group("code")
    return next((code for opening, code in LEGACY_OPENINGS.items() if text.startswith(opening)), None)


def note_message(text: str) -> str:
    """The message of a note: without its code (or a legacy note's opening); the text itself otherwise."""
    matched = _CODED.match(text)
    if matched:
        return matched.group("message")
    opening = next((opening for opening in LEGACY_OPENINGS if text.startswith(opening)), "")
    return text[len(opening):]


def source_label(source: str) -> str:
    """The Chinese name of a unit reader's source ("signature" -> 落款; "most mentioned name (3 times)" -> 提及最多的
    名称（3次）; a 文号-style code source such as "121003-重庆市…" is kept as printed)."""
    if source in SOURCE_LABELS:
        return SOURCE_LABELS[source]
    counted = re.fullmatch(r"most mentioned name \((\d+) times\)", source)
    if counted:
        return f"{SOURCE_LABELS['most mentioned name']}（{counted.group(1)}次）"
    model = re.fullmatch(r"wording model \(p=([\d.]+)\)", source)
    if model:
        return f"{SOURCE_LABELS['wording model']}（概率{model.group(1)}）"
    return source
