"""What a question names: 文号, 文件 titles, issuers, units, years, subjects, projects, indicators and their
types, programs, budget figures — read by entity linking against the graph's gazetteer.

The question is normalised once (``normalize_text``: traditional -> simplified, full-width -> half-width) and
made a match key. Then, in this order:
1. 文号 in every spelling (any bracket or none, 年 between year and number, spaces, a trailing 文): a year
   followed by a number and 号, its issuer read as the longest known issuer code ending right before it;
2. every other name by the gazetteer's Aho-Corasick automaton (``kb.query.gazetteer``), longest first, then
   by its pinyin automaton (homophone typos: 棋江区 -> 綦江区), then project names by edit distance (rapidfuzz
   ``partial_ratio`` ≥ 88) and 文件 titles typed in part (rapidfuzz ≥ 90);
3. a topic word (关于X的, 涉及X的 …), homophones corrected against project names (退补渔民 -> 退捕渔民);
4. the budget figure, classification scheme and citation role asked about (small domain lexicons).
Each name found is replaced in ``masked`` by a one-character marker, so the intent is read from the
question's shape ("Ⓓ支持了哪些项目？"), not from the names in it.
"""

from __future__ import annotations

import re

from kb.core.doc_no import find_doc_nos
from kb.core.normalize import match_key, normalize_text
from kb.query.absent import fold_unit_bodies, read_unit_lookalikes, read_unknown_names
from kb.query.gazetteer import Gazetteer, Match, select
from kb.query.loose_names import (read_amount_bounds, read_indicator_word_alone, read_indicator_words,
                                  read_projects_fuzzily, read_projects_over_names, read_titles_fuzzily)
from kb.query.mention_model import (BUDGET_FIELDS, MARKER_CHARS, MARKERS, QUESTION_WORDS, SCHEMES, Masker,  # noqa: F401
                                    Mentions, add_value, content_words, content_words_of)
from kb.query.vocabulary import Vocabulary

_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)\s*年?(?:度)?")
_TOPIC = (re.compile(r"(?:关于|涉及|有关(?!于)|提到|针对)(?P<x>[^，,。？?的]{2,12})的"),
          re.compile(r"(?:和|与|跟)(?P<x>[^，,。？?的]{2,12})(?:有关|相关)"),
          re.compile(r"(?P<x>[^，,。？?的有哪]{2,12})(?:相关|有关)的项目"))
_GENERIC = {"指标", "绩效", "项目", "哪些", "文件", "单位", "有哪", "多少", "绩效指标", "目标", "资金", "补助", "支出"}


_TOP = re.compile(r"前(\d{1,2}|[一二两三四五六七八九十])(?:个|名|位|项)?"
                  r"|最(?:大|小|多|少|高|低|贵)的(\d{1,2}|[两三四五六七八九十])(?:个|名|位|项)"
                  r"|(\d{1,2}|[两三四五六七八九十])(?:个|名|位|项)最(?:大|小|多|少|高|低|贵)")
_CHINESE_NUMBERS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
# A 文号 in a question key: a year, then (bracket, 年 or nothing) a number and 号 (a trailing 文 dropped).
_DOC_NO_TAIL = re.compile(r"[〔【\[(（]?(?P<year>(?:19|20)\d\d)[〕】\])）]?年?第?(?P<number>\d{1,5})号(?:文(?!件))?")
_TITLE_CUES = re.compile(r"《|》|通知|意见|办法|条例|规定|规范|决定|批复|文件|方案|细则")


_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CHINESE_YEAR = re.compile(r"[〇零一二三四五六七八九]{4}(?=年)")
_CHINESE_NUMBER = re.compile(r"(?<=[年〕\]）)】第])[〇零一二三四五六七八九十百]{1,6}(?=号)")


def arabic_numerals(text: str) -> str:
    """Years and 文号 numbers written in Chinese numerals as digits (二〇一九年 -> 2019年, 〔2019〕六十六号 -> 66号).

    Example:
        >>> arabic_numerals("渝委办发二〇一九年六十六号")
        '渝委办发2019年66号'
    """
    text = _CHINESE_YEAR.sub(lambda m: "".join(str(_DIGITS[c]) for c in m.group()), text)
    return _CHINESE_NUMBER.sub(lambda m: str(_chinese_number(m.group())), text)


def _chinese_number(word: str) -> int:
    """一百二十 -> 120, 六十六 -> 66, 十三 -> 13, 二一九 -> 219 (digit by digit when no 十/百)."""
    if "十" not in word and "百" not in word:
        return int("".join(str(_DIGITS[c]) for c in word))
    total, digit = 0, 0
    for char in word:
        if char == "百":
            total += (digit or 1) * 100
            digit = 0
        elif char == "十":
            total += (digit or 1) * 10
            digit = 0
        else:
            digit = _DIGITS[char]
    return total + digit


def gazetteer_of(vocab: Vocabulary) -> Gazetteer:
    """The vocabulary's gazetteer (built and cached on it when the vocabulary was read without one)."""
    gazetteer = vocab.cache.get("gazetteer")
    if gazetteer is None:
        gazetteer = vocab.cache["gazetteer"] = Gazetteer.build(vocab)
    return gazetteer


def read_mentions(question: str, vocab: Vocabulary) -> Mentions:
    """Read every name ``question`` holds, against the graph's ``vocab`` (see the module docstring).

    Args:
        question: the question as typed (traditional characters, full-width digits, any 文号 spelling, typos).
        vocab: the store's vocabulary (its gazetteer in ``vocab.cache["gazetteer"]``).

    Returns:
        ``Mentions`` with canonical values (full unit names, canonical 文号, stored project names).

    Example:
        >>> m = read_mentions("渝委辦發【2019】66號支持了哪些項目？", vocab)  # doctest: +SKIP
        >>> m.doc_nos, m.masked
        (['渝委办发〔2019〕66号'], 'Ⓓ支持了哪些项目?')
    """
    text = arabic_numerals(normalize_text(question.replace("\n", " ")))
    key = match_key(text)
    mentions = Mentions(text=text, key=key)
    masker = Masker(key)
    gazetteer = gazetteer_of(vocab)
    _read_doc_nos(mentions, masker, vocab)
    found = [m for m in gazetteer.exact(key) if masker.free(m.start, m.end) and _digits_stand_alone(m, key)]
    free = masker.free_text(key)
    homophones = [m for m in gazetteer.homophones(free) if masker.free(m.start, m.end)]
    chosen = select(found + homophones)
    if any(m.kind in ("project", "program", "indicator", "title") for m in chosen):
        chosen = [m for m in chosen if m.kind != "program_keyword"]
    mentions.alternatives = _alternatives(chosen, found + homophones)
    for match in chosen:
        if match.kind != "program_keyword":
            _apply(mentions, masker, match, vocab)
    read_unit_lookalikes(mentions, masker, vocab, gazetteer.places)
    fold_unit_bodies(mentions, masker, vocab)
    for match in _YEAR.finditer(key):
        if masker.free(match.start(), match.end()):
            mentions.years.append(int(match.group(1)))
            masker.take(match.start(), match.end(), MARKERS["year"])
    read_amount_bounds(mentions, masker)
    top = _TOP.search(key)
    if top:
        word = next(group for group in top.groups() if group)
        mentions.top = int(word) if word.isdigit() else _CHINESE_NUMBERS[word]
    if not mentions.projects and not mentions.programs:
        read_projects_fuzzily(mentions, masker, vocab)
    read_projects_over_names(mentions, masker, vocab)
    if not mentions.doc_nos and _TITLE_CUES.search(key):
        read_titles_fuzzily(mentions, masker, vocab)
        _drop_years_inside_titles(mentions, masker)
    _read_topic(mentions, masker, gazetteer)
    if not (mentions.projects or mentions.programs or mentions.indicators or mentions.keywords):
        for match in chosen:  # a program by its group word (民师, 军转干部) only when nothing more specific was read
            if match.kind == "program_keyword" and masker.free(match.start, match.end):
                _apply(mentions, masker, match, vocab)
    _program_to_project(mentions, masker, vocab)
    read_indicator_words(mentions, masker, vocab)
    if not (mentions.kinds() - {"year", "field"}):
        read_indicator_word_alone(mentions, masker, vocab)
    if not (mentions.kinds() & _SPECIFIC_KINDS):
        _read_project_word(mentions, masker, gazetteer)
    read_unknown_names(mentions, masker, vocab, gazetteer)
    mentions.masked = masker.text()
    if _EXISTENCE.search(key) and not (mentions.kinds() & _SPECIFIC_KINDS):
        topic = Mentions(**{**mentions.__dict__, "keywords": [], "fuzzy": list(mentions.fuzzy)})
        topic_masker = Masker(key)
        topic_masker.chars, topic_masker.taken = list(masker.chars), list(masker.taken)
        _read_remaining_topic(topic, topic_masker, gazetteer)
        if topic.keywords:
            topic.masked = topic_masker.text()
            mentions.topic_reading = topic
    named, position = [], 0
    while position < len(key):  # left to right, the longest word at each place (基本支出合计 is not 支出合计)
        words, name = max(((w, n) for w, n in BUDGET_FIELDS if key.startswith(w, position)),
                          key=lambda item: len(item[0]), default=("", None))
        if name:
            named.append(name)
        position += len(words) or 1
    fields = list(dict.fromkeys(named))
    mentions.budget_field = fields[0] if len(fields) == 1 or (fields and "总体" not in key and len(fields) < 3) \
        else None  # 收入、支出、基本支出、项目支出: several figures asked, all are shown
    mentions.scheme = next((name for words, name in SCHEMES if words in key), None)
    if "立项依据" in key or "作为依据" in key:
        mentions.role = "basis"
    mentions.masked = masker.text()
    return mentions


_SPECIFIC_KINDS = {"doc_no", "project", "program", "indicator", "indicator_type", "issuer_code", "subject", "keyword"}
_EXISTENCE = re.compile(r"有没有|有无|是否有|是否|有关|相关|关于|涉及|针对|方面")
def _drop_years_inside_titles(mentions: Mentions, masker: Masker) -> None:
    """A year typed as part of a 文件 title read loosely (关于公布2012年部分企业军转干部…的通知) is the title's, not
    a filter on the answer."""
    titles = [item["known"] for item in mentions.fuzzy if item["kind"] == "title"]
    for year in list(mentions.years):
        if any(str(year) in title for title in titles):
            mentions.years.remove(year)
            masker.chars = ["" if char == MARKERS["year"] else char for char in masker.chars]


_GENERIC_TAIL = re.compile(r"(?:补助资金|专项资金|补助|补贴|资金|经费|项目|专项|费用)$")
_PROJECT_CUES = re.compile(r"指标|考核|绩效|依据|文件|文号|政策")


def _program_to_project(mentions: Mentions, masker: Masker, vocab: Vocabulary) -> None:
    """A program or a word named with a unit in a project's question (荣昌区军转干部补助的绩效指标, 荣昌区退捕渔民补贴的
    政策依据): that unit's one project whose name holds one of the program's group words (or its name), or the
    word, becomes the project asked about."""
    if not (mentions.units and not mentions.projects and len(mentions.programs) <= 1
            and _PROJECT_CUES.search(mentions.key)):
        return
    own = [p for p in vocab.projects if p.unit in mentions.units]
    if mentions.programs:
        program = mentions.programs[0]
        words = [match_key(program)] + [word for word, names in vocab.program_keywords.items() if program in names]
        marker = MARKERS["program"]
        found = [p for p in own if any(w in match_key(p.name) for w in words)]
    else:  # the longest content word, or it without a generic tail (退捕渔民补贴 -> 退捕渔民), in one project
        marker, found, words = "", [], []
        content = sorted((w for w in content_words_of(masker.text()) if len(w) >= 2 and not _PROJECT_CUES.search(w)),
                         key=len, reverse=True)[:1]
        for word in content + [re.sub(_GENERIC_TAIL, "", w) for w in content]:
            found = [p for p in own if len(word) >= 2 and word in match_key(p.name)]
            if found:
                words = [word]
                break
    if not words or len({(p.name, p.unit) for p in found}) != 1:
        return
    mentions.projects = [(found[0].name, found[0].unit, 95.0)]
    mentions.programs = []
    if marker:
        masker.chars = [MARKERS["project"] if char == marker else char for char in masker.chars]
    else:
        start = masker.free_text(mentions.key).find(words[0])
        if start < 0:
            return
        masker.take(start, start + len(words[0]), MARKERS["project"])
    if not marker and found[0].name != words[0]:
        mentions.fuzzy.append({"kind": "project", "typed": words[0], "known": found[0].name, "how": "edit"})


def _alternatives(chosen: list[Match], found: list[Match]) -> list[Match]:
    """Other readings of a chosen span (a project name that is also a program's, 信息化建设 as a subject and as a
    program's group word): the frame tries each and keeps the one the classifier reads best."""
    spans = {(m.start, m.end): m.kind for m in chosen}
    kinds = {"project", "program", "program_keyword", "subject", "indicator"}
    return [m for m in found if (m.start, m.end) in spans and m.kind != spans[(m.start, m.end)]
            and m.kind in kinds and spans[(m.start, m.end)] in kinds]


def _read_remaining_topic(mentions: Mentions, masker: Masker, gazetteer: Gazetteer) -> None:
    """The longest content word left (≥ 2 characters, not a budget figure) as the topic word of a question
    asking whether something exists (荣昌有没有乡村医生补助 -> 乡村医生补助)."""
    words = [w for w in content_words_of(masker.text()) if not any(f in w for f, _ in BUDGET_FIELDS)]
    if not words:
        return
    word = max(words, key=len)
    start = masker.free_text(mentions.key).find(word)
    if start < 0:
        return
    _add_topic(mentions, masker, gazetteer, word, start)


def _read_project_word(mentions: Mentions, masker: Masker, gazetteer: Gazetteer) -> None:
    """A word of ≥ 3 characters that project names hold, typed without 关于/涉及 (乡村医生补助有哪些单位 ->
    乡村医生, without its generic tail): the topic word of a question naming nothing more specific."""
    words = [w for w in content_words_of(masker.text()) if not any(f in w for f, _ in BUDGET_FIELDS)]
    for word in sorted(words, key=len, reverse=True):
        for candidate in (_GENERIC_TAIL.sub("", word),):  # 医疗补助 -> 医疗: too general to be a topic
            if len(candidate) >= 3 and any(candidate in text for text in gazetteer.project_texts):
                start = masker.free_text(mentions.key).find(candidate)
                if start >= 0:
                    _add_topic(mentions, masker, gazetteer, candidate, start)
                    return


def _add_topic(mentions: Mentions, masker: Masker, gazetteer: Gazetteer, word: str, start: int) -> None:
    """Record ``word`` (at ``start`` of the key) as the topic word and mask it; a word no project text holds is
    corrected to its homophone inside a project name (退补渔民 -> 退捕渔民) and said to be read so."""
    typed = word
    if not any(word in text for text in gazetteer.project_texts):
        known = gazetteer.homophone_in_projects(word)
        if known:
            mentions.fuzzy.append({"kind": "keyword", "typed": word, "known": known, "how": "pinyin"})
            word = known
    mentions.keywords.append(word)
    masker.take(start, start + len(typed), MARKERS["keyword"])


def _digits_stand_alone(match: Match, key: str) -> bool:
    """A code made of digits (a subject code) counts only when no digit touches it (not 202 inside 2026)."""
    if not match.surface.isdigit():
        return True
    before = key[match.start - 1] if match.start else ""
    after = key[match.end] if match.end < len(key) else ""
    return not before.isdigit() and not after.isdigit()


def _apply(mentions: Mentions, masker: Masker, match: Match, vocab: Vocabulary) -> None:
    """Record one gazetteer match in ``mentions`` and mask its span."""
    kind, value = match.kind, match.value
    if match.fuzzy:
        mentions.fuzzy.append({"kind": kind, "typed": match.surface, "known": match.known, "how": match.fuzzy})
    marker = {"doc_no": "doc_no", "title": "doc_no", "issuer": "issuer_code", "program_keyword": "program"}.get(kind, kind)
    mentions.surfaces.append((kind, mentions.key[match.start:match.end]))
    if masker.free(match.start, match.end):
        masker.take(match.start, match.end, MARKERS[marker])
    elif masker.chars[match.start] != MARKERS[marker]:
        return  # the span was taken by a name of another kind
    if kind in ("doc_no", "title"):
        add_value(mentions.doc_nos, value)
    elif kind == "unit":
        full_names = vocab.cache.get("unit keys")
        if full_names is None:
            full_names = vocab.cache["unit keys"] = {match_key(name) for name in vocab.units}
        if match.surface != match_key(value) and match.surface in full_names:
            return  # a full unit name means that unit only
        add_value(mentions.units, value)
    elif kind == "issuer":
        add_value(mentions.issuer_codes, value)
    elif kind == "project":
        runs = [p for p in vocab.projects if p.name == value]
        for project in runs:
            entry = (project.name, project.unit, 100.0 if not match.fuzzy else 90.0)
            if entry not in mentions.projects:
                mentions.projects.append(entry)
        for alias, names in vocab.unit_aliases.items():  # 荣昌区民师…: a unit inside a project name
            if alias in match.surface and len(alias) >= 2:
                for name in names:
                    if any(p.unit == name for p in runs):
                        add_value(mentions.units, name)
    elif kind in ("program", "program_keyword"):
        add_value(mentions.programs, value)
    elif kind == "subject":
        mentions.subjects.extend(e for e in vocab.subjects.get(value, []) if e not in mentions.subjects)
    elif kind == "indicator":
        add_value(mentions.indicators, value)
    elif kind == "indicator_type":
        add_value(mentions.indicator_types, value)


def _issuer_codes(vocab: Vocabulary) -> list[str]:
    codes = vocab.cache.get("issuer codes")
    if codes is None:
        found = set(vocab.issuers)
        for doc_no in vocab.doc_nos:
            head = doc_no.split("〔", 1)[0]
            if head != doc_no:
                found.add(head)
        codes = vocab.cache["issuer codes"] = sorted(found, key=len, reverse=True)
    return codes


def _read_doc_nos(mentions: Mentions, masker: Masker, vocab: Vocabulary) -> None:
    """文号 in any spelling: the issuer is the longest known issuer code ending right before the year (or,
    for an issuer the graph does not know, the prefix ``find_doc_nos`` reads); unknown ones are kept apart."""
    key = mentions.key
    codes = _issuer_codes(vocab)
    for found in _DOC_NO_TAIL.finditer(key):
        before = key[max(0, found.start() - 14):found.start()]
        issuer = next((code for code in codes if before.endswith(code)), None)
        if issuer is None:
            read = find_doc_nos(f"{before}〔{found.group('year')}〕{found.group('number')}号")
            if not read:
                continue
            issuer = read[-1].issuer_code
        start = found.start() - len(issuer)
        doc_no = f"{issuer}〔{found.group('year')}〕{int(found.group('number'))}号"
        if not masker.free(start, found.end()):
            continue
        masker.take(start, found.end(), MARKERS["doc_no"])
        add_value(mentions.doc_nos if doc_no in vocab.doc_nos else mentions.unknown_doc_nos, doc_no)


def _read_topic(mentions: Mentions, masker: Masker, gazetteer: Gazetteer) -> None:
    for pattern in _TOPIC:
        match = pattern.search(mentions.key)
        if (match and match.group("x") not in _GENERIC and not any(c in MARKER_CHARS for c in match.group("x"))
                and not re.search(r"哪|什么|多少|单位|项目", match.group("x"))):
            start, end = match.start("x"), match.end("x")
            if masker.free(start, end):
                _add_topic(mentions, masker, gazetteer, match.group("x"), start)
                return


__all__ = ["BUDGET_FIELDS", "MARKERS", "Mentions", "content_words", "read_mentions"]
