"""Shares and differences composed from two answers ("荣昌区基本支出占支出总计的比例", "苍溪比广元的支出总计多多少").

A share question is split at 占 into a numerator question and a denominator question, each answered by the
ordinary engine (``kb.query.ask.ask``), so every kind of figure the engine answers can be put over any other:
a budget figure over another of the same unit (基本支出占支出总计), a project, program or largest project over the
unit's project total (军转干部补助占荣昌项目总额), a subject over a budget figure, a unit's figure over the sum of
all units (占所有单位). The denominator names the numerator's unit when it names none, and the numerator's figure
when it names only "all units"; "…占比" alone is over 支出总计. A follow-up keeps the denominator ("那广元呢").
A difference (多多少, 相差多少, 差多少) is added to an answer whose rows hold one figure for each of two units.
Figures are 万元; a share is a percentage of two figures the store holds, never of an absent one.

Example:
    >>> share_parts("荣昌区基本支出占支出总计的比例是多少")
    ('荣昌区基本支出', '支出总计')
"""

from __future__ import annotations

import re
from typing import Any, Callable

from kb.core.normalize import normalize_text
from kb.query.mention_model import BUDGET_FIELDS
from kb.query.operations import distinct_items, measure_of, rows_total

_SHARE = re.compile(r"^(?P<num>.*?)占(?P<den>[^，。？?]*?)(?:中|里)?(?:的)?"
                    r"(?:比例|比重|百分比|百分之几|百分之多少|份额|几成|多大比例|多少|%)")
_SHARE_ALONE = re.compile(r"^(?P<num>.*?)(?:的)?(?:占比|所占比例|比重)")
_ALL_UNITS = re.compile(r"所有|全部|各单位|各区县|[五四三两几]个单位|总和|全体|一共")
_SUM_WORDS = re.compile(r"一共|加起来|合计|总和|总额|总金额")
_PROJECT_TOTAL = re.compile(r"项目(?:的)?(?:总额|总金额|合计|总和|金额|总计|资金|总数)")
_DIFFERENCE = re.compile(r"多多少|少多少|相差|差多少|差距|差额|高多少|低多少|多出|少了多少|多了多少")
DEFAULT_DENOMINATOR = "支出总计"
_QUESTION_TAIL = re.compile(r"(?:是多少|多少钱|多少|有多少|呢|[?？。])+$")


def share_parts(question: str) -> tuple[str, str] | None:
    """(numerator text, denominator text) of a share question, else None; the denominator is "支出总计" for
    "…占比" alone, and the numerator "" for a follow-up ("占支出总计的比例呢")."""
    text = normalize_text(question).strip()
    found = _SHARE.search(text)
    if found and (found.group("den") or "占" in text):
        return found.group("num").rstrip("的"), found.group("den").rstrip("的")
    found = _SHARE_ALONE.search(text)
    if found:
        return found.group("num").rstrip("的"), DEFAULT_DENOMINATOR
    return None


def figure_of(answer: Any) -> float | None:
    """The one figure an answer states (万元): its budget figure, or the sum of its rows' measure; None if none."""
    rows = answer.rows or []
    if answer.error or not rows:
        return None
    if answer.focus and any(isinstance(row.get(answer.focus), (int, float)) for row in rows):
        return round(sum(float(row[answer.focus]) for row in distinct_items(rows)
                         if isinstance(row.get(answer.focus), (int, float))), 2)
    return rows_total(rows) if measure_of(rows) else None


def _field_words(text: str) -> str:
    return next((words for words, _ in BUDGET_FIELDS if words in text), "")


def _denominator_question(den: str, numerator_text: str, unit: str | None) -> str:
    """The question whose answer is the denominator (see the module docstring)."""
    if _ALL_UNITS.search(den) and not unit_named(den):
        field = _field_words(den) or _field_words(numerator_text)
        rest = den if _field_words(den) else f"{den}{field}"
        return rest if _SUM_WORDS.search(rest.replace("支出总计", "")) else f"{rest}加起来多少"
    if unit and not unit_named(den):
        if _PROJECT_TOTAL.search(den):
            return f"{unit}所有项目加起来多少钱"
        return f"{unit}{den}"
    return den


def unit_named(text: str) -> bool:
    """Whether ``text`` holds a place-like word (…区, …县, …市; not 各区县) — then it names its own unit."""
    return bool(re.search(r"[\u4e00-\u9fff](?<!各)(?:区|县|市)(?!县|场)", text))


def share_answer(store: Any, question: str, previous: Any, parts: tuple[str, str], ask: Callable) -> Any:
    """The share asked by ``question`` (parts from ``share_parts``), or None when it is none after all.

    Args:
        store: an open store. question: as typed. previous: the previous answer (for "占支出总计的比例呢").
        parts: (numerator text, denominator text). ask: ``kb.query.ask.ask``.

    Returns:
        ``Answer`` with one row {numerator, denominator, share (%)}; or the numerator's (or denominator's) own
        answer when that has no figure (an absent unit or year is said so, never a share of another figure).
    """
    from kb.query.answer import Answer

    numerator_text, den = parts
    if numerator_text:
        top = ask(store, numerator_text)
    elif previous is not None and figure_of(previous) is not None:
        top, numerator_text = previous, previous.question
    else:
        return None
    return _share_of(store, question, top, numerator_text, den, ask, Answer)


def _share_of(store: Any, question: str, top: Any, numerator_text: str, den: str, ask: Callable, answer_type):
    numerator = figure_of(top)
    if numerator is None:
        return top
    frame = top.frame
    unit = frame.units[0] if frame is not None and frame.units and len(frame.units) == 1 else None
    if unit is None and top.rows:
        units = {row.get("unit") for row in distinct_items(top.rows) if row.get("unit")}
        unit = units.pop() if len(units) == 1 else None
    bottom = ask(store, _denominator_question(den, numerator_text, unit))
    denominator = figure_of(bottom)
    if not denominator:
        return bottom
    share = 100 * numerator / denominator
    from kb.query.sentences import short_unit, wan_yuan

    from kb.query.operations import field_label

    who = f"{short_unit(unit)}：" if unit else ""
    label = field_label(top.focus) if top.focus else _QUESTION_TAIL.sub("", numerator_text) or "所问数字"
    text = (f"{who}{label} {wan_yuan(numerator)}，占{den or DEFAULT_DENOMINATOR} {wan_yuan(denominator)} 的 "
            f"{share:.2f}%（约 {share:.1f}%）。")
    if frame is not None:
        frame.post_filters = {**frame.post_filters, "share": [den]}
    row = {"unit": unit, "numerator": numerator, "denominator": denominator, "share_percent": round(share, 2)}
    answer = answer_type(question, top.template, top.params, top.cypher, ["unit", "numerator", "denominator",
                         "share_percent"], [row], text, (top.sources or []) + (bottom.sources or []), top.method,
                         [], [], top.focus, None, "share", list(top.fuzzy) + list(bottom.fuzzy), frame)
    answer.list_rows = list(top.rows)
    return answer


def continue_share(store: Any, question: str, previous: Any, answer: Any, ask: Callable) -> Any:
    """A follow-up of a share ("那广元呢") is the same share of the new answer's figure; else ``answer``."""
    frame = getattr(previous, "frame", None)
    den = (frame.post_filters.get("share") if frame is not None else None) or None
    if not den or answer.error or getattr(answer.frame, "follow_up", "") != "replace":
        return answer
    from kb.query.answer import Answer

    return _share_of(store, question, answer, answer.question, den[0], ask, Answer)


def difference_note(question: str, rows: list[dict], focus: str | None) -> str:
    """"X 比 Y 多 D 万元。" when ``question`` asks a difference and ``rows`` hold one figure per unit for two units."""
    if not _DIFFERENCE.search(normalize_text(question)) or not rows:
        return ""
    column = focus if focus and any(isinstance(row.get(focus), (int, float)) for row in rows) else measure_of(rows)
    if column is None:
        return ""
    by_unit: dict[str, float] = {}
    for row in distinct_items(rows):
        if isinstance(row.get(column), (int, float)) and row.get("unit"):
            by_unit[row["unit"]] = by_unit.get(row["unit"], 0.0) + float(row[column])
    if len(by_unit) != 2:
        return ""
    from kb.query.sentences import short_unit, wan_yuan

    (high, a), (low, b) = sorted(by_unit.items(), key=lambda item: -item[1])
    return f"{short_unit(high)}比{short_unit(low)}多 {wan_yuan(round(a - b, 2))}（{a:g} − {b:g}）。"


def asks_difference_only(question: str) -> bool:
    """Whether ``question`` is a bare difference follow-up ("差多少？", "相差多少")."""
    text = re.sub(r"[\s?？。!！,，]|那|呢|两者|它们|他们|之间|的|一共", "", normalize_text(question))
    return bool(_DIFFERENCE.fullmatch(text) or re.fullmatch(r"(?:相)?差(?:了)?多少(?:钱|万元)?", text))


__all__ = ["asks_difference_only", "continue_share", "difference_note", "figure_of", "share_answer", "share_parts"]
