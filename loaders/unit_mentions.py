"""Unit names mentioned anywhere in a disclosure's text, counted: the fallback when no title, labelled field
or body frame names the unit.

A mention is a span that starts a run of Han characters with a place name (``kb.core.places.PLACE_AT_START``:
辛集市, 临沧市临翔区 …) and ends in an organisation suffix from a broad structural vocabulary (局, 委员会,
中心, 卫生院, 中学, 档案馆, 管理处, 街道办事处 …). Sentences are cut at verbs and function words (负责, 是,
的 …) so "梧州市档案馆为全额预算管理单位" yields 梧州市档案馆. Names inside 《titles》 are other bodies and are
skipped; two names glued together (温州市财政局温州市农业农村局, a joint signature) are two mentions. The
name mentioned most often wins; a name that only ever appears inside a longer one (禄丰市黑井中心 inside
禄丰市黑井中心卫生院) gives way to it.
"""

from __future__ import annotations

import functools
import re
from collections import Counter

from kb.core.places import PLACE_AT_START, known_place_at

# Organisation suffixes, longest first (structural vocabulary of Chinese public bodies, not a list of units).
ORGANISATION_SUFFIXES = ("街道办事处", "人民政府", "办事处", "委员会", "幼儿园", "卫生院", "中学校", "医院", "学校", "中学",
                         "小学", "学院", "大学", "党校", "法院", "检察院", "联合会", "研究院", "研究所", "管理处", "管理局",
                         "管理所", "管理站", "中心", "办公室", "大队", "支队", "局", "委", "院", "所", "站", "馆", "社", "厅")
_RUN = re.compile(r"[\u4e00-\u9fff]+")
_QUOTED = re.compile(r"《[^《》]*(?:《[^《》]*》[^《》]*)*》")  # names inside 《titles》 are other bodies
# Where a name cannot go on: verbs and function words that begin the rest of a sentence.
_STOP = re.compile(r"负责|承担|贯彻|根据|按照|关于|主要|实行|实施|属于|成立|下设|内设|现有|共有|设有|的|是|为|在|对|从|由|于|将|"
                   r"部门|单位|年度|预算|决算|概况|情况|公开|说明|职能|职责")
# Words that may precede a name in the same run: dates, part headings, ordinals.
_LEAD = re.compile(r"^(?:年度|年|月|日|号|第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、)+")
_MAX_LENGTH = 24
# the characters a place name can end with (``kb.core.places.PLACE_AT_START``): a line holding none names no place
_HAN_PLACE_SUFFIX = re.compile(r"[\u4e00-\u9fff]{2}(?:经济技术开发区|经开区|自治县|新区|省|市|区|县)")
# A place name has no conjunctions: 民政和社区事务办公室 is an office, not a place 民政和社区.
_NOT_A_PLACE = re.compile(r"[和与及或]")


def _place_at(run: str, start: int) -> re.Match | None:
    """The place a name starts with at ``run[start:]``; when that place is no administrative division but one
    begins inside it ("度评分银川市", OCR debris before 银川市; "金拨付表宁波市"), the name starts there instead."""
    place = PLACE_AT_START.match(run, start)
    if place is None or known_place_at(run, start) > start:
        return place
    if run.startswith("中共", start) and known_place_at(run, start + 2) > start + 2:  # 中共宣城市宣州区直属机关工作委员会
        return place
    inner = next((offset for offset in range(start + 1, place.end() - 1) if known_place_at(run, offset) > offset), None)
    return PLACE_AT_START.match(run, inner) if inner is not None else place


def mentions(texts: list[str]) -> Counter:
    """Count the place-prefixed organisation names mentioned in ``texts``.

    Args:
        texts: the document's lines (any text; whitespace, digits and punctuation split runs).

    Returns:
        Counter {name: mentions}; names only ever seen inside a longer counted name are dropped.
    """
    counts: Counter = Counter()
    for text in texts:
        counts.update(_text_mentions(text))
    for name in list(counts):
        if any(other != name and other.startswith(name) and counts[other] >= counts[name] for other in counts):
            del counts[name]
    return counts


@functools.lru_cache(maxsize=65536)
def _text_mentions(text: str) -> tuple[str, ...]:
    """The names one line mentions, in order (a name as often as it is mentioned); read once per distinct line."""
    if not _HAN_PLACE_SUFFIX.search(text):  # no place suffix at all: no place-prefixed name
        return ()
    found: list[str] = []
    for run in _RUN.findall(_QUOTED.sub(" ", text)):
        run = _LEAD.sub("", run)
        stop = _STOP.search(run, 2)
        run = run[: stop.start()] if stop else run
        start = 0
        while place := _place_at(run, start):
            if _NOT_A_PLACE.search(place.group()):
                break
            start = len(run)
            for end in range(place.end() + 2, min(len(run), place.start() + _MAX_LENGTH) + 1):
                if run[place.start():end].endswith(ORGANISATION_SUFFIXES):
                    found.append(run[place.start():end])
                    if PLACE_AT_START.match(run, end):  # two names glued: 温州市财政局温州市农业农村局
                        start = end
                        break
    return tuple(found)


def most_mentioned(texts: list[str], minimum: int = 2) -> tuple[str, int] | None:
    """The most often mentioned unit name and its count (first seen wins among equals).

    Args:
        texts: the document's lines; minimum: mentions needed when several names are mentioned (one mention
            of one name among others is too weak); the only name a text mentions is taken.

    Returns:
        (name, mentions), or None when several names are mentioned and none ``minimum`` times.
    """
    counts = mentions(texts)
    if not counts:
        return None
    name, count = counts.most_common(1)[0]
    return (name, count) if count >= minimum or len(counts) == 1 else None


_SIGNED = re.compile(r"(?P<names>[\u4e00-\u9fff][\u4e00-\u9fff、 ]{3,80})\s*20\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")


def signed_name(texts: list[str]) -> str | None:
    """The (lead) signer: the first name of the last run of names printed right before a date.

    A notice ends "…温州市财政局温州市农业农村局2023年4月14日" or "…资金拨付表宁波市鄞州区农业农村局宁波市鄞州区财政局
    2024年11月21日" or "福建省财政厅、福建省住建厅2020年4月7日": the names glued to the date (the longest tail of the
    run that is names only, apart or glued) sign it, the first is the lead issuer. Returns None when no
    place-prefixed name stands right before a date.
    """
    signer = None
    for text in texts:
        for match in _SIGNED.finditer(_QUOTED.sub(" ", text)):
            run = re.sub(r"[、 ]", "", _LEAD.sub("", match.group("names")))
            for start in range(len(run) - 3):
                if start and not _place_at(run, start):
                    continue
                tail = run[start:]
                names = mentions([tail])
                first = next((name for name in names if tail.startswith(name)), None)
                if first and sum(len(name) * count for name, count in names.items()) == len(tail):  # names only
                    signer = first
                    break
    return signer
