"""Project tables found by their header row, whatever their title (资金分配表, 项目安排表, 附件 tables …).

A table lists projects when its header row names a project-name column (项目名称, 项目) and a money
column (金额, 预算数, 补助资金, 安排资金, 下达资金, 投资 …). Each row below it that holds a name under the
name column and a figure under the money column is a project; 合计/小计 rows and rows naming a region
or a funding source (省级, 中央资金 …) are not. The amount unit is read from the money header
("补助资金(万元)", "金额（元）") or from a 单位：元/万元 line printed just above the header; 万元 otherwise.

Used by ``loaders.projects.extract_projects`` when no 项目支出预算表, performance table or project block
was found (those carry their own readers in ``loaders.project_tables`` and ``loaders.projects``).
"""

from __future__ import annotations

import re

from loaders.indicators import indicator_columns, label_key
from loaders.notes import note
from loaders.project_fields import is_title, read_amount, split_code
from loaders.project_narrative import is_funding_phrase
from loaders.project_tables import Entry

# a qualified 项目名称 names the same column (采购项目名称, 建设项目名称, 子项目名称)
_NAME_HEADER = re.compile(r"^(?:[\u4e00-\u9fff]{0,4}项目名称|项目|项目(?:及|和)?内容|建设项目|项目名称及内容)$")
_MONEY_HEADER = re.compile(r"^(?:\d{4}年)?(?:金额|预算数|预算金额|预算|补助资金|补助金额|安排资金|下达资金|分配资金|资金|"
                           r"投资|总投资|计划投资|资金规模|本次下达|下达金额|安排金额|项目金额|合计)$|"
                           # by meaning: a money word closing a short column name (本次分配金额, 投资规模, 下拨金额,
                           # 财政衔接资金); not a source, a kind or a use of money (资金来源, 资金性质, 资金用途)
                           r"^(?!.*(?:来源|性质|用途|类别|方式|文号|名称|单位|其他|自筹))[\u4e00-\u9fff]{0,8}"
                           r"(?:金额|投资|投资规模|资金规模|拨款)$|"
                           # a fund column named by the act of funding (计划投入资金, 拟安排资金, 本次下达资金)
                           r"^[\u4e00-\u9fff]{0,6}(?:投入|安排|下达|分配|拨付)资金$")
# a column named like a fund (财政衔接资金, 补助资金) is a money column only with its unit printed: a project's
# name also ends in 资金/补助 (社保遗属生活补助), so "项目名称 | X补助" is a label and its value
_FUND_HEADER = re.compile(r"^(?!.*(?:来源|性质|用途|类别|方式|文号|名称|单位|其他|自筹))[\u4e00-\u9fff]{0,8}(?:资金|补助)$")
_WIDE_HEADER = 8  # cells of a header row from which a quarter of unknown column names is allowed
_UNIT_IN_HEADER = re.compile(r"[（(]\s*(万元|元|千元)\s*[)）]")
_UNIT_LINE = re.compile(r"单位\s*[:：]\s*(?:人、)?(万元|元|千元)")
_SUBTOTAL = re.compile(r"^(?:合\s*计|小\s*计|总\s*计|共\s*计|其中)")
_SCALE = {"万元": 1.0, "元": 1 / 10000, "千元": 1 / 10}
# shared with loaders.project_vertical_tables: the amount unit of a money header or of a 单位 line, and its scale
UNIT_IN_HEADER, UNIT_LINE, SCALE = _UNIT_IN_HEADER, _UNIT_LINE, _SCALE
# other column names a project table prints beside its name and money columns
_COLUMN_WORD = re.compile(r"^(?:序号|编号|备注|说明|实施单位|项目单位|建设单位|责任单位|主管部门|申报单位|单位|地区|区域|乡镇|"
                          r"建设内容|建设地点|建设性质|建设规模|实施地点|实施期限|资金来源|受益对象|绩效目标|项目类型|项目类别|"
                          r"项目编码|项目代码|其中|省级|市级|县级|区级|中央|小计|合计)$|"
                          # by meaning: a short name of what a project row describes (…地点, …内容, …户数, …单位)
                          r"^[\u4e00-\u9fff]{0,6}(?:单位|部门|地点|内容|规模|性质|类别|对象|期限|时间|目标|户数|人数|"
                          r"人口数|名称|镇街|乡镇|村|村名|镇名|乡名)$")


def is_name_column(cell: str) -> bool:
    """True for a project-name column header (项目名称, 项目, 建设项目 …)."""
    return bool(_NAME_HEADER.match(label_key(_UNIT_IN_HEADER.sub("", "".join(cell.split())))))


def is_money_column(cell: str) -> bool:
    """True for a money column header (金额, 资金金额, 投资 规模, 补助资金(万元) …), by its name or its meaning.

    Example:
        >>> [is_money_column(c) for c in ("资金金额", "投资 规模", "财政衔接资金（万元）", "社保遗属生活补助", "资金来源")]
        [True, True, True, False, False]
    """
    printed = "".join(cell.split())
    key = label_key(_UNIT_IN_HEADER.sub("", printed))
    return bool(_MONEY_HEADER.match(key) or (_FUND_HEADER.match(key) and _UNIT_IN_HEADER.search(printed)))


def is_column_name(cell: str) -> bool:
    """True for any cell a project table prints in its header row (name, money or descriptive column)."""
    cell = cell.strip().strip("|").strip()
    if read_amount(cell) is not None or len(cell) > 16:
        return False
    key = label_key(_UNIT_IN_HEADER.sub("", "".join(cell.split())))
    return bool(key) and (is_name_column(cell) or is_money_column(cell) or bool(_COLUMN_WORD.match(key)))


def _header(cells: list[str]) -> tuple[int, int, str | None] | None:
    """(name column, money column, unit printed in the money header) of a project table header, or None."""
    name_column = money_column = None
    unit = None
    for index, cell in enumerate(cells):
        printed = "".join(cell.split())
        key = label_key(_UNIT_IN_HEADER.sub("", printed))
        if name_column is None and _NAME_HEADER.match(key):
            name_column = index
        elif money_column is None and name_column is not None and (
                _MONEY_HEADER.match(key) or (_FUND_HEADER.match(key) and _UNIT_IN_HEADER.search(printed))):
            money_column = index
            found = _UNIT_IN_HEADER.search(printed)
            unit = found.group(1) if found else None
    if name_column is None or money_column is None:
        return None
    return name_column, money_column, unit


def is_project_table_header(cells: list[str]) -> bool:
    """True for the header row of a project table: a name and a money column, every other cell a column name.

    A label/value row of a form (``项目名称 | 某项目 | 金额 | 100``) holds values, so it is no header.

    Example:
        >>> is_project_table_header(["序号", "项目名称", "补助资金（万元）", "实施单位"])
        True
        >>> is_project_table_header(["项目名称", "社保服务专项", "金额", "100"])
        False
        >>> is_project_table_header(["序号", "项目名称", "建设地点", "本次分配金额(万元)", "责任单位"])  # by meaning
        True
        >>> is_project_table_header(["项目名称", "社保遗属生活补助"])  # a label and its value
        False
    """
    header = _header(cells)
    if header is None:
        return False
    unknown = 0
    for index, cell in enumerate(cells):
        key = label_key(_UNIT_IN_HEADER.sub("", "".join(cell.split())))
        if not key or index in header[:2]:
            continue
        if read_amount(cell) is not None:
            return False
        if not (_COLUMN_WORD.match(key) or _MONEY_HEADER.match(key)
                or (_FUND_HEADER.match(key) and _UNIT_IN_HEADER.search(cell))):
            unknown += 1
    # a wide plan table (8 columns and more) may name a few columns of its own (联农带农富农利益联结机制, 项目子类型)
    return unknown == 0 or (len(cells) >= _WIDE_HEADER and unknown <= len(cells) // 4)


def _unit_above(rows: list, index: int) -> str | None:
    """The unit of a 单位：元 line among the three rows above ``index``."""
    for row in rows[max(0, index - 3):index]:
        found = _UNIT_LINE.search("".join(" ".join(row.cells).split()))
        if found:
            return found.group(1)
    return None


def _as_printed(cell: str, row, lines: list[str] | None) -> bool:
    """True when ``cell`` stands in the row's source lines as printed (not already rescaled to 万元 by the
    parse pass, which rewrites the figures of tables whose 单位 line it recognised)."""
    if not lines:
        return True
    text = "".join(lines[max(row.line - 1, 0):(row.end_line or row.line)])
    return re.search(r"(?<![\d.,])" + re.escape(cell.strip()) + r"(?![\d.,])", text) is not None


def header_table_entries(rows: list, lines: list[str] | None = None) -> list[Entry]:
    """Projects of every table whose header names a project column and a money column.

    Args:
        rows: the document's ``loaders.rows.Row`` records.
        lines: the document's text lines (``Extraction.lines``), to tell figures still as printed (scaled
            here by the header's unit) from figures the parse pass already rescaled to 万元.

    Returns:
        One ``Entry`` per project row (amount in 万元), in order.

    Example:
        >>> from loaders.rows import Row
        >>> rows = [Row(["单位：元"], 1), Row(["序号", "项目名称", "补助资金", "备注"], 2, is_table=True),
        ...         Row(["1", "村道硬化项目", "150000", ""], 3, is_table=True),
        ...         Row(["合计", "", "150000", ""], 4, is_table=True)]
        >>> [(e.name, e.amount) for e in header_table_entries(rows)]
        [('村道硬化项目', 15.0)]
    """
    entries: list[Entry] = []
    index = 0
    while index < len(rows):
        row = rows[index]
        header = _header(row.cells) if row.is_table and is_project_table_header(row.cells) \
            and not indicator_columns(row.cells) else None
        if header is None:
            index += 1
            continue
        name_column, money_column, unit = header
        unit = unit or _unit_above(rows, index) or "万元"
        index += 1
        while index < len(rows) and rows[index].is_table and not is_title(rows[index].cells) \
                and not is_project_table_header(rows[index].cells):
            cells = rows[index].cells
            name = cells[name_column].strip() if name_column < len(cells) else ""
            amount = read_amount(cells[money_column]) if money_column < len(cells) else None
            if name and amount is not None and not _SUBTOTAL.match(name) and read_amount(name) is None \
                    and not is_funding_phrase(name):
                code, name = split_code(name)
                scale = _SCALE[unit] if _as_printed(cells[money_column], rows[index], lines) else 1.0
                entries.append(Entry(name=name, code=code, amount=round(amount * scale, 6),
                                     source_table=None, first_line=rows[index].line,
                                     last_line=rows[index].end_line or rows[index].line,
                                     notes=[note("projects.from_header_table", line=row.line, unit=unit)]))
            index += 1
    return entries
