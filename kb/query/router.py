"""Route a question to a cypher/ template and fill its parameters from what the question names.

Scoring, per template (0..~1.5; the best feasible template above ``ROUTE_THRESHOLD`` wins):
- shape: the largest character n-gram cosine (0..1) between the masked question ("Ⓓ支持了哪些项目？") and
  the template's masked example questions;
- meaning: the embedding cosine (−1..1, model from ``kb.embeddings``) of the same texts, weight 0.2
  (with the lexical fallback this repeats the shape score at a low weight);
- keywords: +0.1 per header keyword found in the question (at most +0.3);
- names left unused: −0.35 for each kind of name the question holds that the template cannot take
  (a 文号 asked about must reach a template with ``doc_no``); names used: +0.1 for each kind it takes
  (a year, a budget figure such as 收入合计 count too).
When none reaches the threshold, a question that names one thing gets that kind's default template
(a 文号 -> projects_by_policy, a project -> project_detail, a subject -> subject_across_units …).
A template is feasible only when every required parameter can be filled from the question (or, for a
follow-up such as "那綦江呢？", from the previous answer). A short question after a previous answer is a
follow-up unless it starts a fresh template with a score ≥ ``CONFIDENT`` and does not open with 那/还有.

Example: "渝委办发〔2019〕66号支持了哪些项目？" -> projects_by_policy {doc_no: 渝委办发〔2019〕66号}.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kb.embeddings import embed, lexical_embed, uses_model
from kb.query.mentions import MARKERS, Mentions, content_words, read_mentions
from kb.query.templates import Registry, Template, load_registry
from kb.query.vocabulary import Vocabulary

ROUTE_THRESHOLD = 0.45
_UNUSED_PENALTY = 0.35
_EMBEDDING_WEIGHT = 0.2
_USED_BONUS = 0.1
# Kinds of names a template uses without a parameter: unit_budget states the budget figure asked about first.
_FOCUS_KINDS = {"unit_budget": {"field"}}
# A parameter and the kind of name that fills it (kinds as in Mentions.kinds()).
_PARAM_KIND = {"doc_no": "doc_no", "issuer_code": "issuer_code", "unit": "unit", "year": "year",
               "subject": "subject", "project": "project", "indicator": "indicator", "program": "program",
               "keyword": "keyword", "field": "field", "scheme": None, "role": None}
# The template for a question that only names something, by the kind of name (most specific first).
_DEFAULT_FOR_KIND = (("doc_no", "projects_by_policy"), ("project", "project_detail"),
                     ("program", "program_across_units"), ("indicator", "projects_by_indicator"),
                     ("subject", "subject_across_units"), ("issuer_code", "policies_by_issuer"), ("unit", "unit_budget"))
_STARTS_FOLLOW_UP = re.compile(r"^(?:那|那么|那个|还有|再看看?|换成|改成)")
CONFIDENT = 0.8  # a question that fits a template this well is a new question, even after a previous answer
_FOLLOW_UP = re.compile(r"^(?:那|那么|那个|还有|再看看?|换成|改成)|[呢吗]\s*[?？]?\s*$")
_BY_YEAR = re.compile(r"(按|分)(年份|年度|年)|各年|历年|每年")


@dataclass
class Route:
    """Where a question goes.

    Attributes:
        template: the chosen template's name, or None when none fits.
        params: parameters for it (typed values; defaults left out).
        mentions: the names read from the question.
        scores: template name -> score (see the module docstring), feasible templates only.
        missing: for the best-scoring template that could not run, the parameters nobody filled.
        follow_up: True when parameters were carried over from the previous answer.
    """

    template: str | None
    params: dict[str, Any]
    mentions: Mentions
    scores: dict[str, float] = field(default_factory=dict)
    missing: dict[str, list[str]] = field(default_factory=dict)
    follow_up: bool = False


def _examples(registry: Registry, vocab: Vocabulary) -> tuple:
    """(template name, masked example) pairs with their lexical and model vectors, cached on ``vocab``."""
    cached = vocab.cache.get(("examples", id(registry)))
    if cached is None:
        pairs = [(template.name, read_mentions(example, vocab).masked) for template in registry
                 for example in template.examples]
        texts = [masked for _, masked in pairs]
        cached = (pairs, lexical_embed(texts), embed(texts) if uses_model() else None)
        vocab.cache[("examples", id(registry))] = cached
    return cached


def fill_params(template: Template, mentions: Mentions, vocab: Vocabulary) -> tuple[dict[str, Any], list[str]]:
    """Fill ``template``'s parameters from ``mentions``.

    Returns:
        (params, missing): values for the parameters the question names (required or optional), and the
        required parameters it does not name.
    """
    params: dict[str, Any] = {}
    project = mentions.projects[0] if mentions.projects else None
    for parameter in template.parameters:
        name = parameter.name
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
    missing = [name for name in template.required_params if name not in params]
    return params, missing


def _subject_value(mentions: Mentions) -> str:
    """The subject parameter: the code when one code was named, else the name (same name across schemes)."""
    codes = {code for _, code, _ in mentions.subjects}
    names = {name for _, _, name in mentions.subjects}
    if len(codes) == 1:
        return next(iter(codes))
    return sorted(names, key=len)[0] if len(names) >= 1 else next(iter(codes))


def _used_kinds(template: Template) -> set[str]:
    kinds = {_PARAM_KIND.get(name) for name in template.params} - {None}
    if "unit" in kinds or "project" in kinds:
        kinds.add("unit")
    return kinds | _FOCUS_KINDS.get(template.name, set())


def score_templates(mentions: Mentions, registry: Registry, vocab: Vocabulary) -> dict[str, float]:
    """Score every template for ``mentions`` (see the module docstring); infeasible ones included."""
    pairs, lexical_vectors, model_vectors = _examples(registry, vocab)
    question_lexical = lexical_embed([mentions.masked])[0]
    shape = lexical_vectors @ question_lexical
    if model_vectors is not None:
        meaning = model_vectors @ embed([mentions.masked])[0]
    else:
        meaning = shape
    combined = shape + _EMBEDDING_WEIGHT * meaning
    best: dict[str, float] = {}
    for (name, _), value in zip(pairs, combined):
        best[name] = max(best.get(name, -1.0), float(value))
    present = mentions.kinds() - {"year", "field"}
    named_filters = mentions.kinds() & {"year", "field"}
    if mentions.projects:
        present.discard("unit")  # a unit named inside a project name is part of that name
    for template in registry:
        score = best.get(template.name, 0.0)
        hits = sum(1 for keyword in template.keywords if keyword in mentions.key)
        score += min(0.1 * hits, 0.3)
        used = _used_kinds(template)
        score -= _UNUSED_PENALTY * len(present - used)
        score += _USED_BONUS * len((present | named_filters) & used)
        best[template.name] = round(score, 4)
    return best


def route(question: str, vocab: Vocabulary, previous: Any = None, registry: Registry | None = None) -> Route:
    """Choose a template for ``question`` and fill its parameters.

    Args:
        question: the question as typed.
        vocab: the store's vocabulary (``kb.query.vocabulary.vocabulary(store)``).
        previous: the previous ``Answer`` (or None); a follow-up ("那綦江呢？", "按年份呢？") reuses its
            template with the newly named values.
        registry: templates (default: cypher/).

    Returns:
        A ``Route``; ``template`` is None when no template fits (the caller falls back to semantic search).
    """
    registry = registry or load_registry()
    mentions = read_mentions(question, vocab)
    scores = score_templates(mentions, registry, vocab)
    fresh = _fresh_route(mentions, scores, registry, vocab)
    follow = _follow_up(question, mentions, previous, registry, vocab)
    if follow is not None and (fresh.template is None or _STARTS_FOLLOW_UP.match(mentions.key)
                               or fresh.scores[fresh.template] < CONFIDENT):
        return follow
    return fresh


def _fresh_route(mentions: Mentions, scores: dict[str, float], registry: Registry, vocab: Vocabulary) -> Route:
    """The best feasible template for ``mentions`` alone (no previous answer)."""
    feasible: dict[str, float] = {}
    missing: dict[str, list[str]] = {}
    filled: dict[str, dict] = {}
    for template in registry:
        params, lacking = fill_params(template, mentions, vocab)
        if lacking:
            missing[template.name] = lacking
        else:
            feasible[template.name] = scores[template.name]
            filled[template.name] = params
    if feasible:
        name = max(feasible, key=lambda key: feasible[key])
        if feasible[name] >= ROUTE_THRESHOLD:
            return Route(name, filled[name], mentions, feasible, {})
    default = _default_template(mentions, feasible)
    if default is not None:
        return Route(default, filled[default], mentions, feasible, {})
    word = _indicator_word(mentions, vocab)
    if word and "projects_by_indicator" in registry:  # "死亡冒领": part of an indicator's name, nothing else named
        return Route("projects_by_indicator", {"indicator": word}, mentions, feasible, {})
    top_missing = sorted(missing, key=lambda key: -scores[key])[:1]
    return Route(None, {}, mentions, feasible, {key: missing[key] for key in top_missing})


def _default_template(mentions: Mentions, feasible: dict[str, float]) -> str | None:
    """The template a question naming one thing but no clear intent gets ("渝人社发〔2016〕132号", "社保惠民服务专项"):
    by the most specific kind of name it holds; a unit alone only when no other content words remain."""
    kinds = mentions.kinds()
    for kind, template in _DEFAULT_FOR_KIND:
        if kind in kinds and template in feasible:
            if kind == "unit" and content_words(mentions):
                return None
            return template
    return None


def _indicator_word(mentions: Mentions, vocab: Vocabulary) -> str | None:
    """A content word (≥ 3 characters) of a question that names nothing else, found inside an indicator name."""
    if mentions.kinds() - {"year"}:
        return None
    for word in sorted(content_words(mentions), key=len, reverse=True):
        if len(word) >= 3 and any(word in name for name in vocab.indicators):
            return word
    return None


def _follow_up(question: str, mentions: Mentions, previous: Any, registry: Registry,
               vocab: Vocabulary) -> Route | None:
    """Reuse the previous answer's template when the question is a short follow-up naming new values."""
    if previous is None or not getattr(previous, "template", None) or previous.template not in registry:
        return None
    stripped = re.sub(r"[\s?？。!！,，]", "", mentions.key)
    masked_rest = re.sub(f"[{''.join(MARKERS.values())}]", "", re.sub(r"[\s?？。!！,，]", "", mentions.masked))
    by_year = bool(_BY_YEAR.search(mentions.key))
    looks_short = len(masked_rest) <= 6 or _FOLLOW_UP.search(stripped) is not None
    if not looks_short or len(masked_rest) > 10:
        return None
    template = registry.get(previous.template)
    params = {key: value for key, value in (previous.params or {}).items() if key in template.params}
    new, _ = fill_params(template, mentions, vocab)
    if not new and not by_year:
        return None
    if "unit" in new and new.get("unit") != params.get("unit") and "year" not in new and "year" in params:
        params["year"] = 0  # another unit publishes other years
    params.update(new)
    if by_year and "year" in template.params and "year" not in new:
        params["year"] = 0
    defaults = {p.name: p.default for p in template.parameters}
    params = {key: value for key, value in params.items() if value != defaults.get(key, object())}
    return Route(template.name, params, mentions, {template.name: 1.0}, {}, follow_up=True)


__all__ = ["ROUTE_THRESHOLD", "Route", "fill_params", "route", "score_templates"]
