"""Section recognition: which rows belong to which table of the standard disclosure set.

A section starts at a title row (a row with one non-empty cell that names a table, e.g.
"单位支出总表", "## 一般公共预算支出预算表", "重庆市綦江区社会保险事务中心一般公共预算财政拨款基本支出预")
and runs to the next title row. Titles are recognised by keywords, never by line numbers, so a
disclosure from another district, in another order or with other numbering is read the same way.

Section kinds (``Section.kind``):

| kind | table |
|---|---|
| summary | 收支总表 (部门/单位收支(预算)总表) |
| income | 收入总表 |
| expense | 支出总表 (functional classification with 基本/项目 columns) |
| fiscal_summary | 财政拨款收支(预算)总表 |
| fiscal_economic | 财政拨款支出预算表（部门经济分类科目） |
| general_expense | 一般公共预算(财政拨款)支出(预算)表 (functional classification) |
| basic_economic | 一般公共预算(财政拨款)基本支出(预算)表 (economic classification, 301… or 501…) |
| project_expense | 一般公共预算(财政拨款)项目支出预算表 (project list or economic classification) |
| three_public | 一般公共预算"三公"经费支出表 |
| fund_three_public | 政府性基金预算"三公"经费支出表 |
| fund_expense | 政府性基金预算支出表 |
| capital_expense | 国有资本经营预算支出表 |
| procurement | 政府采购(预算明细)表 |
| project_performance | 项目支出绩效目标表 (one section per project block where titles repeat) |
| unit_performance | 整体(支出)绩效目标表 |
| catalogue | 目录 |
| other | any other title that names a table |
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.core.amounts import parse_amount, to_wan_yuan
from loaders.rows import Row

# (kind, pattern) in priority order: the first pattern found in a title decides its kind.
_KIND_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern)) for kind, pattern in (
        ("project_performance", r"项目.*绩效目标|专项资金绩效目标|项目绩效"),
        ("unit_performance", r"整体.*绩效目标"),
        ("fund_three_public", r"政府性基金.*三公"),
        ("three_public", r"三公"),
        ("procurement", r"政府采购"),
        ("fund_expense", r"政府性基金.*支出"),
        ("capital_expense", r"国有资本经营.*支出"),
        ("fiscal_summary", r"财政拨款收(?:入)?支(?:出)?.*总表"),
        ("fiscal_economic", r"财政拨款支出(?:预|决)算表.*经济分类"),
        ("summary", r"收(?:入)?支(?:出)?.*总表"),
        ("income", r"收入.*总表|^[^预]*收入决算表"),
        ("expense", r"支出.*总表|(?<!拨款)(?<!基本)(?<!项目)(?<!预算)支出决算表"),
        ("basic_economic", r"基本支出"),
        ("project_expense", r"项目支出.*表"),
        ("general_expense", r"一般公共预算.*支出"),
        ("catalogue", r"^目\s*录"),
    )
)
_TITLE_NOISE = re.compile(r"^[#\s*]+|[*\s]+$|</?[a-zA-Z][^>]*>")
_NOT_A_TITLE = re.compile(r"^(备注|注[:：]|说明|空表说明|此表|本表)|本表|情况说明|[:：]|[，。；]")
_TRUNCATED_TITLE = re.compile(r"预算.*(支出|收入|收支)(预算?)?$")  # "…一般公共预算财政拨款基本支出预" (001)
_NUMBER_PREFIX = re.compile(r"^(?:附件|附表|公开表|表)\s*[\d一二三四五六七八九十\-—.]+\s*[:：、.]\s*")  # "表一：…"
_TABLE_NUMBER = re.compile(r"^(?:部门|单位)?(?:公开|附)?表?[\d一二三四五六七八九十\-—.]+表?$")
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

    @property
    def table_rows(self) -> list[Row]:
        """Rows with more than one cell (the table proper)."""
        return [row for row in self.rows if row.is_table and len(row.cells) > 1]


def clean_cell(text: str) -> str:
    """A cell without markdown/HTML remnants and without the spaces printed inside Chinese labels.

    Example:
        >>> clean_cell("<b>收 入 总 计</b>")
        '收入总计'
    """
    text = _TITLE_NOISE.sub("", text).strip()
    return re.sub(r"(?<=[\u4e00-\u9fff（）()])\s+(?=[\u4e00-\u9fff（）()])", "", text)


def title_kind(text: str) -> str | None:
    """The section kind a title names, "other" for another table title, or None if not a title.

    Args:
        text: one row's only non-empty cell.

    Example:
        >>> title_kind("2024年万盛经开区部门一般公共预算财政拨款基本支出预算表"), title_kind("备注：本表无数据。")
        ('basic_economic', None)
    """
    if len(text) > 300:
        return None
    title = _NUMBER_PREFIX.sub("", clean_cell(text)) or clean_cell(text)
    if not title or len(title) > 70 or _NOT_A_TITLE.search(title):
        return None
    compact = re.sub(r"\s+", "", title)
    if compact.startswith("-") or _TABLE_NUMBER.match(compact):  # "- 一、单位收支总表", "公开01表", "附表5"
        return None
    names_table = compact.endswith("表") or "表（" in compact or "表(" in compact or bool(
        _TRUNCATED_TITLE.search(compact) and not re.search(r"无|没有|未|情况", compact))
    if compact.startswith("目录") or compact == "目录":
        return "catalogue"
    if not names_table:
        return None
    for kind, pattern in _KIND_PATTERNS:
        if pattern.search(compact):
            return kind
    return "other"


def _single_cell(row: Row) -> str | None:
    filled = [cell for cell in row.cells if cell.strip()]
    return filled[0] if len(filled) == 1 and row.cells and row.cells[0].strip() else None


def find_sections(rows: list[Row]) -> list[Section]:
    """Split a document's rows into table sections by their titles.

    Args:
        rows: ``loaders.rows.rebuild_rows`` output.

    Returns:
        Sections in document order; a subtitle line "(部门预算支出经济分类科目)"/"(政府预算支出经济分类科目)"
        right after a title sets ``scheme``. Rows before the first title belong to no section.
    """
    sections: list[Section] = []
    current: Section | None = None
    for row in rows:
        text = _single_cell(row)
        kind = title_kind(text) if text is not None else None
        if kind is not None:
            title = _NUMBER_PREFIX.sub("", clean_cell(text)) or clean_cell(text)
            current = Section(kind=kind, title=title, line=row.line)
            if "政府预算支出经济分类" in current.title or "政府经济分类" in current.title:
                current.scheme = "gov_economic"
            sections.append(current)
            continue
        if current is None:
            continue
        if text is not None and not current.table_rows and "经济分类" in text:
            current.scheme = "gov_economic" if "政府" in text else "economic"
        current.rows.append(row)
    return sections


def sections_of(sections: list[Section], *kinds: str) -> list[Section]:
    """The sections of the given kinds that hold at least one table row with a figure, in document order."""
    return [section for section in sections if section.kind in kinds and any(
        parse_amount(cell) is not None for row in section.table_rows for cell in row.cells)]


_AMOUNT_UNIT = re.compile(r"(?:金额)?单位\s*[:：]\s*(?P<unit>万元|千元|亿元|元)(?![\u4e00-\u9fff])|^(?:金额|预算数|预算金额|合计|本年预算|决算数|执行数|总计)[（(](?P<unit2>万元|千元|亿元|元)[)）]$")


def amount_unit(section: Section) -> str:
    """The amount unit a table prints in: its 单位 line (单位：元, 金额单位:万元) or a header cell (金额（元）).

    Read from the rows before the first row with a figure; 万元 when nothing says otherwise.
    """
    for row in section.rows[:8]:
        if any(parse_amount(cell) is not None for cell in row.cells) and row.is_table:
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
            for index, cell in enumerate(row.cells):
                value = parse_amount(cell)
                if value is None:
                    label_seen = label_seen or bool(cell.strip())
                    continue
                if label_seen:
                    row.cells[index] = f"{to_wan_yuan(value, unit):.6f}".rstrip("0").rstrip(".")
        notes.append(f"{section.title} (line {section.line}) prints its figures in {unit}; read as 万元.")
    return notes


def is_total_label(cell: str) -> bool:
    """True for a 合计/总计/小计 label (spaces and markup ignored, "收入合计" etc. included)."""
    return bool(_TOTAL_LABEL.match(clean_cell(cell).replace(" ", "")))
