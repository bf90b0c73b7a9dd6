"""Project tables with one row per project: 项目支出预算表 lines and wide performance tables.

- A 项目支出预算表 (003, 004) lists one project per coded line: 类/款/项 code cells, 单位代码, the
  project name under 单位名称（科目） or 项目名称, and the amount under 金额 (or 预算数/项目支出/合计).
  Lines without a code are subtotals (a subject's name, 合计) and are not projects.
- A wide performance table (003, 004) prints 单位名称 | 项目名称 | 预算数 | 年度目标 and then the
  indicator columns on every row; a project starts on the row that prints a name and an amount, and
  rows broken over a page (004: "社会保险委托稽核" + "和基金管理专项经费") continue it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from kb.core.records import Indicator
from loaders.indicators import IndicatorColumns, alignment_shift, label_key, read_indicator
from loaders.project_fields import field_of, read_amount, split_code

_SUBTOTAL = re.compile(r"^(合\s*计|小\s*计|总\s*计|共\s*计)$")
_NAME_COLUMNS = {"项目名称": 3, "项目": 1, "单位名称": 2}
_AMOUNT_COLUMNS = {"金额": 4, "预算数": 3, "项目支出": 2, "合计": 1}


@dataclass
class Entry:
    """One project as read from one table, before entries of several tables are merged.

    Attributes:
        name: name as printed (code prefix removed); amount in 万元; other fields as in ``kb.core.records.Project``.
        first_line, last_line: 1-based source lines the entry spans (its block or its table row).
        unit: the unit cell printed with it (单位名称/申报单位/编制单位), used to spot another unit's block.
    """

    name: str
    source_table: str | None
    first_line: int
    last_line: int
    code: str | None = None
    amount: float | None = None
    category: str | None = None
    overview: str | None = None
    basis: str | None = None
    goal: str | None = None
    subject_code: str | None = None
    unit: str | None = None
    table_first_line: int = 0
    table_last_line: int = 0
    spans: list[tuple[int, int]] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    amount_label: str | None = None


def _best_column(cells: list[str], weights: dict[str, int]) -> int | None:
    best: tuple[int, int] | None = None
    for index, cell in enumerate(cells):
        weight = weights.get(label_key(cell))
        if weight and (best is None or weight > best[0]):
            best = (weight, index)
    return best[1] if best else None


def _subject_code(cells: list[str]) -> str | None:
    """The functional-classification code of a line: split 类/款/项 cells joined, or one coded cell."""
    digits = [cell.strip() for cell in cells if cell.strip().isdigit()]
    if len(digits) >= 3 and [len(d) for d in digits[:3]] == [3, 2, 2]:
        return "".join(digits[:3])
    coded = [d for d in digits if len(d) in (3, 5, 7) and d[0] in "12"]
    return coded[0] if coded else None


_BUDGET_LIST = re.compile(r"项目(支出)?(预算)?(明细)?表")


@functools.lru_cache(maxsize=4096)  # asked for every row; a document has a few titles
def is_budget_list_title(title: str | None) -> bool:
    """True for a 项目支出预算表 title that lists projects (not a performance or economic table)."""
    return bool(title) and bool(_BUDGET_LIST.search(title)) and "绩效" not in title \
        and "经济分类" not in title and "预算" in title


def budget_list_entries(items: list, titles: list[str | None]) -> tuple[list[Entry], set[int], list[str]]:
    """Project lines of every 项目支出预算表 (coded lines with a name and an amount).

    Args:
        items: the document's typed rows (``loaders.stream.Item``); titles: the table title of each row.

    Returns:
        (entries in order, indexes of the rows read as project lines, discrepancies: a table whose printed
        合计 differs from the sum of its project lines, with both figures in 万元).
    """
    rows = [item.row for item in items]
    entries: list[Entry] = []
    used: set[int] = set()
    discrepancies: list[str] = []
    index = 0
    while index < len(rows):
        row, title = rows[index], titles[index]
        name_column = _best_column(row.cells, _NAME_COLUMNS) if is_budget_list_title(title) else None
        amount_column = _best_column(row.cells, _AMOUNT_COLUMNS) if name_column is not None else None
        if name_column is None or amount_column is None or items[index].indicator:
            index += 1
            continue
        named_projects = label_key(row.cells[name_column]) != "单位名称"
        extra = {field_of(cell): i for i, cell in enumerate(row.cells) if field_of(cell) in ("code", "category")}
        index += 1
        first_entry, printed_total = len(entries), None
        while index < len(rows) and not items[index].is_title and rows[index].is_table:
            cells = rows[index].cells
            name = cells[name_column].strip() if name_column < len(cells) else ""
            amount = read_amount(cells[amount_column]) if amount_column < len(cells) else None
            code = _subject_code(cells[:name_column])
            if printed_total is None and amount is not None \
                    and any(_SUBTOTAL.match(cell.strip()) for cell in cells[:name_column + 1]):
                printed_total = (amount, rows[index].line)
            if name and amount is not None and not _SUBTOTAL.match(name) and (code or named_projects):
                project_code, name = split_code(name)
                printed = {key: cells[i].strip() for key, i in extra.items() if i < len(cells) and cells[i].strip()}
                entries.append(Entry(name=name, amount=amount, subject_code=code, source_table=title,
                                     code=printed.get("code") or project_code, category=printed.get("category"),
                                     first_line=rows[index].line, last_line=rows[index].end_line or rows[index].line))
                used.add(index)
            index += 1
        listed = round(sum(entry.amount or 0 for entry in entries[first_entry:]), 2)
        if printed_total and len(entries) > first_entry and abs(listed - printed_total[0]) > 0.005:
            discrepancies.append(f"{title} (line {printed_total[1]}): 合计 printed {printed_total[0]:,.2f}, but its "
                                 f"{len(entries) - first_entry} project lines sum to {listed:,.2f}.")
    return entries, used, discrepancies


def _wide_header(cells: list[str], columns: IndicatorColumns | None) -> tuple[IndicatorColumns, dict[str, int]] | None:
    """A wide performance header (``columns``: the row's indicator header) with project fields left of the
    indicator columns, or None."""
    if columns is None:
        return None
    left: dict[str, int] = {}
    for index, cell in enumerate(cells[:columns.first]):
        name = field_of(cell)
        if name in {"name", "amount", "goal", "unit", "code", "category"} and name not in left:
            left[name] = index
    return (columns, left) if "name" in left else None


def _left_cells(cells: list[str], columns: IndicatorColumns, width: int) -> list[str]:
    """The cells of a wide row left of its indicator part, re-aligned to ``width`` columns."""
    end = columns.first + alignment_shift(cells, columns)
    left = [cell.strip() for cell in cells[:max(end, 0)]]
    if len(left) > width:
        left = left[-width:]
    return left


def _map_left(left: list[str], fields: dict[str, int], width: int) -> dict[str, str]:
    """Assign left cells to fields; a short row (a blank cell lost) skips the amount if it isn't one."""
    by_index = {index: name for name, index in fields.items()}
    mapped: dict[str, str] = {}
    if len(left) == width:
        return {by_index[i]: cell for i, cell in enumerate(left) if i in by_index}
    cursor = 0
    for column in range(width):
        if cursor >= len(left):
            break
        name = by_index.get(column)
        if name == "amount" and left[cursor] and read_amount(left[cursor]) is None:
            continue
        if name:
            mapped[name] = left[cursor]
        cursor += 1
    return mapped


def wide_performance_entries(items: list, titles: list[str | None]) -> tuple[list[Entry], set[int]]:
    """Projects of wide performance tables (one indicator per row, project fields on the left).

    Args:
        items: the document's typed rows (``loaders.stream.Item``); titles: the table title of each row.

    Returns:
        (entries with their indicators in order, indexes of the rows consumed).
    """
    rows = [item.row for item in items]
    entries: list[Entry] = []
    used: set[int] = set()
    index = 0
    while index < len(rows):
        header = _wide_header(rows[index].cells, items[index].indicator)
        if header is None:
            index += 1
            continue
        columns, fields = header
        width, title = columns.first, titles[index]
        used.add(index)
        table_first, first_entry = rows[index].line, len(entries)
        index += 1
        current: Entry | None = None
        while index < len(rows) and rows[index].is_table and not items[index].is_title:
            row = rows[index]
            if _wide_header(row.cells, items[index].indicator):  # header repeated after a page break
                used.add(index)
                index += 1
                continue
            left = _map_left(_left_cells(row.cells, columns, width), fields, width)
            amount = read_amount(left.get("amount"))
            starts = amount is not None if "amount" in fields else bool(left.get("name"))
            if left.get("name") and starts:
                current = Entry(name=left["name"], amount=amount, source_table=title, first_line=row.line,
                                last_line=row.end_line or row.line, unit=left.get("unit") or None,
                                goal=left.get("goal") or None, code=left.get("code") or None)
                entries.append(current)
            elif current is not None:
                for name in ("name", "unit", "goal"):
                    if left.get(name) and not left[name].endswith("指标"):  # an indicator level is no name piece
                        setattr(current, name, (getattr(current, name) or "") + left[name])
            if current is not None:
                current.last_line = row.end_line or row.line
                previous = current.indicators[-1] if current.indicators else None
                read = read_indicator(row.cells, columns, row.line, previous)
                if isinstance(read, str) and previous is not None:
                    previous.name += read
                elif isinstance(read, Indicator):
                    current.indicators.append(read)
            used.add(index)
            index += 1
        table_last = rows[index - 1].end_line or rows[index - 1].line
        for entry in entries[first_entry:]:
            entry.table_first_line, entry.table_last_line = table_first, table_last
            if entry.code is None:
                entry.code, entry.name = split_code(entry.name)
    return entries, used
