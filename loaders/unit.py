"""The unit a disclosure is about: name, code, region, province, year and kind (预算/决算/通知).

Every place a disclosure states them gives a candidate with a confidence (0..1) and the line it came
from; the best candidate of each field wins (``UnitInfo.confidence`` / ``UnitInfo.lines`` keep both):

| source | confidence | example |
|---|---|---|
| title (a short line or two joined, not a sentence) | 0.9 | 重庆市荣昌区社会保险事务中心2026年单位预算; 2022年度 / 嘉峪关市农业农村局部门决算 |
| funding-notice title | 0.9 | 岳阳市财政局关于下达2023年第一批经建专项补助资金的通知 (unit = issuer, kind 通知) |
| labelled field or coded cell | 0.8 | 单位名称：…; 编制单位：…; 121003-重庆市…; [015001]武汉市青山区教育局 |
| body sentence frame | 0.6 | 纳入…2023年部门预算编制范围; 南纪门街道办事处内设10个办公室 |
| first table title's prefix | 0.5 | 重庆市綦江区社会保险事务中心财政拨款收支总表 |
| file name | 0.3 | 2023年某某局部门预算.txt |

A name needs no known suffix in a title or a labelled field (an unknown suffix lowers the confidence,
it does not discard the unit); body sentences and table titles need a unit head noun (局, 中心, 幼儿园,
街道办事处 …). Years and kinds are also read from body phrases such as "2022年度单位决算情况说明" and
"公开我单位2022年预算信息" (the most frequent wins); "成立于2020年" is no budget year.
Region and province come from the name's place prefix (``kb.core.places.region_of``).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from kb.core.places import region_of
from kb.core.records import UnitInfo
from loaders.rows import Row, clean_markup
from loaders.sections import Section, clean_cell
from loaders.unit_mentions import most_mentioned, signed_name

# Head nouns of a unit name, longest first (structural vocabulary, not a list of units).
UNIT_HEADS = ("街道办事处", "人民政府", "办事处", "委员会", "领导小组", "事务所", "幼儿园", "卫生院", "医院", "学校", "学院", "大学",
              "中学", "小学", "党校", "法院", "检察院", "联合会", "协会", "研究院", "研究所", "管理处", "管理局", "管理所",
              "中心", "政府", "局", "委", "办公室", "办", "院", "所", "站", "队", "会", "处", "馆", "校", "厅", "部", "府",
              "社", "团", "室", "街道", "镇", "乡", "公司", "集团", "基地", "台", "园", "场", "署", "库", "监狱")
_HEAD = "(?:" + "|".join(UNIT_HEADS) + ")"
_UNIT_SUFFIX = re.compile(_HEAD + r"(?:（[^）]{1,8}）|\([^)]{1,8}\))?$")  # "…局（本级）"
_SENTENCE = re.compile(r"[，。；,;：:！？]")
_TAIL_OK = re.compile(r"^(?:(?:公开|信息|情况|说明|编制|报告|报表|表|数据|目录|安排|解读|公告|的|\d+)*(?:[（(].*)?|[及和与、].*)"
                      r"(?:\.(?:pdf|docx?|xlsx?|txt|html?))?$", re.IGNORECASE)
_GENERIC_NAME = re.compile(r"部分|时间|日期|^(?:全|本|我|其中|各|有关|市级|县级|区级|省级|自治区|本级|部门|单位|年度|年|政府|\d|第.{1,3}部分|目录|附件|"
                           r"[市县区省](?![\u4e00-\u9fff]?[市县区省]))")
_MIDDLE = r"(?P<mid>(?:部门|单位|(?:区|市|县|省)?本级|“三公”经费|三公经费|\"三公\"经费|财政拨款|一般公共|整体支出|收支)*)"
_YEAR_MARK = r"\s*(?:年度|年|-度|-)?\s*"
_TITLE = re.compile(r"^(?P<name>[^\d]*?)\s*(?P<year>20\d\d)" + _YEAR_MARK + _MIDDLE + r"\s*(?P<kind>预算|决算)(?P<tail>.*)$")
_YEAR_FIRST = re.compile(r"^(?P<year>20\d\d)\s*(?:年度|年)\s*(?P<name>\D\S*?)\s*" + _MIDDLE + r"\s*(?P<kind>预算|决算)"
                         r"(?P<tail>.*)$")
# titles that name no 预算/决算: 三公经费情况统计表, 绩效目标表, 自评报告 …
_OTHER_TITLE = re.compile(r"^(?P<name>[^\d]{3,40}?)\s*(?P<year>20\d\d)" + _YEAR_MARK +
                          r"(?P<tail>\D{0,30}?(?:绩效|三公|经费|收支|支出|收入|目标|自评|评价)\D{0,30}(?:表|报告|说明|公开))"
                          r"(?:[（(][^)）]{0,30}[)）])?(?:\.(?:pdf|docx?|xlsx?))?$")
_YEAR_IN_TITLE = re.compile(r"^(?P<title>\D{2,30}表)\s*[（(](?P<year>20\d\d)\s*年度?[)）]")
_NOTICE = re.compile(r"^(?P<name>[\u4e00-\u9fff（）() ]{3,60}?)\s*关于(?P<rest>.*(?:下达|分配|拨付|安排|清算|预拨|提前下|追加|调整)"
                     r".*(?:资金|预算|经费|补助|指标|计划).*)的(?:通知|批复|函)$")
# a notice or allocation 公告 titled without its issuer ("关于泽库县2023年…资金分配计划的公告")
_NOTICE_HEAD = re.compile(r"^关于.*(?:下达|分配|拨付|安排|清算|预拨|提前下|追加|调整).*(?:资金|经费|补助|指标|计划).*的(?:通知|批复|函|公告|公示)$")
_CODE_LABEL = re.compile(r"(?:单位|部门|预算)\s*(?:编码|代码)\s*[:：]\s*(?P<code>\d{3,9})")
_CODE_NAME = re.compile(r"^(?:(?P<code>\d{3,9})\s*[-－]\s*|[\[【［(（](?P<code2>\d{3,9})[\]】］)）]\s*)"
                        r"(?P<name>[\u4e00-\u9fff][^\t]{3,40})$")
_LABELLED = re.compile(r"(?:^|(?<![\u4e00-\u9fff]))(?P<label>部门全称|(?:部门|单位)(?:[（(](?:部门|单位)[)）])?(?:名称|全称)|预算单位名称|部门|单位|"
                       r"编制单位|预算单位|申报单位|填报单位|预算部门|主管部门|编报单位|来源)"
                       r"(?:[（(][^)）]{1,4}[)）])?\s*[:：]\s*(?:[\[【［(（]?(?P<code>\d{3,9})[\]】］)）]?\s*[-－]?\s*)?"
                       r"(?P<name>[\u4e00-\u9fff][^\s:：]{2,40})(?=$|\s)")
_NOT_A_NAME = re.compile(r"^(?:万元|元|千元|亿元)|万元$|^(?:人|个|名)$")
_BODY_FRAMES = (
    re.compile(r"纳入(?P<name>[\u4e00-\u9fff（）()]{4,40}?)20\d\d\s*年度?(?:部门|单位)?(?:预算|决算)(?:编制|汇编)?范围"),
    re.compile(r"(?:^|[。；])(?P<name>[\u4e00-\u9fff（）()]{4,40}?" + _HEAD + r")(?:共?内设|下设|下辖|位于|成立于|隶属于?|是|"
               r"主要职责|主要职能|负责|作为|现有|共有|编制)"),
    re.compile(r"(?:设立|成立了?)(?P<name>[\u4e00-\u9fff（）()]{4,40}?" + _HEAD + r")[。,，]"),
)
# the words each body frame needs (searched for first: the frames try a name at every position)
_FRAME_HINTS = (re.compile("纳入"),
                re.compile("内设|下设|下辖|位于|成立于|隶属|是|主要职责|主要职能|负责|作为|现有|共有|编制"),
                re.compile("设立|成立"))
_YEAR_KIND = re.compile(r"(?<![与比较])(?P<year>20\d\d)\s*(?:年度|年)\s*(?:部门|单位|本单位|我单位|本年)?\s*(?:一般公共)?(?P<kind>预算|决算)"
                        r"(?!草案|执行)|(?P<year2>20\d\d)\s*(?:年度|年)\s*(?:本年)?(?:收入|支出)(?:总计|合计)")
_DATE_LINE = re.compile(r"^(?:20\d\d|二[〇○零]\S{2})\s*年\s*\S{1,3}\s*月\s*\S{1,3}\s*日$|"
                        r"^20\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])$")  # or a compact date: 20231228
_FORM_YEAR = re.compile(r"(?P<form>绩效自评表|绩效目标表|自评表|目标表|自评报告)\s*[（(]?\s*(?P<year>20\d\d)\s*年度?")
_NOTICE_BODY = re.compile(r"现(?:将|下达|拨付|分配|下拨|预拨)(?:你们?|你区|你县|你市|你单位)?(?P<year>20\d\d)?\s*年?.{0,60}?"
                          r"(?:下达|下拨|拨付|分配|安排)?给?(?:你们|你区|你县|你市|你单位|各)|通知如下|"
                          r"(?:下达|下拨|拨付)[我你](?:市|县|区|州|镇|乡)|资金分配(?:计划|方案|结果)|"
                          r"资金(?:安排|分配|使用){1,2}(?:情况|计划|结果)?(?:予以)?(?:公示|公告)|资金使用计划|"
                          r"(?:公示|公告)如下")
_TABLE_WORDS = re.compile(r"(20\d\d年)?(部门|单位)?(一般公共预算|财政拨款|收支|收入|支出|政府性基金|国有资本|“三公”|三公|整体|项目)")
_QUOTED = re.compile(r"《[^《》]*(?:《[^《》]*》[^《》]*)*》")


@dataclass
class _Candidate:
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
def _good_name(name: str | None, head_required: bool = False) -> bool:
    if not name or len(name) < 3 or len(name) > 45 or _GENERIC_NAME.match(name) or _NOT_A_NAME.search(name):
        return False
    if re.search(r"[\d，。；、“”\"]|预算|决算|关于|经费|财政拨款|收支|公开", name):
        return False
    if _PLACE_ONLY.match(name):  # 岳阳县, 重庆市荣昌区: a place, not a unit
        return False
    return bool(_UNIT_SUFFIX.search(name)) or not head_required


_PLACE_ONLY = re.compile(r"^(?:[\u4e00-\u9fff]{1,8}?(?:省|自治区|市|自治州|州|地区|盟|县|自治县|区|旗|新区|经开区))+$")
_ORDINAL = re.compile(r"^(?:\d{1,2}\s*[、.．]|[一二三四五六七八九十]+\s*[、.．])\s*")
_TRAILING_BRACKET = re.compile(r"\s*(?:（[^（）]{1,30}）|\([^()]{1,30}\))$")


@functools.lru_cache(maxsize=65536)
def _strip_name(name: str) -> str:
    """A name without a trailing 部门/单位, a leading list number or a trailing bracket ((本级), (城市管理局))."""
    name = _ORDINAL.sub("", name.strip(" -—·:：")).split("关于")[0].removesuffix("部门").removesuffix("单位").strip()
    bare = _TRAILING_BRACKET.sub("", name)
    return bare if len(bare) >= 3 else name


def _first_unit(name: str) -> str:
    """The first of several joint issuers printed together ("永嘉县财政局 永嘉县农业农村局 …")."""
    parts = name.split()
    if len(parts) > 1 and all(_UNIT_SUFFIX.search(part) for part in parts):
        return parts[0]
    return name.replace(" ", "")


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
    if len(filled) != 1 or len(filled[0]) > 80:
        return None
    raw = _ORDINAL.sub("", clean_markup(filled[0]).strip())
    text = compact(raw)
    if text and not _PAGE_NUMBER.fullmatch(text):  # a page number printed alone
        return text, raw
    return None


@functools.lru_cache(maxsize=65536)
def _joinable(text: str) -> bool:
    """A title's first half: a unit name, a year ("2022年度") or a name ending in a year (梧州市实验幼儿园 2022)."""
    return bool(re.fullmatch(r"20\d\d\s*(?:年度|年)?", text) or re.search(r"\D\s*20\d\d\s*(?:年度|年)?$", text)
                or _good_name(_strip_name(re.sub(r"^20\d\d\s*(?:年度|年)", "", text)), head_required=True))


def _title_kind(tail: str) -> str | None:
    """The kind a title implies: 决算, 预算 (绩效目标表 go with the budget), "" for a self-evaluation (no kind)."""
    if re.search(r"自评|评价", tail):
        return ""
    if "决算" in tail:
        return "决算"
    if "预算" in tail or "绩效目标" in tail:
        return "预算"
    return None


def _from_titles(rows: list[Row], found: dict[str, list[_Candidate]]) -> None:
    for text, raw, line in _title_lines(rows):
        for field_name, value, confidence, source in _title_candidates(text, raw):
            found[field_name].append(_Candidate(value, confidence, line, source))


@functools.lru_cache(maxsize=65536)
def _title_candidates(text: str, raw: str) -> tuple[tuple[str, object, float, str], ...]:
    """The (field, value, confidence, source) candidates one title line gives, in order; read once per distinct line."""
    found: list[tuple[str, object, float, str]] = []
    if _NOTICE_HEAD.match(raw) or _NOTICE_HEAD.match(text):
        found.append(("kind", "通知", 0.9, "notice title without issuer"))
    notice = _NOTICE.match(raw) or _NOTICE.match(text)
    if notice:
        name = _first_unit(notice.group("name").strip())
        if _good_name(name):
            found.append(("name", name, 0.9, "notice title"))
        found.append(("kind", "通知", 0.95, "notice title"))
        year = re.search(r"(20\d\d)\s*年", notice.group("rest"))
        if year:
            found.append(("year", int(year.group(1)), 0.85, "notice title"))
        return tuple(found)
    if _SENTENCE.search(re.sub(r"[（(][^)）]*[)）]", "", text)):
        return tuple(found)
    for pattern in (_TITLE, _YEAR_FIRST):
        match = pattern.match(text)
        if not match or not _TAIL_OK.match(match.group("tail")):
            continue
        name = _strip_name(match.group("name"))
        if _good_name(name):
            found.append(("name", name, 0.9 if _UNIT_SUFFIX.search(name) else 0.7, "title"))
        elif name and not _PLACE_ONLY.match(name):
            continue  # a sentence-like prefix: not this title pattern
        found.append(("year", int(match.group("year")), 0.9, "title"))
        found.append(("kind", match.group("kind"), 0.9, "title"))
        break
    else:
        other = _OTHER_TITLE.match(text)
        if other:
            name = _strip_name(other.group("name"))
            if _good_name(name):
                found.append(("name", name, 0.85 if _UNIT_SUFFIX.search(name) else 0.65, "title"))
            found.append(("year", int(other.group("year")), 0.85, "title"))
            kind = _title_kind(other.group("tail"))
            if kind is not None:
                found.append(("kind", kind or None, 0.8, "title"))
            return tuple(found)
        bracketed = _YEAR_IN_TITLE.match(text)
        if bracketed:
            found.append(("year", int(bracketed.group("year")), 0.8, "title"))
            kind = _title_kind(bracketed.group("title"))
            if kind is not None:
                found.append(("kind", kind or None, 0.75, "title"))
    return tuple(found)


_FIELD_MARKS = re.compile(r"[:：\-－\[【［(（]")
_FORM_UNIT_WEIGHTS = {"实施单位": 0.8, "填报单位": 0.8, "单位名称": 0.8, "编制单位": 0.8, "部门名称": 0.8, "预算单位": 0.8,
                      "部门(单位)名称": 0.8, "部门（单位）名称": 0.8, "申报单位": 0.75, "项目单位": 0.75, "预算部门": 0.75,
                      "主管部门": 0.6}


def _from_fields(rows: list[Row], found: dict[str, list[_Candidate]]) -> None:
    for row in rows:
        for field_name, value, weight, source in _row_fields(row.cells, row.is_table):
            found[field_name].append(_Candidate(value, weight, row.line, source))


def _row_fields(cells: list[str], is_table: bool) -> tuple[tuple[str, str, float, str], ...]:
    """The (field, value, weight, source) candidates of one row's form labels and labelled or coded cells, in
    order."""
    text = "\t".join(cells)
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
            name = _strip_name(coded.group("name") if coded else compact(value))
            if weight and _good_name(name):
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
            name = _strip_name(labelled.group("name"))
            if _good_name(name) and labelled.group("label") not in ("来源", "主管部门"):
                fields.append(("name", name, 0.75, "labelled field"))
        return tuple(fields)
    raw = clean_markup(cell)
    text = compact(cell)
    code_match = _CODE_LABEL.search(text)
    if code_match:
        fields.append(("code", code_match.group("code"), 0.9, "code field"))
    coded = _CODE_NAME.match(text)
    if coded and _good_name(_strip_name(coded.group("name")), head_required=True):
        code = coded.group("code") or coded.group("code2")
        name = _strip_name(coded.group("name"))
        fields.append(("name", name, 0.8, "coded cell"))
        fields.append(("code", code, 0.8, f"{code}-{name}"))
        return tuple(fields)
    for labelled in list(_LABELLED.finditer(raw)) or list(_LABELLED.finditer(text)) or []:
        name = _strip_name(labelled.group("name"))
        if not _good_name(name):
            continue
        weight = 0.8 if _UNIT_SUFFIX.search(name) else 0.65
        if labelled.group("label") in ("来源", "主管部门"):
            weight -= 0.2
        fields.append(("name", name, weight, "labelled field"))
        if labelled.group("code"):
            fields.append(("code", labelled.group("code"), 0.8, "labelled field"))
    return tuple(fields)


_KIND_WORD = re.compile(r"(?<![预(（])决算|(?<!一般公共)(?<!政府性基金)(?<!国有资本经营)(?<![(（])预算(?![(（]?决|编码|代码|单位|法|管理|执行|绩效)")


def _from_body(rows: list[Row], found: dict[str, list[_Candidate]]) -> None:
    years: Counter = Counter()
    kinds: Counter = Counter()
    first_line: dict[int, int] = {}
    for row in rows:
        if row.is_table:
            continue
        names, row_years, row_kinds = _body_reading(" ".join(row.cells))
        for name in names:
            found["name"].append(_Candidate(name, 0.6, row.line, "body sentence"))
        for year in row_years:
            years[year] += 1
            first_line.setdefault(year, row.line)
        for kind in row_kinds:
            kinds[kind] += 1
    if years:
        year, _ = max(years.items(), key=lambda item: (item[1], -first_line[item[0]]))
        found["year"].append(_Candidate(year, 0.6, first_line[year], "body phrase"))
    for row, after in zip(rows, rows[1:]):  # a signature: the issuing unit's name, then the date, on lines of their own
        if not row.is_table and len(row.cells) == 1 and not after.is_table and _DATE_LINE.match(after.cells[0].strip()):
            name = _strip_name(compact(_first_unit(row.cells[0].strip())))  # a joint signature: the lead issuer
            if _good_name(name, head_required=True):
                found["name"].append(_Candidate(name, 0.7, row.line, "signature"))
    _split_signature(rows, found)
    head = compact(" ".join(" ".join(row.cells) for row in rows[:80]))
    form = _FORM_YEAR.search(head)
    if form:
        found["year"].append(_Candidate(int(form.group("year")), 0.7, None, "form title"))
        kind = _title_kind(form.group("form"))
        found["kind"].append(_Candidate(kind or None, 0.7, None, "form title"))
    notice = _NOTICE_BODY.search(head)
    if notice:
        found["kind"].append(_Candidate("通知", 0.7, None, "notice wording"))
        if notice.group("year"):
            found["year"].append(_Candidate(int(notice.group("year")), 0.65, None, "notice wording"))
    if kinds:
        kind = "决算" if kinds["决算"] >= 2 or kinds["决算"] > kinds["预算"] else "预算"
        found["kind"].append(_Candidate(kind, 0.55, None, "body words"))


_PLACE_START = re.compile(r"^(?:中共)?[\u4e00-\u9fff]{1,6}?(?:省|自治区|市|自治州|州|地区|盟|县|自治县|区|旗)")


def _split_signature(rows: list[Row], found: dict[str, list[_Candidate]]) -> None:
    """A signature wrapped over two lines ("泽库县乡村振兴领导小组" / "办公室(代)"), then a date or the end.

    The second line is short and closes with a unit head (办公室, 委员会 …); the first holds no head of its own
    at its end, or the two together make the longer name a unit prints (…领导小组 + 办公室).
    """
    text_rows = [row for row in rows if not row.is_table and len(row.cells) == 1]
    for index in range(max(0, len(text_rows) - 8), len(text_rows) - 1):
        first, second = text_rows[index], text_rows[index + 1]
        tail = _strip_name(compact(second.cells[0]))
        following = text_rows[index + 2].cells[0].strip() if index + 2 < len(text_rows) else ""
        if len(tail) > 8 or not _UNIT_SUFFIX.search(tail) or _PLACE_START.match(tail) \
                or not (not following or _DATE_LINE.match(following)):
            continue  # a second line naming its own place is a unit of its own, not the end of the first
        name = _strip_name(compact(first.cells[0]) + tail)
        if _good_name(name, head_required=True) and _PLACE_START.match(name):
            found["name"].append(_Candidate(name, 0.7, first.line, "signature over two lines"))


@functools.lru_cache(maxsize=65536)
def _body_reading(joined: str) -> tuple[tuple[str, ...], tuple[int, ...], tuple[str, ...]]:
    """(unit names its body frames give, budget years it names, kind words it prints) of one text row (its cells
    joined by spaces), in order; read once per distinct row."""
    text = _QUOTED.sub("", compact(joined))  # names inside 《titles》 are other bodies
    names: list[str] = []
    for frame, hint in zip(_BODY_FRAMES, _FRAME_HINTS):
        if not hint.search(text):  # the frame's verb is not there: the slower frame cannot match
            continue
        for match in frame.finditer(text):
            name = _strip_name(match.group("name"))
            if _good_name(name, head_required=True):
                names.append(name)
    years = tuple(int(match.group("year") or match.group("year2"))
                  for match in (_YEAR_KIND.finditer(text) if "20" in text else ()))
    kinds = tuple(match.group(0) for match in (_KIND_WORD.finditer(text) if "算" in text else ()))
    return tuple(names), years, kinds


def _best(candidates: list[_Candidate]) -> _Candidate | None:
    """The most trusted candidate; among equals the value named most often, then the first."""
    if not candidates:
        return None
    votes = Counter(candidate.value for candidate in candidates)
    return max(candidates, key=lambda c: (round(c.confidence, 2), votes[c.value], -(c.line or 0)))


def read_unit(rows: list[Row], sections: list[Section], file_name: str | None = None) -> tuple[UnitInfo, list[str]]:
    """Read the unit's identity from titles, fields, body sentences, table titles and the file name.

    Args:
        rows: the document's rows; sections: its sections (for the table-title fallback, year and kind);
        file_name: the file's name, the last resort.

    Returns:
        (UnitInfo with ``line`` where the name was read and per-field ``confidence``/``lines``/``sources``,
        notes explaining the sources).
    """
    found: dict[str, list[_Candidate]] = {"name": [], "year": [], "kind": [], "code": []}
    _from_titles(rows, found)
    _from_fields(rows[:600], found)
    _from_body(rows, found)
    if sections:
        prefix = _TABLE_WORDS.split(sections[0].title)[0]
        prefix = _strip_name(prefix)
        if _good_name(prefix, head_required=True):
            found["name"].append(_Candidate(prefix, 0.5, sections[0].line, "first table title"))
        years = Counter(int(y) for section in sections for y in re.findall(r"(20\d\d)\s*年", section.title))
        if years:
            found["year"].append(_Candidate(years.most_common(1)[0][0], 0.5, None, "table titles"))
        titles_text = " ".join(section.title for section in sections)
        found["kind"].append(_Candidate("决算" if "决算" in titles_text else "预算", 0.5, None, "table titles"))
    if not found["name"]:  # no title, field or frame names it: the signer, else the name mentioned most often
        texts = [" ".join(row.cells) for row in rows[:300]]
        signer = signed_name(texts[-40:])
        mentioned = most_mentioned(texts)
        if signer:
            found["name"].append(_Candidate(signer, 0.45, None, "names before a date"))
        elif mentioned:
            found["name"].append(_Candidate(mentioned[0], 0.4, None, f"most mentioned name ({mentioned[1]} times)"))
    if not found["year"]:
        years = Counter(int(y) for row in rows[:200] for cell in row.cells
                        for y in re.findall(r"(20\d\d)\s*年(?:预算|基本支出|预算数)", cell))
        if years:
            found["year"].append(_Candidate(years.most_common(1)[0][0], 0.4, None, "table cells"))
    if not found["year"]:  # the year the head of the document names most often (dates 2021年3月5日 left out)
        years = Counter(int(y) for row in rows[:80] for cell in row.cells
                        for y in re.findall(r"(20\d\d)\s*年(?!\s*\d{1,2}\s*月)", cell))
        if years:
            found["year"].append(_Candidate(years.most_common(1)[0][0], 0.3, None, "most frequent year"))
    if file_name:
        stem = Path(file_name).stem
        match = _TITLE.match(stem) or _YEAR_FIRST.match(stem)
        if match:
            if _good_name(_strip_name(match.group("name"))):
                found["name"].append(_Candidate(_strip_name(match.group("name")), 0.3, None, "file name"))
            found["year"].append(_Candidate(int(match.group("year")), 0.3, None, "file name"))
            found["kind"].append(_Candidate(match.group("kind"), 0.3, None, "file name"))
    chosen = {field: _best(candidates) for field, candidates in found.items()}
    name = chosen["name"]
    code = chosen["code"]
    if code is not None and name is not None and code.source not in ("code field", "labelled field"):
        same = [c for c in found["code"] if c.source.endswith(name.value)]
        code = same[0] if same else code
    notes = [f"unit.{field} {c.value} from the {c.source} (line {c.line}, confidence {c.confidence:.2f})"
             for field, c in chosen.items() if c is not None]
    region, province = region_of(name.value if name else None)
    unit = UnitInfo(name=name.value if name else None, code=code.value if code else None, region=region,
                    province=province, year=chosen["year"].value if chosen["year"] else None,
                    kind=chosen["kind"].value if chosen["kind"] else None, line=name.line if name else None,
                    confidence={field: c.confidence for field, c in chosen.items() if c is not None},
                    lines={field: c.line for field, c in chosen.items() if c is not None and c.line},
                    sources={field: c.source for field, c in chosen.items() if c is not None})
    return unit, notes
