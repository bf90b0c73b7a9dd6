"""The consistency rules of ``kb check``: one pure function per rule, all run by ``check_extraction``.

Every rule reads one ``kb.core.records.Extraction`` (records and, where it needs figures the records do not
keep, the normalised text lines in ``Extraction.lines``) and returns ``Finding`` records. No store, no
file access: a rule can be tested on any parsed document.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict

from kb.checks.findings import Finding, figure_gap
from kb.checks.tables import (claimed_project_counts, keep_rows, narrative_figures, same_unit, split_blocks,
                              split_rows, summary_grand_totals, unit_mentions)
from kb.core.records import Extraction
from kb.core.amounts import parse_amount

log = logging.getLogger(__name__)
FIELD_NAMES = {"income_total": "收入合计", "expense_total": "支出合计", "basic_expense": "基本支出",
               "project_expense": "项目支出", "three_public": "“三公”经费"}


def _children(parent: str, codes: dict[str, object]) -> list[str]:
    """Codes whose nearest printed ancestor is ``parent`` (30103 -> 3010301 …, and 301030501 when no
    3010305 line is printed), in code order."""
    def nearest_ancestor(code: str) -> str | None:
        return next((code[:size] for size in range(len(code) - 1, 2, -1) if code[:size] in codes), None)

    return sorted(code for code in codes if code != parent and code.startswith(parent)
                  and nearest_ancestor(code) == parent)


def check_subject_splits(extraction: Extraction) -> list[Finding]:
    """小计 vs 基本 + 项目: each functional subject line whose total differs from basic + project."""
    findings = []
    for subject in extraction.function_subjects:
        if subject.total is None or (subject.basic is None and subject.project is None):
            continue
        parts = (subject.basic or 0.0) + (subject.project or 0.0)
        finding = figure_gap("split_sum", f"{subject.code} {subject.name} 小计", subject.total, subject.line,
                             "基本支出+项目支出", parts, [subject.line] if subject.line else [], 2)
        if finding:
            findings.append(finding)
    return findings


def check_subject_rollups(extraction: Extraction) -> list[Finding]:
    """A subject line (类 or 款) vs the sum of the lines one level below it, column by column."""
    findings: list[Finding] = []
    function_lines = {s.code: s for s in extraction.function_subjects}
    for code, parent in function_lines.items():
        children = _children(code, function_lines)
        if not children:
            continue
        for column, label in (("total", "小计"), ("basic", "基本支出"), ("project", "项目支出")):
            printed = getattr(parent, column)
            values = [getattr(function_lines[child], column) for child in children]
            if printed is None or all(value is None for value in values):
                continue
            finding = figure_gap("line_sum", f"{code} {parent.name} {label}", printed, parent.line,
                                 f"下级 {len(children)} 行之和", sum(v or 0.0 for v in values),
                                 [function_lines[c].line for c in children if function_lines[c].line], len(children))
            if finding:
                findings.append(finding)
    by_scheme: dict[str, dict[str, object]] = defaultdict(dict)
    for subject in extraction.economic_subjects:
        by_scheme[subject.scheme].setdefault(subject.code, subject)
    for lines in by_scheme.values():
        for code, parent in lines.items():
            children = _children(code, lines)
            values = [lines[child].total for child in children]
            if parent.total is None or not children or all(value is None for value in values):
                continue
            finding = figure_gap("line_sum", f"{code} {parent.name}", parent.total, parent.line,
                                 f"下级 {len(children)} 行之和", sum(v or 0.0 for v in values),
                                 [lines[c].line for c in children if lines[c].line], len(children))
            if finding:
                findings.append(finding)
    return findings


def check_expense_totals(extraction: Extraction) -> list[Finding]:
    """The 支出总表 合计 row (basic, project) vs the sum of its 类 lines, and 支出合计 vs basic + project."""
    totals = extraction.totals
    findings: list[Finding] = []
    top = [s for s in extraction.function_subjects if len(s.code) == 3]
    for column, label in (("basic", "基本支出"), ("project", "项目支出")):
        printed = getattr(totals, f"{column}_expense")
        values = [getattr(s, column) for s in top]
        if printed is None or not top or all(v is None for v in values):
            continue
        finding = figure_gap("line_sum", f"合计 {label}", printed, totals.lines.get(f"{column}_expense"),
                             f"{len(top)} 个类级科目之和", sum(v or 0.0 for v in values),
                             [s.line for s in top if s.line], len(top))
        if finding:
            findings.append(finding)
    if None not in (totals.expense_total, totals.basic_expense, totals.project_expense):
        finding = figure_gap("split_sum", "支出合计", totals.expense_total, totals.lines.get("expense_total"),
                             "基本支出+项目支出", totals.basic_expense + totals.project_expense,
                             [n for n in (totals.lines.get("basic_expense"), totals.lines.get("project_expense")) if n],
                             2)
        if finding:
            findings.append(finding)
    return findings


def check_table_splits(extraction: Extraction) -> list[Finding]:
    """小计 vs 基本 + 项目 (and 合计 vs 人员经费 + 公用经费) on every row of every table that prints them,
    beyond the subject lines already recorded; one finding per distinct label and pair of figures."""
    recorded_lines = {s.line for s in extraction.function_subjects}  # check_subject_splits reads these rows
    recorded = {(s.code, s.total, round((s.basic or 0.0) + (s.project or 0.0), 2)) for s in extraction.function_subjects}
    seen: set[tuple] = set()
    findings = []
    for block in split_blocks(extraction.lines):
        if block.amount_unit() != "万元":
            continue
        for label, total, first, second, line, parts in split_rows(block):
            expected = round((first or 0.0) + (second or 0.0), 2)
            code = label.split(" ")[0]
            key = (label, total, expected)
            if key in seen or line in recorded_lines or (code, total, expected) in recorded:
                continue
            seen.add(key)
            finding = figure_gap("split_sum", f"{block.name} {label}", total, line, parts, expected, [line], 2)
            if finding:
                findings.append(finding)
    return findings


def check_project_total(extraction: Extraction) -> list[Finding]:
    """项目支出 total (支出总表) vs the sum of the project lines' amounts."""
    printed = extraction.totals.project_expense
    projects = [p for p in extraction.projects if p.amount is not None]
    if printed is None or not projects:
        return []
    finding = figure_gap("project_total", "项目支出合计", printed, extraction.totals.lines.get("project_expense"),
                         f"{len(projects)} 个项目金额之和", sum(p.amount for p in projects),
                         [p.line for p in projects if p.line], len(projects))
    return [finding] if finding else []


def check_summary_tables(extraction: Extraction) -> list[Finding]:
    """收支总表 vs 收支总表 vs narrative: every grand total printed anywhere vs the recorded totals."""
    totals = extraction.totals
    findings: list[Finding] = []
    for block in split_blocks(extraction.lines):
        if not re.search(r"收支(预算)?总表", block.title) or block.amount_unit() != "万元":
            continue
        for side, (amount, line) in summary_grand_totals(block).items():
            field_name = f"{side}_total"
            recorded = getattr(totals, field_name)
            if recorded is None or line == totals.lines.get(field_name):
                continue
            label = "收入合计" if side == "income" else "支出合计"
            finding = figure_gap("summary_tables", f"{block.name} {label}", amount, line, f"记录的{FIELD_NAMES[field_name]}",
                                 recorded, [totals.lines[field_name]] if field_name in totals.lines else [], 2)
            if finding:
                findings.append(finding)
    for field_name in ("income_total", "expense_total", "basic_expense", "project_expense", "three_public"):
        recorded = getattr(totals, field_name)
        if recorded is None:
            continue
        for amount, line in narrative_figures(extraction.lines, field_name):
            finding = figure_gap("narrative_figure", f"情况说明中的{FIELD_NAMES[field_name]}", amount, line,
                                 f"表中的{FIELD_NAMES[field_name]}", recorded,
                                 [totals.lines[field_name]] if field_name in totals.lines else [], 1)
            if finding:
                findings.append(finding)
    return findings


def check_project_counts(extraction: Extraction) -> list[Finding]:
    """A project count the narrative claims ("共12个项目") vs the project lines the document prints."""
    findings = []
    count = len(extraction.projects)
    for claimed, line in claimed_project_counts(extraction.lines):
        if claimed != count:
            findings.append(Finding(
                kind="project_count", severity="error", figure_a=float(claimed), figure_b=float(count),
                difference=float(claimed - count), line=line,
                message=f"情况说明称共 {claimed} 个项目（第 {line} 行），但表中列出 {count} 个项目"))
    return findings


def check_yuan_amounts(extraction: Extraction) -> list[Finding]:
    """Tables printed in 元 beside 万元 ones: their largest figures converted to 万元 vs the recorded totals."""
    totals = extraction.totals
    basic = totals.basic_expense
    if basic is None:
        top = [s.total for s in extraction.economic_subjects if len(s.code) == 3 and s.total is not None]
        basic = round(sum(top), 2) if top else None
    references = {"expense_total": totals.expense_total, "basic_expense": basic,
                  "project_expense": totals.project_expense}
    findings: list[Finding] = []
    for block in split_blocks(extraction.lines):
        if block.amount_unit() != "元":
            continue
        amounts = [(amount, row.line) for row in block.rows for amount in
                   (_yuan(cell) for cell in row.cells) if amount is not None]
        if not amounts:
            continue
        message = f"{block.name}（第 {block.line} 行）金额单位为元，其他表为万元"
        findings.append(Finding(kind="yuan_amounts", severity="info", message=message, line=block.line))
        for amount, line in amounts:
            in_wan = round(amount / 10000, 2)
            name, reference = min(((n, v) for n, v in references.items() if v is not None),
                                  key=lambda item: abs(item[1] - in_wan), default=(None, None))
            if reference is None or abs(reference - in_wan) < 0.005 or abs(reference - in_wan) > 0.05 * reference:
                continue
            finding = figure_gap("yuan_amounts", f"{block.name} {amount:,.2f} 元折合", in_wan, line,
                                 f"{FIELD_NAMES[name]}（万元）", reference, [], 2)
            if finding:
                findings.append(finding)
    return findings


def _yuan(cell: str) -> float | None:
    """A cell's amount when it is large enough to be printed in 元 (≥ 10,000), else None."""
    amount = parse_amount(cell)
    return amount if amount is not None and amount >= 10000 else None


def check_unit_names(extraction: Extraction) -> list[Finding]:
    """The same unit printed with two codes or names, and table blocks that name another unit."""
    unit = extraction.unit
    findings: list[Finding] = []
    mentions = unit_mentions(extraction.lines)
    codes: dict[str, int] = {}
    names: dict[str, int] = {}
    for code, name, line in mentions:
        if not same_unit(name, unit.name):
            findings.append(Finding(kind="foreign_unit", severity="error", line=line,
                                    message=f"表中列出的单位 {code + '-' if code else ''}{name}（第 {line} 行）"
                                            f"不是本文件的单位 {unit.name}"))
            continue
        if code:
            codes.setdefault(code, line)
        names.setdefault(name, line)
    if unit.code:
        codes.setdefault(unit.code, unit.line or 0)
    if len(codes) > 1:
        listed = "、".join(f"{code}（第 {line} 行）" for code, line in codes.items())
        findings.append(Finding(kind="unit_aliases", severity="warning", line=min(codes.values()) or None,
                                message=f"{unit.name} 印有 {len(codes)} 个单位代码：{listed}"))
    # a proper part of the full name is a name broken over a page, not a second name
    distinct = {name for name in names if name != unit.name and name not in (unit.name or "")}
    if unit.name and distinct:
        listed = "、".join(f"{name}（第 {names[name]} 行）" for name in sorted(distinct))
        findings.append(Finding(kind="unit_aliases", severity="info", line=min(names[n] for n in distinct),
                                message=f"{unit.name} 也印作 {listed}"))
    return findings


def check_coverage(extraction: Extraction) -> list[Finding]:
    """A document ingested with too little (no unit, year, kind, or none of totals, projects and 文号): one info
    finding naming what is missing (``loaders.coverage``), so ``kb check`` lists it."""
    from loaders.coverage import LABELS, coverage, missing_parts

    missing = missing_parts(coverage(extraction))
    if not missing:
        return []
    return [Finding(kind="incomplete", severity="info",
                    message="文档信息不完整，未找到：" + "、".join(LABELS[key] for key in missing))]


RULES = (check_subject_splits, check_table_splits, check_subject_rollups, check_expense_totals, check_project_total,
         check_summary_tables, check_project_counts, check_yuan_amounts, check_unit_names, check_coverage)


def check_extraction(extraction: Extraction) -> list[Finding]:
    """Every consistency finding of one parsed document, each with a stable ``finding_id``.

    Args:
        extraction: a parsed document (``loaders.parse_file``); rules that compare printed tables and
            narrative figures need ``extraction.lines`` and find nothing to compare without them.

    Returns:
        Findings in rule order, duplicates (same id) removed. A rule that raises on an odd document
        gives one "check_failed" info finding instead (and a logged warning), so ingest goes on.

    Example:
        >>> from loaders import parse_file  # doctest: +SKIP
        >>> [f.kind for f in check_extraction(parse_file("000_7c3d463bfeea7d61.txt"))][:2]  # doctest: +SKIP
        ['split_sum', 'line_sum']
    """
    doc_id = extraction.doc_id or extraction.file
    keep_rows(extraction.lines, extraction.table_rows)
    seen: set[str] = set()
    findings: list[Finding] = []
    for rule in RULES:
        try:
            found = rule(extraction)
        except Exception as error:  # one odd document must not stop a corpus ingest: say so as a finding
            log.warning("kb check rule %s failed on %s", rule.__name__, extraction.file, exc_info=True)
            found = [Finding(kind="check_failed", severity="info",
                             message=f"核查规则 {rule.__name__} 未能运行：{type(error).__name__}: {error}")]
        for finding in found:
            finding = finding.with_identity(doc_id, extraction.file)
            if finding.finding_id not in seen:
                seen.add(finding.finding_id)
                findings.append(finding)
    return findings
