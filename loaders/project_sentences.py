"""A generous reader of projects named in running text, pairing a name with an amount nearby (issue 12, RECALL).

The sentence reader of ``project_narrative`` reads a name glued to its amount (``X项目资金200万元``). Real notices
and reports often print them apart: in another clause of the sentence (``X项目已完成建设并通过验收,拟下达奖补资金
200万元``), or in the next sentence (``…X项目实施方案已批复。该项目总投资450万元``). This reader proposes such
pairs to the learned filter (``loaders.project_filter``), with features of its own saying how they were paired
(``PairedEntry.pairing``): the distance in characters between name and amount, the clauses between them, whether
the amount is in the next sentence, and the word printed before the amount (总投资, 下达, 中标价 …).

A name is a noun phrase closing in a project head word (``NAME_HEADS``: the endings shared by at least two expected
project names of the training documents, plus the words the brief of issue 12 names), optionally followed by a
short bracket (``…项目(一)``, ``…项目(基础设施)``); it starts after the sentence's last verb or enumerating word
(``project_narrative``'s rules). A phrase pointing back (该项目, 本项目, 上述项目) is no name: its amount pairs with
the nearest name before it. Each amount pairs with the nearest name before it in its sentence, else in the
sentence before; each name keeps its first amount.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.core.places import known_place_at
from loaders.project_fields import read_amount
from loaders.project_narrative import _AFTER_VERB, _LEADING_MARK, _NAME_START, clean_project_name
from loaders.project_tables import Entry

# Endings of project names: 项目, 基地, 经费, 工程, 建设 end at least two expected names of the training documents
# (tests/data/real dev/fresh/unseen3, ``python bench/project_filter.py --heads``); 改造, 提升, 整治, 维修,
# 护砌, 修缮 are the works such names describe. 资金 ends two training names too (…建设配套资金) but is left out:
# as a head it proposes every fund a notice allocates (5-fold projects F1 0.76 -> 0.73 with it, recall2 branch).
NOT_HEADS = ("资金",)
NAME_HEADS = ("项目", "工程", "建设", "基地", "经费", "改造", "提升", "整治", "维修", "护砌", "修缮")
_NAME = re.compile(r"[\u4e00-\u9fff“”\"A-Za-z0-9（）()]{2,60}?(?:" + "|".join(NAME_HEADS) + r")+(?!量|库|内容)"
                   r"(?:[（(][\u4e00-\u9fff一二三四五六七八九十\d]{1,6}[)）])?")
# Words after which a name starts, besides project_narrative's verbs: copulas, prepositions and the verbs of a
# report (…的项目是X工程, 拟按X项目, 核定X项目); a name is cut after the last one when 4 characters remain.
# 和 and 与 are not among them: they stand inside place names (泽库县和日镇).
_START = re.compile(r"^.*(?:是|的|为|对|将|按|经|拟|已|了|在|以及|执行|核定|决定|完成|审查|组织|根据|关于|同意|批复|申请|审批|请求)")
# the words of two characters and more among them: a single character (经, 为, 在) also stands inside words
# (循环经济, 行为), so a name that opens with a known administrative place is cut by these only
_START_WORDS = re.compile(r"^.*(?:以及|执行|核定|决定|完成|审查|组织|根据|关于|同意|批复|申请|审批|请求)")
_RATE = re.compile(r"[按每/]|生均|标准")
_AMOUNT = re.compile(r"(?<![\d.〔\[])(\d[\d,]*(?:\.\d+)?)\s*(万元|元)(?![/每])")
_REFERENCE = re.compile(r"^(?:该|本|此|上述|以上|各|每个|每|其|这些|这个|相关|所有|全部)?(?:类|批|个)?(?:项目|工程|建设)")
_HEADS_ONLY = re.compile(r"(?:\d+\s*[个项批只])?(?:" + "|".join(NAME_HEADS) + r")+$")
_SUMMARY = re.compile(r"等\d*\s*[个项批只]")  # …等8个项目: a sum over several projects
_YEAR_START = re.compile(r"20\d\d年")
# an amount whose clause points back to the project named earlier (该项目总投资, 项目估算总投资, 本项目概算)
_POINTS_BACK = re.compile(r"(?:该|本|此)(?:项目|工程)|(?:^|[,，:：、])项目(?:估算|匡算|概算|计划)?总?投资")
_SENTENCE_END = re.compile(r"[。；;！!？?]")
_CLAUSE_MARK = re.compile(r"[，,：:、]")
_VERB_CLASSES = (("invest", re.compile(r"投资|概算|估算")), ("allocate", re.compile(r"下达|安排|拨付|补助|奖补|分配|下拨|补贴|支持")),
                 ("price", re.compile(r"价|合同|结算|审计|决算")), ("total", re.compile(r"共计|合计|总计|共|计")))


@dataclass
class PairedEntry(Entry):
    """An ``Entry`` proposed by this reader, with the features of its pairing (``pairing``: feature names)."""

    pairing: tuple[str, ...] = field(default_factory=tuple)


def _bucket(value: int, limits: tuple[int, ...]) -> str:
    for limit in limits:
        if value <= limit:
            return f"<={limit}"
    return f">{limits[-1]}"


def _after_open_bracket(name: str) -> str:
    """The name after an opening bracket left unclosed (``管理费(泽库县X项目`` -> ``泽库县X项目``)."""
    depth, cut = 0, 0
    for at, char in enumerate(name):
        if char in "(（":
            depth, cut = depth + 1, (at + 1 if depth == 0 else cut)
        elif char in ")）":
            depth = max(0, depth - 1)
    return name[cut:] if depth else name


def _place_start(text: str) -> int | None:
    """Where the first known administrative place (``kb.core.places.known_place_at``) opens in ``text`` (or the year
    printed just before it: ``2024年鄞州区…``), leaving at least 4 characters after it, or None."""
    for at in range(max(0, len(text) - 4)):
        if known_place_at(text, at) > at:
            year = re.search(r"20\d\d年度?$", text[:at])  # a year printed before the place opens the name with it
            return year.start() if year else at
    return None


def _names(sentence: str) -> list[tuple[int, str]]:
    """(end offset, name) of every project name in a sentence, references (该项目) and aggregates left out."""
    if not any(head in sentence for head in NAME_HEADS):  # most sentences name no project: no regex pass
        return []
    found = []
    for match in _NAME.finditer(sentence):
        raw = match.group(0)
        start = _NAME_START.match(raw)
        name = _AFTER_VERB.sub("", raw[start.end():]) if start and len(raw) - start.end() >= 4 else raw
        start = _START.match(name)
        if start and _HEADS_ONLY.fullmatch(name[start.end():]):
            continue  # …条件的项目, 了6个项目: a description of projects, not a name
        words = _START_WORDS.match(name)
        after_words = name[words.end():] if words and len(name) - words.end() >= 4 else name
        place = _place_start(after_words)
        if place is not None and (not start or start.end() > len(name) - len(after_words) + place):
            name = after_words[place:]  # 关于连南瑶族自治县…循环经济示范园区建设项目: the name opens at the place
        else:
            name = name[start.end():] if start and len(name) - start.end() >= 4 else name
        name = clean_project_name(_LEADING_MARK.sub("", _after_open_bracket(name)).strip("“”\"").strip())
        stem = _HEADS_ONLY.sub("", re.sub(r"[（(][^（(]*$", "", name)) if name else ""
        if len(stem) >= 3 and not _REFERENCE.match(name) and not _SUMMARY.search(name) \
                and (not name[0].isdigit() or _YEAR_START.match(name)):
            found.append((match.end(), name))
    return found


def _verb(before: str) -> str:
    for label, pattern in _VERB_CLASSES:
        if pattern.search(before):
            return label
    return "other"


def _sentences(rows: list) -> list[tuple[str, int]]:
    """(sentence, line) of every sentence of the text rows (tables left out), spaces removed."""
    sentences: list[tuple[str, int]] = []
    for row in rows:
        if row.is_table:
            continue
        text = "".join(" ".join(row.cells).split())
        sentences += [(part, row.line) for part in _SENTENCE_END.split(text) if part]
    return sentences


def _main_name(mentions: list[tuple[str, int]]) -> tuple[str, int] | None:
    """The document's project so far: the name mentioned most often (the first of equals), with its first line."""
    if not mentions:
        return None
    counts: dict[str, int] = {}
    for name, _ in mentions:
        counts[name] = counts.get(name, 0) + 1
    best = max(counts.values())
    return next((name, line) for name, line in mentions if counts[name] == best)


def paired_entries(rows: list) -> list[PairedEntry]:
    """Projects whose name and amount are printed apart in the text rows (same sentence or the next one).

    Args:
        rows: the document's ``loaders.rows.Row`` records; only text rows (``is_table`` False) are read.

    Returns:
        One ``PairedEntry`` per name (its first paired amount, in 万元; 元 converted), in reading order, each with
        the line of its name and its pairing features (``distance``, ``clauses``, ``next_sentence``, ``verb``).

    Example:
        >>> from loaders.rows import Row
        >>> rows = [Row(["近日,老池镇以工代赈项目实施方案已批复。该项目总投资450万元,拟争取资金400万元。"], 3)]
        >>> [(e.name, e.amount, e.pairing) for e in paired_entries(rows)][0][:2]
        ('老池镇以工代赈项目', 450.0)
    """
    entries: list[PairedEntry] = []
    sentences = _sentences(rows)
    if not any("元" in sentence for sentence, _ in sentences):  # no amount to pair
        return entries
    taken: set[str] = set()
    previous: list[tuple[int, str]] = []
    previous_line, previous_sentence = 0, ""
    mentions: list[tuple[str, int]] = []  # every name seen so far, for amounts that point back (该项目总投资)
    for sentence, line in sentences:
        names = _names(sentence)
        mentions += [(name, line) for _, name in names]
        for amount_match in _AMOUNT.finditer(sentence):
            before = [(end, name) for end, name in names if end <= amount_match.start()]
            main = _main_name(mentions[:len(mentions) - len(names)] or mentions)
            reference = _POINTS_BACK.search(sentence[:amount_match.start()])
            if reference and not before and main:  # 项目估算总投资680万元: the project the document is about
                name, name_line = main
                between, next_sentence = sentence[reference.start():amount_match.start()], "far"
            elif before:
                end, name = before[-1]
                between, next_sentence, name_line = sentence[end:amount_match.start()], False, line
            elif previous:
                end, name = previous[-1]
                between = previous_sentence[end:] + "。" + sentence[:amount_match.start()]
                next_sentence, name_line = True, previous_line
            else:
                continue
            amount = read_amount(amount_match.group(1))
            if not amount or name in taken or _RATE.search(sentence[max(0, amount_match.start() - 4):amount_match.start()]):
                continue
            if amount_match.group(2) == "元":
                amount = round(amount / 10000, 6)
            taken.add(name)
            pairing = (f"pair_distance={_bucket(len(between), (0, 6, 20, 60))}",
                       f"pair_clauses={_bucket(len(_CLAUSE_MARK.findall(between)), (0, 1, 3))}",
                       f"pair_next_sentence={next_sentence}", f"pair_verb={_verb(between[-8:])}",
                       f"pair_unit={amount_match.group(2)}")
            entries.append(PairedEntry(name=name, amount=amount, source_table=None, first_line=name_line,
                                       last_line=line, pairing=pairing,
                                       notes=[f"Read from running text (line {name_line}); no project table printed."]))
        if names:
            previous, previous_line, previous_sentence = names, line, sentence
        else:
            previous = []  # a name pairs with the next sentence only
    return entries

