"""Performance indicator tables (绩效指标): header recognition, row alignment, continuation.

An indicator table is recognised by its header cells (一级指标, 二级指标, 三级指标/指标名称, 指标性质,
指标值, 计量单位/度量单位, 权重, 是否核心指标, 指标方向性), never by line numbers, so every layout in
the corpus reads the same way:

- blank 一级/二级 cells continue the row above;
- a row shifted by one or more cells (a blank cell lost or added when the table was flattened, e.g.
  001 line 269, 002 "补助到位时间", 004 lines 608-618) is re-aligned on its 指标性质 sign;
- a row holding only a piece of name (a name broken over a page) is appended to the row above;
- ``＝`` is ``=`` (done by ``normalize_text``), values stay strings as printed, weights are numbers.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from kb.core.records import Indicator
from kb.core.amounts import parse_amount

# header label -> column name; labels are compared after ``label_key``.
_COLUMN_LABELS = {
    "一级指标": "level1", "二级指标": "level2", "三级指标": "name", "指标名称": "name", "绩效指标名称": "name",
    "指标内容": "name", "指标性质": "op", "绩效指标性质": "op", "指标符号": "op", "符号": "op",
    "指标值": "value", "绩效指标值": "value", "目标值": "value", "指标目标值": "value", "计量单位": "unit",
    "度量单位": "unit", "绩效度量单位": "unit", "指标权重": "weight", "权重": "weight", "分值": "weight",
    "是否核心指标": "core", "是否核心": "core", "指标方向性": "direction", "指标方向": "direction",
}
OPERATORS = frozenset({"≥", "≤", "=", ">", "<", "≧", "≦", "≠", ">=", "<=", "定性", "定量", "-", "—", "–",
                       "大于", "小于", "等于", "大于等于", "小于等于", "不低于", "不高于", "不少于", "不超过"})
_BRACKETED = re.compile(r"[（(][^（）()]*[)）]")
_UNIT_MARK = re.compile(r"[（(]万?元[)）]?$|[（(]%[)）]?$")
_SIGNED_VALUE = re.compile(r"^(≥|≤|>=|<=|=|>|<)\s*(.+)$")
_DIRECTION = re.compile(r"^[正反双]向指标$")
_TRUE, _FALSE = {"是", "核心"}, {"否", "非核心"}


@functools.lru_cache(maxsize=65536)
def label_key(cell: str) -> str:
    """A cell reduced for label comparison: no spaces, no bracketed unit such as （万元） or (%), no colon.

    Example:
        >>> label_key(" 当年预算（万元) ："), label_key("指标权重(%)")
        ('当年预算', '指标权重')
    """
    text = "".join(cell.split()).rstrip("：:")
    if "(" not in text and "（" not in text:  # both patterns remove a bracketed part only
        return text
    text = _BRACKETED.sub("", text)
    return _UNIT_MARK.sub("", text)


@dataclass(frozen=True)
class IndicatorColumns:
    """Where each indicator column sits in a header row (cell index; None when the table lacks it).

    Attributes:
        positions: column name (level1, level2, name, op, value, unit, weight, core, direction) -> index.
        line: 1-based line of the header row.
    """

    positions: dict[str, int]
    line: int

    def get(self, name: str) -> int | None:
        """Index of column ``name`` or None."""
        return self.positions.get(name)

    @property
    def first(self) -> int:
        """Index of the leftmost indicator column (level1 where present)."""
        return min(self.positions.values())


def indicator_columns(cells: list[str], line: int = 0) -> IndicatorColumns | None:
    """Recognise an indicator header row.

    Args:
        cells: the row's cells.
        line: the row's 1-based line (kept for provenance).

    Returns:
        The column positions when the row names the indicator column (三级指标/指标名称) and at least two
        of 指标性质/指标值/计量单位/权重, else None.

    Example:
        >>> indicator_columns(["绩效指标", "指标名称", "指标性质", "指标值", "计量单位"]).positions["value"]
        3
    """
    if len(cells) < 3:  # a header names at least three columns
        return None
    positions = _header_positions(tuple(cells))
    return None if positions is None else IndicatorColumns(dict(positions), line)


@functools.lru_cache(maxsize=65536)
def _header_positions(cells: tuple[str, ...]) -> tuple[tuple[str, int], ...] | None:
    """``indicator_columns`` by the row's text (rows repeat across a document's tables): (column, index) pairs."""
    positions: dict[str, int] = {}
    for index, cell in enumerate(cells):
        column = _COLUMN_LABELS.get(label_key(cell))
        if column and column not in positions:
            positions[column] = index
    if "name" not in positions or len({"op", "value", "unit", "weight"} & positions.keys()) < 2:
        return None
    return tuple(positions.items())


@functools.lru_cache(maxsize=16384)
def _is_operator(cell: str) -> bool:
    """True for a 指标性质 sign (spaces ignored); once per distinct cell (signs and values repeat across rows)."""
    return "".join(cell.split()) in OPERATORS


def alignment_shift(cells: list[str], columns: IndicatorColumns) -> int:
    """How many cells a data row is shifted against its header (negative: shifted left).

    The row is aligned on its 指标性质 sign: the operator cell nearest the header's op column. A row with
    no operator cell is taken as aligned.

    Example:
        >>> columns = indicator_columns(["", "一级指标", "二级指标", "三级指标", "指标性质", "指标值"])
        >>> alignment_shift(["满意度指标", "服务对象满意度指标", "服务对象满意度", "≥", "90"], columns)
        -1
    """
    op_column = columns.get("op")
    if op_column is None:
        return 0
    candidates = [index for index, sign in enumerate(map(_is_operator, cells)) if sign]
    if not candidates:
        return 0
    nearest = min(candidates, key=lambda index: (abs(index - op_column), index))
    return nearest - op_column


def _cell(cells: list[str], index: int | None, shift: int) -> str:
    if index is None or not 0 <= index + shift < len(cells):
        return ""
    return cells[index + shift].strip()


def _weight(text: str) -> float | None:
    value = parse_amount(text.rstrip("%％分"))
    return value


def _core(text: str) -> bool | None:
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def read_indicator(cells: list[str], columns: IndicatorColumns, line: int,
                   previous: Indicator | None) -> Indicator | str | None:
    """Read one data row of an indicator table.

    Args:
        cells: the row's cells.
        columns: the table's header positions.
        line: the row's 1-based line.
        previous: the indicator read from the row above (its 一级/二级 continue into blank cells).

    Returns:
        An ``Indicator``; or a string when the row holds only a piece of name that continues the row
        above (the caller appends it); or None for a blank row.
    """
    shift = alignment_shift(cells, columns)
    values = {name: _cell(cells, columns.get(name), shift) for name in columns.positions}
    name, op, value = values.get("name", ""), values.get("op", ""), values.get("value", "")
    if "op" not in columns.positions:  # no 指标性质 column: a sign printed before the value is the op
        signed = _SIGNED_VALUE.match(value)
        if signed:
            op, value = signed.group(1), signed.group(2)
    weight_text, unit = values.get("weight", ""), values.get("unit", "")
    if not (name or op or value or weight_text):
        return None
    if name and not (op or value or weight_text or unit):
        return name
    if not name:
        return None
    level1 = values.get("level1") or (previous.level1 if previous and "level1" in columns.positions else None)
    level2 = values.get("level2") or (previous.level2 if previous and "level2" in columns.positions else None)
    direction = values.get("direction", "")
    if not _DIRECTION.match(direction):
        op_at = (columns.get("op") or 0) + shift
        direction = next((c.strip() for c in cells[op_at + 1:] if _DIRECTION.match(c.strip())), "")
    return Indicator(
        level1=level1 or None, level2=level2 or None, name=name,
        op="".join(op.split()).replace("＝", "=") or None, value=value or None, unit=unit or None,
        weight=_weight(weight_text), core=_core(values.get("core", "")) if "core" in columns.positions else None,
        direction=direction or None, line=line,
    )


def read_indicator_rows(rows: list, columns: IndicatorColumns) -> list[Indicator]:
    """Read the data rows of one indicator table (rows after its header, up to the table's end).

    Args:
        rows: ``loaders.rows.Row`` records of the table body, in order (the caller cuts the table).
        columns: the header's positions.

    Returns:
        The indicators in order; blank rows skipped, name pieces appended to the row above.

    Example:
        >>> from loaders.rows import Row
        >>> columns = indicator_columns(["绩效指标", "一级指标", "二级指标", "三级指标", "指标性质", "指标值"])
        >>> [i.level1 for i in read_indicator_rows([Row(["", "产出指标", "数量指标", "人数", "≥", "10"], 2),
        ...     Row(["", "", "数量指标", "次数", "=", "12"], 3)], columns)]
        ['产出指标', '产出指标']
    """
    indicators: list[Indicator] = []
    for row in rows:
        previous = indicators[-1] if indicators else None
        read = read_indicator(row.cells, columns, row.line, previous)
        if isinstance(read, str):
            if previous is not None:
                previous.name = previous.name + read
            continue
        if read is not None:
            indicators.append(read)
    return indicators
