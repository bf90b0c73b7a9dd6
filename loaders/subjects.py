"""Coded classification tables: functional (功能分类) and economic (经济分类) subject lines.

Reads any table whose rows start with a subject code, in every printed form:
- one code cell: ``2080101 | 行政运行 | 757.49 | …`` (000, 001, 002);
- 类/款/项 split over columns: ``208 | 01 | 01 | 316002 | 行政运行 | …`` (003, 004), joined to "2080101";
- 类/款 plus the full code: ``301 | 01 | 30101 | 基本工资 | …`` or ``301 | 01 | 30101 基本工资 | …`` (003, 004);
- a unit-code column after the code (316002, 342601, 342) is skipped.

Amount columns are mapped through the header labels printed after the header's name column
(小计/合计/总计 -> total, 基本支出 -> basic, 项目支出 -> project), so extra columns such as a previous
year's 预算数 (002 表5) or 人员经费/公用经费 are never mistaken for the total.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from kb.core.amounts import has_amount, parse_amount
from loaders.sections import Section, clean_cell, is_total_label

_CLASS = re.compile(r"^\d{3}$")
_PART = re.compile(r"^\d{1,2}$")  # 款/项; "1" where a spreadsheet stored "01" as a number
_FULL = re.compile(r"^(\d{5}|\d{7}|\d{9})$")
_CODE_AND_NAME = re.compile(r"^(\d{3}(?:\s\d{2}){1,3}|\d{3}|\d{5}|\d{7}|\d{9})\s+([^\d\s].*)$")
_SPACED = re.compile(r"^\d{3}(?:\s+\d{2}){1,3}$")  # "208 01 01" printed in one cell
_DIGITS = re.compile(r"^\d{2,9}$")
_NAME_HEADER = re.compile(r"名称|^项目$")
_INDENT = re.compile(r"^[\s\u2000-\u200b\u3000]+")


@dataclass
class CodedLine:
    """One coded row of a classification table.

    Attributes:
        code: joined subject code, e.g. "2080101".
        name: name as printed (indentation stripped).
        amounts: header label -> amount in 万元 (None for a blank cell), in column order.
        line: 1-based source line.
    """

    code: str
    name: str
    amounts: dict[str, float | None]
    line: int

    def pick(self, *patterns: str) -> float | None:
        """The amount of the first column whose label matches one of ``patterns`` (regex), else None."""
        for pattern in patterns:
            for label, value in self.amounts.items():
                if _label_matches(pattern, label):
                    return value
        return None


@functools.lru_cache(maxsize=8192)
def _label_matches(pattern: str, label: str) -> bool:
    """``re.search(pattern, label)`` as a bool, once per (pattern, column label): every line of a table
    asks about the same few labels."""
    return re.search(pattern, label) is not None


def split_code(cells: list[str]) -> tuple[str, int, str] | None:
    """Find the subject code at the start of a row.

    Args:
        cells: the row's cells (cleaned).

    Returns:
        (code, index of the name cell, name) or None when the row does not start with a code.

    Example:
        >>> split_code(["208", "01", "01", "316002", "行政运行", "510.64"])
        ('2080101', 4, '行政运行')
        >>> split_code(["301", "01", "30101 基本工资", "233.90"])
        ('30101', 2, '基本工资')
        >>> split_code(["208 01 01", "行政运行", "757.49"]), split_code(["208 01 01 行政运行", "757.49"])
        (('2080101', 1, '行政运行'), ('2080101', 0, '行政运行'))
    """
    index = 0
    while index < len(cells) and index < 4 and not cells[index]:
        index += 1
    if index >= len(cells):
        return None
    first = cells[index]
    if _SPACED.match(first):
        first = first.replace(" ", "")
    code: str | None = None
    position = index + 1
    if _CLASS.match(first):
        code = first
        while position < len(cells) and _PART.match(cells[position]) and len(code) < 7:
            code += cells[position].zfill(2)
            position += 1
        if position < len(cells):
            nxt = cells[position]
            if _FULL.match(nxt) and nxt.startswith(first):
                code, position = nxt, position + 1
            else:
                joined = _CODE_AND_NAME.match(nxt)
                if joined and joined.group(1).startswith(first):
                    return joined.group(1), position, joined.group(2).strip()
    elif _FULL.match(first):
        code = first
    else:
        joined = _CODE_AND_NAME.match(first)
        if joined:
            return joined.group(1).replace(" ", ""), index, joined.group(2).strip()
        return None
    while position < len(cells) and _DIGITS.match(cells[position]):  # unit code column
        position += 1
    if position >= len(cells):
        return None
    name = cells[position]
    if not name or parse_amount(name) is not None:
        return None
    return code, position, name


def is_column_number_row(cells: list[str]) -> bool:
    """A 栏次 row of a 决算 table: "栏次 | | 1 | 2 | 3" or just the column numbers 1, 2, 3 …

    Example:
        >>> is_column_number_row(["栏次", "", "1", "2", "3"]), is_column_number_row(["3.50", "", "3.50"])
        (True, False)
    """
    filled = [clean_cell(cell) for cell in cells if cell.strip()]
    if filled and filled[0] == "栏次":
        return True
    numbers = [cell for cell in filled if re.fullmatch(r"\d{1,2}", cell)]
    return len(filled) >= 2 and len(numbers) == len(filled) and [int(n) for n in numbers] == list(
        range(int(numbers[0]), int(numbers[0]) + len(numbers)))


def _header_labels(section: Section, first_data_index: int) -> tuple[int | None, list[str]]:
    """(index of the header's name column, label per column) from the header rows above the data."""
    header_rows = [row for row in section.table_rows[:first_data_index]]
    width = max((len(row.cells) for row in section.table_rows), default=0)
    labels = [""] * width
    name_index: int | None = None
    for row in header_rows:  # lower header rows override upper ones
        if is_column_number_row(row.cells):
            continue
        for column, cell in enumerate(row.cells):
            text = clean_cell(cell)
            if text and column < width and parse_amount(text) is None:
                labels[column] = text
            if text and _NAME_HEADER.search(text) and "编码" not in text:
                name_index = column
    return name_index, labels


def _amounts_after(cells: list[str], start: int, name_index: int | None, labels: list[str]) -> dict[str, float | None]:
    """Amount cells after ``start`` keyed by the labels after the header's name column."""
    if name_index is not None and name_index > start and all(not c for c in cells[start + 1:name_index + 1]):
        start = name_index
    base = name_index if name_index is not None else start
    figures = cells[start + 1:]
    return dict(zip(_amount_keys(base, len(figures), tuple(labels)), map(parse_amount, figures)))


@functools.lru_cache(maxsize=4096)
def _amount_keys(base: int, count: int, labels: tuple[str, ...]) -> tuple[str, ...]:
    """The keys of ``_amounts_after``: the label of each of ``count`` columns after ``base`` ("column N" for one
    without a label; a repeated label gets a ' per repeat); the same for every line of a table, so computed once."""
    keys: list[str] = []
    for column in range(base + 1, base + 1 + count):
        label = labels[column] if column < len(labels) and labels[column] else f"column {column}"
        while label in keys:
            label += "'"
        keys.append(label)
    return tuple(keys)


def _is_total_row(cells: list[str]) -> bool:
    """A 合计 row: a total label among the first cells and at least one amount after it."""
    label_at = next((i for i, cell in enumerate(cells[:6]) if is_total_label(cell)), None)
    return label_at is not None and has_amount(cells[label_at + 1:])


@functools.lru_cache(maxsize=65536)
def _clean_coded_cell(cell: str) -> str:
    """A cell of a coded table without indentation or markup (``clean_cell``), once per distinct cell."""
    return clean_cell(_INDENT.sub("", cell))


def read_coded_table(section: Section) -> tuple[list[CodedLine], CodedLine | None]:
    """Read a classification table's coded lines and its 合计 row.

    Args:
        section: a section whose table rows hold subject codes (any of the printed forms above).

    Returns:
        (coded lines in order, the 合计 row as a CodedLine with code "" or None). Names keep their
        printed form minus indentation; amounts are 万元 with blank cells None.
    """
    rows = section.table_rows
    cleaned = [list(map(_clean_coded_cell, row.cells)) for row in rows]
    first_data = next((i for i, cells in enumerate(cleaned) if split_code(cells) or _is_total_row(cells)), len(rows))
    name_index, labels = _header_labels(section, first_data)
    lines: list[CodedLine] = []
    total: CodedLine | None = None
    for row, cells in zip(rows[first_data:], cleaned[first_data:]):
        found = split_code(cells)
        if found:
            code, position, name = found
            lines.append(CodedLine(code, name, _amounts_after(cells, position, name_index, labels), row.line))
            continue
        label_at = next((i for i, cell in enumerate(cells[:6]) if is_total_label(cell)), None)
        if label_at is not None and total is None and _is_total_row(cells):
            amounts = _amounts_after(cells, label_at, name_index, labels)
            total = CodedLine("", clean_cell(cells[label_at]), amounts, row.line)
    return lines, total


# 类 (class) names of the functional classification as printed in 收支总表 expense rows.
FUNCTION_CLASSES = {
    "一般公共服务支出": "201", "外交支出": "202", "国防支出": "203", "公共安全支出": "204", "教育支出": "205",
    "科学技术支出": "206", "文化旅游体育与传媒支出": "207", "社会保障和就业支出": "208", "社会保险基金支出": "209",
    "卫生健康支出": "210", "节能环保支出": "211", "城乡社区支出": "212", "农林水支出": "213", "交通运输支出": "214",
    "资源勘探工业信息等支出": "215", "商业服务业等支出": "216", "金融支出": "217", "援助其他地区支出": "219",
    "自然资源海洋气象等支出": "220", "住房保障支出": "221", "粮油物资储备支出": "222", "国有资本经营预算支出": "223",
    "灾害防治及应急管理支出": "224", "其他支出": "229", "债务付息支出": "232", "债务发行费用支出": "233",
}

TOTAL_COLUMN = (r"^(小计|合计|总计)$", r"合计|总计|小计")
BASIC_COLUMN = (r"基本支出",)
PROJECT_COLUMN = (r"项目支出", r"^金额$")


def first_amount(line: CodedLine) -> float | None:
    """The first amount column's value (a table with no recognisable labels)."""
    return next(iter(line.amounts.values()), None)


def line_total(line: CodedLine) -> float | None:
    """A coded line's total: the 小计/合计/总计 column, else the first amount column."""
    label = _total_label(tuple(line.amounts))
    return None if label is None else line.amounts[label]


@functools.lru_cache(maxsize=4096)
def _total_label(labels: tuple[str, ...]) -> str | None:
    """Which column holds a line's total, by the table's column labels (every line of a table has the same):
    the first 小计/合计/总计 column (``CodedLine.pick(*TOTAL_COLUMN)``), else the one 基本支出 or 项目支出 column
    of a table that has only one of them, else the first column; None for a line without amounts."""
    for pattern in TOTAL_COLUMN:
        for label in labels:
            if _label_matches(pattern, label):
                return label
    basic_only = [label for label in labels if _label_matches(r"基本支出|项目支出", label)]
    if len(basic_only) == 1:
        return basic_only[0]
    return labels[0] if labels else None
