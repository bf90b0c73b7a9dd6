"""Places: the one list of Chinese administrative place suffixes, a gazetteer of the places seen in
disclosures, and what is read from a place prefix (a unit's region, province, level and short forms).

Every other module that needs a place (loaders.unit, kb.graph, linking.features, kb.query) imports it
from here; nothing here imports the rest of the project.
"""

from __future__ import annotations

import csv
import functools
import importlib.util
import re
from pathlib import Path

# Administrative place suffixes, longest first, so 经济技术开发区 wins over 区, 自治县 over 县 and 维吾尔自治区 over 自治区
# (新疆维吾尔自治区 -> 新疆).
PLACE_SUFFIXES: tuple[str, ...] = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "经济技术开发区", "高新技术产业开发区", "经开区", "高新区", "开发区", "自治州",
                                   "自治县", "自治区", "新区", "地区", "林区", "特区", "省", "市", "州", "盟", "旗", "区", "县")
# Suffixes of a county-level place (区县级); 市 may be either a city or a county-level city.
COUNTY_LEVEL_SUFFIXES: tuple[str, ...] = ("区", "县", "旗", "经济技术开发区", "经开区", "高新区", "开发区", "新区")
PLACE_SUFFIX_PATTERN = "(?:" + "|".join(PLACE_SUFFIXES) + ")"
# One place name: 2–6 characters then a suffix, shortest first (重庆市荣昌区 -> 重庆市, 荣昌区).
PLACE = re.compile(r"[\u4e00-\u9fff]{1,6}?" + PLACE_SUFFIX_PATTERN)
PLACE_AT_START = re.compile(r"[\u4e00-\u9fff]{2,6}?(?:经济技术开发区|经开区|自治县|新区|省|市|区|县)")
PROVINCE_LEVEL_CITIES = frozenset({"重庆市", "北京市", "上海市", "天津市"})
# Words shortened in the names people type: 社会保险事务中心 -> 社保中心.
SHORT_WORDS = (("经济技术开发区", "经开区"), ("社会保险", "社保"), ("人力资源和社会保障", "人社"), ("事务中心", "中心"))


def strip_place_suffix(place: str) -> str:
    """The place without its suffix when at least two characters remain (荣昌区 -> 荣昌, 忠县 -> 忠县).

    Example:
        >>> strip_place_suffix("荣昌区"), strip_place_suffix("忠县"), strip_place_suffix("万盛经济技术开发区")
        ('荣昌', '忠县', '万盛')
    """
    suffix = next((s for s in PLACE_SUFFIXES if place.endswith(s)), "")
    stem = place[: len(place) - len(suffix)]
    return stem if len(stem) >= 2 else place


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


def places_at_start(text: str) -> list[str]:
    """Administrative places printed at the start of ``text``: 重庆市荣昌区… -> ['重庆市', '荣昌区']."""
    places, position = [], 0
    while match := PLACE_AT_START.match(text, position):
        places.append(match.group())
        position = match.end()
    return places


def shorten(text: str) -> str:
    """``text`` with the long words people shorten replaced (``SHORT_WORDS``: 社会保险事务中心 -> 社保中心)."""
    for long, short in SHORT_WORDS:
        text = text.replace(long, short)
    return text


def unit_aliases(name: str | None, region: str | None = None) -> list[str]:
    """Short forms a researcher uses for a unit, derived from its name (and region when the name has no place).

    Args:
        name: the unit's full name as printed, e.g. 重庆市荣昌区社会保险事务中心.
        region: the unit's region, e.g. 四川省广元市苍溪县, used when the name starts with no place.

    Returns:
        Distinct aliases, shortest place forms first: the place without its suffix (荣昌), the place (荣昌区),
        a development zone's short form (万盛经开区), and the place with the shortened unit name (荣昌区社保中心).

    Example:
        >>> unit_aliases("重庆市荣昌区社会保险事务中心")
        ['荣昌', '荣昌区', '荣昌区社保中心', '荣昌社保中心', '荣昌区社会保险事务中心']
    """
    name = (name or "").strip()
    places = places_at_start(name)
    rest = name[sum(len(place) for place in places):]
    if not places or (places[-1] in PROVINCE_LEVEL_CITIES and not rest):
        places = places_at_start(region or "") or places
    specific = [place for place in places if place not in PROVINCE_LEVEL_CITIES and not place.endswith("省")]
    if not specific:  # a municipal or provincial body: its place would name every unit of the province
        return [alias for alias in dict.fromkeys([shorten(name), shorten(rest)]) if len(alias) > 1 and alias != name]
    place = specific[-1]
    suffix = next(s for s in PLACE_SUFFIXES if place.endswith(s))
    stem = place[: -len(suffix)]
    aliases = [stem] if len(stem) >= 2 else []
    aliases.append(place)
    if suffix == "经济技术开发区":
        aliases.append(stem + "经开区")
    if rest:
        short_rest = shorten(rest)
        aliases += [place + short_rest, stem + short_rest, place + rest] if len(stem) >= 2 else [place + short_rest,
                                                                                                   place + rest]
        if suffix == "经济技术开发区":
            aliases.append(stem + "经开区" + short_rest)
    return list(dict.fromkeys(alias for alias in aliases if alias and alias != name))


def unit_level(name: str | None, region: str | None = None) -> str | None:
    """区县级 for a district/county/zone unit, 市级 for a city's, 省级 for a province's; None if no place shows.

    Example:
        >>> unit_level("苍溪县社会保险事务中心"), unit_level("广元市社会保险事务中心")
        ('区县级', '市级')
    """
    places = places_at_start(name or "") or places_at_start(region or "")
    if not places:
        return None
    last = places[-1]
    if last.endswith(COUNTY_LEVEL_SUFFIXES):
        return "区县级"
    return "省级" if last.endswith("省") else "市级"


@functools.lru_cache(maxsize=1)
def adcode_table() -> tuple[tuple[str, str], ...]:
    """Every row of the adcodes table the ``cpca`` package ships (``cpca/resources/adcodes.csv``, columns
    ``adcode`` and ``name``; located, not imported: cpca imports pandas), as (six-digit adcode, name) pairs,
    names stripped, "市辖区"-style and one-character rows left out.

    Returns:
        The pairs in the table's order; () when the table cannot be found.
    """
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        return ()
    table = Path(list(spec.submodule_search_locations)[0]) / "resources" / "adcodes.csv"
    if not table.exists():
        return ()
    with table.open(encoding="utf-8") as handle:
        rows = ((row["adcode"], row["name"].strip()) for row in csv.DictReader(handle))
        return tuple((code, name) for code, name in rows if len(name) >= 2 and not name.startswith(("市辖", "省直辖")))


@functools.lru_cache(maxsize=1)
def administrative_places() -> dict[str, tuple[str, ...]]:
    """China's administrative divisions (provinces, cities, districts and counties: about 3,500 names) by first
    character, longest first, from ``adcode_table()``.

    Returns:
        {first character: (place names, longest first)}; {} when the table cannot be found.
    """
    by_first: dict[str, set[str]] = {}
    for _code, name in adcode_table():
        by_first.setdefault(name[0], set()).add(name)
    return {first: tuple(sorted(names, key=len, reverse=True)) for first, names in by_first.items()}


def known_place_at(text: str, start: int = 0) -> int:
    """The end of the longest administrative place name (``administrative_places``) printed at ``text[start:]``,
    or ``start`` when none is.

    Example:
        >>> text = "度评分银川市第六中学"
        >>> known_place_at(text, 3), known_place_at(text, 0)
        (6, 0)
    """
    for name in administrative_places().get(text[start:start + 1], ()):
        if text.startswith(name, start):
            return start + len(name)
    return start
