"""Chinese names for what the graph and the query rows call in English: node labels, relationship types,
result columns. The CLI's tables (``kb query``, ``kb ask``, ``kb stats``) and the app's use these names;
``--json`` output keeps the English keys.
"""

from __future__ import annotations

from typing import Any

from kb.query.sentences import SCHEME_LABELS
from kb.core.schema import ROLE_NAMES

LABEL_NAMES = {
    "Unit": "单位", "Document": "公开文件", "Budget": "预算", "Project": "项目", "PolicyDocument": "政策文件",
    "Issuer": "发文机关", "Subject": "科目", "Indicator": "绩效指标", "Program": "同类项目", "Finding": "核查发现",
    "LinkModel": "关联模型",
}
"""Node label -> Chinese name (``kb.core.schema.NODE_TABLES``)."""

RELATIONSHIP_NAMES = {
    "PUBLISHED": "发布", "HAS_BUDGET": "编制预算", "SOURCE": "出处", "RUNS": "实施项目", "CITES": "引用",
    "ISSUED_BY": "发文机关", "ALLOCATES": "安排科目", "CHILD_OF": "上级科目", "CLASSIFIED_AS": "所属科目",
    "HAS_TARGET": "绩效目标", "PART_OF": "属于同类项目", "POSSIBLY_SAME_AS": "可能相同", "HAS_FINDING": "核查发现",
}
"""Relationship type -> Chinese name (``kb.core.schema.REL_TABLES``)."""

COLUMN_LABELS = {
    "unit": "单位", "year": "年度", "project": "项目", "amount": "金额（万元）", "role": "引用方式", "file": "文件",
    "line": "行", "doc_no": "文号", "title": "标题", "code": "编码", "category": "类别", "program": "同类项目",
    "region": "地区", "score": "分数", "method": "方法", "subject": "科目", "scheme": "科目体系", "total": "合计（万元）",
    "basic": "基本支出（万元）", "subject_code": "科目编码", "kind": "类型", "units": "单位", "unit_count": "引用单位数",
    "project_count": "引用项目数", "indicator": "指标", "level1": "一级指标", "level2": "二级指标", "op": "符号",
    "value": "指标值", "income_total": "收入总计", "expense_total": "支出总计", "general_public_budget": "一般公共预算",
    "basic_expense": "基本支出", "project_expense": "项目支出", "carryover": "上年结转", "three_public": "三公经费",
    "issuer": "发文机关", "issuer_code": "发文机关代字", "target": "目标值", "measure_unit": "计量单位",
    "doc_no_line": "文号所在行", "note": "说明", "name": "名称", "sources": "来源", "bundle": "合并项目",
    "core": "核心指标", "field": "字段", "level": "级别", "matched_in": "匹配位置", "province": "省份", "weight": "权重",
}
"""Result column (a template's ``RETURN … AS name``) -> Chinese header."""

VALUE_LABELS = {"scheme": SCHEME_LABELS, "role": ROLE_NAMES}
"""Columns whose values are codes with a Chinese name: scheme (function -> 功能分类), role (basis -> 立项依据)."""

_PROJECT_IS_AMOUNT = {"subject_across_units", "unit_subjects"}
"""Templates whose "project" column is an amount (项目支出 of a subject line), not a project name."""


PARAMETER_LABELS = {
    "unit": "单位全称", "first_unit": "单位全称", "second_unit": "第二个单位的全称", "year": "预算年度，如 2023",
    "project": "项目名称（与库中一致）", "program": "同类项目名称", "doc_no": "文号，如 渝委办发〔2019〕66号",
    "issuer_code": "发文机关代字，如 渝人社发", "indicator": "绩效指标名称或其中的词，如 服务对象满意度",
    "level": "指标类型，如 时效指标", "role": "引用方式", "keyword": "关键词，如 退捕渔民",
    "subject": "科目编码或名称，如 2210201、住房公积金", "scheme": "科目体系", "field": "排名依据的预算字段",
}
"""Template parameter -> what a user must give, in Chinese (the headers' own meanings stay English docs)."""


def parameter_label(name: str) -> str:
    """What template parameter ``name`` asks for, in Chinese; an unknown parameter keeps its name.

    Example:
        >>> parameter_label("doc_no")
        '文号，如 渝委办发〔2019〕66号'
    """
    return PARAMETER_LABELS.get(name, name)


def column_label(column: str, template: str | None = None) -> str:
    """The Chinese header of a result column; ``<figure>_line`` is where that figure stands; an unknown column
    keeps its name.

    Args:
        column: the column as the template returns it, e.g. "amount".
        template: the template that returned it (``subject_across_units``' "project" is 项目支出 in 万元).

    Example:
        >>> column_label("amount"), column_label("project", "unit_subjects"), column_label("carryover_line")
        ('金额（万元）', '项目支出（万元）', '上年结转所在行')
    """
    if column == "project" and template in _PROJECT_IS_AMOUNT:
        return "项目支出（万元）"
    if column not in COLUMN_LABELS and column.endswith("_line") and column[:-5] in COLUMN_LABELS:
        return COLUMN_LABELS[column[:-5]].removesuffix("（万元）") + "所在行"
    return COLUMN_LABELS.get(column, column)


def value_label(column: str, value: Any) -> Any:
    """A cell's value as shown: a scheme or role code by its Chinese name, anything else unchanged.

    Example:
        >>> value_label("scheme", "function"), value_label("role", "basis"), value_label("amount", 170.0)
        ('功能分类', '立项依据', 170.0)
    """
    names = VALUE_LABELS.get(column)
    return names.get(value, value) if names and isinstance(value, str) else value
