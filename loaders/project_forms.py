"""Projects of 自评表 / 绩效目标表 forms flattened into running text (项目名称 is a field label).

A 项目支出绩效自评表 or 绩效目标表 copied from a scan or a document site often arrives as one long line:
``…自评表(2021年)项目名称初中公用经费主管部门银川市教育局…年度资金总额年初预算数…64.864.864.8100%…``.
When no table or label block was recognised (``loaders.projects``), this reader finds the 项目名称 label
inside the text, takes its value up to the next form label, and reads the amount from the money field
that follows (年度资金总额 / 资金总额 / 总额 / 项目总预算 / 项目资金) on the same line or, when that line holds
none, on the form's next lines (a label and its figure one per line), by what the field holds:

- ``总额10606.75万元`` or ``年度资金总额：38.75万元``: that figure;
- the budget columns of a 自评表 (年初预算数, 全年/调整后预算数, 执行数): the budget when the first two agree,
  none when they differ (年初预算 or 调整后预算: the amount is ambiguous), with both figures noted;
- columns glued by OCR (``64.864.864.8100%``): a figure repeated in every budget column, then the 执行率;
- a zero total (a form whose total row was left blank): no amount.
"""

from __future__ import annotations

import re

from loaders.notes import note
from loaders.project_fields import FIELD_LABELS, field_of, read_amount, split_code
from loaders.project_narrative import clean_project_name
from loaders.project_tables import Entry

# labels printed on project forms after the project's name (the name's value ends at the first of them)
_FORM_LABELS = sorted(set(FIELD_LABELS) - {"项目名称", "资金名称", "绩效目标", "年度目标"} | {
    "主管部门及代码", "主管部门", "实施单位", "项目属性", "项目负责人", "联系电话", "项目起止时间", "项目资金", "资金总额",
    "年度资金总额", "项目类型", "项目单位", "填报单位", "预算执行情况", "年度预算数", "项目基本情况", "自评得分",
    "项目年度目标", "年度总体目标", "资金情况", "申报单位", "预算金额", "项目金额"}, key=len, reverse=True)
_NEXT_LABEL = re.compile("|".join(map(re.escape, _FORM_LABELS)))
_NAME_LABEL = re.compile(r"项目名称[:：]?\s*")
# money fields: a form's budget (年度资金总额, 项目资金 …), an approval's investment (总投资, 投资估算, 概算总投资) and a
# procurement notice's budget (预算金额(元)); a 元 printed with the label or the figure is converted to 万元
_MONEY_LABEL = re.compile(r"年度资金总额|资金总额(?:及构成)?|项目总预算|当年年度预算|项目资金|年度预算数|总投资|投资估算|"
                          r"预算金额(?:\s*[（(]\s*(?:万元|元)\s*[)）])?|总额")
_YUAN_LABEL = re.compile(r"[（(]\s*元\s*[)）]$")
_YUAN_AFTER = re.compile(r"^\s*元(?!/)")
_FIGURE = re.compile(r"\d[\d,.]*%?")
_WAN = re.compile(r"\s*[:：]?\s*(\d[\d,]*(?:\.\d+)?)\s*万元")
_RATE = re.compile(r"\d{1,3}(?:\.\d+)?%")
_NAME_CHARS = re.compile(r"[\u4e00-\u9fff]")
_WINDOW = 90  # characters after a money label searched for its figures
_FORM_LINES = 15  # lines after a form's 项目名称 line searched for its money field when that line holds none


def _name_after(text: str, start: int) -> tuple[str, int] | None:
    """The value of a 项目名称 label starting at ``start``: up to the next form label; None if it is no name."""
    following = _NEXT_LABEL.search(text, start)
    end = following.start() if following else min(len(text), start + 60)
    value = text[start:end].strip(" ：:|,，;；。").rstrip("(（").strip()  # 项目名称:X(项目代码:…): the bracket opens the next label
    if not 2 <= len(value) <= 60 or not _NAME_CHARS.search(value) or field_of(value) is not None:
        return None
    return value, end


def split_glued(blob: str) -> tuple[float, int] | None:
    """A figure printed in every budget column with the columns glued together (OCR), and how many times.

    Example:
        >>> split_glued("64.864.864.8100%"), split_glued("12.5"), split_glued("43.237.24")
        ((64.8, 3), None, None)
    """
    for length in range(2, len(blob) // 2 + 1):
        piece = blob[:length]
        if not re.fullmatch(r"\d+\.\d+", piece):
            continue
        times = 1
        while blob.startswith(piece, times * length):
            times += 1
        rest = blob[times * length:]
        if times >= 2 and (not rest or _RATE.fullmatch(rest)):
            return float(piece), times
    return None


def amount_after(text: str, start: int = 0) -> tuple[float | None, str | None]:
    """The amount of the money field (年度资金总额, 资金总额, 项目资金 …) found after ``start`` in a form run
    together in ``text`` (万元), and a note on how it was read; (None, None) when no money field holds a figure.

    Example:
        >>> amount_after("项目资金(万元)年初预算数全年执行数年度资金总额:38.75万元2022年某项目")
        (38.75, None)
    """
    for label in _MONEY_LABEL.finditer(text, start):
        window = text[label.end():label.end() + _WINDOW]
        following = _MONEY_LABEL.search(window)  # the figures of this field stop at the next money label
        window = window[:following.start()] if following else window
        wan = _WAN.match(window)
        if wan:
            return read_amount(wan.group(1)), None
        if label.group(0).startswith(("总投资", "投资估算")):  # an investment in a sentence: 总投资约603万元
            stated = re.match(r"[:：]?\s*(?:约|为|约为|估算)?\s*(\d[\d,]*(?:\.\d+)?)\s*(万元|万|元)", window)
            if stated:
                value = read_amount(stated.group(1))
                return (None if value is None else round(value / 10000, 6) if stated.group(2) == "元" else value), None
            continue
        figures = [match.group(0) for match in _FIGURE.finditer(window)  # a year (2022年), a score (10分) is no figure
                   if not (re.fullmatch(r"(?:19|20)\d\d", match.group(0)) and window[match.end():match.end() + 1] == "年")
                   and window[match.end():match.end() + 1] != "分"]
        if not figures:
            continue
        glued = split_glued(figures[0])
        if glued:
            return glued[0], note("projects.glued_figures", label=label.group(0), figures=figures[0],
                                  value=f"{glued[0]:g}", columns=glued[1])
        values = [read_amount(figure) for figure in figures[:3] if not figure.endswith("%")]
        values = [value for value in values if value is not None]
        if values and (_YUAN_LABEL.search(label.group(0)) or _YUAN_AFTER.match(window[window.find(figures[0])
                                                                                        + len(figures[0]):])):
            values = [round(value / 10000, 6) for value in values]  # 预算金额(元):2,240,000.00, 总额 38000元
        if not values or values[0] == 0:
            return None, note("projects.amount_blank", label=label.group(0))
        if len(values) >= 2 and values[1] != values[0] and len(figures) >= 3:
            return None, note("projects.amounts_differ", label=label.group(0), initial=f"{values[0]:g}",
                              adjusted=f"{values[1]:g}")
        return values[0], None
    return None, None


def _lines_after(rows: list, index: int) -> str:
    """The text of the ``_FORM_LINES`` rows after ``rows[index]``, up to the next 项目名称 (the rest of one form)."""
    texts = []
    for row in rows[index + 1:index + 1 + _FORM_LINES]:
        text = " ".join(cell for cell in row.cells if cell.strip())
        if _NAME_LABEL.search(text):
            break
        texts.append(text)
    return " ".join(texts)


def form_entries(rows: list) -> list[Entry]:
    """Projects named by a 项目名称 label inside the text rows of a flattened form.

    Args:
        rows: the document's ``loaders.rows.Row`` records; text rows (``is_table`` False) are read.

    Returns:
        One ``Entry`` per 项目名称 label with a name value (amount in 万元 or None), in order.

    Example:
        >>> from loaders.rows import Row
        >>> text = "自评表(2021年)项目名称初中公用经费主管部门某局实施单位某中学年度资金总额年初预算数全年执行数64.864.864.8100%"
        >>> [(e.name, e.amount) for e in form_entries([Row([text], 2)])]
        [('初中公用经费', 64.8)]
    """
    entries: list[Entry] = []
    for index, row in enumerate(rows):
        if row.is_table:
            continue
        text = " ".join(cell for cell in row.cells if cell.strip())
        for label in _NAME_LABEL.finditer(text):
            found = _name_after(text, label.end())
            if found is None:
                continue
            value, end = found
            code, name = split_code(value)
            name = clean_project_name(name)
            following = _NAME_LABEL.search(text, end)
            amount, amount_note = amount_after(text[:following.start()] if following else text, end)
            if amount is None and amount_note is None and following is None:  # the money field on the form's next lines
                amount, amount_note = amount_after(_lines_after(rows, index))
            entry = Entry(name=name, amount=amount, code=code, source_table=None, first_line=row.line,
                          last_line=row.end_line or row.line,
                          notes=[note("projects.from_form", line=row.line, name=name)])
            if amount_note:
                entry.notes.append(amount_note)
            entries.append(entry)
    return entries
