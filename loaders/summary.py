"""Summarise a disclosure: unit, totals, functional/economic subject lines, "三公" and self-contradictions.

Which table each field is read from (EXTRACTION_SCHEMA.md, and the gold files' notes):

- income_total / expense_total / general_public_budget / carryover: the 收支总表 (部门/单位收支(预算)总表);
  收入总计 (else 收入总数, 收入合计, the first 合计) and 支出总计 (…); 一般公共预算拨款(收入)/资金 of the
  current year; 上年结转 (blank -> None). Without a 收支总表: the 财政拨款收支总表, then the narrative.
- basic_expense / project_expense: the 合计 row of the 支出总表 (None when it has no 合计 row, as in 001);
  without a 支出总表: the 合计 row of the 一般公共预算支出表, then the narrative.
- three_public: the 合计 of the 一般公共预算"三公"经费支出表, else the narrative.
- function_subjects: every coded line of the 支出总表 or, when the 一般公共预算(财政拨款)支出表 has more
  coded lines (001's 支出总表 carries only 208), of that table.
- economic_subjects: every coded line of the 一般公共预算(财政拨款)基本支出表(s) in the departmental
  scheme (301…; page fragments joined); only a government-scheme table (501…) if no departmental one.

Where two parts of the document disagree, both figures go into ``discrepancies``; the field keeps the
figure of the table named above.
"""

from __future__ import annotations

import functools
import re

from kb.core.records import EconomicSubjectLine, Extraction, FunctionSubjectLine, Totals
from loaders.evidence import Needs, evidence_of
from loaders.narrative import narrative_figures
from loaders.notes import SCHEME_LABELS, TOTAL_LABELS, note
from kb.core.amounts import parse_amount
from loaders.rows import Row
from loaders.sections import Section, clean_cell, sections_of
from loaders.stream import Stream
from loaders.subjects import (BASIC_COLUMN, FUNCTION_CLASSES, PROJECT_COLUMN, CodedLine, is_column_number_row,
                              line_total, read_coded_table)
from loaders.unit import read_unit

_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）]|其中[:：]?)\s*")
_INCOME_TOTAL = ("收入总计", "收入总数", "收入合计", "总计", "合计", "本年收入合计")
_EXPENSE_TOTAL = ("支出总计", "支出总数", "支出合计", "总计", "合计", "本年支出合计")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_NO_QUOTES = str.maketrans("", "", "“”\"")
_NEEDS_AMOUNT_WORD = Needs("万", "元")  # what ``narrative_figures`` needs in a sentence
_GENERAL = re.compile(r"^一般公共预算(?:财政)?(?:拨款)?(?:收入|资金)?$")


@functools.lru_cache(maxsize=65536)
def _label(cell: str) -> str:
    return _ORDINAL.sub("", clean_cell(cell)).replace(" ", "")


def _pairs(section: Section) -> list[tuple[str, float | None, int, int]]:
    """(label, amount right after it, column, line) for every label cell of a 收支总表-style table."""
    pairs = []
    line_number_columns: set[int] = set()  # 决算 tables print a 行次 column between label and amount
    for row in section.table_rows:
        cells = row.cells
        labels = list(map(_label, cells))
        if "行次" in labels:
            line_number_columns = {i for i, label in enumerate(labels) if label == "行次"}
            continue
        for column, cell in enumerate(cells[:-1]):
            label = labels[column]
            if label and parse_amount(cell) is None and _CJK.search(label):
                value_at = column + 2 if column + 1 in line_number_columns else column + 1
                value = parse_amount(cells[value_at]) if value_at < len(cells) else None
                pairs.append((label, value, column, row.line))
    return pairs


def _summary_totals(section: Section, pairs: list | None = None) -> dict[str, tuple[float | None, int]]:
    """income_total, expense_total, general_public_budget, carryover read from a 收支总表 section (``pairs``:
    its ``_pairs`` when already read)."""
    pairs = _pairs(section) if pairs is None else pairs
    found: dict[str, tuple[float | None, int]] = {}
    for names, field, side in ((_INCOME_TOTAL, "income_total", 0), (_EXPENSE_TOTAL, "expense_total", 1)):
        for name in names:
            hits = [p for p in pairs if p[0] == name and p[1] is not None]
            if name in ("合计", "总计"):  # "合计 | 2,235.58 | 合计 | 2,235.58": left is income, right is expense
                hits = hits[side:side + 1] if len(hits) > 1 else (hits if side == 0 else [])
            if hits:
                found[field] = (hits[0][1], hits[0][3])
                break
    carry_seen = False
    for label, value, column, line in pairs:
        if ("上年结转" in label or "年初结转和结余" in label) and "carryover" not in found:
            found["carryover"] = (value, line)
            carry_seen = True
        if _GENERAL.match(label) and "general_public_budget" not in found and not carry_seen and column == 0:
            found["general_public_budget"] = (value, line)
    return found


def _three_public(section: Section, kind: str | None = None) -> tuple[float | None, int] | None:
    """The 合计 of a "三公" table: a 合计 row's first amount, else the 合计 column of the first data row.

    A 决算 table prints 预算数 and 决算数 side by side: for a 决算 the 合计 under 决算数 is taken.
    """
    rows = [row for row in section.table_rows if not is_column_number_row(row.cells)]
    for row in rows:
        for column, cell in enumerate(row.cells[:4]):
            if _label(cell).translate(_NO_QUOTES) in ("合计", "三公经费合计", "支出合计", "总计", "三公经费支出合计"):
                after = [parse_amount(c) for c in row.cells[column + 1:] if c.strip()]
                if after and after[0] is not None:
                    return after[0], row.line
    group_start = 0
    total_column = None
    for row in rows:
        labels = list(map(_label, row.cells))
        if kind == "决算" and total_column is None:
            group_start = next((i for i, label in enumerate(labels) if label.startswith("决算")), group_start)
        if total_column is None and "合计" in labels:
            total_column = next((i for i, label in enumerate(labels) if label == "合计" and i >= group_start),
                                labels.index("合计"))
            continue
        values = list(map(parse_amount, row.cells))
        if total_column is not None and any(v is not None for v in values):
            if all(v is not None or not c.strip() for v, c in zip(values, row.cells)):
                return (values[total_column] if total_column < len(values) else None), row.line
    return None


def _function_lines(table: list[CodedLine]) -> list[FunctionSubjectLine]:
    return [FunctionSubjectLine(code=line.code, name=line.name, total=line_total(line), basic=line.pick(*BASIC_COLUMN),
                                project=line.pick(*PROJECT_COLUMN), line=line.line)
            for line in table if line.code[0] == "2"]


def _economic_lines(sections: list[Section]) -> list[EconomicSubjectLine]:
    coded = [line for section in sections for line in read_coded_table(section)[0]]
    for prefix, scheme in (("3", "economic"), ("5", "gov_economic")):
        chosen: dict[str, EconomicSubjectLine] = {}
        for line in coded:
            if line.code.startswith(prefix) and line.code not in chosen:
                chosen[line.code] = EconomicSubjectLine(code=line.code, name=line.name, total=line_total(line),
                                                        scheme=scheme, line=line.line)
        if chosen:
            return list(chosen.values())
    return []


def _differs(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and abs(a - b) > 0.005


def _expense_checks(table: list[CodedLine], total: CodedLine, title: str, discrepancies: list[str]) -> None:
    """Compare a 支出总表 合计 row with the sum of its top-level coded lines."""
    classes = [line for line in table if len(line.code) == 3] or [line for line in table if len(line.code) == 7]
    for field, patterns in (("基本支出", BASIC_COLUMN), ("项目支出", PROJECT_COLUMN)):
        printed = total.pick(*patterns)
        values = [line.pick(*patterns) for line in classes]
        summed = round(sum(v for v in values if v is not None), 2)
        if classes and _differs(printed, summed):
            discrepancies.append(f"{title} (line {total.line}): 合计 {field} printed {printed:,.2f}, but its "
                                 f"{len(classes)} top-level coded lines sum to {summed:,.2f}.")


def summarize(extraction: Extraction, stream: Stream) -> None:
    """Fill ``extraction``'s unit, totals, function/economic subjects, discrepancies and notes.

    Args:
        extraction: the record to fill (``file``/``lines`` already set); modified in place.
        stream: the document's typed stream (``loaders.stream.Stream``): its sections and text rows are read.

    Returns:
        None. Amounts are 万元 (tables printed in 元 were scaled by the stream); every record carries its
        source line.
    """
    sections, rows = stream.sections, stream.rows
    extraction.notes.extend(stream.notes)
    unit, unit_notes = read_unit(rows, sections, extraction.file)
    extraction.unit = unit
    extraction.notes.extend(unit_notes)
    summary = sections_of(sections, "summary") or sections_of(sections, "fiscal_summary")
    expense_tables = [(section, *read_coded_table(section)) for section in sections_of(sections, "expense")]
    general_tables = [(section, *read_coded_table(section)) for section in sections_of(sections, "general_expense")]
    values: dict[str, tuple[float | None, int]] = {}
    sources: dict[str, str] = {}
    summary_pairs = _pairs(summary[0]) if summary else None  # read once: the totals and the class comparison
    _table_totals(sections, summary, expense_tables, general_tables, unit.kind, values, sources, extraction,
                  summary_pairs)
    has_table = {"income_total": summary, "expense_total": summary, "general_public_budget": summary,
                 "carryover": summary, "basic_expense": expense_tables or general_tables,
                 "project_expense": expense_tables or general_tables,
                 "three_public": sections_of(sections, "three_public")}
    if _NEEDS_AMOUNT_WORD.allows(evidence_of(extraction.lines)):  # gate: a narrative figure is in 万元 or 元
        _narrative_totals(stream.text_rows(), has_table, values, sources, extraction.discrepancies, unit.year,
                          unit.kind)
    totals = Totals()
    for field, (value, line) in values.items():
        setattr(totals, field, value)
        totals.lines[field] = line
    extraction.totals = totals
    if sources:
        extraction.notes.append(note("totals.sources", sources="；".join(
            f"{TOTAL_LABELS.get(field, field)}取自{source}" for field, source in sources.items())))
    _function_subjects(expense_tables, general_tables, extraction)
    if summary and extraction.function_subjects:
        _compare_classes(summary[0], extraction.function_subjects, extraction.discrepancies, summary_pairs)
    economic_sections = sections_of(sections, "basic_economic")
    extraction.economic_subjects = _economic_lines(economic_sections)
    if extraction.economic_subjects:
        extraction.notes.append(note("subjects.economic", title=economic_sections[0].title,
                                     count=len(extraction.economic_subjects),
                                     scheme=SCHEME_LABELS[extraction.economic_subjects[0].scheme]))


def _table_totals(sections: list[Section], summary: list[Section], expense_tables: list, general_tables: list,
                  kind: str | None, values: dict, sources: dict, extraction: Extraction,
                  summary_pairs: list | None = None) -> None:
    """Totals from the 收支总表, the 支出总表 合计 row and the "三公" table (see the module docstring);
    ``summary_pairs``: the ``_pairs`` of ``summary[0]`` when already read."""
    if summary:
        for field, value in _summary_totals(summary[0], summary_pairs).items():
            values[field], sources[field] = value, summary[0].title
    fiscal = sections_of(sections, "fiscal_summary")
    if summary and fiscal and fiscal[0] is not summary[0]:
        other = _summary_totals(fiscal[0])
        for field in ("income_total", "expense_total", "carryover"):
            mine, theirs = values.get(field, (None, 0))[0], other.get(field, (None, 0))[0]
            if _differs(mine, theirs) or (theirs is not None and mine is None and field == "carryover"):
                extraction.discrepancies.append(
                    f"{field}: {fiscal[0].title} (line {other[field][1]}) prints {theirs:,.2f}, "
                    f"{summary[0].title} prints {'none' if mine is None else f'{mine:,.2f}'}; "
                    f"taken from {summary[0].title}.")
    for section, table, total in (expense_tables[:1] or [t for t in general_tables if t[2]][:1]):
        if total is not None:
            for field, patterns in (("basic_expense", BASIC_COLUMN), ("project_expense", PROJECT_COLUMN)):
                value = total.pick(*patterns)
                if value is not None:
                    values[field], sources[field] = (value, total.line), section.title
            _expense_checks(table, total, section.title, extraction.discrepancies)
        elif section.kind == "expense":
            extraction.notes.append(note("totals.no_total_row", title=section.title))
    three = sections_of(sections, "three_public")
    if three:
        found = _three_public(three[0], kind)
        if found:
            values["three_public"], sources["three_public"] = found, three[0].title


def _narrative_totals(rows: list[Row], has_table: dict, values: dict, sources: dict, discrepancies: list[str],
                      year: int | None = None, kind: str | None = None) -> None:
    """Figures from sentences: used where no table carries the field, else compared with the table's."""
    for field, figure in narrative_figures(rows, year, kind).items():
        table_value = values.get(field, (None, 0))[0]
        if not has_table[field] and table_value is None:
            values[field], sources[field] = (figure.value, figure.line), "情况说明正文"
        elif _differs(table_value, figure.value):
            discrepancies.append(
                f"{field}: narrative (line {figure.line}) says '{figure.excerpt}' ({figure.value:,.2f}), "
                f"{sources.get(field, 'the table')} prints {table_value:,.2f}; the table's figure is kept.")


def _function_subjects(expense_tables: list, general_tables: list, extraction: Extraction) -> None:
    """The functional lines of the 支出总表, or of the 一般公共预算支出表 when it has more coded lines."""
    candidates = [(section, [line for line in table if line.code[0] == "2"])
                  for section, table, _ in expense_tables + general_tables]
    candidates = [(section, table) for section, table in candidates if table]
    if not candidates:
        extraction.function_subjects = []
        return
    best = max(candidates, key=lambda item: (len(item[1]), item[0].kind == "expense"))
    extraction.function_subjects = _function_lines(best[1])
    extraction.notes.append(note("subjects.functional", title=best[0].title, line=best[0].line, count=len(best[1])))
    _compare_names(best, candidates, extraction.discrepancies)


def _compare_names(best: tuple[Section, list[CodedLine]], candidates: list[tuple[Section, list[CodedLine]]],
                   discrepancies: list[str]) -> None:
    """Record subject names or totals that differ between the chosen table and the other functional table."""
    chosen = {line.code: line for line in best[1]}
    for section, table in candidates:
        if section is best[0]:
            continue
        for line in table:
            mine = chosen.get(line.code)
            if mine is None:
                continue
            if mine.name != line.name:
                discrepancies.append(f"{line.code}: {best[0].title} names it '{mine.name}', {section.title} "
                                     f"'{line.name}'; function_subjects use {best[0].title}.")
            if _differs(line_total(mine), line_total(line)):
                discrepancies.append(f"{line.code}: {best[0].title} total {line_total(mine):,.2f} vs "
                                     f"{section.title} {line_total(line):,.2f}.")


def _compare_classes(summary: Section, lines: list[FunctionSubjectLine], discrepancies: list[str],
                     pairs: list | None = None) -> None:
    """Compare the 收支总表's expense rows (教育支出 …) with the functional lines of the same 类.

    A class line (3-digit code) is compared as printed; without one, the sum of the class's most detailed
    lines is used (003/004 print only 7-digit codes).
    """
    for label, value, _column, line in (_pairs(summary) if pairs is None else pairs):
        code = FUNCTION_CLASSES.get(label)
        if code is None or value is None:
            continue
        members = [s for s in lines if s.code.startswith(code)]
        if not members:
            continue
        exact = next((s for s in members if s.code == code), None)
        if exact is not None:
            other, how = exact.total, f"the {code} line"
        else:
            depth = max(len(s.code) for s in members)
            other = round(sum(s.total or 0 for s in members if len(s.code) == depth), 2)
            how = f"the sum of its {depth}-digit lines"
        if _differs(value, other):
            discrepancies.append(f"{label}: {summary.title} (line {line}) prints {value:,.2f}, the functional "
                                 f"classification gives {other:,.2f} ({how}).")
