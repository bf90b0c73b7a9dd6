"""The typed gazetteer: every name the graph holds, matched longest-first in one Aho-Corasick automaton.

Built from the store's ``Vocabulary`` (read once per graph generation): units with their short forms and
districts, 文件 by 文号 and by title and title fragments (《》 or not), issuers by code and full name,
projects, programs and their group words (``Program.keywords``), subjects by code and name, indicator names
and indicator types (Indicator.level1 / level2: 时效指标, 满意度指标 …). Each surface form is a
``match_key``; each automaton value is a list of ``(kind, value)`` pairs.

Typo tolerance that knows Chinese: a second automaton over the same surfaces written in pinyin (one code
character per syllable, tones dropped, from pypinyin's single-character table) finds homophones typed for
the right name (仓溪县 -> 苍溪县, 棋江区 -> 綦江区, 退补渔民 -> 退捕); edit distance (rapidfuzz) is used by
``kb.query.mentions`` for project names typed with characters missing.

Example:
    >>> gazetteer = Gazetteer.build(vocab)  # doctest: +SKIP
    >>> [(m.kind, m.value) for m in gazetteer.exact("荣昌区有哪些项目")]  # doctest: +SKIP
    [('unit', '重庆市荣昌区社会保险事务中心')]
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from typing import Any

import ahocorasick

from kb.core.normalize import match_key
from kb.query.name_forms import issuer_forms, place_forms, title_forms
from kb.query.pinyin_table import CJK_FIRST, CJK_LAST, syllable_tables

# Kinds, most specific first: a tie between two matches of equal length goes to the earlier kind.
KINDS = ("doc_no", "title", "project", "program", "unit", "issuer", "subject", "indicator", "indicator_type",
         "program_keyword")
_PRIORITY = {kind: index for index, kind in enumerate(KINDS)}
# Shortest surface form (characters) each kind is matched by: exact and by pinyin.
_MIN_EXACT = {"project": 4, "program": 3, "subject": 2, "indicator": 3, "title": 6, "issuer": 2,
              "program_keyword": 2, "unit": 2, "indicator_type": 4, "doc_no": 4}
_MIN_PINYIN = {"project": 5, "program": 4, "unit": 2, "subject": 4, "indicator": 4, "issuer": 6,
               "program_keyword": 3, "title": 8, "indicator_type": 4}
# Abbreviations of the domain's words (full, short) that people type in names of projects, programs and 文件.
_ABBREVIATIONS = (("国有企业", "国企"), ("社会保险", "社保"), ("人力资源和社会保障", "人社"), ("军队转业干部", "军转干部"),
                  ("民办教师", "民师"), ("养老和医疗补助", "养老医疗补助"))


@dataclass(frozen=True)
class Match:
    """One name found in a question key.

    Attributes:
        kind: one of ``KINDS``. value: the stored value it names (full unit name, canonical 文号, project
            name, issuer code, subject key, indicator name, indicator level, program name).
        start, end: offsets in the question key. surface: the matched text of the key.
        fuzzy: "" for an exact match, "pinyin" for a homophone match.
        known: the surface form as the graph spells it (differs from ``surface`` when fuzzy).
    """

    kind: str
    value: Any
    start: int
    end: int
    surface: str
    fuzzy: str = ""
    known: str = ""


@dataclass
class Gazetteer:
    """Surface forms -> (kind, value) pairs, with exact and pinyin automata.

    Attributes:
        entries: surface key -> list of (kind, value).
        syllables: pinyin code per CJK character (index = code point − 0x3400; 0 = none), for typo matching.
        second_syllables: the code of a character's second reading (晟: cheng, then sheng), 0 when it has one.
        project_pinyin: (pinyin code of a project text, the text) pairs, for topic words typed with homophones.
    """

    entries: dict[str, list[tuple[str, Any]]] = field(default_factory=dict)
    syllables: array = field(default_factory=lambda: array("H"))
    second_syllables: array = field(default_factory=lambda: array("H"))
    project_texts: list[str] = field(default_factory=list)
    places: dict[str, str] = field(default_factory=dict)
    _exact: Any = None
    _pinyin: Any = None
    _pinyin_surfaces: dict[str, str] = field(default_factory=dict)
    _places: Any = None

    def add(self, surface: str, kind: str, value: Any, memo: dict | None = None) -> None:
        """Add one surface form (made a ``match_key``) naming ``value`` of ``kind``, and the same form with the
        domain's abbreviations people type (国有企业 -> 国企, 社会保险 -> 社保 …); short forms are ignored.
        ``memo`` keeps the forms of each (kind, surface) across builds (a pure function of both)."""
        forms = memo.get((kind, surface)) if memo is not None else None
        if forms is None:
            forms = _surface_forms(surface, kind)
            if memo is not None:
                memo[(kind, surface)] = forms
        for form in forms:
            values = self.entries.setdefault(form, [])
            if (kind, value) not in values:
                values.append((kind, value))

    @classmethod
    def build(cls, vocab: Any, memo: dict | None = None) -> "Gazetteer":
        """Build from a ``kb.query.vocabulary.Vocabulary`` (what the graph holds).

        Args:
            vocab: the vocabulary.
            memo: results of the pure steps kept from earlier builds (surface forms, title and issuer forms,
                pinyin codes, match keys, the place and syllable tables), read and extended: a build after
                one more document recomputes only what that document's names need. The gazetteer is the
                same with or without it.

        Returns:
            A ``Gazetteer`` with both automata made.
        """
        gazetteer = cls()
        memo = {} if memo is None else memo

        def add(surface: str, kind: str, value: Any) -> None:
            gazetteer.add(surface, kind, value, memo)

        def forms_of(function: Any, text: str) -> list[str]:
            key = (function.__name__, text)
            if key not in memo:
                memo[key] = function(text)
            return memo[key]
        for name, unit in vocab.units.items():
            for alias in unit.aliases:
                add(alias, "unit", name)
        for doc_no in sorted(vocab.doc_nos):
            add(doc_no, "doc_no", doc_no)
            if doc_no.startswith("《"):
                add(doc_no.strip("《》"), "title", doc_no)
        for doc_no, titles in getattr(vocab, "titles", {}).items():
            for title in titles:
                for form in forms_of(title_forms, title):
                    add(form, "title", doc_no)
        for code, name in vocab.issuers.items():
            add(code, "issuer", code)
            for form in forms_of(issuer_forms, name):
                add(form, "issuer", code)
        for project in vocab.projects:
            add(project.name, "project", project.name)
        for name in vocab.programs:
            add(name, "program", name)
        for keyword, names in vocab.program_keywords.items():
            for name in names:
                add(keyword, "program_keyword", name)
        for key, subjects in vocab.subjects.items():
            if not key.isdigit() or len(key) in (3, 5, 7):
                add(key, "subject", key)
        for name in vocab.indicators:
            add(name, "indicator", name)
        indicator_keys = {_memo_key(memo, name) for name in vocab.indicators}
        for level in getattr(vocab, "indicator_levels", []):
            if _memo_key(memo, level[:-2]) in indicator_keys:
                continue  # 服务对象满意度指标: the indicator 服务对象满意度 is meant
            add(level, "indicator_type", level)
            if level.endswith("指标") and len(level) > 4:
                add(level[:-2] + "类指标", "indicator_type", level)
        gazetteer.project_texts = sorted({_memo_key(memo, p.name) for p in vocab.projects})
        gazetteer.places = _places_not_held(vocab, memo)
        if "syllable tables" not in memo:
            memo["syllable tables"] = syllable_tables()
        first, second = memo["syllable tables"]
        gazetteer.syllables, gazetteer.second_syllables = array("H", first), array("H", second)  # copies: the
        # cached tables stay as computed
        gazetteer.make(memo)
        return gazetteer

    def make(self, memo: dict | None = None) -> None:
        """Make both automata from ``entries`` (after ``build`` or unpickling); ``memo`` keeps pinyin codes."""
        exact = ahocorasick.Automaton()
        pinyin = ahocorasick.Automaton()
        self._pinyin_surfaces = {}
        for key, values in self.entries.items():
            exact.add_word(key, (key, values))
            kept = [(kind, value) for kind, value in values if len(key) >= _MIN_PINYIN.get(kind, 99)]
            if kept:
                if memo is None:
                    code = self.pinyin_code(key)
                else:
                    code = memo.get(("pinyin", key))
                    if code is None:
                        code = memo[("pinyin", key)] = self.pinyin_code(key)
                if code not in self._pinyin_surfaces or len(key) > len(self._pinyin_surfaces[code]):
                    self._pinyin_surfaces[code] = key
                    pinyin.add_word(code, (key, kept))
        exact.make_automaton()
        if len(pinyin):
            pinyin.make_automaton()
        self._exact, self._pinyin = exact, pinyin
        places = ahocorasick.Automaton()
        for surface, name in self.places.items():
            places.add_word(surface, (surface, name))
        if len(places):
            places.make_automaton()
        self._places = places

    def foreign_places(self, key: str) -> list[tuple[int, int, str]]:
        """Places of China the store holds no unit of (成都, 江北区, 四川省广安市 …) named in ``key`` (a match key
        with known names blanked out), longest first, not overlapping: (start, end, surface)."""
        if not len(self._places or ()):
            return []
        found = sorted(((end - len(surface) + 1, end + 1, surface) for end, (surface, _) in self._places.iter(key)),
                       key=lambda item: (item[0] - item[1], item[0]))
        chosen: list[tuple[int, int, str]] = []
        for start, end, surface in found:
            if all(end <= other_start or start >= other_end for other_start, other_end, _ in chosen):
                chosen.append((start, end, surface))
        return sorted(chosen)

    def pinyin_code(self, text: str) -> str:
        """``text`` with each CJK character replaced by its syllable's code (same length; tones dropped)."""
        table, chars = self.syllables, []
        for char in text:
            point = ord(char)
            if CJK_FIRST <= point <= CJK_LAST and table and table[point - CJK_FIRST]:
                chars.append(chr(0xE000 + table[point - CJK_FIRST]))
            else:
                chars.append(char)
        return "".join(chars)

    def exact(self, key: str) -> list[Match]:
        """Every exact match in ``key`` (overlapping ones included), one ``Match`` per (kind, value)."""
        found = []
        for end, (surface, values) in self._exact.iter(key):
            start = end - len(surface) + 1
            found.extend(Match(kind, value, start, end + 1, surface, "", surface) for kind, value in values)
        return found

    def homophones(self, key: str) -> list[Match]:
        """Matches of ``key`` whose pinyin equals a known surface's but whose characters differ."""
        if not len(self._pinyin):
            return []
        code = self.pinyin_code(key)
        found = self._homophones_in(key, code, None)
        second = self.second_syllables
        for at, char in enumerate(key):  # a character typed in its second reading (万晟 for 万盛): one at a time
            point = ord(char)
            if CJK_FIRST <= point <= CJK_LAST and second and second[point - CJK_FIRST]:
                variant = code[:at] + chr(0xE000 + second[point - CJK_FIRST]) + code[at + 1:]
                found += self._homophones_in(key, variant, at)
        return found

    def _homophones_in(self, key: str, code: str, position: int | None) -> list[Match]:
        """Pinyin matches of ``code`` (``key`` coded) whose characters differ from the surface's; with
        ``position``, only those covering it (the character read in its second reading)."""
        found = []
        for end, (surface, values) in self._pinyin.iter(code):
            start = end - len(surface) + 1
            typed = key[start:end + 1]
            if typed != surface and (position is None or start <= position <= end):
                found.extend(Match(kind, value, start, end + 1, typed, "pinyin", surface) for kind, value in values)
        return found

    def homophone_in_projects(self, word: str) -> str | None:
        """The spelling, inside some project name, of a word typed with homophones (退补渔民 -> 退捕渔民); None."""
        code = self.pinyin_code(word)
        if code == word:
            return None
        for text in self.project_texts:
            at = self.pinyin_code(text).find(code)
            if at >= 0:
                return text[at:at + len(word)]
        return None


def select(matches: list[Match]) -> list[Match]:
    """Non-overlapping matches, longest first, then by kind priority, then leftmost; every (kind, value)
    of a chosen span is kept (a short form shared by two units names both)."""
    ordered = sorted(matches, key=lambda m: (-(m.end - m.start), bool(m.fuzzy), _PRIORITY[m.kind], m.start))
    taken: list[tuple[int, int]] = []
    chosen: list[Match] = []
    for match in ordered:
        span = (match.start, match.end)
        if span in taken:
            if chosen and any((c.start, c.end) == span and _PRIORITY[c.kind] == _PRIORITY[match.kind] for c in chosen):
                chosen.append(match)
            continue
        if any(match.start < end and start < match.end for start, end in taken):
            continue
        taken.append(span)
        chosen.append(match)
    return sorted(chosen, key=lambda m: m.start)


def _memo_key(memo: dict | None, text: str) -> str:
    """``match_key(text)``, kept in ``memo`` when one is given."""
    if memo is None:
        return match_key(text)
    key = memo.get(("match_key", text))
    if key is None:
        key = memo[("match_key", text)] = match_key(text)
    return key


def _surface_forms(surface: str, kind: str) -> tuple[str, ...]:
    """The keys ``Gazetteer.add`` files a surface under: its match key and, for projects, programs and 文件
    titles, the same with the domain's abbreviations; () when the key is shorter than the kind allows."""
    key = match_key(surface)
    if len(key) < _MIN_EXACT.get(kind, 2):
        return ()
    forms = [key]
    if kind in ("project", "program", "title"):
        for full, short in _ABBREVIATIONS:
            forms += [form.replace(full, short) for form in forms if full in form]
    return tuple(forms)


def _places_not_held(vocab: Any, memo: dict | None = None) -> dict[str, str]:
    """``place_forms`` less the places the store's units are in or named by (荣昌, 广元市, 四川省 …) and less any
    place written inside a name the graph holds (a project, 文件 title, issuer or program). ``memo`` (see
    ``Gazetteer.build``) keeps match keys, the place table and its automaton."""
    held = [_memo_key(memo, text) for unit in vocab.units.values()
            for text in (unit.name, unit.region or "", *unit.aliases)]
    held += [_memo_key(memo, text) for text in (*vocab.project_names(), *vocab.programs, *vocab.issuers.values(),
                                                *(title for titles in getattr(vocab, "titles", {}).values()
                                                  for title in titles))]
    memo = {} if memo is None else memo
    if "place forms" not in memo:
        memo["place forms"] = place_forms()
    forms = memo["place forms"]
    if not forms:
        return {}
    finder = memo.get("place finder")
    if finder is None:
        finder = ahocorasick.Automaton()  # one pass over the held names instead of one substring scan per place
        for surface in forms:
            finder.add_word(surface, surface)
        finder.make_automaton()
        memo["place finder"] = finder
    written = {surface for _, surface in finder.iter("\n".join(held))}
    return {surface: name for surface, name in forms.items() if surface not in written}


__all__ = ["Gazetteer", "KINDS", "Match", "select"]
