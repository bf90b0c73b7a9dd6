"""Unit-name building blocks shared by the unit readers (titles, fields, body, signatures): what a unit name
ends with (its head noun), whether a span is a plausible name, how a printed name is cleaned, and the
candidate record every reader gives.

Nothing here imports another ``loaders.unit*`` module: the readers import it (this breaks the cycle that kept
the signature reader inside loaders/unit.py).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from kb.core.places import PLACE_SUFFIX_PATTERN
from loaders.sections import clean_cell

# Head nouns of a unit name, longest first (structural vocabulary, not a list of units).
UNIT_HEADS = ("街道办事处", "人民政府", "办事处", "委员会", "领导小组", "事务所", "幼儿园", "卫生院", "医院", "学校", "学院", "大学",
              "中学", "小学", "党校", "法院", "检察院", "联合会", "协会", "研究院", "研究所", "管理处", "管理局", "管理所",
              "中心", "政府", "局", "委", "办公室", "办", "院", "所", "站", "队", "会", "处", "馆", "校", "厅", "部", "府",
              "社", "团", "室", "街道", "镇", "乡", "公司", "集团", "基地", "台", "园", "场", "署", "库", "监狱")
HEAD = "(?:" + "|".join(UNIT_HEADS) + ")"
UNIT_SUFFIX = re.compile(HEAD + r"(?:（[^）]{1,8}）|\([^)]{1,8}\))?$")  # "…局（本级）"
_GENERIC_NAME = re.compile(r"部分|时间|日期|^(?:全|本|我|其中|各|有关|市级|县级|区级|省级|自治区|本级|部门|单位|年度|年|政府|\d|第.{1,3}部分|目录|附件|"
                           r"[市县区省](?![\u4e00-\u9fff]?[市县区省]))")
_NOT_A_NAME = re.compile(r"^(?:万元|元|千元|亿元)|万元$|^(?:人|个|名)$")
DATE_LINE = re.compile(r"^(?:20\d\d|二[〇○零]\S{2})\s*年\s*\S{1,3}\s*月\s*\S{1,3}\s*日$|"
                       r"^20\d\d(?:0?[1-9]|1[0-2])(?:0?[1-9]|[12]\d|3[01])$")  # or a compact date: 20231228, 2024124
QUOTED = re.compile(r"《[^《》]*(?:《[^《》]*》[^《》]*)*》")
PLACE_START = re.compile(r"^(?:中共)?[\u4e00-\u9fff]{1,6}?" + PLACE_SUFFIX_PATTERN)


@dataclass
class Candidate:
    """One reading of a unit field (name, code, year or kind) and where it came from.

    ``value`` is the field's value (a name, a year as int, a kind such as "预算"); ``confidence`` is 0..1 (the
    reader's rule, possibly updated by ``loaders.source_weights``); ``line`` is the 1-based source line or None
    (the file name); ``source`` names the rule (e.g. "title", "field", "signature").
    """

    value: object
    confidence: float
    line: int | None
    source: str


_CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")


@functools.lru_cache(maxsize=65536)
def compact(text: str) -> str:
    """A cell without markup and without spaces between Chinese characters ("苍溪县 社保" -> "苍溪县社保")."""
    text = clean_cell(text)
    if " " not in text and text.isprintable():  # no whitespace (every whitespace but the space is unprintable)
        return text
    return _CJK_SPACE.sub("", text)


@functools.lru_cache(maxsize=65536)
def good_name(name: str | None, head_required: bool = False) -> bool:
    """Whether ``name`` can be a unit's name: 3-45 characters, no figures or sentence marks, not a place alone,
    not a kind word (预算, 决算, 关于 …); with ``head_required`` it must also end in a unit head word."""
    if not name or len(name) < 3 or len(name) > 45 or _GENERIC_NAME.match(name) or _NOT_A_NAME.search(name):
        return False
    if re.search(r"[\d，。；、“”\"]|预算|决算|关于|经费|资金|财政拨款|收支|公开", name):  # a fund is no unit
        return False
    if PLACE_ONLY.match(name):  # 岳阳县, 重庆市荣昌区: a place, not a unit
        return False
    return bool(UNIT_SUFFIX.search(name)) or not head_required


PLACE_ONLY = re.compile(r"^(?:[\u4e00-\u9fff]{1,8}?" + PLACE_SUFFIX_PATTERN + r")+$")
ORDINAL = re.compile(r"^(?:\d{1,2}\s*[、.．]|[一二三四五六七八九十]+\s*[、.．])\s*")
_LEADING_BRACKET = re.compile(r"^(?:（[^（）]{1,6}）|\([^()]{1,6}\))\s*(?=[\u4e00-\u9fff])")
_TRAILING_BRACKET = re.compile(r"\s*(?:（[^（）]{1,30}）|\([^()]{1,30}\))$")


@functools.lru_cache(maxsize=65536)
def strip_name(name: str) -> str:
    """A name without a trailing 部门/单位, a leading list number, a leading bracket ((略)) or a trailing bracket
    ((本级), (城市管理局))."""
    name = ORDINAL.sub("", name.strip(" -—·:：/|、,，")).split("关于")[0].removesuffix("部门").removesuffix("单位").strip()
    name = _LEADING_BRACKET.sub("", name)  # no unit name opens with a bracket: a mask or note before it ("(略) …局")
    bare = _TRAILING_BRACKET.sub("", name)
    return bare if len(bare) >= 3 else name


def first_unit(name: str) -> str:
    """The first of several joint issuers printed together, apart ("永嘉县财政局 永嘉县农业农村局 …", "…局、…厅")
    or glued ("福建省财政厅福建省住房和城乡建设厅": a unit head followed by a second place-prefixed unit name)."""
    parts = [part for part in re.split(r"[\s、,，]+", name) if part]
    if len(parts) > 1 and all(UNIT_SUFFIX.search(part) for part in parts):
        return parts[0]
    name = name.replace(" ", "")
    for head in _HEAD_END.finditer(name, 4):
        rest = name[head.end():]
        if rest and PLACE_START.match(rest) and good_name(rest, head_required=True) \
                and good_name(name[:head.end()], head_required=True):
            return name[:head.end()]
    return name


_HEAD_END = re.compile(HEAD)

