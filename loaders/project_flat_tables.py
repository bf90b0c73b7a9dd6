"""Project tables flattened into text: a header found by its column vocabulary, rows cut by its cells (issue 12, RECALL).

Copied HTML tables reach the text in shapes the row rebuilder does not square: a whole table on one line, its cells
separated by ``|`` or spaces (``附件 … 计划表 序号 | 项目名称 | 单位名称 | … | 1 | 104西过境…提升 | … | 902 | 730 | …``),
or a header spread over several lines (``序号 | 乡镇 (单位名称) |`` / ``村名 | 项目 名称 |`` / … / ``中央 | 省级 |``)
above one row per line. This reader treats the text as one stream of cells and reads it by structure:

- the header is a run of column names (``loaders.project_header_tables.is_column_name``, spaces inside a name
  ignored: ``项目 名称``, ``项目建 设地址``) holding a project-name column (not a bare 项目, which heads every budget
  statement) and a money column, ended by a 合计 row; a column whose name
  prints a money unit (``本批衔接资金安排情况 (万元)``) is a money column by that unit; a quarter of unknown short
  names is allowed; the header may be glued after a table title on its first cell (``…计划表 序号``);
- the rows follow: cut at the next sequence number (1, 2, 3 …) when the header opens with 序号/编号, else one row per
  line, else every ``len(header)`` cells; each row's name and amount are the cells at the name and the money
  column's positions (the first figure from the money column on when that cell is empty);
- the amount unit is the money header's (``申报资金 (万元)``) or a ``单位：元`` line above, in 万元.

It proposes generously (totals and funding rows left out only); the learned filter (``loaders.project_filter``,
reader ``flat``) judges the proposals.
"""

from __future__ import annotations

import re

from loaders.indicators import label_key
from loaders.notes import note
from loaders.project_fields import read_amount, split_code
from loaders.project_header_tables import SCALE, UNIT_IN_HEADER, UNIT_LINE, is_column_name, is_money_column, \
    is_name_column
from loaders.project_tables import Entry

_SEQUENCE_HEAD = re.compile(r"^(?:序号|编号|序)$")
_SEQUENCE = re.compile(r"^(\d{1,3})[、.．)）]?$")
_SUBTOTAL = re.compile(r"^(?:合\s*计|小\s*计|总\s*计|共\s*计|其中)")
_MAX_HEADER = 24  # cells a header run may hold
_MAX_CELL = 20  # characters of a header cell (spaces removed)
_MAX_NAME = 80  # characters of a project name cell


def _cells(line: str) -> list[str] | None:
    """The cells of a line printed as a table row (``|`` or tab separated), or None for a line of running text."""
    if "|" in line:
        parts = [part.strip() for part in line.split("|")]
    elif "\t" in line:
        parts = [part.strip() for part in line.split("\t")]
    else:
        return None
    while parts and not parts[0]:
        parts.pop(0)
    return parts


def _key(cell: str) -> str:
    return "".join(cell.split())


def _is_money(cell: str) -> bool:
    """A money column: by its name (``is_money_column``) or by the money unit its name prints (``…情况 (万元)``)."""
    key = _key(cell)
    return is_money_column(cell) or (bool(UNIT_IN_HEADER.search(key)) and not is_name_column(cell)
                                     and read_amount(key) is None)


def _header_cell(cell: str) -> str | None:
    """'known', 'unknown' (a short descriptive name) or None when the cell cannot stand in a header."""
    key = _key(cell)
    if not key:
        return "empty"
    if len(key) > _MAX_CELL or read_amount(key) is not None or _SEQUENCE.match(key):
        return None
    if is_column_name(key) or _is_money(key):
        return "known"
    return "unknown" if re.fullmatch(r"[\u4e00-\u9fff（）()、/]{2,12}", key) else None


def _find_header(stream: list[tuple[str, int]], start: int) -> tuple[int, int, int, int, str | None] | None:
    """(first cell, end (exclusive), name position, money position, unit) of a header run starting at ``start``."""
    cells: list[str] = []
    index = start
    unknown = 0
    while index < len(stream) and len(cells) < _MAX_HEADER:
        kind = _header_cell(stream[index][0])
        if kind is None or _SUBTOTAL.match(_key(stream[index][0])):  # 合计 opens a data row
            break
        if kind != "empty":
            cells.append(_key(stream[index][0]))
            unknown += kind == "unknown"
        index += 1
    # a bare 项目 heads every budget statement (项目 | 预算数: 三公经费表): a project table names its column 项目名称 …
    names = [i for i, cell in enumerate(cells) if is_name_column(cell) and label_key(cell) != "项目"]
    if not names or len(cells) < 3 or unknown > max(1, len(cells) // 4):
        return None
    money = [i for i, cell in enumerate(cells) if i != names[0] and _is_money(cell)]
    if not money:
        return None
    found = UNIT_IN_HEADER.search(cells[money[0]])
    return start, index, names[0], money[0], found.group(1) if found else None


def _unit_above(lines: list[str], line: int) -> str | None:
    for text in lines[max(0, line - 4):line]:
        found = UNIT_LINE.search(_key(text))
        if found:
            return found.group(1)
    return None


def _rows(stream: list[tuple[str, int]], begin: int, width: int, numbered: bool) -> list[list[tuple[str, int]]]:
    """The data rows after a header: cut at sequence numbers, else at line ends, else every ``width`` cells."""
    body = stream[begin:]
    if numbered:
        rows, expected = [], 1
        for cell, line in body:
            found = _SEQUENCE.match(_key(cell))
            if found and int(found.group(1)) == expected:
                rows.append([])
                expected += 1
            elif not rows:
                if _key(cell):
                    break  # the first row does not open with 1: not this header's rows
                continue
            rows[-1].append((cell, line))
        if rows:
            return rows
    by_line: dict[int, list[tuple[str, int]]] = {}
    for cell, line in body:
        by_line.setdefault(line, []).append((cell, line))
    if len(by_line) > 1 and all(len(cells) >= 3 for cells in list(by_line.values())[:-1]):
        return list(by_line.values())
    filled = [pair for pair in body if _key(pair[0])]
    return [filled[at:at + width] for at in range(0, len(filled), width)]


def flat_table_entries(lines: list[str]) -> list[Entry]:
    """Projects of tables flattened into text lines (one line, or a header split over lines).

    Args:
        lines: the document's normalised text lines (``Extraction.lines``), figures as printed.

    Returns:
        One ``Entry`` per row holding a name under the name column (amount in 万元, None when the row prints no
        figure there), in reading order.

    Example:
        >>> lines = ["计划表 序号 | 项目名称 | 建设内容 | 补助资金(万元) | 1 | 村道硬化项目 | 硬化1公里 | 150 |"
        ...          " 2 | 桥梁维修项目 | 维修 | 20 |"]
        >>> [(e.name, e.amount) for e in flat_table_entries(lines)]
        [('村道硬化项目', 150.0), ('桥梁维修项目', 20.0)]
    """
    entries: list[Entry] = []
    number = 0
    while number < len(lines):
        cells = _cells(lines[number])
        if cells is None or not any("名" in cell or "项目" in cell for cell in cells):
            number += 1
            continue
        # the table: this line and the following lines printed as rows; a title may be glued before 序号
        last = number
        while last + 1 < len(lines) and _cells(lines[last + 1]) is not None:
            last += 1
        stream = [(cell, at + 1) for at in range(number, last + 1) for cell in (_cells(lines[at]) or [])]
        if stream and len(stream[0][0].split()) > 1:
            stream[0] = (stream[0][0].split()[-1], stream[0][1])
        for start in range(min(len(stream), 8)):
            header = _find_header(stream, start)
            if header is not None:
                break
        if header is None:
            number = last + 1
            continue
        first, end, name_at, money_at, unit = header
        header_cells = [_key(cell) for cell, _ in stream[first:end] if _key(cell)]
        unit = unit or _unit_above(lines, stream[first][1]) or "万元"
        numbered = bool(_SEQUENCE_HEAD.match(label_key(header_cells[0])))
        for row in _rows(stream, end, len(header_cells), numbered):
            values = [cell for cell, _ in row]
            name = values[name_at].strip() if name_at < len(values) else ""
            if len(name) > _MAX_NAME or not re.search(r"[\u4e00-\u9fff]{2}", name) or read_amount(name) is not None \
                    or _SEQUENCE.match(_key(name)) or _SUBTOTAL.match(name):
                continue
            amount = None
            for cell in values[money_at:]:
                amount = read_amount(_key(cell))
                if amount is not None or _key(cell):
                    break
            code, name = split_code(name)
            entries.append(Entry(name=name, code=code, source_table=None, first_line=row[0][1], last_line=row[-1][1],
                                 amount=None if amount is None else round(amount * SCALE[unit], 6),
                                 notes=[note("projects.from_header_table", line=stream[first][1], unit=unit)]))
        number = last + 1
    return entries
