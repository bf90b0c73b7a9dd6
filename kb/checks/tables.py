"""Reading the figures ``kb check`` compares straight from a document's normalised text lines.

The extraction records keep one figure per field (e.g. ``totals.income_total`` from the 收支总表 the
schema names); a document that prints the same figure in several tables or in its narrative keeps the
others only in its text. This module reads those: table blocks (a title row ending in 表 and the rows
under it, rebuilt by ``loaders.rows.rebuild_rows``), the grand-total rows of each summary table, the
figures of the narrative (情况说明), the amount unit a block declares and the unit names a block prints.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from kb.core.amounts import parse_amount
from kb.core.normalize import match_key
from loaders.rows import Row, rebuild_rows
from loaders.table_titles import is_table_title

_TABLE_NUMBER = re.compile(r"^(表[一二三四五六七八九十]+|表\d+|附件[\d\-]+)$")
_UNIT_DECLARATION = re.compile(r"单位[:：]\s*(万元|元)|[（(](万元|元)[)）]")
_UNIT_NAME = re.compile(r"(?:(?P<code>\d{3,9})\s*[-－—]\s*)?(?P<name>[\u4e00-\u9fff（）()]{4,40}?"
                        r"(?:中心|局|委员会|办公室|政府|院|所|站|队|馆|处|协会|学校|委|部))")
_UNIT_LABELS = ("编制单位", "申报单位", "预算部门", "预算单位", "单位名称", "部门（单位）名称", "部门(单位)名称", "部门名称")


@dataclass
class TableBlock:
    """One printed table: its title, the line of the title and its rows (title row excluded).

    Attributes:
        title: the title as printed, e.g. "单位收支总表", "重庆市綦江区社会保险事务中心部门支出总表".
        line: 1-based line of the title.
        rows: the rows under the title, up to the next title.
        number: the table's printed number (表一, 表8, 附件4-2) when one stands right above the title.
    """

    title: str
    line: int
    rows: list[Row] = field(default_factory=list)
    number: str = ""

    @property
    def name(self) -> str:
        """How a finding names the table: number and title, e.g. "表一 财政拨款收支总表"."""
        return f"{self.number} {self.title}".strip()

    def amount_unit(self) -> str:
        """The amount unit the block declares ("元" or "万元"); 万元 when it declares none."""
        for row in self.rows[:8]:
            for cell in row.cells:
                match = _UNIT_DECLARATION.search(cell)
                if match:
                    return match.group(1) or match.group(2)
        match = _UNIT_DECLARATION.search(self.title)
        return (match.group(1) or match.group(2)) if match else "万元"


_LAST = threading.local()  # per thread: the rows and blocks of the document being checked


def _cached(lines: list[str], what: str, build):
    """Compute ``build()`` once per document (several rules read the same rows and blocks)."""
    memo = getattr(_LAST, "memo", None)
    if memo is None or memo["lines"] is not lines or memo["size"] != len(lines):
        memo = _LAST.memo = {"lines": lines, "size": len(lines)}
    if what not in memo:
        memo[what] = build()
    return memo[what]


def keep_rows(lines: list[str], rows: list[Row] | None) -> None:
    """Let the rules of this document read ``rows`` (the parse's ``rebuild_rows(lines)``) instead of rebuilding them."""
    if rows is not None:
        _cached(lines, "rows", lambda: rows)


def rows_of(lines: list[str]) -> list[Row]:
    """``rebuild_rows(lines)``, rebuilt once per document although several rules read the rows."""
    return _cached(lines, "rows", lambda: rebuild_rows(lines))


def _filled(row: Row) -> list[str]:
    return [cell for cell in row.cells if cell.strip()]


def split_blocks(lines: list[str]) -> list[TableBlock]:
    """Split a document's normalised lines into table blocks, in document order.

    Args:
        lines: the document's normalised text lines (``Extraction.lines``; index 0 is line 1).

    Returns:
        Blocks whose title is a single-cell row ending in 表 (or 预算, as some titles are cut short);
        text before the first title belongs to no block.
    """
    return _cached(lines, "blocks", lambda: _split_blocks(lines))


def _split_blocks(lines: list[str]) -> list[TableBlock]:
    blocks: list[TableBlock] = []
    number = ""
    for row in rows_of(lines):
        cells = _filled(row)
        if len(cells) == 1 and _TABLE_NUMBER.match(cells[0].strip()):
            number = cells[0].strip()
            continue
        title = cells[0].strip().lstrip("#").strip() if len(cells) == 1 else ""
        if title and is_table_title(title) and not parse_amount(title):
            blocks.append(TableBlock(title=title, line=row.line, number=number))
            number = ""
            continue
        if blocks:
            blocks[-1].rows.append(row)
    return blocks


def labelled_amounts(row: Row) -> list[tuple[str, float, int]]:
    """Each (label, amount, column) pair of a row: a text cell followed by the first amount after it.

    Example: the cells ["合计", "2,235.58", "合计", "2,235.58"] give [("合计", 2235.58, 0), ("合计", 2235.58, 2)].
    """
    pairs: list[tuple[str, float, int]] = []
    cells = row.cells
    for index, cell in enumerate(cells):
        label = cell.strip()
        if not label or parse_amount(label) is not None:
            continue
        for follower in cells[index + 1:index + 2]:
            amount = parse_amount(follower)
            if amount is not None:
                pairs.append((label, amount, index))
    return pairs


_TOTAL_COLUMNS = ("小计", "合计", "总计")
_PART_COLUMNS = (("基本支出", "项目支出"), ("人员经费", "公用经费"), ("人员经费", "日常公用经费"))


def split_rows(block: TableBlock) -> list[tuple[str, float, float | None, float | None, int, str]]:
    """Rows of a block whose header has a total column followed by its two parts (小计 | 基本支出 | 项目支出,
    合计 | 人员经费 | 公用经费): (row label, total, part 1, part 2, line, part names), amounts in 万元.

    A row with as many cells as the header is read by position; a shorter row whose first cells are
    all labels (000 prints 合计 across the code and name columns) is aligned on the right.
    """
    header_index = column = None
    parts = ""
    for index, row in enumerate(block.rows[:8]):
        cells = [cell.strip().replace(" ", "") for cell in row.cells]
        for position, cell in enumerate(cells[:-2]):
            if cell in _TOTAL_COLUMNS and tuple(cells[position + 1:position + 3]) in _PART_COLUMNS:
                header_index, column, parts = index, position, "+".join(cells[position + 1:position + 3])
                break
        if header_index is not None:
            break
    if header_index is None:
        return []
    width = len(block.rows[header_index].cells)
    found = []
    for row in block.rows[header_index + 1:]:
        cells = [cell.strip() for cell in row.cells]
        start = column - (width - len(cells))
        if len(cells) > width or start < 0 or start + 2 >= len(cells) + (0 if len(cells) == width else 1):
            continue
        if len(cells) < width and any(parse_amount(cell) is not None for cell in cells[:start]):
            continue
        total = parse_amount(cells[start])
        first = parse_amount(cells[start + 1]) if start + 1 < len(cells) else None
        second = parse_amount(cells[start + 2]) if start + 2 < len(cells) else None
        if total is None or (first is None and second is None):
            continue
        if first is not None and second is not None and total in (first, second) and 0 not in (first, second):
            continue  # a part equal to the total beside a non-zero other part: columns shifted (004 附表4)
        label = " ".join(cell for cell in cells[:start]  # codes and names, not amounts of other columns
                         if cell and (parse_amount(cell) is None or not re.search(r"[.,]", cell))) or "合计"
        found.append((label, total, first, second, row.line, parts))
    return found


_INCOME_GRAND = re.compile(r"^(收入)?(总计|总数|合计)$")
_EXPENSE_GRAND = re.compile(r"^(支出)?(总计|总数|合计)$")


def summary_grand_totals(block: TableBlock) -> dict[str, tuple[float, int]]:
    """The income and expense grand totals a 收支总表 prints: {"income"|"expense": (万元, line)}.

    The income side is the first label/amount pair of a row, the expense side the next one; a 总计 or
    总数 row wins over a 合计 row (合计 before 上年结转 is only the current year's figure).
    """
    found: dict[str, tuple[float, int, int]] = {}
    for row in block.rows:
        pairs = labelled_amounts(row)
        for side, (label, amount, _column) in zip(("income", "expense"), pairs):
            pattern = _INCOME_GRAND if side == "income" else _EXPENSE_GRAND
            match = pattern.match(label.replace(" ", ""))
            if not match:
                continue
            rank = 0 if match.group(2) == "合计" else 1
            if side not in found or rank >= found[side][2]:
                found[side] = (amount, row.line, rank)
    return {side: (amount, line) for side, (amount, line, _rank) in found.items()}


_NARRATIVE = {
    "income_total": re.compile(r"(?<!拨款)收入(?:预算)?(?:合计|总计)\s*(\d[\d,]*\.?\d*)\s*万元"),
    "expense_total": re.compile(r"(?<!拨款)支出(?:预算)?(?:合计|总计)\s*(\d[\d,]*\.?\d*)\s*万元"),
    "basic_expense": re.compile(r"基本支出\s*(\d[\d,]*\.?\d*)\s*万元"),
    "project_expense": re.compile(r"项目支出\s*(\d[\d,]*\.?\d*)\s*万元"),
    "three_public": re.compile(r"三公[”\"]?经费(?:预算|支出)?(?:为|共)?\s*(\d[\d,]*\.?\d*)\s*万元"),
}
_PROJECT_COUNT = re.compile(r"(?:共|安排|涉及|包括|设置)\s*(\d{1,4})\s*个(?:预算)?项目|(?:共有|共计|共)\s*项目\s*(\d{1,4})\s*个")


def narrative_figures(lines: list[str], field_name: str) -> list[tuple[float, int]]:
    """Figures the running text states for a totals field, as (万元, line), in order.

    Only lines outside tables (no tab) are read. Known fields: income_total, expense_total,
    basic_expense, project_expense, three_public.
    """
    pattern = _NARRATIVE[field_name]
    figures: list[tuple[float, int]] = []
    running_text = _cached(lines, "text", lambda: [(number, line) for number, line in enumerate(lines, start=1)
                                                   if "万元" in line and "\t" not in line and "|" not in line])
    for number, line in running_text:
        for match in pattern.finditer(line):
            amount = parse_amount(match.group(1))
            if amount is not None:
                figures.append((amount, number))
    return figures


def claimed_project_counts(lines: list[str]) -> list[tuple[int, int]]:
    """Project counts the running text claims ("共12个项目", "共有项目12个"), as (count, line)."""
    claims: list[tuple[int, int]] = []
    for number, line in enumerate(lines, start=1):
        if "\t" in line:
            continue
        claims.extend((int(match.group(1) or match.group(2)), number) for match in _PROJECT_COUNT.finditer(line))
    return claims


def unit_mentions(lines: list[str]) -> list[tuple[str | None, str, int]]:
    """Units a document names in its tables, as (code, name, line), in document order.

    Read from label cells (编制单位/申报单位/预算部门/单位名称/单位：…, the value in the same cell after
    "：" or in the next filled cell) and from the rows under a 单位名称 column header (003 prints one
    unit per project row). The code is the "121003-" prefix where printed, else None; names as printed.
    """
    mentions: list[tuple[str | None, str, int]] = []
    name_column: int | None = None
    for row in rows_of(lines):
        if not row.is_table:
            name_column = None
        if name_column is None and not any("单位" in cell or "部门" in cell for cell in row.cells):
            continue
        cells = [cell.strip() for cell in row.cells]
        values: list[str] = []
        for index, cell in enumerate(cells):
            head, colon, tail = cell.partition("：")
            if cell.rstrip("：:") in _UNIT_LABELS:
                values.append(next((c for c in cells[index + 1:] if c), ""))
            elif colon and (head in _UNIT_LABELS or head == "单位"):
                values.append(tail)
            if cell == "单位名称" and row.is_table:
                name_column = index
                values = []
                break
        else:
            if name_column is not None and name_column < len(cells) and cells[name_column]:
                values.append(cells[name_column])
        for value in values:
            match = _UNIT_NAME.fullmatch(value.strip())
            if match:
                mentions.append((match.group("code"), match.group("name"), row.line))
    return mentions


def same_unit(name_a: str | None, name_b: str | None) -> bool:
    """True when two printed unit names are the same unit (match_key equal, or one ends with the other)."""
    key_a, key_b = match_key(name_a), match_key(name_b)
    if not key_a or not key_b:
        return True
    return key_a == key_b or key_a.endswith(key_b) or key_b.endswith(key_a)
