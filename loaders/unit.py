"""The unit a disclosure is about: name, code, region, province, year and kind (预算/决算).

Sources, in order of trust:
1. the document title: "重庆市荣昌区社会保险事务中心2026年单位预算", or the name on one line and
   "2023 年单位预算" on the next (003, 004);
2. a cell or line "121003-重庆市荣昌区社会保险事务中心" (编制单位, 预算部门, 单位：…), which also gives the code;
3. "部门全称：…", "部门：…", "单位：…", "编制单位：…" lines;
4. the prefix of the first table title ("重庆市綦江区社会保险事务中心财政拨款收支总表", 001).

Region and province come from the name's place prefix (重庆市 + district; 四川省 cities and counties
such as 广元市, 苍溪县 -> 四川省广元市苍溪县), see ``PLACES``.
"""

from __future__ import annotations

import re
from collections import Counter

from kb.core.places import region_of
from kb.core.records import UnitInfo
from loaders.rows import Row
from loaders.sections import Section, clean_cell

_TITLE = re.compile(r"^(?P<name>.*?)\s*(?P<year>20\d\d)\s*年(?:度)?\s*(?:部门|单位)?\s*(?P<kind>预算|决算)")
_YEAR_FIRST = re.compile(r"^(?P<year>20\d\d)\s*年(?:度)?\s*(?P<name>\S.*?)\s*(?:部门|单位)?\s*(?P<kind>预算|决算)")
_CODE_LABEL = re.compile(r"(?:单位|部门)(?:编码|代码)\s*[:：]\s*(?P<code>\d{3,9})")
_YEAR_KIND = re.compile(r"^(?P<year>20\d\d)\s*年(?:度)?\s*(?:部门|单位)?\s*(?P<kind>预算|决算)")
_CODE_NAME = re.compile(r"^(?P<code>\d{3,6})\s*-\s*(?P<name>[\u4e00-\u9fff][^\t]{3,40})$")
_LABELLED = re.compile(r"^(?:部门全称|部门名称|单位名称|部门|单位|编制单位|预算单位|申报单位|预算部门)\s*[:：]\s*"
                       r"(?:(?P<code>\d{3,6})\s*-\s*)?(?P<name>[\u4e00-\u9fff].{3,40})$")
_UNIT_SUFFIX = re.compile(r"(中心|局|委员会|委|办公室|办|院|所|站|队|会|处|馆|学校|校|医院|厅|部|府|社|团|室|政府|事务所)"
                          r"(?:（[^）]{1,8}）|\([^)]{1,8}\))?$")  # "…局（本级）"
_TABLE_WORDS = re.compile(r"(20\d\d年)?(部门|单位)?(一般公共预算|财政拨款|收支|收入|支出|政府性基金|国有资本|“三公”|三公|整体|项目)")


def _compact(text: str) -> str:
    return re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", clean_cell(text))


def _candidates(rows: list[Row]) -> tuple[list[tuple[str, int]], list[tuple[str, str, int]]]:
    """(title candidates (text, line), coded names (code, name, line)) from every row's cells."""
    titles: list[tuple[str, int]] = []
    coded: list[tuple[str, str, int]] = []
    for row in rows:
        for cell in row.cells:
            if len(cell) > 200:  # a paragraph, not a title or a coded name
                continue
            text = _compact(cell)
            if not text:
                continue
            match = _CODE_NAME.match(text)
            if match and _UNIT_SUFFIX.search(match.group("name")):
                coded.append((match.group("code"), match.group("name"), row.line))
                continue
            labelled = _LABELLED.match(text)
            if labelled and _UNIT_SUFFIX.search(labelled.group("name")):
                coded.append((labelled.group("code") or "", labelled.group("name"), row.line))
        filled = [c for c in row.cells if c.strip()]
        if len(filled) == 1 and len(filled[0]) <= 200:
            titles.append((_compact(filled[0]), row.line))
    return titles, coded


def read_unit(rows: list[Row], sections: list[Section]) -> tuple[UnitInfo, list[str]]:
    """Read the unit's identity from titles, coded name cells and labelled lines.

    Args:
        rows: the document's rows; sections: its sections (for the table-title fallback and the year).

    Returns:
        (UnitInfo with ``line`` where the name was read, notes explaining the sources).
    """
    notes: list[str] = []
    titles, coded = _candidates(rows)
    name = year = kind = None
    line: int | None = None
    for index, (text, at) in enumerate(titles[:40]):
        match = _TITLE.match(text)
        if match and match.group("name") and _UNIT_SUFFIX.search(match.group("name")):
            name, year, kind, line = match.group("name"), int(match.group("year")), match.group("kind"), at
            break
        first = _YEAR_FIRST.match(text)
        if first and first.group("name") not in ("部门", "单位") and _UNIT_SUFFIX.search(first.group("name")):
            name, year, kind, line = first.group("name"), int(first.group("year")), first.group("kind"), at
            break
        if _UNIT_SUFFIX.search(text) and len(text) <= 40 and index + 1 < len(titles):
            following = _YEAR_KIND.match(titles[index + 1][0])
            if following:
                name, year, kind, line = text, int(following.group("year")), following.group("kind"), at
                break
    code = None
    for row in rows[:400]:
        labelled_code = next((_CODE_LABEL.search(cell) for cell in row.cells if _CODE_LABEL.search(cell)), None)
        if labelled_code:
            code = labelled_code.group("code")
            notes.append(f"unit.code {code} from line {row.line}")
            break
    if coded and code is None:
        exact = [item for item in coded if name and item[1] == name and item[0]]
        with_code = exact or [item for item in coded if item[0] and (not name or name in item[1] or item[1] in name)]
        if with_code:
            code = with_code[0][0]
            notes.append(f"unit.code {code} from '{with_code[0][0]}-{with_code[0][1]}' (line {with_code[0][2]})")
        if name is None:
            named = Counter(item[1] for item in coded).most_common(1)[0][0]
            name, line = named, next(item[2] for item in coded if item[1] == named)
    if name is None and sections:
        prefix = _TABLE_WORDS.split(sections[0].title)[0]
        if prefix and _UNIT_SUFFIX.search(prefix):
            name, line = prefix, sections[0].line
            notes.append(f"unit.name from the first table title '{sections[0].title}'")
    if year is None:
        years = Counter(int(y) for section in sections for y in re.findall(r"(20\d\d)\s*年", section.title))
        if not years:
            years = Counter(int(y) for row in rows[:200] for cell in row.cells
                            for y in re.findall(r"(20\d\d)\s*年(?:预算|基本支出|预算数)", cell))
        year = years.most_common(1)[0][0] if years else None
    if kind is None:
        titles_text = " ".join(section.title for section in sections)
        kind = "决算" if "决算" in titles_text else ("预算" if sections else None)
    region, province = region_of(name)
    return UnitInfo(name=name, code=code, region=region, province=province, year=year, kind=kind, line=line), notes
