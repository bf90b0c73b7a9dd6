"""Table structure recovered from rows printed one cell or one label per line.

``rebuild_rows`` keeps each printed line a row. Real disclosures also print tables with one cell per line
(an HTML table flattened to ``合计 |`` / ``4432 |`` lines, or a form with a label on one line and its value
on the next) and forms run together on one line (``项目名称 委托业务项目 主管部门 … 实施单位 …``). This pass
rebuilds rows of such tables by structure, before any table reader looks at them:

- a run of one-cell lines ending in ``|``: each non-amount cell starts a row and the amounts after it
  are its figures (``合计 | 4432 |`` -> ``合计, 4432``);
- a line that is only a field label (项目名称, 实施单位, 年度资金总额 …) followed by a value line: one row
  (label, value, and the amount lines that follow a money label);
- a text line holding three or more field labels separated by spaces: split on the spaces;
- a form run together without separators (``项目名称镇域内基础设施建设项目属性新增项目…总额10606.75万元``):
  split at its field labels when it holds 项目名称 and three more labels.

Line numbers stay those of the first line of each rebuilt row.
"""

from __future__ import annotations

import functools
import re

from kb.core.amounts import parse_amount
from loaders.project_fields import FIELD_LABELS, field_of
from loaders.rows import Row

# labels of a unit on forms (what loaders.unit reads as the unit's name)
UNIT_LABELS = frozenset({"单位名称", "部门名称", "实施单位", "填报单位", "编制单位", "预算单位", "申报单位", "项目单位",
                         "部门(单位)名称", "部门（单位）名称", "预算部门", "主管部门"})
# labels a project form prints run together with their values (longest first, so 项目名称 wins over 名称)
_GLUED_LABELS = sorted({label for label, field in FIELD_LABELS.items() if field not in ("other", "end", "funding")
                        and len(label) >= 4} | {"项目属性", "项目负责人", "联系电话", "项目起止时间", "资金总额及构成", "总额",
                                                 "立项情况", "项目实施进度计划", "长期目标", "财政拨款"}, key=len, reverse=True)
_GLUED = re.compile("|".join(map(re.escape, _GLUED_LABELS)))
_PERCENT = re.compile(r"^-?\d[\d,]*(?:\.\d+)?%$")


def _is_amount(text: str) -> bool:
    text = text.strip()
    return parse_amount(text) is not None or bool(_PERCENT.match(text))


@functools.lru_cache(maxsize=65536)
def is_label(text: str) -> bool:
    """True for a field label of a project or a unit form (项目名称, 当年预算（万元）, 实施单位 …)."""
    key = "".join(text.split()).rstrip(":：")
    return bool(key) and len(key) <= 14 and (key in UNIT_LABELS or field_of(key) is not None)


def _single(row: Row) -> str | None:
    if row.is_table:
        return None
    cells = row.cells
    if len(cells) == 1:
        return cells[0].strip() or None
    filled = [cell for cell in cells if cell.strip()]
    return filled[0].strip() if len(filled) == 1 else None


def _cell_runs(rows: list[Row]) -> list[Row]:
    """Rebuild rows from runs of ``cell |`` lines: a non-amount cell starts a row, amounts follow it."""
    result: list[Row] = []
    current: Row | None = None
    for row in rows:
        text = _single(row) if row.cell_line else None
        if text is None and not (row.cell_line and not any(c.strip() for c in row.cells)):
            current = None
            result.append(row)
            continue
        text = text or ""
        if current is not None and (_is_amount(text) or not text):
            current.cells.append(text)
            current.end_line = row.end_line
            current.is_table = True
            continue
        current = Row([text], row.line, row.end_line, is_table=False, cell_line=True)
        result.append(current)
    return result


def _label_lines(rows: list[Row]) -> list[Row]:
    """Join a label line with its value line (and the amount lines after a money label)."""
    result: list[Row] = []
    index = 0
    while index < len(rows):
        row = rows[index]
        if row.is_table:  # (``_single`` of a table row is None: nothing below applies to it)
            result.append(row)
            index += 1
            continue
        text = _single(row)
        if text is not None and is_label(text) and index + 1 < len(rows):
            value = _single(rows[index + 1])
            if value is not None and not is_label(value) and (field_of(text) != "amount" or _is_amount(value)):
                cells, end = [text, value], index + 1
                if field_of(text) == "amount" or _is_amount(value):
                    while end + 1 < len(rows) and (_single(rows[end + 1]) or "x") and _is_amount(_single(rows[end + 1]) or "x"):
                        end += 1
                        cells.append(_single(rows[end]))
                result.append(Row(cells, row.line, rows[end].end_line or rows[end].line, is_table=True))
                index = end + 1
                continue
        if text is not None and len(text) > 20 and " " in text:
            tokens = text.split()
            if sum(1 for token in tokens if is_label(token)) >= 3:
                result.append(Row(tokens, row.line, row.end_line, is_table=True))
                index += 1
                continue
        if text is not None and len(text) > 40 and "项目名称" in text:
            glued = _split_glued(text)
            if glued:
                result.append(Row(glued, row.line, row.end_line, is_table=True))
                index += 1
                continue
        result.append(row)
        index += 1
    return result


def _split_glued(text: str) -> list[str] | None:
    """The cells of a form run together, split at its labels; None unless it holds 项目名称 and 3 more labels."""
    matches = list(_GLUED.finditer(text))
    if len(matches) < 4 or not any(match.group(0) == "项目名称" for match in matches):
        return None
    cells: list[str] = []
    position = 0
    for match in matches:
        before = text[position:match.start()].strip()
        if before:
            cells.append(before)
        cells.append(match.group(0))
        position = match.end()
    if text[position:].strip():
        cells.append(text[position:].strip())
    return cells


_DECIMAL = re.compile(r"^-?\d[\d,]*\.\d{1,4}$")
_ROW_NUMBER = re.compile(r"^\d{1,2}$")


def _short_cell_runs(rows: list[Row]) -> list[Row]:
    """Rebuild rows from a table dumped one cell per line (label, 行次, amount on lines of their own).

    Only runs of short one-cell lines holding three or more decimal figures are rebuilt (a page number under
    a heading is no table); a non-figure cell starts a row, figures follow it, and a 行次 number standing
    between a label and its decimal figure is dropped.
    """
    short = [not row.is_table and len(row.cells) == 1 and len(row.cells[0]) <= 30 for row in rows]
    if sum(1 for row, is_short in zip(rows, short) if is_short and _DECIMAL.match(row.cells[0].strip())) < 3:
        return list(rows)  # no run can hold three decimal figures
    result: list[Row] = []
    index = 0
    while index < len(rows):
        end = index
        while end < len(rows) and short[end]:
            end += 1
        run = rows[index:end]
        if sum(1 for row in run if _DECIMAL.match(row.cells[0].strip())) < 3:
            result.extend(run or [rows[index]])
            index = max(end, index + 1)
            continue
        current: Row | None = None
        for row in run:
            text = row.cells[0].strip()
            if current is not None and _is_amount(text):
                if len(current.cells) == 2 and _ROW_NUMBER.match(current.cells[1]) and _DECIMAL.match(text):
                    current.cells[1] = text  # the 行次 before the figure
                else:
                    current.cells.append(text)
                current.end_line, current.is_table = row.end_line, True
                continue
            current = Row([text], row.line, row.end_line)
            result.append(current)
        index = end
    return result


def refine_rows(rows: list[Row]) -> list[Row]:
    """Rows with the one-cell-per-line tables and label/value forms rebuilt (see the module docstring).

    Args:
        rows: ``loaders.rows.rebuild_rows`` output.

    Returns:
        A new list; rows that need no rebuilding are the same objects.
    """
    if any(row.cell_line for row in rows):
        rows = _cell_runs(rows)
    return _label_lines(_short_cell_runs(rows))
