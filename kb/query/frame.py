"""The question frame: what is asked, about which names, with which operation.

``read_frame`` reads a question into a ``Frame``:
- the names it holds (``kb.query.mentions``: units, years, 文号, issuers, projects, programs, subjects,
  indicators and indicator types, topic words, the budget figure asked about) — the filters;
- the intent (which cypher/ template answers it) and the operation (list, sum, count, max, min, lookup),
  both from the classifier trained on paraphrases (``kb.query.intent``). The most probable intent whose
  required parameters the question fills, and that uses the most specific names it holds (a 文号, project,
  program, indicator, issuer, subject or topic named must reach a template taking it), is chosen.
- filters the template does not take (a unit named with a program, a year with a 文号) are applied to the
  rows afterwards (``post_filters``), so "荣昌有没有乡村医生补助" can say 荣昌 has none and where such
  projects are.

A follow-up is read against the previous frame (``previous``): names of a kind named again replace the old
ones and the others are kept ("那綦江呢？", "2023年呢？"), a budget figure alone changes the measure and
keeps the rest ("项目支出呢？"), a question with no names that the classifier reads as acting on rows
("其中最大的是哪个？", "这些一共多少钱？") operates on the previous rows, and "它/这个项目" means the one project of
the previous rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from kb.query.intent import classify
from kb.query.mentions import BUDGET_FIELDS, MARKERS, Mentions, content_words, read_mentions
from kb.query.templates import Registry, Template, load_registry
from kb.query.vocabulary import Vocabulary

MIN_CONFIDENCE = 0.5  # below this, a question naming nothing is not routed to a template
# Kinds of names that a template must take when the question holds them (otherwise the name would be lost).
_SPECIFIC = ("doc_no", "project", "program", "indicator", "indicator_type", "issuer_code", "subject", "keyword")
_PARAM_KIND = {"doc_no": "doc_no", "issuer_code": "issuer_code", "unit": "unit", "year": "year", "subject": "subject",
               "project": "project", "indicator": "indicator", "program": "program", "keyword": "keyword",
               "field": "field", "level": "indicator_type"}
# Templates that read a kind of name without a parameter (applied to their rows, or stated first).
_IMPLICIT = {"unit_budget": {"field"}, "budget_ranking": {"field"}, "policies_cited_by_several_units": {"unit"},
             "project_indicators": {"indicator", "indicator_type"}}
_REFERS_BACK = re.compile(r"^(?:那|那么|那个|还有|再看看?|换成|改成)|[呢]\s*[?？]?\s*$")
_PRONOUN = re.compile(r"它|这个项目|该项目|此项目|这一项|这个|上述项目")
_ON_ROWS = re.compile(r"其中|这些|它们|上面|以上|里面|这里面|上述")
_ISSUES = re.compile(r"发了|发过|印发|下发|发的|出台")
_EXTREME = re.compile(r"(?:其中|里面|这些里)?最?([大小多少高低])的(?:那个|那一个|那项|一个|项目)")
_THIS_UNIT = re.compile(r"(?:这个|这家|该|那个|此)单位")
_WHICH_UNITS = re.compile(r"(?:哪个|哪些|哪几个|什么|哪家)(?:单位|区县|部门|地方)(?:的|)[?？]?$|属于(?:哪个|哪些)单位|各是哪个单位")
_ON_ROWS_OR_TOP = re.compile(r"^(?:其中|这些|上面|以上|里面)?(?:金额|预算)?(?:排)?前")
_BY_YEAR = re.compile(r"(按|分)(年份|年度|年)|各年|历年|每年")
# A ranking asked for (every item in order), not only the largest or smallest one.
_RANKED = re.compile(r"排名|排序|排行|排一下|从高到低|从大到小|从低到高|从小到大|由高到低|由低到高|由大到小|由小到大|升序|降序|依次")
_PROJECT_INTENTS = {"policies_of_project", "project_indicators", "project_detail"}
# A project's question asked again of another unit ("那綦江呢？" after "这个项目的依据文件是什么？").
_UNIT_ANALOGUE = {"policies_of_project": "policies_of_unit", "project_detail": "unit_projects",
                  "project_indicators": "unit_projects"}


@dataclass
class Frame:
    """One question read.

    Attributes:
        intent: the template that answers it (None when none fits: semantic search), or "follow_up" when it
            operates on the previous rows.
        operation: list | sum | count | max | min | lookup.
        params: the template's parameters.
        mentions: the names read (the filters).
        units: every unit named (a template taking one unit runs once per unit).
        post_filters: {"unit": [...], "year": [...]} applied to rows of a template that does not take them.
        confidence: the classifier's probability for the intent (1.0 for a carried-over follow-up).
        follow_up: how the previous frame was used: "" (fresh), "replace", "rows" or "pronoun".
        missing: parameters the best intent lacked, when nothing fitted.
    """

    intent: str | None
    operation: str
    params: dict[str, Any]
    mentions: Mentions
    units: list[str] = field(default_factory=list)
    post_filters: dict[str, list] = field(default_factory=dict)
    confidence: float = 0.0
    follow_up: str = ""
    missing: list[str] = field(default_factory=list)

    @property
    def template(self) -> str | None:
        """The template name (None for semantic search and for operations on previous rows)."""
        return None if self.intent in (None, "follow_up") else self.intent


def fill_params(template: Template, mentions: Mentions) -> tuple[dict[str, Any], list[str]]:
    """Fill ``template``'s parameters from ``mentions``.

    Returns:
        (params, missing): values for the parameters the question names, and the required ones it does not.
    """
    params: dict[str, Any] = {}
    project = mentions.projects[0] if mentions.projects else None
    for name in template.params:
        value: Any = None
        if name == "doc_no" and (mentions.doc_nos or mentions.unknown_doc_nos):
            value = (mentions.doc_nos or mentions.unknown_doc_nos)[0]
        elif name == "issuer_code" and mentions.issuer_codes:
            value = mentions.issuer_codes[0]
        elif name == "unit" and mentions.units:
            value = mentions.units[0]
            if project is not None:  # a project's template: keep the unit only if it runs that project
                runs = [unit for _, unit, _ in mentions.projects if unit in mentions.units]
                value = runs[0] if runs else None
        elif name == "year" and mentions.years:
            value = mentions.years[0]
        elif name == "subject" and mentions.subjects:
            value = _subject_value(mentions)
        elif name == "scheme" and mentions.scheme:
            value = mentions.scheme
        elif name == "scheme" and mentions.subjects and "subject" in template.params:
            schemes = {scheme for scheme, _, _ in mentions.subjects}
            value = "function" if len(schemes) > 1 and "function" in schemes else None
        elif name == "project" and project is not None:
            value = project[0]
        elif name == "indicator" and mentions.indicators:
            value = mentions.indicators[0]
        elif name == "level" and mentions.indicator_types:
            value = mentions.indicator_types[0]
        elif name == "program" and mentions.programs:
            value = mentions.programs[0]
        elif name == "keyword" and mentions.keywords:
            value = mentions.keywords[0]
        elif name == "field" and mentions.budget_field:
            value = mentions.budget_field
        elif name == "role" and mentions.role:
            value = mentions.role
        if value is not None:
            params[name] = value
    return params, [name for name in template.required_params if name not in params]


def _subject_value(mentions: Mentions) -> str:
    """The subject parameter: the code when one code was named, else the (shortest) name."""
    codes = {code for _, code, _ in mentions.subjects}
    names = {name for _, _, name in mentions.subjects}
    if len(codes) == 1:
        return next(iter(codes))
    return sorted(names, key=len)[0] if names else next(iter(codes))


def _takes(template: Template) -> set[str]:
    kinds = {_PARAM_KIND.get(name) for name in template.params} - {None}
    return kinds | _IMPLICIT.get(template.name, set())


def _with_keyword(mentions: Mentions) -> Mentions:
    """``mentions`` with the longest content word as topic word when none was read (荣昌有没有乡村医生补助)."""
    if mentions.keywords:
        return mentions
    words = [word for word in content_words(mentions) if len(word) >= 2]
    if not words:
        return mentions
    return replace(mentions, keywords=[max(words, key=len)])


def choose(mentions: Mentions, registry: Registry, prediction) -> Frame:
    """The most probable feasible intent for ``mentions`` (see the module docstring)."""
    present = {kind for kind in mentions.kinds() if kind in _SPECIFIC}
    missing: list[str] = []
    names_nothing = not (mentions.kinds() - {"field"})
    for intent, probability in prediction.intents:
        if intent == "follow_up" or intent not in registry:
            continue
        if names_nothing and probability < MIN_CONFIDENCE:
            break  # no name and no clear intent: semantic search answers, and says so
        if intent == "policies_cited_by_several_units" and len(mentions.units) == 1:
            continue  # "荣昌都引用了哪些文件": one unit's 文件, not those shared by several
        template = registry.get(intent)
        candidate = _with_keyword(mentions) if "keyword" in template.params else mentions
        dropped = present - _takes(template)
        if dropped == {"keyword"} and len(present) > 1:
            dropped = set()  # a topic word beside a 文号 or project is only context
        if dropped:
            continue  # it would drop a specific name the question holds
        params, lacking = fill_params(template, candidate)
        if lacking:
            missing = missing or lacking
            continue
        return _frame(intent, prediction.operation, params, candidate, template, probability)
    return Frame(None, prediction.operation, {}, mentions, list(mentions.units), {}, 0.0, "", missing)


def _frame(intent: str, operation: str, params: dict, mentions: Mentions, template: Template,
           confidence: float) -> Frame:
    post: dict[str, list] = {}
    takes = _takes(template)
    if mentions.units and "unit" not in takes and not mentions.projects:
        post["unit"] = list(mentions.units)
    elif mentions.units and mentions.projects and not any(unit in mentions.units for _, unit, _ in mentions.projects):
        post["unit"] = list(mentions.units)  # 万盛有没有乡村振兴经费: another unit's project is not 万盛's
    if _RANKED.search(mentions.key):
        post["ranked"] = [True]
    if mentions.years and "year" not in takes:
        post["year"] = list(mentions.years)
    if mentions.amount_bounds:
        post["amount"] = list(mentions.amount_bounds)
    if mentions.top:
        post["top"] = [mentions.top]
        operation = operation if operation in ("max", "min") else "max"
    if intent == "project_indicators" and (mentions.indicators or mentions.indicator_types):
        post["indicator"] = list(mentions.indicators) + list(mentions.indicator_types)
    if operation == "lookup" and intent not in ("unit_budget", "project_detail", "subject_across_units"):
        operation = "list"
    return Frame(intent, operation, params, mentions, list(mentions.units), post, confidence)


def read_frame(question: str, vocab: Vocabulary, previous: Frame | None = None, previous_rows: list | None = None,
               registry: Registry | None = None) -> Frame:
    """Read ``question`` into a ``Frame``, as a follow-up of ``previous`` when it is one.

    Args:
        question: as typed.
        vocab: the store's vocabulary (with its gazetteer).
        previous: the frame of the previous question in the conversation, or None.
        previous_rows: that question's result rows (for "其中最大的", "它的…").
        registry: templates (default: cypher/).

    Returns:
        A ``Frame``; ``intent`` None when nothing fits (the caller falls back to semantic search).
    """
    registry = registry or load_registry()
    mentions = read_mentions(question, vocab)
    prediction = classify(mentions.masked)
    fresh = choose(mentions, registry, prediction)
    readings = _alternative_readings(mentions, vocab) + ([mentions.topic_reading] if mentions.topic_reading else [])
    for other in readings:
        other_prediction = classify(other.masked)
        frame = choose(other, registry, other_prediction)
        if frame.intent and (fresh.intent is None or frame.confidence > fresh.confidence + 0.05):
            fresh, prediction = frame, other_prediction
    if previous is None:
        return fresh
    followed = _follow_up(question, mentions, prediction, fresh, previous, previous_rows or [], registry)
    return followed or fresh


_KIND_FIELD = {"project": "projects", "program": "programs", "program_keyword": "programs", "subject": "subjects",
               "indicator": "indicators"}


def _alternative_readings(mentions: Mentions, vocab: Vocabulary) -> list[Mentions]:
    """``mentions`` re-read with each alternative kind of an ambiguous span (see ``Mentions.alternatives``)."""
    readings = []
    for match in mentions.alternatives:
        other = replace(mentions, projects=[], programs=list(mentions.programs), subjects=list(mentions.subjects),
                        indicators=list(mentions.indicators), alternatives=[])
        chosen_kind = next((k for k, f in _KIND_FIELD.items() if k != match.kind and getattr(mentions, f)), None)
        if chosen_kind is None:
            continue
        setattr(other, _KIND_FIELD[chosen_kind], [])
        if chosen_kind != "project":
            other.projects = list(mentions.projects)
        value = match.value
        if match.kind == "project":
            other.projects = [(p.name, p.unit, 100.0) for p in vocab.projects if p.name == value]
        elif match.kind == "subject":
            other.subjects = list(vocab.subjects.get(value, []))
        else:
            getattr(other, _KIND_FIELD[match.kind]).append(value)
        marker = MARKERS["program" if match.kind == "program_keyword" else match.kind]
        old = MARKERS["program" if chosen_kind == "program_keyword" else chosen_kind]
        other.masked = mentions.masked.replace(old, marker, 1)
        readings.append(other)
    return readings


def _names_only(mentions: Mentions) -> str:
    """What the masked question holds besides names and punctuation (short = a follow-up such as 那Ⓤ呢)."""
    text = re.sub(f"[{''.join(MARKERS.values())}]", "", mentions.masked)
    return re.sub(r"[\s?？。!！,，、]|那么|那|呢|还有|的|换成|改成|再看看|再看|它们|它|该单位|这个单位", "", text)


def _follow_up(question: str, mentions: Mentions, prediction, fresh: Frame, previous: Frame, rows: list,
               registry: Registry) -> Frame | None:
    """The frame of a follow-up, or None when ``question`` stands on its own."""
    kinds = mentions.kinds()
    key = mentions.key
    if prediction.intent == "follow_up" and not (kinds - {"field"}) and rows and prediction.operation in (
            "max", "min", "sum", "count"):
        return Frame("follow_up", prediction.operation, {}, mentions, previous.units, {}, prediction.confidence, "rows")
    if _ON_ROWS.search(key) and not (kinds - {"field", "year"}) and rows and prediction.operation in (
            "max", "min", "sum", "count"):
        return Frame("follow_up", prediction.operation, {}, mentions, previous.units, {}, prediction.confidence, "rows")
    specific = kinds & set(_SPECIFIC) or kinds & {"unit", "year"}
    if kinds == {"unit"} and rows and _ON_ROWS.search(key) and any(row.get("unit") for row in rows):
        return Frame("follow_up", "filter", {}, mentions, list(mentions.units), {"unit": list(mentions.units)}, 1.0,
                     "rows")  # "其中綦江的有哪些？": the previous rows of that unit
    if not specific and rows and mentions.amount_bounds:  # "超过100万的有哪些？": the previous listing, bounded
        return Frame("follow_up", "filter", {}, mentions, previous.units, {"amount": list(mentions.amount_bounds)},
                     1.0, "rows")
    if not specific and rows and _WHICH_UNITS.search(key) and not re.search("最|前", key):  # "是哪个单位的？"
        return Frame("follow_up", "units", {}, mentions, previous.units, {}, 1.0, "rows")
    if not specific and rows and mentions.top and _ON_ROWS_OR_TOP.search(key):  # "前三个是哪些？"
        return Frame("follow_up", "max", {}, mentions, previous.units, {"top": [mentions.top]}, 1.0, "rows")
    row_units = list(dict.fromkeys(row.get("unit") for row in rows if row.get("unit")))
    if _THIS_UNIT.search(key) and not specific and len(row_units) == 1:  # "这个单位一共有几个项目？"
        carried = replace(mentions, units=row_units, masked=_THIS_UNIT.sub(MARKERS["unit"], mentions.masked, 1))
        frame = choose(carried, registry, classify(carried.masked))
        if frame.intent:
            frame.follow_up = "pronoun"
            return frame
    wants_project = any(intent in _PROJECT_INTENTS for intent, p in prediction.intents[:2] if p > 0.2)
    one_project = len({(row.get("project"), row.get("unit")) for row in rows if row.get("project")}) == 1
    doc_nos = list(previous.mentions.doc_nos) or list(dict.fromkeys(row["doc_no"] for row in rows if row.get("doc_no")))
    if (_PRONOUN.search(key) and not specific and len(doc_nos) == 1 and not previous.mentions.projects
            and not (wants_project and one_project)):  # (它的绩效指标 after a 文件 of one project: that project)
        doc_no = doc_nos[0]  # "哪些项目引用了它？" after a question on one 文件 (or an answer naming one)
        if _ISSUES.search(key) and "〔" in doc_no:  # "它还发了哪些文件？": its issuer
            carried = replace(mentions, issuer_codes=[doc_no.split("〔")[0]],
                              masked=_PRONOUN.sub(MARKERS["issuer_code"], mentions.masked, 1))
        else:
            carried = replace(mentions, doc_nos=[doc_no], masked=_PRONOUN.sub(MARKERS["doc_no"], mentions.masked, 1))
        frame = choose(carried, registry, classify(carried.masked))
        if frame.intent:
            frame.follow_up = "pronoun"
            return frame
    measure_only = bool(mentions.budget_field) and not re.sub(
        r"[呢?？。\s]|那|的|还有", "", re.sub("|".join(words for words, _ in BUDGET_FIELDS), "", key))  # "支出总计呢？"
    if not specific and rows and prediction.operation in ("max", "min", "sum", "count") and not measure_only and not (
            fresh.intent and fresh.confidence >= 0.9 and fresh.template not in ("list_units", "budget_ranking")):
        return Frame("follow_up", prediction.operation, {}, mentions, previous.units, {}, prediction.confidence, "rows")
    wants_project = any(intent in _PROJECT_INTENTS for intent, p in prediction.intents[:2] if p > 0.2)
    if (_PRONOUN.search(key) or (not specific and wants_project)) and not mentions.projects and (
            rows or previous.mentions.projects):
        projects = list(dict.fromkeys((row.get("project"), row.get("unit")) for row in rows if row.get("project")))
        extreme = _EXTREME.search(key) if len(projects) > 1 else None
        if extreme:  # "其中小的那个的绩效指标": the smallest (largest) project of the previous rows
            priced = [row for row in rows if row.get("project") and isinstance(row.get("amount"), (int, float))]
            if priced:
                pick = (min if extreme.group(1) in "小少低" else max)(priced, key=lambda row: row["amount"])
                projects = [(pick["project"], pick.get("unit"))]
        projects = projects or [(name, unit) for name, unit, _ in previous.mentions.projects[:1]]
        if len(projects) >= 1 and (len(projects) == 1 or previous.operation in ("max", "min")):
            project, unit = projects[0]
            carried = replace(mentions, projects=[(project, unit, 100.0)], units=[unit] if unit else mentions.units)
            frame = choose(carried, registry, prediction)
            if frame.intent:
                frame.follow_up = "pronoun"
                return frame
    row_units = list(dict.fromkeys(row.get("unit") for row in rows if row.get("unit")))
    if _PRONOUN.search(key) and not specific and len(row_units) == 1 and not mentions.projects:
        carried = replace(mentions, units=row_units, masked=_PRONOUN.sub(MARKERS["unit"], mentions.masked, 1))
        frame = choose(carried, registry, classify(carried.masked))  # "它有哪些项目？" after "最高的是哪个单位"
        if frame.intent:
            frame.follow_up = "pronoun"
            return frame
    short = len(_names_only(mentions)) <= 4 or bool(_REFERS_BACK.search(key))
    by_year = bool(_BY_YEAR.search(key))
    if not short and not by_year:
        return None
    rest = _names_only(mentions)
    names_something = bool(kinds - {"field"})
    if fresh.intent and names_something and not _REFERS_BACK.search(key) and rest:
        return None  # names something, and no 那…/…呢: a question of its own ("万胜的三公经费"); "2023年的" is not
    if fresh.intent and fresh.confidence >= 0.5 and len(rest) >= 3 and names_something and not key.startswith("那"):
        return None  # a complete question of its own ("荣昌有哪些项目呢？")
    if not kinds and not by_year:
        return None
    merged = _merge(previous.mentions, mentions)
    template_name = previous.template
    if template_name and template_name in registry:
        template = registry.get(template_name)
        present = {kind for kind in merged.kinds() if kind in _SPECIFIC}
        if not (present - _takes(template) - {"keyword"}):
            params, lacking = fill_params(template, merged)
            if not lacking:
                if by_year and "year" in template.params and not mentions.years:
                    params.pop("year", None)
                frame = _frame(template_name, previous.operation, params, merged, template, 1.0)
                frame.follow_up = "replace"
                return frame
    analogue = _UNIT_ANALOGUE.get(template_name or "")
    if analogue and merged.units and not merged.projects and analogue in registry:
        params, lacking = fill_params(registry.get(analogue), merged)
        if not lacking:
            frame = _frame(analogue, previous.operation, params, merged, registry.get(analogue), 1.0)
            frame.follow_up = "replace"
            return frame
    frame = choose(merged, registry, prediction)
    if frame.intent:
        frame.follow_up = "replace"
        return frame
    return None


def _merge(old: Mentions, new: Mentions) -> Mentions:
    """``old`` with every kind of name ``new`` holds replaced by ``new``'s (a new unit drops the old year)."""
    merged = replace(old, text=new.text, key=new.key, masked=new.masked, fuzzy=list(new.fuzzy))
    for attribute in ("doc_nos", "unknown_doc_nos", "issuer_codes", "units", "years", "subjects", "projects",
                      "indicators", "programs", "keywords", "indicator_types"):
        value = getattr(new, attribute)
        if value:
            setattr(merged, attribute, list(value))
    if new.units and not new.years and set(new.units) != set(old.units):
        merged.years = []  # another unit publishes other years
    if new.units and not new.projects and old.projects and not any(u == n for _, u, _ in old.projects for n in new.units):
        merged.projects = []
    if new.projects and not new.units:
        merged.units = []
    for attribute in ("unknown_places", "unknown_titles", "unknown_issuers"):  # what this question names only
        setattr(merged, attribute, list(getattr(new, attribute)))
    if new.budget_field:
        merged.budget_field = new.budget_field
    if new.scheme:
        merged.scheme = new.scheme
    return merged


__all__ = ["Frame", "choose", "fill_params", "read_frame"]
