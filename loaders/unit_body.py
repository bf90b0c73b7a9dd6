"""Unit, year and kind read from a disclosure's running text: body-sentence frames (纳入…预算编制范围,
"…局内设…"), budget-year phrases (2022年度单位决算), kind words, form titles (绩效自评表（2022年度）) and the
wording of funding notices (现下达你局…, 通知如下, 资金分配方案).
"""

from __future__ import annotations

import functools
import re
from collections import Counter

from kb.core.doc_no import find_doc_nos, split_doc_no
from loaders.rows import Row
from loaders.unit_names import Candidate, HEAD, QUOTED, compact, good_name, strip_name
from loaders.unit_signature import read_signatures
from loaders.unit_titles import title_kind

_BODY_FRAMES = (
    re.compile(r"纳入(?P<name>[\u4e00-\u9fff（）()]{4,40}?)20\d\d\s*年度?(?:部门|单位)?(?:预算|决算)(?:编制|汇编)?范围"),
    re.compile(r"(?:^|[。；])(?P<name>[\u4e00-\u9fff（）()]{4,40}?" + HEAD + r")(?:共?内设|下设|下辖|位于|成立于|隶属于?|是|"
               r"主要职责|主要职能|负责|作为|现有|共有|编制)"),
    re.compile(r"(?:设立|成立了?)(?P<name>[\u4e00-\u9fff（）()]{4,40}?" + HEAD + r")[。,，]"),
)
# the words each body frame needs (searched for first: the frames try a name at every position)
_FRAME_HINTS = (re.compile("纳入"),
                re.compile("内设|下设|下辖|位于|成立于|隶属|是|主要职责|主要职能|负责|作为|现有|共有|编制"),
                re.compile("设立|成立"))
_YEAR_KIND = re.compile(r"(?<![与比较])(?P<year>20\d\d)\s*(?:年度|年)\s*(?:部门|单位|本单位|我单位|本年)?\s*(?:一般公共)?(?P<kind>预算|决算)"
                        r"(?!草案|执行)|(?P<year2>20\d\d)\s*(?:年度|年)\s*(?:本年)?(?:收入|支出)(?:总计|合计)")
_FORM_YEAR = re.compile(r"(?P<form>绩效自评表|绩效目标表|自评表|目标表|自评报告)\s*[（(]?\s*(?P<year>20\d\d)\s*年度?")
_NOTICE_BODY = re.compile(r"现(?:将|下达|拨付|分配|下拨|预拨)(?:你们?|你区|你县|你市|你单位)?(?P<year>20\d\d)?\s*年?.{0,60}?"
                          r"(?:下达|下拨|拨付|分配|安排)?给?(?:你们|你区|你县|你市|你单位|各)|通知如下|"
                          r"(?:下达|下拨|拨付)[我你](?:市|县|区|州|镇|乡)|资金分配(?:计划|方案|结果)|"
                          r"资金(?:安排|分配|使用){1,2}(?:情况|计划|结果)?(?:予以)?(?:公示|公告)|资金使用计划|"
                          r"(?:公示|公告)如下")
_KIND_WORD = re.compile(r"(?<![预(（])决算|(?<!一般公共)(?<!政府性基金)(?<!国有资本经营)(?<![(（])预算(?![(（]?决|编码|代码|单位|法|管理|执行|绩效)")


# a metadata label before the document's own 文号 or its publication date (文号：…, 发布日期：2021-10-18)
_OWN_NUMBER_LABEL = re.compile(r"^(?:文号|发文字号|字号|文件编号|发文号)\s*[:：]?\s*")
_DATE_LABEL = re.compile(r"(?:发布|成文|印发|公开)(?:日期|时间)\s*[:：]?\s*(?P<year>20\d\d)\s*[-年./]\s*\d{1,2}")
_FULL_DATE = re.compile(r"^(?P<year>20\d\d)\s*(?:年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|-\d{1,2}-\d{1,2})$")
_OWN_NUMBER_ROWS = 15


def from_number_and_date(rows: list[Row], found: dict[str, list[Candidate]]) -> None:
    """Add year candidates from the document's own 文号 and its date, for texts that state no budget year
    (approvals, notices): the year of a 文号 printed alone on a line of the head, or after a 文号 label (0.45,
    "own 文号"), and the year of the publication date label (发布日期：…) or of the last full date printed alone on a
    line (the date under the signature; 0.25, "document date": below the year the text names most often).

    Args:
        rows: the document's rows; found: the candidates by field, extended in place.
    """
    for row in rows[:_OWN_NUMBER_ROWS]:
        if row.is_table or len(row.cells) != 1:
            continue
        text = _OWN_NUMBER_LABEL.sub("", compact(row.cells[0]))
        matches = find_doc_nos(text) if "号" in text and len(text) <= 30 else []
        if matches and len(matches[0].doc_no) >= len(text) - 2:  # the line is the 文号 and nothing else
            split = split_doc_no(matches[0].doc_no)
            if split:
                found["year"].append(Candidate(split[1], 0.45, row.line, "own 文号"))
                break
    dated = None
    for row in rows:
        if row.is_table or len(row.cells) != 1:
            continue
        text = compact(row.cells[0])
        label = _DATE_LABEL.search(text) if "期" in text or "时间" in text else None
        date = label or _FULL_DATE.match(text)
        if date:
            dated = (int(date.group("year")), row.line)
    if dated:
        found["year"].append(Candidate(dated[0], 0.25, dated[1], "document date"))


def from_body(rows: list[Row], found: dict[str, list[Candidate]]) -> None:
    """Add the candidates the body states to ``found`` (field -> candidates, each with its line): unit names from
    body sentences (本单位/我局 …), the body's most frequent year, the signature block's units (``read_signatures``)
    and the years and kinds of form labels and wording near the top. Reads the text rows, not the tables."""
    years: Counter = Counter()
    kinds: Counter = Counter()
    first_line: dict[int, int] = {}
    for row in rows:
        if row.is_table:
            continue
        names, row_years, row_kinds = _body_reading(" ".join(row.cells))
        for name in names:
            found["name"].append(Candidate(name, 0.6, row.line, "body sentence"))
        for year in row_years:
            years[year] += 1
            first_line.setdefault(year, row.line)
        for kind in row_kinds:
            kinds[kind] += 1
    if years:
        year, _ = max(years.items(), key=lambda item: (item[1], -first_line[item[0]]))
        found["year"].append(Candidate(year, 0.6, first_line[year], "body phrase"))
    read_signatures(rows, found)
    head = compact(" ".join(" ".join(row.cells) for row in rows[:80]))
    form = _FORM_YEAR.search(head)
    if form:
        found["year"].append(Candidate(int(form.group("year")), 0.7, None, "form title"))
        kind = title_kind(form.group("form"))
        found["kind"].append(Candidate(kind or None, 0.7, None, "form title"))
    notice = _NOTICE_BODY.search(head)
    if notice:
        found["kind"].append(Candidate("通知", 0.7, None, "notice wording"))
        if notice.group("year"):
            found["year"].append(Candidate(int(notice.group("year")), 0.65, None, "notice wording"))
    if kinds:
        kind = "决算" if kinds["决算"] >= 2 or kinds["决算"] > kinds["预算"] else "预算"
        found["kind"].append(Candidate(kind, 0.55, None, "body words"))



@functools.lru_cache(maxsize=65536)
def _body_reading(joined: str) -> tuple[tuple[str, ...], tuple[int, ...], tuple[str, ...]]:
    """(unit names its body frames give, budget years it names, kind words it prints) of one text row (its cells
    joined by spaces), in order; read once per distinct row."""
    text = QUOTED.sub("", compact(joined))  # names inside 《titles》 are other bodies
    names: list[str] = []
    for frame, hint in zip(_BODY_FRAMES, _FRAME_HINTS):
        if not hint.search(text):  # the frame's verb is not there: the slower frame cannot match
            continue
        for match in frame.finditer(text):
            name = strip_name(match.group("name"))
            if good_name(name, head_required=True):
                names.append(name)
    years = tuple(int(match.group("year") or match.group("year2"))
                  for match in (_YEAR_KIND.finditer(text) if "20" in text else ()))
    kinds = tuple(match.group(0) for match in (_KIND_WORD.finditer(text) if "算" in text else ()))
    return tuple(names), years, kinds

