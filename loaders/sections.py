"""Section recognition: which rows belong to which table of the standard disclosure set.

A section starts at a title row (a row with one non-empty cell that names a table, e.g.
"单位支出总表", "## 一般公共预算支出预算表", "重庆市綦江区社会保险事务中心一般公共预算财政拨款基本支出预")
and runs to the next title row. Titles are recognised by keywords, never by line numbers, so a
disclosure from another district, in another order or with other numbering is read the same way.

Section kinds (``Section.kind``) are those of ``loaders.table_titles`` (the one recogniser of table titles).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from kb.core.amounts import has_amount, parse_amount, to_wan_yuan
from loaders.notes import note
from loaders.rows import Row
from loaders.table_titles import classify_title, clean_title

_TITLE_NOISE = re.compile(r"^[#\s*]+|[*\s]+$|</?[a-zA-Z][^>]*>")
_SPACE_IN_LABEL = re.compile(r"(?<=[\u4e00-\u9fff（）()])\s+(?=[\u4e00-\u9fff（）()])")
_TOTAL_LABEL = re.compile(r"^(合计|总计|小计|收入合计|支出合计|收入总计|支出总计)$")


@dataclass
class Section:
    """One table of the disclosure: its title row and the rows up to the next title.

    Attributes:
        kind: one of the kinds in the module docstring.
        title: the title as printed (markdown/HTML remnants removed).
        line: 1-based line of the title.
        rows: the rows after the title, up to the next title (text rows included).
        scheme: for basic_economic/project_expense: "gov_economic" when the title says 政府预算支出经济分类.
    """

    kind: str
    title: str
    line: int
    rows: list[Row] = field(default_factory=list)
    scheme: str | None = None
    # (len(rows) when computed, table rows, whether one of them prints a figure or None before asked)
    _table: tuple | None = field(default=None, repr=False, compare=False)

    @property
    def table_rows(self) -> list[Row]:
        """Rows with more than one cell (the table proper); computed once while ``rows`` does not grow."""
        if self._table is None or self._table[0] != len(self.rows):
            self._table = (len(self.rows), [row for row in self.rows if row.is_table and len(row.cells) > 1], None)
        return self._table[1]

    @property
    def has_figure(self) -> bool:
        """True when one of its table rows prints a figure (``parse_amount``); asked once per section."""
        rows = self.table_rows
        if self._table[2] is None:
            self._table = (self._table[0], rows, any(has_amount(row.cells) for row in rows))
        return self._table[2]


@functools.lru_cache(maxsize=65536)
def clean_cell(text: str) -> str:
    """A cell without markdown/HTML remnants and without the spaces printed inside Chinese labels.

    Example:
        >>> clean_cell("<b>收 入 总 计</b>")
        '收入总计'
    """
    if "#" in text or "*" in text or "<" in text:
        text = _TITLE_NOISE.sub("", text).strip()
    else:  # nothing but whitespace at either edge for ``_TITLE_NOISE`` to remove (\s and str.strip agree)
        text = text.strip()
    if " " not in text and text.isprintable():  # no whitespace (every whitespace but the space is unprintable)
        return text
    return _SPACE_IN_LABEL.sub("", text)


def title_kind(text: str) -> str | None:
    """The section kind a title names, "other" for another table title, or None if not a title.

    ``loaders.table_titles.classify_title``: the one recogniser of table titles.

    Example:
        >>> title_kind("2024年万盛经开区部门一般公共预算财政拨款基本支出预算表"), title_kind("备注：本表无数据。")
        ('basic_economic', None)
    """
    return classify_title(text)


def _single_cell(row: Row) -> str | None:
    """The row's first cell when it is its only filled cell, else None."""
    cells = row.cells
    if not cells or not cells[0].strip() or (len(cells) > 1 and "".join(cells[1:]).strip()):
        return None  # (the cells after the first joined are blank exactly when each of them is)
    return cells[0]


def find_sections(rows: list[Row], singles: list[str | None] | None = None) -> list[Section]:
    """Split a document's rows into table sections by their titles.

    Args:
        rows: ``loaders.rows.rebuild_rows`` output.
        singles: for each row, its first cell when that is its only filled cell, else None (``_single_cell``);
            computed here when not given (``loaders.stream`` passes what its one scan of the rows found).

    Returns:
        Sections in document order; a subtitle line "(部门预算支出经济分类科目)"/"(政府预算支出经济分类科目)"
        right after a title sets ``scheme``. Rows before the first title belong to no section.
    """
    sections: list[Section] = []
    current: Section | None = None
    has_table_row = False  # whether ``current`` holds a table row yet (``current.table_rows`` non-empty)
    if singles is None:
        singles = [_single_cell(row) for row in rows]
    for row, text in zip(rows, singles):
        kind = title_kind(text) if text is not None else None
        if kind is not None:
            current = Section(kind=kind, title=clean_title(text), line=row.line)
            has_table_row = False
            if "政府预算支出经济分类" in current.title or "政府经济分类" in current.title:
                current.scheme = "gov_economic"
            sections.append(current)
            continue
        if current is None:
            continue
        if text is not None and not has_table_row and "经济分类" in text:
            current.scheme = "gov_economic" if "政府" in text else "economic"
        current.rows.append(row)
        has_table_row = has_table_row or (row.is_table and len(row.cells) > 1)
    return sections


def sections_of(sections: list[Section], *kinds: str) -> list[Section]:
    """The sections of the given kinds that hold at least one table row with a figure, in document order."""
    return [section for section in sections if section.kind in kinds and section.has_figure]


_AMOUNT_UNIT = re.compile(r"(?:金额)?单位\s*[:：]\s*(?P<unit>万元|千元|亿元|元)(?![\u4e00-\u9fff])|^(?:金额|预算数|预算金额|合计|本年预算|决算数|执行数|总计)[（(](?P<unit2>万元|千元|亿元|元)[)）]$")


def amount_unit(section: Section) -> str:
    """The amount unit a table prints in: its 单位 line (单位：元, 金额单位:万元) or a header cell (金额（元）).

    Read from the rows before the first row with a figure; 万元 when nothing says otherwise.
    """
    for row in section.rows[:8]:
        if row.is_table and has_amount(row.cells):
            break
        for cell in row.cells:
            match = _AMOUNT_UNIT.search(cell.replace(" ", ""))
            if match:
                return match.group("unit") or match.group("unit2")
    return "万元"


def scale_to_wan_yuan(sections: list[Section]) -> list[str]:
    """Rewrite the figures of tables printed in 元/千元/亿元 in 万元, in place, so every reader sees 万元.

    Only cells after a row's first non-figure cell are figures (subject codes and 行次 stand before the
    label or are small integers under a 行次 header and are left alone).

    Returns:
        Notes naming each table scaled and its unit.
    """
    notes = []
    for section in sections:
        if section.kind in ("project_performance", "unit_performance"):
            continue
        unit = amount_unit(section)
        if unit == "万元":
            continue
        for row in section.table_rows:
            label_seen = False
            cells = list(row.cells)  # a new list: the printed cells stay as they were (the checks read them)
            for index, cell in enumerate(cells):
                value = parse_amount(cell)
                if value is None:
                    label_seen = label_seen or bool(cell.strip())
                    continue
                if label_seen:
                    cells[index] = f"{to_wan_yuan(value, unit):.6f}".rstrip("0").rstrip(".")
            row.cells = cells
        notes.append(note("read.amount_unit", title=section.title, line=section.line, unit=unit))
    return notes


@functools.lru_cache(maxsize=65536)
def is_total_label(cell: str) -> bool:
    """True for a 合计/总计/小计 label (spaces and markup ignored, "收入合计" etc. included)."""
    return bool(_TOTAL_LABEL.match(clean_cell(cell).replace(" ", "")))
