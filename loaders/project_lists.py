"""Projects listed one per numbered item, the name on its own line and the amount on the next.

Funding notices and allocation 公告 often print their projects as a numbered list::

    1.西卜沙乡三个村游牧民定居点人饮巩固提升工程
    投资:500万元 实施单位:泽库县农牧水利和科技局

An item is a short numbered text line holding no figure; its amount is the first ``money label: N万元``
(投资, 资金, 金额, 补助, 预算, 资金规模 …) that opens one of the next three text lines (a description of the
project may stand between), before the next item. An item whose name closes a sentence on its line takes the money
phrase that opens the next sentence (``1、友谊县农旅融合项目。拟安排资金1500万元,主要建设…``) when the name closes in
a project head word (``loaders.project_sentences.NAME_HEADS``: 项目, 工程, 建设 …; not a heading such as 支出预算). Used by ``loaders.projects.extract_projects``
when no project table, form or block was found, before the running-text reader.
"""

from __future__ import annotations

import re

from loaders.notes import note
from loaders.project_fields import read_amount
from loaders.project_narrative import is_funding_phrase
from loaders.project_sentences import NAME_HEADS
from loaders.project_tables import Entry

_ITEM = re.compile(r"^\s*[(（]?(?:\d{1,3}|[一二三四五六七八九十]{1,3})[)）.、．]\s*(?P<name>[^，。；,;:：\d][^，。；;:：]{3,79})"
                   r"(?:$|[。；;](?P<rest>.*)$)")
# the money phrase of an item whose name closes a sentence on its line (1、X项目。拟安排资金3万元,主要建设…)
_MONEY_IN = re.compile(r"^[^。；;]{0,12}?(?:总投资|投资|资金|金额|补助|预算)\s*[:：]?\s*(?:约为|约|为)?\s*"
                       r"(?P<amount>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>万元|元)(?![/每])")
_MONEY_LINE = re.compile(r"^\s*(?:总投资|投资|项目资金|补助资金|下达资金|安排资金|资金|金额|补助|预算|预算资金|资金规模)"
                         r"\s*[:：]?\s*(?P<amount>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>万元|元)")


_AMOUNT_IN_NAME = re.compile(r"\d\s*(?:万元|元)")  # an item holding a figure is an allocation, not a name
_LOOKAHEAD = 3  # text lines after an item searched for its amount (a description may stand between)


def _text(row) -> str:
    return " ".join(cell.strip() for cell in row.cells if cell.strip())


def listed_entries(rows: list) -> list[Entry]:
    """Projects of a numbered list whose amounts stand on the line after each name.

    Args:
        rows: the document's ``loaders.rows.Row`` records; text rows (``is_table`` False) are read.

    Returns:
        One ``Entry`` per item with an amount (万元), in order; empty when the document has no such list.

    Example:
        >>> from loaders.rows import Row
        >>> rows = [Row(["1.西卜沙乡人饮巩固提升工程"], 5), Row(["投资:500万元 实施单位:某局"], 6)]
        >>> [(e.name, e.amount) for e in listed_entries(rows)]
        [('西卜沙乡人饮巩固提升工程', 500.0)]
        >>> [(e.name, e.amount) for e in listed_entries([Row(["2、某县农旅融合项目。拟安排资金1500万元,主要建设…"], 7)])]
        [('某县农旅融合项目', 1500.0)]
    """
    entries: list[Entry] = []
    text_rows = [row for row in rows if not row.is_table]
    for index, row in enumerate(text_rows):
        item = _ITEM.match(_text(row))
        money = following = None
        if item and item.group("rest"):  # the name's sentence, then its money phrase on the same line
            # a heading such as (二)支出预算。2022年支出预算93.14万元 is no project: the name closes in a project head
            money, following = _MONEY_IN.match(item.group("rest")), row
            if not item.group("name").strip().endswith(NAME_HEADS):
                continue
            if not money:
                continue
        for following in text_rows[index + 1:index + 1 + _LOOKAHEAD] if item and not money else ():
            if _ITEM.match(_text(following)):  # the next item: this one has no amount line
                break
            money = _MONEY_LINE.match(_text(following))
            if money:
                break
        if not money:
            continue
        name = item.group("name").strip()
        amount = read_amount(money.group("amount"))
        if amount is None or is_funding_phrase(name) or _AMOUNT_IN_NAME.search(name):
            continue
        if money.group("unit") == "元":
            amount = round(amount / 10000, 6)
        entries.append(Entry(name=name, amount=amount, source_table=None, first_line=row.line,
                             last_line=following.end_line or following.line,
                             notes=[note("projects.from_list", line=row.line, amount_line=following.line)]))
    return entries
