"""Field labels of project tables and the small readings shared by the project loaders.

A project is recognised by its field labels (项目名称, 当年预算, 项目分类, 立项依据, 当年绩效目标 …), in
whatever layout they are printed: a label cell followed by its value cell, or ``label：value`` in text.
"""

from __future__ import annotations

import functools
import re

from loaders.indicators import label_key
from loaders.table_titles import is_table_title
from kb.core.amounts import parse_amount

# label (after ``label_key``) -> field of kb.core.records.Project (or a bookkeeping field).
FIELD_LABELS = _FIELD_LABELS = {
    "项目名称": "name", "专项资金名称": "name", "项目资金名称": "name", "资金名称": "name",
    "项目编码": "code", "项目代码": "code", "项目编号": "code",
    "项目分类": "category", "项目类型": "category", "项目类别": "category", "项目属性": "category",
    "项目概述": "overview", "项目概况": "overview", "项目简介": "overview", "项目内容": "overview",
    "立项依据": "basis", "项目立项依据": "basis", "政策依据": "basis", "设立依据": "basis",
    "当年绩效目标": "goal", "当年整体绩效目标": "goal", "年度绩效目标": "goal", "项目绩效目标": "goal",
    "年度目标": "goal", "绩效目标": "goal",
    "当年实施进度计划": "progress", "实施进度计划": "progress",
    "业务主管部门": "department", "主管部门": "department", "申报单位": "unit", "编制单位": "unit",
    "预算单位": "unit", "项目单位": "unit", "实施单位": "unit", "单位名称": "unit", "预算部门": "unit",
    "本级安排": "funding", "上级补助": "funding", "上级资金": "funding", "本级资金": "funding",
    "其他资金": "funding", "区级支出": "funding", "市级支出": "funding", "县级支出": "funding",
    "预算执行率权重": "other", "联系人": "other", "联系电话": "other", "项目负责人": "other", "单位": "other",
    "绩效指标": "other", "当年绩效指标": "other", "年度绩效指标": "other", "其他说明": "end",
}
_AMOUNT_LABEL = re.compile(r"^(?:\d{4}年)?(?:当年|年度|本年|项目)?(?:预算|预算数|预算金额|预算资金|项目金额|金额|资金总额"
                           r"|项目资金|资金|申报金额|申请金额|总金额|总额)$")
_CODE_AND_NAME = re.compile(r"^([0-9A-Za-z]{5,})\s*[-－—–]\s*(.+)$")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
_AMOUNT_IN_YUAN = re.compile(r"[（(]元[)）]")
_CATEGORY_IN_TITLE = re.compile(r"(重点专项|一般性项目|一般项目|重点项目|运转类|特定目标类)")


_INLINE = re.compile(r"^([^：:]{2,12})[：:]\s*(.+)$")


@functools.lru_cache(maxsize=65536)
def field_of(cell: str) -> str | None:
    """The project field a label cell names ("name", "amount", "basis" …), or None if it is no label.

    Example:
        >>> field_of("当年预算（万元)"), field_of("2024年预算"), field_of("立项依据"), field_of("540.00")
        ('amount', 'amount', 'basis', None)
    """
    if cell.isascii():  # every label is Chinese (a figure, a code or a blank cell is none)
        return None
    key = label_key(cell)
    if not key:
        return None
    if key in _FIELD_LABELS:
        return _FIELD_LABELS[key]
    if _AMOUNT_LABEL.match(key):
        return "amount"
    return None


def amount_in_yuan(label: str) -> bool:
    """True when an amount label says the figure is in 元 (not 万元), e.g. "当年预算（元）"."""
    return bool(_AMOUNT_IN_YUAN.search("".join(label.split())))


def label_values(cells: list[str]) -> list[tuple[str, str, str]]:
    """The (field, label, value) pairs of one row, in order.

    A label's value is the next non-blank cell that is not itself a label (blank when there is none).
    A cell printed as ``label：value`` gives both at once.

    Example:
        >>> label_values(["当年预算（万元）", "43.90", "", "上级资金", "", "", ""])
        [('amount', '当年预算（万元）', '43.90'), ('funding', '上级资金', '')]
    """
    return list(_label_values(tuple(cells)))


@functools.lru_cache(maxsize=65536)
def _label_values(cells: tuple[str, ...]) -> tuple[tuple[str, str, str], ...]:
    """``label_values`` by the row's text (several readers ask about the same row)."""
    pairs: list[tuple[str, str, str]] = []
    for index, cell in enumerate(cells):
        field = field_of(cell)
        if field is None:
            inline = _INLINE.match(cell.strip()) if ("：" in cell or ":" in cell) else None
            if inline and field_of(inline.group(1)) is not None:
                pairs.append((field_of(inline.group(1)), inline.group(1), inline.group(2).strip()))
            continue
        value = ""
        for later in cells[index + 1:]:
            if not later.strip():
                continue
            if field_of(later) is None:
                value = later.strip()
            break
        pairs.append((field, cell.strip(), value))
    return tuple(pairs)


def split_code(text: str) -> tuple[str | None, str]:
    """Split "code-name" at the first '-' when the prefix is a project code.

    Example:
        >>> split_code("50015322T000000092262-荣昌区企业军转干部生活补助及医疗补助")
        ('50015322T000000092262', '荣昌区企业军转干部生活补助及医疗补助')
        >>> split_code("社保惠民服务专项")
        (None, '社保惠民服务专项')
    """
    match = _CODE_AND_NAME.match(text.strip())
    if match:
        return match.group(1), match.group(2).strip()
    return None, text.strip()


def clean_text(text: str | None) -> str | None:
    """Free text of a field with HTML remnants (``<p>``) removed; None when nothing is left."""
    if not text:
        return None
    cleaned = " ".join(_HTML_TAG.sub(" ", text).split())
    return cleaned or None


def read_amount(text: str | None) -> float | None:
    """An amount cell in 万元 (``parse_amount``), tolerating a trailing 万元."""
    if text is None:
        return None
    return parse_amount(text.strip().removesuffix("万元"))


def is_title(cells: list[str]) -> bool:
    """True for a row that is a table title: one non-blank cell ending in 表 (or 表（…）), not a sentence.

    Example:
        >>> is_title(["2024年区级重点专项资金绩效目标表（一级项目）"]), is_title(["表十一", ""]), is_title(["人大代表"])
        (True, False, False)
    """
    return _is_title(tuple(cells))


@functools.lru_cache(maxsize=65536)
def _is_title(cells: tuple[str, ...]) -> bool:
    """``is_title`` by the row's text (every reader of a document asks about the same rows)."""
    filled = []
    for cell in cells:
        if cell.strip():
            if filled:
                return False
            filled.append(cell.strip().lstrip("#-* ").strip())
    if not filled:
        return False
    return is_table_title(filled[0]) and field_of(filled[0]) is None


def title_text(cells: list[str]) -> str:
    """The title printed in a title row, without markdown marks."""
    return next(cell.strip().lstrip("#-* ").strip() for cell in cells if cell.strip())


def row_titles(rows: list) -> list[str | None]:
    """For each row, the title of the table it sits in (the last title row at or above it)."""
    titles: list[str | None] = []
    current: str | None = None
    for row in rows:
        if is_title(row.cells):
            current = title_text(row.cells)
        titles.append(current)
    return titles


def category_from_title(title: str | None) -> str | None:
    """The project category a table title implies (002: 重点专项 / 一般项目), or None.

    Example:
        >>> category_from_title("2024年万盛经开区部门一般项目绩效目标表")
        '一般项目'
    """
    if not title:
        return None
    match = _CATEGORY_IN_TITLE.search(title)
    return match.group(1) if match else None
