"""Names typed loosely: project names and 文件 titles with characters missing or changed (rapidfuzz), parts of
indicator names (满意度, 死亡冒领), and amount bounds (超过100万元, 不到10万元). Used by ``kb.query.mentions``
after the gazetteer's exact and pinyin matches.
"""

from __future__ import annotations

import difflib
import re

from rapidfuzz import fuzz, process

from kb.core.normalize import match_key
from kb.query.mention_model import (MARKERS, QUESTION_WORDS, Masker, Mentions, add_value, content_words_of)
from kb.query.vocabulary import Vocabulary

_PROJECT_FUZZY_MIN = 88
_GENERIC = {"指标", "绩效", "项目", "哪些", "文件", "单位", "有哪", "多少", "绩效指标", "目标", "资金", "补助", "支出"}

_BOUND_WORDS = re.compile(r"(?P<word>超过|大于|高于|多于|不少于|不低于|至少|不到|低于|少于|小于|不足|不超过|未超过)"
                          r"(?P<value>\d+(?:\.\d+)?)(?P<scale>亿|万|千)?元?|(?P<value2>\d+(?:\.\d+)?)(?P<scale2>亿|万|千)?元?"
                          r"(?P<word2>以上|以下|以内)")
_SCALE_TO_WAN = {"亿": 10000.0, "万": 1.0, "千": 0.1, None: 1.0}


def read_amount_bounds(mentions: Mentions, masker: Masker) -> None:
    """An amount bound (超过100万元, 不到10万元, 50万元以上): ``mentions.amount_bounds`` gets (">=" or "<", 万元)."""
    for found in _BOUND_WORDS.finditer(mentions.key):
        if not masker.free(found.start(), found.end()):
            continue
        word = found.group("word") or found.group("word2")
        value = float(found.group("value") or found.group("value2"))
        scale = _SCALE_TO_WAN[found.group("scale") or found.group("scale2")]
        if not (found.group("scale") or found.group("scale2")) and "万" not in mentions.key[found.end():found.end() + 2]:
            scale = 1.0
        bound = ">" if word in ("超过", "大于", "高于", "多于", "以上") else ">=" if word in ("不少于", "不低于", "至少") else "<"
        if word in ("不超过", "未超过", "以内"):
            bound = "<="
        mentions.amount_bounds.append((bound, value * scale))
        masker.take(found.start(), found.end(), "Ⓐ")


def _projects_by_key(vocab: Vocabulary) -> dict[str, list]:
    by_key = vocab.cache.get("projects by key")
    if by_key is None:
        by_key = {}
        for project in vocab.projects:
            by_key.setdefault(match_key(project.name), []).append(project)
        vocab.cache["projects by key"] = by_key
    return by_key


def read_projects_fuzzily(mentions: Mentions, masker: Masker, vocab: Vocabulary) -> None:
    """A project name typed with a few characters changed or missing: rapidfuzz partial_ratio ≥ 88 between a
    name and the question (or one of its content runs), the match covering ≥ 60 % of the name (so a short word
    such as 民办教师 is a topic, not the project 代发民办教师养老和医疗补助资金)."""
    key = mentions.key
    by_key = _projects_by_key(vocab)
    best_found = _best_project(masker.free_text(key), by_key)
    if best_found is None:
        return
    name_key, score, (start, end) = best_found
    if masker.free(start, end):
        _take_project(mentions, masker, by_key, name_key, score, start, end)


def read_projects_over_names(mentions: Mentions, masker: Masker, vocab: Vocabulary) -> None:
    """A project name typed in part that holds a shorter name read before it (财政全额供养人员死亡丧葬费及抚恤金县级配套:
    抚恤 is a subject): the longer project reading wins, as in longest-first matching, and the shorter names
    inside it are dropped."""
    if mentions.projects:
        return
    key = mentions.key
    soft = _soft_spans(masker)
    if not soft:
        return
    text = list(masker.free_text(key))
    for start, end in soft:
        text[start:end] = key[start:end]
    by_key = _projects_by_key(vocab)
    best_found = _best_project("".join(text), by_key)
    if best_found is None:
        return
    name_key, score, (start, end) = best_found
    inside = [(s, e) for s, e in soft if s < end and start < e]
    hard = [i for i in range(start, end) if masker.taken[i] and not any(s <= i < e for s, e in inside)]
    if not inside or hard or end - start < 8 or any(e - s >= end - start or s < start or e > end for s, e in inside):
        return  # only a longer reading holding the shorter names whole wins
    for s, e in inside:
        masker.chars[s:e] = list(key[s:e])
        masker.taken[s:e] = [False] * (e - s)
    typed = key[start:end]
    mentions.subjects = [entry for entry in mentions.subjects if match_key(entry[2]) not in typed and entry[1] not in typed]
    mentions.indicators = [name for name in mentions.indicators if match_key(name) not in typed]
    mentions.keywords = [word for word in mentions.keywords if word not in typed]
    if not any(char == MARKERS["program"] for char in masker.chars):
        mentions.programs = []
    _take_project(mentions, masker, by_key, name_key, score, start, end)


_SOFT_MARKERS = {MARKERS[kind] for kind in ("subject", "indicator", "program", "keyword", "indicator_type")}


def _soft_spans(masker: Masker) -> list[tuple[int, int]]:
    """Spans of the masker taken by names a project name may hold (subjects, indicators, programs, topics)."""
    spans = []
    for start, char in enumerate(masker.chars):
        if char in _SOFT_MARKERS:
            end = start + 1
            while end < len(masker.chars) and masker.taken[end] and masker.chars[end] == "":
                end += 1
            spans.append((start, end))
    return spans


def _take_project(mentions: Mentions, masker: Masker, by_key: dict, name_key: str, score: float, start: int,
                  end: int) -> None:
    masker.take(start, end, MARKERS["project"])
    mentions.projects.extend((p.name, p.unit, float(score)) for p in by_key[name_key])
    if score < 100:
        mentions.fuzzy.append({"kind": "project", "typed": mentions.key[start:end], "known": by_key[name_key][0].name,
                               "how": "edit"})


def _best_project(free_text: str, by_key: dict) -> tuple[str, float, tuple[int, int]] | None:
    """(name key, score 0–100, key span) of the project name best matching ``free_text`` or one of its content
    runs (partial_ratio ≥ 88, covering ≥ 60 % of the name), or None."""
    choices = [name_key for name_key in by_key if len(name_key) >= 5]
    best_found = None
    for offset, text in [*_content_runs(free_text), (0, free_text)]:
        found = process.extractOne(text, choices, scorer=fuzz.partial_ratio, score_cutoff=_PROJECT_FUZZY_MIN)
        if found is None:
            continue
        name_key, score, _ = found
        alignment = fuzz.partial_ratio_alignment(name_key, text)
        covered = min(alignment.src_end - alignment.src_start, alignment.dest_end - alignment.dest_start)
        if covered < 4 or covered < 0.6 * len(name_key):
            continue
        span = _matched_span(name_key, text, alignment.dest_start, alignment.dest_end, offset)
        if best_found is None or score > best_found[1]:
            best_found = (name_key, score, span)
    return best_found or _project_by_subsequence(free_text, by_key)


def _project_by_subsequence(free_text: str, by_key: dict) -> tuple[str, float, tuple[int, int]] | None:
    """A content run (≥ 5 characters) whose characters appear in order in exactly one project name and cover
    ≥ 60 % of it (社保惠民专项 in 社保惠民服务专项): that name, scored 85."""
    for offset, run in _content_runs(free_text):
        if len(run) < 5:
            continue
        found = [name_key for name_key in by_key if len(run) >= 0.6 * len(name_key) and _in_order(run, name_key)]
        if len(found) == 1:
            return found[0], 85.0, (offset, offset + len(run))
    return None


def _in_order(part: str, whole: str) -> bool:
    """Whether every character of ``part`` appears in ``whole`` in the same order."""
    letters = iter(whole)
    return all(char in letters for char in part)


def title_keys(vocab: Vocabulary) -> dict[str, str]:
    """``match_key`` of every stored 文件 title -> its 文号 (or title key), computed once per vocabulary."""
    titles = vocab.cache.get("title keys")
    if titles is None:
        titles = {match_key(title): doc_no for doc_no, forms in vocab.titles.items() for title in forms}
        titles.update({match_key(doc_no.strip("《》")): doc_no for doc_no in vocab.doc_nos if doc_no.startswith("《")})
        vocab.cache["title keys"] = titles
    return titles


def read_titles_fuzzily(mentions: Mentions, masker: Masker, vocab: Vocabulary) -> None:
    """A 文件 named by part of its title (rapidfuzz partial_ratio ≥ 90 over ≥ 6 characters of the question)."""
    titles = title_keys(vocab)
    if not titles:
        return
    free_text = masker.free_text(mentions.key)
    for offset, run in _content_runs(free_text):
        run = run.strip("《》")
        if len(run) < 6:
            continue
        found = process.extractOne(run, list(titles), scorer=fuzz.partial_ratio, score_cutoff=90)
        if found is not None:
            start = offset + free_text[offset:].find(run)
            masker.take(start, start + len(run), MARKERS["doc_no"])
            add_value(mentions.doc_nos, titles[found[0]])
            mentions.fuzzy.append({"kind": "title", "typed": run, "known": found[0], "how": "edit"})
            return


def _matched_span(name_key: str, text: str, start: int, end: int, offset: int) -> tuple[int, int]:
    """The part of ``text[start:end]`` that matches ``name_key`` (blocks of ≥ 2 characters), as key offsets,
    so the words around a loosely typed project name stay readable ("民师生活医疗补助依据的文件" keeps 依据)."""
    window = text[start:end]
    blocks = [b for b in difflib.SequenceMatcher(None, name_key, window, autojunk=False).get_matching_blocks()
              if b.size >= 2]
    if not blocks:
        return offset + start, offset + end
    return offset + start + blocks[0].b, offset + start + max(b.b + b.size for b in blocks)


def _content_runs(text: str) -> list[tuple[int, str]]:
    """(offset, run) of the runs of ≥ 4 characters left when question words are blanked out of ``text``."""
    blanked = text
    for word in sorted(QUESTION_WORDS, key=len, reverse=True):
        blanked = blanked.replace(word, " " * len(word))
    return [(match.start(), match.group()) for match in re.finditer(r"[^\s\W]{4,}", blanked)]


def indicator_keys(vocab: Vocabulary) -> list[str]:
    """``match_key`` of every indicator name, computed once per vocabulary."""
    keys = vocab.cache.get("indicator keys")
    if keys is None:
        keys = vocab.cache["indicator keys"] = [match_key(name) for name in vocab.indicators]
    return keys


def read_indicator_words(mentions: Mentions, masker: Masker, vocab: Vocabulary) -> None:
    """Part of an indicator name next to 指标 (满意度指标, 指标涉及冒领 …), or of ≥ 3 characters in a question
    naming a project (代发…资金每月发放多少人): the longest free run inside some indicator name, when no
    indicator or indicator type was named."""
    key = mentions.key
    cue = re.search("指标|考核", key)
    if mentions.indicators or mentions.indicator_types or not (cue or mentions.projects):
        return
    names = indicator_keys(vocab)
    reserved = {index for found in re.finditer("指标|考核", key) for index in range(found.start(), found.end())}
    smallest = 2 if cue else 3  # a project's question without 指标: a longer part (每月发放 of 每月发放人数)
    for size in range(8, smallest - 1, -1):
        for start in range(0, len(key) - size + 1):
            word = key[start:start + size]
            if (not masker.free(start, start + size) or word in _GENERIC
                    or reserved.intersection(range(start, start + size))
                    or any(generic in word for generic in ("哪些", "项目", "设了", "涉及", "有关", "绩效"))):
                continue
            if any(word in name_key for name_key in names):
                masker.take(start, start + size, MARKERS["indicator"])
                mentions.indicators.append(word)
                return


def read_indicator_word_alone(mentions: Mentions, masker: Masker, vocab: Vocabulary) -> None:
    """A question naming nothing whose longest content word (≥ 3 characters) is part of an indicator name
    (死亡冒领): that word, as an indicator word."""
    names = indicator_keys(vocab)
    for word in sorted(content_words_of(masker.text()), key=len, reverse=True):
        if len(word) >= 3 and any(word in name for name in names):
            start = masker.free_text(mentions.key).find(word)
            if start >= 0:
                masker.take(start, start + len(word), MARKERS["indicator"])
                mentions.indicators.append(word)
            return


__all__ = ["read_amount_bounds", "read_projects_over_names", "title_keys", "read_indicator_word_alone", "read_indicator_words", "read_projects_fuzzily",
           "read_titles_fuzzily"]
