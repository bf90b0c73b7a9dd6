"""Unit names and codes printed in labelled fields and coded cells: 单位名称：…, 编制单位：…, a form's label cell
followed by its value cell (实施单位 | …), 121003-重庆市…, [015001]武汉市青山区教育局.
"""

from __future__ import annotations

import functools
import re

from kb.core.places import known_place_at
from loaders.rows import Row, clean_markup
from loaders.unit_mentions import mentions
from loaders.unit_names import Candidate, UNIT_SUFFIX, compact, good_name, strip_name

_CODE_LABEL = re.compile(r"(?:单位|部门|预算)\s*(?:编码|代码)\s*[:：]\s*(?P<code>\d{3,9})")
_CODE_NAME = re.compile(r"^(?:(?P<code>\d{3,9})\s*[-－]\s*|[\[【［(（](?P<code2>\d{3,9})[\]】］)）]\s*)"
                        r"(?P<name>[\u4e00-\u9fff][^\t]{3,40})$")
# the publisher of a government site's metadata block (索引号 / 发布机构 / 文号 / 发布日期): a candidate of its own
_PUBLISHER_LABELS = "发布机构|发文机关|发文单位|信息来源|公开主体"
_LABELLED = re.compile(r"(?:^|(?<![\u4e00-\u9fff]))(?P<label>部门全称|(?:部门|单位)(?:[（(](?:部门|单位)[)）])?(?:名称|全称)|预算单位名称|部门|单位|"
                       r"编制单位|预算单位|申报单位|填报单位|预算部门|主管部门|编报单位|来源|" + _PUBLISHER_LABELS + ")"
                       r"(?:[（(][^)）]{1,4}[)）])?\s*[:：]\s*(?:[\[【［(（]?(?P<code>\d{3,9})[\]】］)）]?\s*[-－]?\s*)?"
                       r"(?P<name>[\u4e00-\u9fff][^\s:：]{2,40})(?=$|\s)")


_COLUMN_NAME = re.compile(r"(?:名称|全称|代码|编码|金额|预算数|合计|地址|地点|内容|时间|日期|电话|类别|性质|规模)$")
_FIELD_MARKS = re.compile(r"[:：\-－\[【［(（]")
_FORM_UNIT_WEIGHTS = {"实施单位": 0.8, "填报单位": 0.8, "单位名称": 0.8, "编制单位": 0.8, "部门名称": 0.8, "预算单位": 0.8,
                      "部门(单位)名称": 0.8, "部门（单位）名称": 0.8, "申报单位": 0.75, "项目单位": 0.75, "预算部门": 0.75,
                      "主管部门": 0.6}


def from_fields(rows: list[Row], found: dict[str, list[Candidate]]) -> None:
    """Add the name and code candidates of every row's labelled fields, coded cells and form labels (weights of
    ``_FORM_UNIT_WEIGHTS``, 0.65-0.8), and of form labels glued to their value (0.1 less).

    Args:
        rows: the document's rows (the head: the caller passes the first 600); found: candidates by field,
            extended in place.
    """
    for row in rows:
        text = row.cells[0] if len(row.cells) == 1 else "\t".join(row.cells)
        for field_name, value, weight, source in _row_fields(row.cells, row.is_table, text):
            found[field_name].append(Candidate(value, weight, row.line, source))
        if "单位" in text or "部门" in text:
            for name, weight in _glued_fields(text.replace("\t", "")):
                found["name"].append(Candidate(name, weight, row.line, "form label glued to its value"))


# (主管部门, the supervising department, is not the unit a form is about)
_GLUED_LABEL = re.compile("(?P<label>" + "|".join(sorted((label for label in _FORM_UNIT_WEIGHTS if "(" not in label
                                                           and "（" not in label and label != "主管部门"),
                                                          key=len, reverse=True))
                          + r")(?:及?代码)?")


@functools.lru_cache(maxsize=16384)
def _glued_fields(text: str) -> tuple[tuple[str, float], ...]:
    """(name, weight) of form labels run together with their value, without a colon, as a form flattened into one
    line prints them ("…实施单位原州区民族宗教事务局项目资金…"): the label must be followed by an administrative
    place (``kb.core.places.known_place_at``) that starts a unit name ending in a unit head."""
    if "单位" not in text and "部门" not in text:
        return ()
    found = []
    for label in _GLUED_LABEL.finditer(text):
        start = label.end()
        if known_place_at(text, start) == start:
            continue
        named = [name for name in mentions([text[start:start + 30]]) if text.startswith(name, start)]
        if named and good_name(named[0], head_required=True):
            found.append((named[0], _FORM_UNIT_WEIGHTS[label.group("label")] - 0.1))
    return tuple(found)


def _row_fields(cells: list[str], is_table: bool, text: str) -> tuple[tuple[str, str, float, str], ...]:
    """The (field, value, weight, source) candidates of one row's form labels and labelled or coded cells, in
    order (``text``: the cells joined by tabs)."""
    marked = len(text) > 300 or _FIELD_MARKS.search(text) is not None
    if not marked and "位" not in text and "门" not in text:
        return _NO_FIELDS  # no cell is a labelled or coded name, and no cell a unit label (they all hold 单位/部门)
    fields: list[tuple[str, str, float, str]] = []
    if is_table and ("位" in text or "门" in text):  # a label cell followed by its value cell (forms)
        for label, value in zip(cells, cells[1:]):
            if len(label) >= 16 or ("位" not in label and "门" not in label):  # every form label has 单位/部门
                continue
            weight = _FORM_UNIT_WEIGHTS.get("".join(label.split()).rstrip(":："))
            if not weight:
                continue
            coded = _CODE_NAME.match(compact(value))
            name = strip_name(coded.group("name") if coded else compact(value))
            if _COLUMN_NAME.search(name):  # a header row (单位名称 | 项目名称 | 预算数): the next cell is a column name
                continue
            if weight and good_name(name):
                fields.append(("name", name, weight, "form field"))
    if marked:  # (no cell holds a colon, dash or bracket, nor is longer than 300, otherwise: none prints a field)
        for cell in cells:
            fields.extend(_cell_fields(cell))
    return tuple(fields)


_NO_FIELDS: tuple = ()


def _cell_fields(cell: str) -> tuple[tuple[str, str, float, str], ...]:
    """The (field, value, weight, source) candidates one cell prints; cells without a colon, dash or bracket
    print none and are not read further."""
    if len(cell) <= 300 and not _FIELD_MARKS.search(cell):  # neither a labelled nor a coded name
        return _NO_FIELDS
    return _read_cell_fields(cell)


@functools.lru_cache(maxsize=16384)
def _read_cell_fields(cell: str) -> tuple[tuple[str, str, float, str], ...]:
    """``_cell_fields`` of a cell with field marks, read once per distinct cell text."""
    fields: list[tuple[str, str, float, str]] = []
    if len(cell) > 300:  # a paragraph or a form run together: only "label：value" fields
        for labelled in _LABELLED.finditer(clean_markup(cell[:3000])):
            name = strip_name(labelled.group("name"))
            if good_name(name) and labelled.group("label") not in ("来源", "主管部门"):
                fields.append(("name", name, 0.75, "labelled field"))
        return tuple(fields)
    raw = clean_markup(cell)
    text = compact(cell)
    code_match = _CODE_LABEL.search(text)
    if code_match:
        fields.append(("code", code_match.group("code"), 0.9, "code field"))
    coded = _CODE_NAME.match(text)
    if coded and good_name(strip_name(coded.group("name")), head_required=True):
        code = coded.group("code") or coded.group("code2")
        name = strip_name(coded.group("name"))
        fields.append(("name", name, 0.8, "coded cell"))
        fields.append(("code", code, 0.8, f"{code}-{name}"))
        return tuple(fields)
    for labelled in list(_LABELLED.finditer(raw)) or list(_LABELLED.finditer(text)) or []:
        name = strip_name(labelled.group("name"))
        if not good_name(name):
            continue
        weight = 0.8 if UNIT_SUFFIX.search(name) else 0.65
        if labelled.group("label") in ("来源", "主管部门"):
            weight -= 0.2
        if labelled.group("label") in _PUBLISHER_LABELS.split("|"):
            fields.append(("name", name, weight - 0.2, "publisher field"))
            continue
        fields.append(("name", name, weight, "labelled field"))
        if labelled.group("code"):
            fields.append(("code", labelled.group("code"), 0.8, "labelled field"))
    return tuple(fields)

