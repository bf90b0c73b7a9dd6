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

from kb.model import UnitInfo
from loaders.rows import Row
from loaders.sections import Section, clean_cell

# Sichuan prefecture-level cities and, for the cities seen in disclosures, their counties/districts.
SICHUAN_CITIES = ("成都市", "自贡市", "攀枝花市", "泸州市", "德阳市", "绵阳市", "广元市", "遂宁市", "内江市",
                  "乐山市", "南充市", "眉山市", "宜宾市", "广安市", "达州市", "雅安市", "巴中市", "资阳市",
                  "阿坝藏族羌族自治州", "甘孜藏族自治州", "凉山彝族自治州")
PLACES: dict[str, str] = {  # county/district -> its city (四川省)
    "苍溪县": "广元市", "旺苍县": "广元市", "剑阁县": "广元市", "青川县": "广元市", "利州区": "广元市",
    "昭化区": "广元市", "朝天区": "广元市",
    "阆中市": "南充市", "南部县": "南充市", "仪陇县": "南充市", "营山县": "南充市", "蓬安县": "南充市",
    "西充县": "南充市", "顺庆区": "南充市", "高坪区": "南充市", "嘉陵区": "南充市",
    "通江县": "巴中市", "南江县": "巴中市", "平昌县": "巴中市", "巴州区": "巴中市", "恩阳区": "巴中市",
    "江油市": "绵阳市", "三台县": "绵阳市", "梓潼县": "绵阳市", "盐亭县": "绵阳市", "平武县": "绵阳市",
    "北川羌族自治县": "绵阳市", "涪城区": "绵阳市", "游仙区": "绵阳市", "安州区": "绵阳市",
}
CHONGQING_DISTRICTS = ("万州区", "涪陵区", "渝中区", "大渡口区", "江北区", "沙坪坝区", "九龙坡区", "南岸区",
                       "北碚区", "綦江区", "大足区", "渝北区", "巴南区", "黔江区", "长寿区", "江津区", "合川区",
                       "永川区", "南川区", "璧山区", "铜梁区", "潼南区", "荣昌区", "开州区", "梁平区", "武隆区",
                       "城口县", "丰都县", "垫江县", "忠县", "云阳县", "奉节县", "巫山县", "巫溪县",
                       "石柱土家族自治县", "秀山土家族苗族自治县", "酉阳土家族苗族自治县", "彭水苗族土家族自治县",
                       "万盛经济技术开发区", "万盛经开区", "两江新区", "西部科学城重庆高新区")

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


def region_of(name: str | None) -> tuple[str | None, str | None]:
    """(region, province) read from a unit name's place prefix.

    Example:
        >>> region_of("苍溪县社会保险事务中心")
        ('四川省广元市苍溪县', '四川省')
        >>> region_of("重庆市万盛经济技术开发区社会保险事务中心")
        ('重庆市万盛经济技术开发区', '重庆市')
    """
    if not name:
        return None, None
    rest = name
    if "重庆市" in rest:  # "中共重庆市荣昌区委…" as well as "重庆市荣昌区…"
        rest = rest[rest.index("重庆市"):]
    if rest.startswith("重庆市") or any(rest.startswith(d) for d in CHONGQING_DISTRICTS):
        rest = rest.removeprefix("重庆市")
        district = next((d for d in CHONGQING_DISTRICTS if rest.startswith(d)), None)
        if district is None:
            found = re.match(r"^[\u4e00-\u9fff]{1,6}?(?:经济技术开发区|经开区|高新区|新区|自治县|区|县)", rest)
            district = found.group(0) if found else None
        return "重庆市" + (district or ""), "重庆市"
    if "四川省" in rest:
        rest = rest[rest.index("四川省") + 3:]
    city = next((c for c in SICHUAN_CITIES if rest.startswith(c)), None) or next(
        (c for c in SICHUAN_CITIES if c in rest[:8]), None)
    if city:
        rest = rest[rest.index(city) + len(city):]
        county = next((p for p, c in PLACES.items() if c == city and rest.startswith(p)), None)
        if county is None:  # a district or county of a city not in PLACES: 成都市武侯区…
            found = re.match(r"^[\u4e00-\u9fff]{1,5}?(?:自治县|区|县|市)(?![场民政])", rest)
            county = found.group(0) if found else None
        return "四川省" + city + (county or ""), "四川省"
    county = next((p for p in PLACES if rest.startswith(p)), None)
    if county:
        return "四川省" + PLACES[county] + county, "四川省"
    if name.startswith("四川省"):
        return "四川省", "四川省"
    return None, None


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
