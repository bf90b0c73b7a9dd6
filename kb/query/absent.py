"""The guard against answering for what the store does not hold: names that look like a unit, a 文件 or an
issuing body but that no stored name matches.

Entity linking (``kb.query.mentions``) reads the names the store holds first; what is left of the question is
read here for names it does not hold:
- places of China with no stored unit in them (成都, 江北区, 万州, 四川省广安市), from the gazetteer's table of
  administrative divisions (``Gazetteer.foreign_places``);
- a unit name typed with one look-alike character (荥昌区 for 荣昌区, 綦汀区 for 綦江区): when the typed name is
  no real place and differs from exactly one stored unit's name by one character, it is read as that unit
  (and said so); a real place (万州区, one character from nothing stored) stays unknown;
- 文件 titles (《…》, or words ending in 通知/意见/办法/条例 …) that no stored 文件 carries;
- issuing bodies (…厅, …局, …委员会, …办公室) no stored 文件 was issued by.

``absent_answer`` turns any of these into an answer saying the thing is not in the store, naming the closest
known names, with no figure: an answer never gives another unit's or 文件's figures for a name the store
does not hold.

Example:
    >>> absent_answer("成都市社保中心的三公经费", frame, vocab).answer  # doctest: +SKIP
    '知识库里没有单位“成都市”：已入库的单位是 …。最接近的已知名称：…'
"""

from __future__ import annotations

import re
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from kb.core.normalize import match_key
from kb.query.mention_model import BUDGET_FIELDS, MARKERS, Masker, Mentions, add_value, content_words_of

_UNIT_SHAPED = re.compile(r"[\u4e00-\u9fff]{2,3}(?:区|县|市)")
_QUOTED_TITLE = re.compile(r"《([^》]{2,80})》")
_TITLE_WORDS = re.compile(r"关于[^，,。？?！!]{2,60}?的(?:通知|实施意见|意见|决定|办法|批复|规定|函)"
                          r"|[\u4e00-\u9fff]{2,30}?(?:条例|管理办法|暂行办法|实施办法|实施细则|实施方案)")
_BODY = re.compile(r"[\u4e00-\u9fff]{2,16}?(?:人民政府办公厅|人民政府办公室|人民政府|办公厅|办公室|委员会|厅|局)")
_ISSUING = re.compile(r"发|印发|下发|文件|文号|出台")
# Another body right after a unit's place (荣昌区医保局): not the stored unit (社保/社会保险 bodies are).
_OTHER_BODY = re.compile(r"(?!社保|社会保险|社险)[^\W\d的和与跟及有在是都各今去年]{1,6}?"
                         r"(?:局|委员会|委|医院|学校|院|所|站|办公室|办|厅|部|馆|公司|中心)")
_BODY_AFTER = re.compile(r"[^\W\d的和与及跟]{0,10}?(?:事务中心|中心|局|委员会|办公室)")
_UNIT_THINGS = re.compile(r"项目|预算|支出|收入|三公|结转|经费|拨款")
# Characters of the general words a question on a unit's whole budget uses (总体情况, 收支概况, 基本信息一览).
_GENERAL_CHARS = set("总体情况概整收支数据全部明细基本信息一览汇表预算年度今去本部门单位是多少怎么样如何")
_NOT_BODY_START = re.compile(r"^(?:哪些|哪个|什么|这个|那个|各|请问)")


def read_unit_lookalikes(mentions: Mentions, masker: Masker, vocab: Any, places: dict[str, str]) -> None:
    """A unit name typed with one look-alike character (荥昌区, 綦汀区): read as the one stored unit whose alias
    of the same length and suffix differs by one character, when the typed name is no real place.

    Args:
        places: the gazetteer's real place names (match key -> full name), see ``Gazetteer.places`` and
            ``kb.query.name_forms.place_forms``.
    """
    if mentions.units:
        return
    free = masker.free_text(mentions.key)
    for found in _UNIT_SHAPED.finditer(free):
        for start in range(found.start(), found.end() - 2):
            typed = free[start:found.end()]
            if typed in places or typed in vocab.unit_aliases:
                continue
            near = {name for alias, names in vocab.unit_aliases.items() if len(alias) == len(typed)
                    and alias[-1] == typed[-1] and Levenshtein.distance(alias, typed) == 1 for name in names}
            if len(near) == 1:
                unit = near.pop()
                known = next(alias for alias in vocab.unit_aliases if vocab.unit_aliases[alias] == [unit]
                             and len(alias) == len(typed) and Levenshtein.distance(alias, typed) == 1)
                add_value(mentions.units, unit)
                mentions.fuzzy.append({"kind": "unit", "typed": typed, "known": known, "how": "edit"})
                masker.take(start, found.end(), MARKERS["unit"])
                return


def fold_unit_bodies(mentions: Mentions, masker: Masker, vocab: Any) -> None:
    """An issuer's short name typed right after a unit's place in a question that is not about issued 文件
    (荣昌区社保局的三公经费, 綦江社保局有哪些项目) names that unit, not the issuer: the issuer reading is dropped."""
    if not (mentions.units and mentions.issuer_codes) or _ISSUING.search(mentions.key):
        return
    key = mentions.key
    units = [surface for kind, surface in mentions.surfaces if kind == "unit"]
    for kind, surface in list(mentions.surfaces):
        at = key.find(surface)
        if kind == "issuer" and any(key.find(unit) >= 0 and key.find(unit) + len(unit) == at for unit in units):
            for code in [c for c in mentions.issuer_codes if surface in [match_key(f) for f in _forms(vocab, c)]]:
                mentions.issuer_codes.remove(code)
            mentions.surfaces.remove((kind, surface))
            if not mentions.issuer_codes:
                masker.chars = ["" if char == MARKERS["issuer_code"] else char for char in masker.chars]


def _forms(vocab: Any, code: str) -> list[str]:
    from kb.query.name_forms import issuer_forms

    return [code, *issuer_forms(vocab.issuers.get(code, ""))]


def read_unknown_names(mentions: Mentions, masker: Masker, vocab: Any, gazetteer: Any) -> None:
    """Fill ``mentions.unknown_places``, ``unknown_titles`` and ``unknown_issuers`` from what entity linking
    left of the question (see the module docstring)."""
    free = masker.free_text(mentions.key)
    mentions.unknown_places = []
    for start, end, _ in gazetteer.foreign_places(free):  # with the body typed after it (成都市社保中心)
        body = _BODY_AFTER.match(free, end)
        mentions.unknown_places.append(free[start:body.end() if body else end])
    mentions.unknown_places += _other_bodies(mentions, free)
    if not (mentions.doc_nos or mentions.unknown_doc_nos):
        titles = [found.group(1) for found in _QUOTED_TITLE.finditer(mentions.text)]
        if not titles and not mentions.projects:
            titles = [found.group() for found in _TITLE_WORDS.finditer(mentions.key)]
        for title in titles:
            if len(match_key(title)) < 4:
                continue
            known = _known_title(match_key(title), vocab)
            if known is None:
                mentions.unknown_titles.append(title)
                continue
            add_value(mentions.doc_nos, known[1])  # a fragment of a stored title (…暂行办法): that 文件
            mentions.fuzzy.append({"kind": "title", "typed": title, "known": known[0], "how": "edit"})
            start = mentions.key.find(match_key(title))
            if start >= 0 and masker.free(start, start + len(match_key(title))):
                masker.take(start, start + len(match_key(title)), MARKERS["doc_no"])
    if not (mentions.issuer_codes or mentions.doc_nos or mentions.unknown_doc_nos) and _ISSUING.search(mentions.key):
        for found in _BODY.finditer(free.replace(" ", "，")):
            body = found.group()
            if not _NOT_BODY_START.search(body) and len(body) >= 4:
                mentions.unknown_issuers.append(body)


def _known_title(fragment: str, vocab: Any) -> tuple[str, str] | None:
    """(title, 文号) of the stored title that holds ``fragment`` (rapidfuzz partial_ratio ≥ 90, ≥ 6 characters),
    or None."""
    from kb.query.loose_names import title_keys

    titles = title_keys(vocab)
    if len(fragment) < 6 or not titles:
        return None
    found = process.extractOne(fragment, list(titles), scorer=fuzz.partial_ratio, score_cutoff=90)
    return (found[0], titles[found[0]]) if found else None


def _other_bodies(mentions: Mentions, free: str) -> list[str]:
    """Bodies other than the stored units asked about as units: a stored unit's place followed by another
    body (荣昌区医保局, 綦江区教委, 苍溪县人民医院), or an issuer asked for its budget or projects (荣昌区财政局有哪些项目)."""
    found = []
    key = mentions.key
    for kind, surface in mentions.surfaces:
        if kind == "unit":
            at = key.find(surface)
            follow = _OTHER_BODY.match(key[at + len(surface):]) if at >= 0 else None
            if follow and " " not in free[at + len(surface):at + len(surface) + len(follow.group())]:
                found.append(surface + follow.group())
        elif kind == "issuer" and not mentions.units and not _ISSUING.search(key) and _UNIT_THINGS.search(key):
            found.append(surface)
    return found


def absent_answer(question: str, frame: Any, vocab: Any):
    """The answer for a question naming a unit (place), 文件 title or issuing body the store does not hold, or
    None when it names none. The answer says the name is not in the store, names the closest known ones, and
    holds no rows and no figure.

    Returns:
        ``kb.query.answer.Answer`` (method "unresolved", ``error`` {"code", "message"}) or None.
    """
    from kb.query.answer import Answer, closest_names
    from kb.query.messages import render
    from kb.query.sentences import short_unit

    mentions = frame.mentions
    if mentions.unknown_places:
        word = mentions.unknown_places[0]
        code = "Q_UNKNOWN_UNIT"
        near = [short_unit(name) for name in _closest(word, list(vocab.units), 3)]
        known = "、".join(short_unit(name) for name in sorted(vocab.units))
        text = render(code, word=word, known=known, near=f"最接近的已知名称：{'、'.join(near)}。" if near else "")
    elif mentions.unknown_titles:
        word = mentions.unknown_titles[0]
        code = "Q_UNKNOWN_TITLE"
        titles = {title: doc_no for doc_no, forms in vocab.titles.items() for title in forms}
        titles.update({doc_no.strip("《》"): doc_no for doc_no in vocab.doc_nos if doc_no.startswith("《")})
        near = [f"{titles[title]}《{title}》" if not titles[title].startswith("《") else titles[title]
                for title in _closest(word, list(titles), 3)]
        text = render(code, title=word, near="、".join(near) or "无")
    elif mentions.unknown_issuers:
        word = mentions.unknown_issuers[0]
        code = "Q_UNKNOWN_ISSUER"
        names = {name: code_ for code_, name in vocab.issuers.items() if name}
        near = [f"{name}（{names[name]}）" for name in _closest(word, list(names), 3)]
        text = render(code, issuer=word, near="、".join(near) or "无")
    elif frame.intent == "unit_budget" and not mentions.budget_field and _unread_figure(mentions):
        word = _unread_figure(mentions)
        code = "Q_UNKNOWN_FIGURE"
        units = "、".join(short_unit(unit) for unit in frame.units) or "所问单位"
        near = _closest(word, vocab.subject_names(), 3)
        text = render(code, units=units, word=word, near="、".join(near) or "无")
    else:
        return None
    suggestions = near or closest_names(vocab, [word], 3)
    return Answer(question, None, {}, "", [], [], text, [], "unresolved", [word], suggestions,
                  error={"code": code, "message": text}, frame=frame)


def _unread_figure(mentions: Mentions) -> str:
    """A word of ≥ 3 characters left unread in a question on a unit's budget (荣昌区的住房补贴是多少): a figure
    the store does not hold by that name; "" when only general words are left (预算总体情况)."""
    for word in sorted(content_words_of(mentions.masked), key=len, reverse=True):
        for figure_words, _ in BUDGET_FIELDS + (("支出", ""), ("收入", "")):
            word = word.replace(figure_words, "")
        if len(word) >= 3 and not set(word) <= _GENERAL_CHARS:
            return word
    return ""


def _closest(word: str, names: list[str], limit: int) -> list[str]:
    """The names nearest to ``word`` (rapidfuzz WRatio 0–100, ≥ 40), best first."""
    return [name for name, _, _ in process.extract(word, names, scorer=fuzz.WRatio, limit=limit, score_cutoff=40)]


__all__ = ["absent_answer", "fold_unit_bodies", "read_unit_lookalikes", "read_unknown_names"]
