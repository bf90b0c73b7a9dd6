"""Project tables printed one cell per line (HTML tables copied as text, attachment tables of notices).

A funding notice's attachment often arrives as one cell per line, sometimes ending in ``|``::

    序号 / 村名 / 项目名称 / 建设内容 / 资金金额 / 1 / 苗儿村 / 水果基地 / 续建 / 20 / 2 / …

The header is the run of column names around a 项目名称 cell (recognised by meaning, as in
``loaders.project_header_tables``); it must hold a money column after the name column. The cells after it
are grouped into rows: a row starts at the next sequence number (序号 column) once the current row is
full, or at a 小计/合计 cell (a subtotal, not a project). A row printed short (``16 / 小额信贷贴息 / 12``: no
village or content cell) keeps its last figure as the amount and its last text cell before it as the name.
Amounts are in 万元 unless the money header, a ``单位：元`` line above the header or the cell itself says 元.

Used by ``loaders.projects.extract_projects`` after the row-based table reader and before the form, list
and running-text readers.
"""

from __future__ import annotations

import re

from loaders.indicators import label_key
from loaders.notes import note
from loaders.project_fields import read_amount
from loaders.project_header_tables import SCALE as _SCALE
from loaders.project_header_tables import UNIT_IN_HEADER as _UNIT_IN_CELL
from loaders.project_header_tables import UNIT_LINE as _UNIT_LINE
from loaders.project_header_tables import is_column_name, is_money_column, is_name_column
from loaders.project_narrative import is_funding_phrase
from loaders.project_tables import Entry

_SUBTOTAL = re.compile(r"^(?:合\s*计|小\s*计|总\s*计|共\s*计)")
_END = re.compile(r"^(?:备注|注[:：]|说明[:：]|附件|监督|联系|举报)")
_LEADING_FIGURE = re.compile(r"^\s*(\d[\d,]*(?:\.\d+)?)\s*(万元|千元|元)?")
_SEQUENCE = re.compile(r"^(\d{1,3})[、.．)）]?$")  # 1, 1、, 1.
_MAX_HEADER = 12


def _cells(lines: list[str]) -> list[tuple[int, str]]:
    """(line number, cell) of every line holding one cell: trailing pipes and spaces off, blank lines dropped."""
    cells = []
    for number, line in enumerate(lines, start=1):
        text = line.strip().strip("|").strip()
        if text and "\t" not in text and text.count("|") == 0:
            cells.append((number, text))
    return cells


def _figure(cell: str, unit: str) -> float | None:
    """The leading figure of a money cell in 万元 ('20万元', '10(其中,灾情因素6万元)', '150000' in a 元 table)."""
    found = _LEADING_FIGURE.match(cell)
    if not found or read_amount(found.group(1)) is None or cell[found.end(1):].lstrip().startswith("年"):  # 2022年…
        return None
    return round(read_amount(found.group(1)) * _SCALE[found.group(2) or unit], 6)


def _header_at(cells: list[tuple[int, str]], index: int) -> tuple[int, int] | None:
    """(first, end) cell indexes of the header run around the 项目名称 cell at ``index``, or None."""
    first = index
    while first > 0 and index - first < _MAX_HEADER and is_column_name(cells[first - 1][1]):
        first -= 1
    end = index + 1
    while end < len(cells) and end - first < _MAX_HEADER and is_column_name(cells[end][1]):
        end += 1
    if end - first < 3 or not any(is_money_column(cell) for _, cell in cells[index + 1:end]):
        return None
    return first, end


def _rows(cells: list[tuple[int, str]], start: int, width: int, numbered: bool) -> list[list[tuple[int, str]]]:
    """The table's rows from ``start``: a new row at the next sequence number once the row is full, or at 小计."""
    rows: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] | None = None
    sequence = 0
    for number, cell in cells[start:]:
        if _END.match(cell) or len(cell) > 200:  # a 建设内容 cell may run to 100 characters
            break
        subtotal = bool(_SUBTOTAL.match(cell))
        sequence_cell = _SEQUENCE.match(cell)
        starts = subtotal or (numbered and sequence_cell and int(sequence_cell.group(1)) == sequence + 1
                              and (current is None or len(current) >= width or _SUBTOTAL.match(current[0][1])))
        if not numbered and current is not None and len(current) >= width:
            starts = True
        if starts:
            current = [(number, cell)]
            rows.append(current)
            sequence = int(sequence_cell.group(1)) if sequence_cell else sequence
        elif current is not None:
            current.append((number, cell))
        elif not numbered:
            current = [(number, cell)]
            rows.append(current)
    return rows


def vertical_table_entries(lines: list[str]) -> list[Entry]:
    """Projects of tables printed one cell per line, found by a header run holding 项目名称 and a money column.

    Args:
        lines: the document's normalised text lines (``Extraction.lines``; index 0 is line 1).

    Returns:
        One ``Entry`` per project row with a name and an amount (万元), in order.

    Example:
        >>> lines = ["单位:万元", "序号", "村名", "项目名称", "资金金额", "1", "苗儿村", "水果基地", "20",
        ...          "小计", "20", "2", "小额信贷贴息", "12"]
        >>> [(e.name, e.amount) for e in vertical_table_entries(lines)]
        [('水果基地', 20.0), ('小额信贷贴息', 12.0)]
    """
    cells = _cells(lines)
    entries: list[Entry] = []
    index = 0
    while index < len(cells):
        # a bare 项目 heads every budget statement (收支总表, 三公经费表): a project list says 项目名称
        header = _header_at(cells, index) if is_name_column(cells[index][1]) and "名" in cells[index][1] else None
        if header is None:
            index += 1
            continue
        first, end = header
        columns = [cell for _, cell in cells[first:end]]
        name_column = index - first
        money_column = next(i for i, cell in enumerate(columns) if i > name_column and is_money_column(cell))
        printed_unit = _UNIT_IN_CELL.search(columns[money_column])
        above = next((_UNIT_LINE.search(cell) for _, cell in reversed(cells[max(0, first - 4):first])
                      if _UNIT_LINE.search(cell)), None)
        unit = printed_unit.group(1) if printed_unit else (above.group(1) if above else "万元")
        numbered = label_key(columns[0]) in {"序号", "编号"}
        for row in _rows(cells, end, len(columns), numbered):
            texts = [cell for _, cell in row]
            if _SUBTOTAL.match(texts[0]):
                continue
            if len(texts) == len(columns):
                name, amount = texts[name_column], _figure(texts[money_column], unit)
            else:  # a short row: its last figure is the amount, the text cell before it the name
                figures = [i for i, cell in enumerate(texts) if i > 0 and _figure(cell, unit) is not None]
                if not figures:
                    continue
                names = [cell for cell in texts[1 if numbered else 0:figures[-1]] if _figure(cell, unit) is None]
                name, amount = (names[-1] if names else ""), _figure(texts[figures[-1]], unit)
            if not name or amount is None or _figure(name, unit) is not None or is_funding_phrase(name):
                continue
            entries.append(Entry(name=name, amount=amount, source_table=None, first_line=row[0][0],
                                 last_line=row[-1][0],
                                 notes=[note("projects.from_vertical_table", line=cells[index][0],
                                             unit=unit)]))
        index = end
    return entries
