"""Plain-text summaries of records for the CLI (no parsing, no store access)."""

from __future__ import annotations

from kb.core.records import Extraction

TOTAL_NAMES = {
    "income_total": "收入总计", "expense_total": "支出总计", "general_public_budget": "一般公共预算拨款",
    "basic_expense": "基本支出", "project_expense": "项目支出", "three_public": "三公经费", "carryover": "上年结转",
}
"""``Totals`` field -> the Chinese name printed in the summary (GLOSSARY.md)."""


def extraction_summary(extraction: Extraction) -> str:
    """A short human-readable summary of one parsed disclosure.

    Args:
        extraction: the loader's record of one document.

    Returns:
        Chinese lines: unit, year and kind; the printed totals in 万元; counts of subjects, projects, 文号 and
        discrepancies; then one line per project with its amount (万元), 文号 and line.
    """
    unit, totals = extraction.unit, extraction.totals
    shown_totals = "，".join(f"{TOTAL_NAMES.get(key, key)} {value}"
                             for key, value in totals.model_dump(exclude={"lines"}).items() if value is not None)
    lines = [
        f"{extraction.file}：{unit.name or '单位未知'}（{unit.code or '无编码'}）{unit.year or '年度未知'}"
        f"{'年' if unit.year else ''}{unit.kind or ''}",
        "合计（万元）：" + (shown_totals or "未找到"),
        f"功能分类科目 {len(extraction.function_subjects)} 个，经济分类科目 {len(extraction.economic_subjects)} 个，"
        f"项目 {len(extraction.projects)} 个，文号 {len(extraction.policy_docs)} 个，"
        f"自相矛盾之处 {len(extraction.discrepancies)} 处",
    ]
    for project in extraction.projects:
        refs = "、".join(project.all_refs) or "无文号"
        lines.append(f"  {project.name}  {project.amount} 万元  [{refs}]  （第 {project.line} 行）")
    return "\n".join(lines)
