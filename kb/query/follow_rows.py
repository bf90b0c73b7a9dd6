"""Follow-ups acting on the previous answer's rows: "其中金额最大的是哪个？", "这些一共多少钱？", "前三个是哪些？",
"其中綦江的有哪些？", "超过100万的有哪些？", "是哪个单位的？" (``kb.query.frame`` reads them as intent "follow_up").

The rows are the previous answer's (or its listing, ``Answer.list_rows``, when the previous answer picked one
item of several); the operation is one of ``kb.query.operations``. No template runs.

Example:
    >>> rows_answer(store, vocab, "这些一共多少钱？", frame, previous).answer  # doctest: +SKIP
    '在上一个回答的 10 项中：10 个项目的金额合计 1174.96 万元。'
"""

from __future__ import annotations

from typing import Any

from kb.query.answer import Answer, sources_of
from kb.query.frame import Frame
from kb.query.messages import question_error
from kb.query.operations import (apply_operation, bound_rows, distinct_items, field_label, filter_rows, item_key,
                                 measure_of, operation_sentence, sort_rows)
from kb.query.sentences import sentence, short_unit, wan_yuan
from kb.query.vocabulary import Vocabulary


def rows_answer(store: Any, vocab: Vocabulary, question: str, frame: Frame, previous: Answer | None) -> Answer:
    """An operation on the previous answer's rows ("其中金额最大的是哪个？", "这些一共多少钱？").

    Args:
        store: an open store (for the sources of the rows). vocab: its vocabulary. question: as typed.
        frame: the follow-up's frame (operation, top, filters). previous: the previous answer.

    Returns:
        ``Answer`` (method "follow-up") over the previous rows.

    Raises:
        UnanswerableQuestion: Q_NOTHING_BEFORE (no previous rows) or Q_NO_FIGURE_IN_ROWS (nothing to add up).
    """
    rows = list(getattr(previous, "rows", None) or [])
    if frame.operation == "units" and rows:  # "是哪个单位的？": the units of the previous rows
        return units_answer(store, vocab, question, frame, previous, rows)
    if frame.operation == "filter":  # "其中綦江的有哪些？": the previous listing, of the units named
        listing = list(getattr(previous, "list_rows", None) or rows)
        rows = bound_rows(filter_rows(listing, {"unit": frame.post_filters.get("unit", [])}),
                          frame.post_filters.get("amount", []))
        units = "、".join(short_unit(u) for u in frame.post_filters.get("unit", [])) or "符合条件"
        text = (f"上一个回答的 {len(distinct_items(listing))} 项中，{units}的有 {len(distinct_items(rows))} 项："
                f"{sentence(previous.template, rows, previous.params, focus=previous.focus)}" if rows else
                f"上一个回答的 {len(distinct_items(listing))} 项中没有{units}的。")
        frame.operation, frame.params = "list", dict(previous.params)
        answer = Answer(question, previous.template, previous.params, previous.cypher, previous.columns, rows, text,
                        sources_of(store, vocab, rows), "follow-up", [], [], previous.focus, None, "list", [], frame)
        answer.list_rows = rows if len(distinct_items(rows)) > 1 else []
        return answer
    listing = list(getattr(previous, "list_rows", None) or [])
    if listing and (frame.operation in ("sum", "count") or len(distinct_items(listing)) > len(distinct_items(rows))):
        rows = list(previous.list_rows)  # "这些" or "哪个最少" after "其中最大的": the listing, not the one picked
    if not rows:
        raise question_error("Q_NOTHING_BEFORE")
    if measure_of(rows) is None and frame.operation != "count":
        raise question_error("Q_NO_FIGURE_IN_ROWS", operation={"sum": "合计", "max": "比较", "min": "比较"}.get(
            frame.operation, "计算"))
    what = field_label(previous.params.get("field")) if previous.template == "budget_ranking" else ""
    ordered = sort_rows(rows, frame.operation)
    picked = apply_operation(ordered, frame.operation)
    text = operation_sentence(ordered, frame.operation, picked, what)
    top = frame.post_filters.get("top")
    if top:  # "前三个是哪些？": the first N of the previous rows by amount
        keep = {item_key(row) for row in distinct_items(ordered)[:top[0]]}
        picked = [row for row in ordered if item_key(row) in keep]
        measure = measure_of(picked)
        text = f"按金额从大到小排前 {top[0]} 的是：" + "；".join(
            f"{short_unit(row.get('unit'))} {row.get('project') or row.get('doc_no') or row.get('year')} "
            f"{wan_yuan(row[measure])}" for row in distinct_items(picked)) + "。"
    shown = picked if frame.operation in ("max", "min") or top else ordered
    frame.params = dict(previous.params)
    answer = Answer(question, previous.template, previous.params, previous.cypher, previous.columns, shown,
                    f"在上一个回答的 {len(distinct_items(rows))} 项中：{text}", sources_of(store, vocab, shown),
                    "follow-up", [], [], previous.focus, None, frame.operation, [], frame)
    answer.list_rows = rows if len(distinct_items(rows)) > 1 else list(getattr(previous, "list_rows", []) or [])
    return answer


def units_answer(store: Any, vocab: Vocabulary, question: str, frame: Frame, previous: Answer, rows: list) -> Answer:
    """The units the previous rows belong to, with their items ("这些项目各是哪个单位的？"); ``Answer`` whose rows
    are the previous ones."""
    by_unit: dict[str, list[str]] = {}
    for row in distinct_items(rows):
        items = by_unit.setdefault(short_unit(row.get("unit")) or "（未注明单位）", [])
        label = row.get("project") or row.get("doc_no") or ""
        if label and label not in items:
            items.append(label)
    parts = [f"{unit}（{'、'.join(items)}）" if items else unit for unit, items in by_unit.items()]
    text = f"上一个回答的 {len(distinct_items(rows))} 项分属 {len(by_unit)} 个单位：{'；'.join(parts)}。"
    frame.params = dict(previous.params)
    answer = Answer(question, previous.template, previous.params, previous.cypher, previous.columns, rows, text,
                    [], "follow-up", [], [], previous.focus, None, "list", [], frame)
    answer.list_rows = list(getattr(previous, "list_rows", []) or [])
    return answer


__all__ = ["rows_answer", "units_answer"]
