"""Unit, year and kind read from a disclosure's title lines: "<unit><year>年<部门>预算/决算…", "<year>年度 / <unit>…决算",
titles without 预算/决算 (三公经费情况统计表, 绩效目标表, 自评报告), "表（2022年度）", and funding-notice titles
("<issuer>关于下达…资金的通知", or "关于…资金分配计划的公告" without the issuer).
"""

from __future__ import annotations

import functools
import re

from loaders.rows import Row, clean_markup
from loaders.unit_names import (Candidate, ORDINAL, PLACE_ONLY, PLACE_START, UNIT_SUFFIX, compact, first_unit, good_name,
                                 strip_name)

_SENTENCE = re.compile(r"[，。；,;：:！？]")
_TAIL_OK = re.compile(r"^(?:(?:公开|信息|情况|说明|编制|报告|报表|表|数据|目录|安排|解读|公告|的|\d+)*(?:[（(].*)?|[及和与、].*)"
                      r"(?:\.(?:pdf|docx?|xlsx?|txt|html?))?$", re.IGNORECASE)
_MIDDLE = r"(?P<mid>(?:部门|单位|(?:区|市|县|省)?本级|“三公”经费|三公经费|\"三公\"经费|财政拨款|一般公共|整体支出|收支)*)"
_YEAR_MARK = r"\s*(?:年度|年|-度|-)?\s*"
TITLE = re.compile(r"^(?P<name>[^\d]*?)\s*(?P<year>20\d\d)" + _YEAR_MARK + _MIDDLE + r"\s*(?P<kind>预算|决算)(?P<tail>.*)$")
YEAR_FIRST = re.compile(r"^(?P<year>20\d\d)\s*(?:年度|年)\s*(?P<name>\D\S*?)\s*" + _MIDDLE + r"\s*(?P<kind>预算|决算)"
                        r"(?P<tail>.*)$")
# titles that name no 预算/决算: 三公经费情况统计表, 绩效目标表, 自评报告 …
_OTHER_TITLE = re.compile(r"^(?P<name>[^\d]{3,40}?)\s*(?P<year>20\d\d)" + _YEAR_MARK +
                          r"(?P<tail>\D{0,30}?(?:绩效|三公|经费|收支|支出|收入|目标|自评|评价)\D{0,30}(?:表|报告|说明|公开))"
                          r"(?:[（(][^)）]{0,30}[)）])?(?:\.(?:pdf|docx?|xlsx?))?$")
_YEAR_IN_TITLE = re.compile(r"^(?P<title>\D{2,30}表)\s*[（(](?P<year>20\d\d)\s*年度?[)）]")
_NOTICE = re.compile(r"^(?P<name>[\u4e00-\u9fff（）() ]{3,60}?)\s*关于(?P<rest>.*(?:下达|分配|拨付|安排|清算|预拨|提前下|追加|调整)"
                     r".*(?:资金|预算|经费|补助|指标|计划).*)的(?:通知|批复|函)$")
# a notice or allocation 公告 titled without its issuer ("关于泽库县2023年…资金分配计划的公告")
# (the allocation verb and the money word in either order: "关于…补助资金安排项目的批复"), or opening with the verb itself
# ("下达径山镇…补助资金的公示")
_ALLOCATION = r"(?:下达|分配|拨付|安排|清算|预拨|提前下|追加|调整)"
_NOTICE_HEAD = re.compile(r"^(?:关于|(?=" + _ALLOCATION + r"))(?=.*" + _ALLOCATION + r")(?=.*(?:资金|经费|补助|指标|计划))"
                          r".*的(?:通知|批复|函|公告|公示)$")
# a notice title with its addressees glued on ("…补助资金的通知有关市、县(区)财政局、建设局:"): the title is read alone
_GLUED_ADDRESSEES = re.compile(r"^(?P<title>.{6,80}?的(?:通知|批复|函))(?:[\u4e00-\u9fff（）()、，, ]{2,160})[:：]$")


def _title_lines(rows: list[Row]) -> list[tuple[str, str, int]]:
    """(compact text, raw text, line) of short single-cell lines of the head, and joins of two short lines."""
    lines: list[tuple[str, str, int]] = []
    for row in rows[:60]:
        read = _title_line(row.cells)
        if read is not None:
            lines.append((read[0], read[1], row.line))
    result: list[tuple[str, str, int]] = []
    for index, (text, raw, line) in enumerate(lines):
        result.append((text, raw, line))
        if index + 1 < len(lines) and len(text) <= 40 and len(lines[index + 1][0]) <= 40 and _joinable(text):
            result.append((text + lines[index + 1][0], raw + " " + lines[index + 1][1], line))
    return result


_PAGE_NUMBER = re.compile(r"\d{1,3}")


def _title_line(cells: list[str]) -> tuple[str, str] | None:
    """(compact text, raw text) of a row whose one filled cell is short (80 characters at most), else None."""
    if len(cells) == 1:
        filled = cells if cells[0].strip() else []
    else:
        filled = [cell for cell in cells if cell.strip()]
    if len(filled) != 1:
        return None
    cell = filled[0]
    if len(cell) > 80:
        glued = _GLUED_ADDRESSEES.match(cell.strip()) if "的" in cell else None
        if glued is None:
            return None
        cell = glued.group("title")
    raw = ORDINAL.sub("", clean_markup(cell).strip())
    text = compact(raw)
    if text and not _PAGE_NUMBER.fullmatch(text):  # a page number printed alone
        return text, raw
    return None


@functools.lru_cache(maxsize=65536)
def _joinable(text: str) -> bool:
    """A title's first half: a unit name, a year ("2022年度") or a name ending in a year (梧州市实验幼儿园 2022)."""
    return bool(re.fullmatch(r"20\d\d\s*(?:年度|年)?", text) or re.search(r"\D\s*20\d\d\s*(?:年度|年)?$", text)
                or good_name(strip_name(re.sub(r"^20\d\d\s*(?:年度|年)", "", text)), head_required=True))


def title_kind(tail: str) -> str | None:
    """The kind a title implies: 决算, 预算 (绩效目标表, 目标申报表 go with the budget: targets are set when it is
    drawn up), "" for a self-evaluation (no kind)."""
    if re.search(r"自评|评价", tail):
        return ""
    if "决算" in tail:
        return "决算"
    if "预算" in tail or re.search(r"绩效目标|目标(?:申报)?表", tail):
        return "预算"
    return None


def from_titles(rows: list[Row], found: dict[str, list[Candidate]]) -> None:
    """Add the name, year and kind candidates of every title line of the head, and the byline of a title that
    names no unit: a line right under it (within ``_BYLINE_LINES``) that is a place-prefixed unit name and
    nothing else (a notice page printing its publisher: "关于拨付…补助资金的公示" / "金华市农业农村局"), 0.5.

    Args:
        rows: the document's rows; found: the candidates by field, extended in place.
    """
    titles = _title_lines(rows)
    dated = next(((text, line) for text, _, line in titles if _PERIOD_YEAR.search(text)), None)
    if dated:  # the first title line naming a year, even of a period ("…2026年3月至4月政府采购意向"), not a full date
        found["year"].append(Candidate(int(_PERIOD_YEAR.search(dated[0]).group(1)), 0.4, dated[1], "year in the title"))
    for text, raw, line in titles:
        candidates = _title_candidates(text, raw)
        for field_name, value, confidence, source in candidates:
            found[field_name].append(Candidate(value, confidence, line, source))
        if (candidates or (text.startswith("关于") and _BARE_ISSUED.match(text))) and not any(field_name == "name" for field_name, *_ in candidates):
            above = next((previous for previous, _, at in reversed(titles)
                          if line - _BYLINE_LINES <= at < line and _is_byline(previous)), None)
            if above:  # the issuer printed on the line over a title opening with 关于 ("河北省财政厅" / "关于下达…的通知")
                found["name"].append(Candidate(above, 0.55, line, "issuer above the title"))
            byline = next((following for following, _, below in titles
                           if line < below <= line + _BYLINE_LINES and _is_byline(following)), None)
            if byline:
                found["name"].append(Candidate(byline, 0.5, line, "byline under the title"))


_BYLINE_LINES = 2
_PERIOD_YEAR = re.compile(r"[\u4e00-\u9fff](20\d\d)\s*年(?!\s*\d{1,2}\s*月\s*\d{1,2}\s*日)")
# a title that names no issuer: "关于…的通知/批复/函/公告/公示/决定"
_BARE_ISSUED = re.compile(r"^关于.{2,}的(?:通知|批复|函|公告|公示|决定)$")
# any document issued under its issuer's name: "<issuer>关于…的批复" (a 项目建议书 approval, a 公告), not only funding notices
_ISSUED = re.compile(r"^(?P<name>[\u4e00-\u9fff（）() ]{3,60}?)\s*关于.{2,}的(?:通知|批复|函|公告|公示|决定)$")


def _is_byline(text: str) -> bool:
    """A line that is one place-prefixed unit name and nothing else (金华市农业农村局)."""
    return strip_name(text) == text and good_name(text, head_required=True) and PLACE_START.match(text) is not None


@functools.lru_cache(maxsize=65536)
def _title_candidates(text: str, raw: str) -> tuple[tuple[str, object, float, str], ...]:
    """The (field, value, confidence, source) candidates one title line gives, in order; read once per distinct line."""
    found: list[tuple[str, object, float, str]] = []
    if _NOTICE_HEAD.match(raw) or _NOTICE_HEAD.match(text):
        found.append(("kind", "通知", 0.9, "notice title without issuer"))
    notice = _NOTICE.match(raw) or _NOTICE.match(text)
    if notice:
        name = first_unit(notice.group("name").strip())
        if good_name(name):
            found.append(("name", name, 0.9, "notice title"))
        found.append(("kind", "通知", 0.95, "notice title"))
        year = re.search(r"(20\d\d)\s*年", notice.group("rest"))
        if year:
            found.append(("year", int(year.group(1)), 0.85, "notice title"))
        return tuple(found)
    issued = _ISSUED.match(text) if "关于" in text else None
    if issued:
        name = first_unit(issued.group("name").strip())
        if good_name(name, head_required=True):
            found.append(("name", name, 0.85, "issuer of a title"))
    if _SENTENCE.search(re.sub(r"[（(][^)）]*[)）]", "", text)):
        return tuple(found)
    for pattern in (TITLE, YEAR_FIRST):
        match = pattern.match(text)
        if not match or not _TAIL_OK.match(match.group("tail")):
            continue
        name = strip_name(match.group("name"))
        if good_name(name):
            found.append(("name", name, 0.9 if UNIT_SUFFIX.search(name) else 0.7, "title"))
        elif name and not PLACE_ONLY.match(name):
            continue  # a sentence-like prefix: not this title pattern
        found.append(("year", int(match.group("year")), 0.9, "title"))
        found.append(("kind", match.group("kind"), 0.9, "title"))
        break
    else:
        other = _OTHER_TITLE.match(text)
        if other:
            name = strip_name(other.group("name"))
            if good_name(name):
                found.append(("name", name, 0.85 if UNIT_SUFFIX.search(name) else 0.65, "title"))
            found.append(("year", int(other.group("year")), 0.85, "title"))
            kind = title_kind(other.group("tail"))
            if kind is not None:
                found.append(("kind", kind or None, 0.8, "title"))
            return tuple(found)
        bracketed = _YEAR_IN_TITLE.match(text)
        if bracketed:
            found.append(("year", int(bracketed.group("year")), 0.8, "title"))
            kind = title_kind(bracketed.group("title"))
            if kind is not None:
                found.append(("kind", kind or None, 0.75, "title"))
    return tuple(found)

