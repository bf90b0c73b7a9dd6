"""Policy references (文号) in running text: find them, canonicalise them, attach their 《titles》.

Canonical form (EXTRACTION_SCHEMA.md): issuer prefix exactly as printed minus whitespace, the year in
〔〕 whatever bracket was printed (【】 [] ［］ () （） 〔〕), the number's digits, then 号. A trailing 文 is
dropped (``13号文`` -> ``13号``) but 文件 is not a trailing 文. A prefix is never "repaired"
(渝教文 and 渝教人 stay distinct). A reference with no year (``17号文``) is not a 文号.

Text must already be normalised (``kb.core.normalize.normalize_text``): full-width digits are
half-width by then. This module is used by the loaders, by linking and by the question router, so a
文号 typed in a question is read exactly as one printed in a document.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

_OPEN = "〔【[［(（﹝"
_CLOSE = "〕】]］)）﹞"
# Words that often stand right before a 文号 and are never part of an issuer code.
_LEAD_WORDS = ("根据", "按照", "依据", "依照", "参照", "遵照", "执行", "落实", "贯彻", "关于", "以及", "印发",
               "转发", "文件", "和", "及", "与", "或", "并", "见", "按", "据", "是", "由", "经", "的", "等", "对",
               # verbs of a notice that acts on an earlier 文号 (现收回原…, 调整原…下达的) and the labels of a
               # metadata field (文件编号, 发文字号) printed without a separator before the 文号
               "收回原", "调整原", "撤销原", "收回", "调整", "撤销", "下达", "拨付", "安排", "编号", "文号", "字号")
_MAX_PREFIX = 8
# Words that end the sentence's own words wherever they stand in a captured prefix: the multi-character
# lead words and the joining characters no issuer code holds ("哪些项目的立项依据是渝人社发…" -> cut after
# 依据, then 是 is stripped at the start; "2号精神和渝教文…" -> cut after 和).
_INNER_LEAD = re.compile("^.*(?:" + "|".join(sorted([word for word in _LEAD_WORDS if len(word) > 1], key=len, reverse=True)
                                               + list("和及与或的是等并")) + ")")

DOC_NO_PATTERN = re.compile(
    r"(?P<prefix>(?:[渝川]\s|(?<=[(（《“])[\u4e00-\u9fff]\s)?[\u4e00-\u9fff]{1,12}(?:[(（][\u4e00-\u9fff]{1,4}[)）][\u4e00-\u9fff]{0,4})?)"
    rf"\s*[{re.escape(_OPEN)}]\s*(?P<year>(?:19|20)\d\d)\s*[{re.escape(_CLOSE)}]"
    r"\s*第?\s*(?P<number>\d{1,5})\s*号(?P<wen>文(?!件))?"
)
# the year in brackets and the number: every 文号 holds one; texts without it are not searched further
_ANCHOR = re.compile(rf"[{re.escape(_OPEN)}]\s*(?:19|20)\d\d\s*[{re.escape(_CLOSE)}]\s*第?\s*\d{{1,5}}\s*号")
_WINDOW = 48  # characters before an anchor where its issuer prefix may start (the prefix holds at most 26)
# the most characters an issuer prefix of DOC_NO_PATTERN holds: a 渝/川 and its space (2), 12 characters and an
# inner bracket with up to 4 characters on each side (10)
_MAX_PREFIX_CHARS = 24
_CANONICAL = re.compile(r"^(?P<issuer>[\u4e00-\u9fff]{1,12}(?:[(（][\u4e00-\u9fff]{1,4}[)）][\u4e00-\u9fff]{0,4})?)〔(?P<year>\d{4})〕(?P<number>\d+)号$")


@dataclass(frozen=True)
class DocNoMatch:
    """One 文号 found in a text.

    Attributes:
        doc_no: canonical form, e.g. "渝人社发〔2020〕126号".
        issuer_code: the prefix without spaces, e.g. "渝人社发".
        year: e.g. 2020.
        number: e.g. 126.
        raw: the printed string from the issuer prefix through 号 (and a trailing 文), e.g. "渝 人社发【2020】126号".
        start, end: character offsets of ``raw`` in the searched text.
        title: the 《title》 printed right before or around it (without 《》), or None.
    """

    doc_no: str
    issuer_code: str
    year: int
    number: int
    raw: str
    start: int
    end: int
    title: str | None = None


@functools.lru_cache(maxsize=16384)  # the same issuers are cited again and again
def _trim_prefix(prefix: str) -> tuple[str, int]:
    """Strip lead words from the left of a captured prefix; return (prefix, characters dropped).

    Example: "项依据是渝人社发" -> ("渝人社发", 4): everything through the last multi-character lead
    word (依据) goes, then single-character lead words (是) at the start.
    """
    dropped = 0
    inner = _INNER_LEAD.match(prefix)
    if inner and len(prefix) - inner.end() >= 2:
        dropped = inner.end()
        prefix = prefix[dropped:]
    changed = True
    while changed:
        changed = False
        stripped = prefix.lstrip()
        dropped += len(prefix) - len(stripped)
        prefix = stripped
        for word in _LEAD_WORDS:
            if prefix.startswith(word) and len(prefix) - len(word) >= 2:
                prefix = prefix[len(word):]
                dropped += len(word)
                changed = True
                break
    inner = re.search(r"[(（][\u4e00-\u9fff]{1,4}[)）]", prefix)  # 津发改批复(投资): the bracket does not count
    limit = _MAX_PREFIX + (len(inner.group(0)) if inner else 0)
    if len(prefix.replace(" ", "")) > limit:
        keep = prefix[-limit:]
        dropped += len(prefix) - len(keep)
        prefix = keep
    return prefix, dropped


def _title_before(text: str, start: int) -> str | None:
    """The 《title》 ending right before ``start`` (allowing an opening bracket between), or None.

    Nested 〈〉/<> inside the title are kept; a title that itself starts with the 文号 loses it.
    """
    index = start - 1
    while index >= 0 and text[index] in " (（":
        index -= 1
    if index < 0 or text[index] != "》":
        return None
    depth = 0
    for position in range(index, -1, -1):
        if text[position] == "》":
            depth += 1
        elif text[position] == "《":
            depth -= 1
            if depth == 0:
                title = text[position + 1:index].strip()
                inner = DOC_NO_PATTERN.match(title)
                if inner:  # 《綦文委发〔2018〕70号 关于…的通知》: drop the leading 文号
                    title = title[inner.end():].strip()
                return title or None
    return None


def canonical_doc_no(issuer_code: str, year: int | str, number: int | str) -> str:
    """Build the canonical 文号 from its parts.

    Example:
        >>> canonical_doc_no("渝 人社发", 2020, "126")
        '渝人社发〔2020〕126号'
    """
    issuer = "".join(issuer_code.split())
    return f"{issuer}〔{int(year)}〕{int(number)}号"


def find_doc_nos(text: str) -> list[DocNoMatch]:
    """Find every 文号 in a normalised text, in order of appearance.

    Args:
        text: one line or block of normalised text (``normalize_text`` output).

    Returns:
        One ``DocNoMatch`` per printed reference (a 文号 printed twice gives two matches).

    Example:
        >>> [m.doc_no for m in find_doc_nos("根据渝府发（2006）2号精神和渝教文【2013】13号文")]
        ['渝府发〔2006〕2号', '渝教文〔2013〕13号']
        >>> [m.doc_no for m in find_doc_nos("根据津发改批复(投资)〔2022〕19号")]  # an inner bracket is kept
        ['津发改批复(投资)〔2022〕19号']
    """
    found: list[DocNoMatch] = []
    if "号" not in text:
        return found
    for match in _matches(text):
        prefix, dropped = _trim_prefix(match.group("prefix"))
        issuer = prefix.replace(" ", "")
        if len(issuer) < 2:
            continue
        start = match.start("prefix") + dropped
        end = match.end()
        year, number = int(match.group("year")), int(match.group("number"))
        found.append(DocNoMatch(
            doc_no=canonical_doc_no(issuer, year, number), issuer_code=issuer, year=year, number=number,
            raw=text[start:end], start=start, end=end, title=_title_before(text, start),
        ))
    return found


def _matches(text: str) -> list[re.Match]:
    """``DOC_NO_PATTERN.finditer(text)``, searched only around each year-and-number anchor.

    The pattern tries to start at every Chinese character (an issuer prefix of up to 12 of them), which made
    it the slowest regular expression of a parse; each match holds one anchor, so each anchor is searched
    from ``_WINDOW`` characters before it (or the end of the previous match), which gives the same matches.
    A prefix followed by a long run of spaces before its bracket is searched over the whole text.
    """
    matches: list[re.Match] = []
    position = 0
    for anchor in _ANCHOR.finditer(text):
        if anchor.start() < position:
            continue
        start = max(position, anchor.start() - _WINDOW)
        if start > position and text[start:anchor.start()].count(" ") + text[start:anchor.start()].count("\t") > 8:
            start = position
        # A match ending at this anchor starts at most _MAX_PREFIX_CHARS before the spaces preceding its bracket (a
        # prefix holds no space but after 渝/川); when no other anchor lies between ``start`` and this one, no match
        # can end earlier, so the search starts there: the same match, without trying a prefix at every character.
        prefix_end = anchor.start()
        while prefix_end > start and text[prefix_end - 1].isspace():
            prefix_end -= 1
        nearest = prefix_end - _MAX_PREFIX_CHARS
        if nearest > start and _ANCHOR.search(text, start, anchor.start()) is None:
            start = nearest
        match = DOC_NO_PATTERN.search(text, start, anchor.end() + 2)
        if match is None or match.end() > anchor.end() + 1:
            continue
        matches.append(match)
        position = match.end()
    return matches


def attached_titles(text: str) -> set[str]:
    """The 《titles》 ``find_doc_nos(text)`` attaches to a 文号: ``{m.title for m in find_doc_nos(text)} - {None}``.

    Only the places right after a 》 (past spaces and opening brackets) are searched: a 文号 gets a title only
    when it starts there (no match can start earlier and run over a 》), so the whole text is not searched.
    """
    titles: set[str] = set()
    closing = text.find("》")
    while closing >= 0:
        start = closing + 1
        while start < len(text) and text[start] in " (（":
            start += 1
        match = DOC_NO_PATTERN.match(text, start)
        if match is not None:
            prefix, dropped = _trim_prefix(match.group("prefix"))
            if len(prefix.replace(" ", "")) >= 2:
                title = _title_before(text, match.start("prefix") + dropped)
                if title:
                    titles.add(title)
        closing = text.find("》", closing + 1)
    return titles


def canonicalize(text: str) -> str | None:
    """Canonicalise a single 文号 typed or printed in any bracket style; None if ``text`` holds none.

    Idempotent: ``canonicalize(canonicalize(x)) == canonicalize(x)``.

    Example:
        >>> canonicalize("渝人社发[2017]225号文")
        '渝人社发〔2017〕225号'
    """
    matches = find_doc_nos(text)
    return matches[0].doc_no if matches else None


def split_doc_no(doc_no: str) -> tuple[str, int, int] | None:
    """Split a canonical 文号 into (issuer_code, year, number); None if it is not canonical.

    Example:
        >>> split_doc_no("渝委办发〔2019〕66号")
        ('渝委办发', 2019, 66)
    """
    match = _CANONICAL.match(doc_no)
    if not match:
        return None
    return match.group("issuer"), int(match.group("year")), int(match.group("number"))
