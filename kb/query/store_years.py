"""A year no budget of the store covers ("2021年项目最少的单位", "2022年哪个单位三公经费最多"): said to be absent,
with the years (and units) the store does hold, before any template runs — never "知识库里没有项目", which
would read as if the store had no projects at all.

Example:
    >>> absent_year_answer(store, "2021年项目最少的单位", frame).answer  # doctest: +SKIP
    '知识库里没有 2021 年的预算：已有年度 2023（綦江、苍溪）、2024（万盛）…'
"""

from __future__ import annotations

from typing import Any


def absent_year_answer(store: Any, question: str, frame: Any):
    """An absent answer when the question names years and none of them is a budget year of the store; else None.

    Only for a question naming no unit (a unit with a year it lacks is told by ``ask.explain_empty``) and no
    文号 (a 文号 holds its own year).

    Args:
        store: an open kb.store Store. question: as typed. frame: its ``kb.query.frame.Frame``.

    Returns:
        ``kb.query.answer.Answer`` (method "unresolved", error code Q_NO_YEAR_IN_STORE) or None.

    Raises:
        StoreQueryFailed: from the store (``cypher/internal/budget_years``).
    """
    mentions = frame.mentions
    if not mentions.years or mentions.units or mentions.doc_nos or mentions.unknown_doc_nos:
        return None
    from kb.query.answer import Answer
    from kb.query.messages import render
    from kb.query.sentences import short_unit
    from kb.query.templates import run_internal

    held = {row["year"]: row["units"] for row in run_internal(store, "budget_years")}
    if not held or any(year in held for year in mentions.years):
        return None
    asked = "、".join(str(year) for year in mentions.years)
    years = "；".join(f"{year} 年（{'、'.join(short_unit(unit) for unit in units)}）" for year, units in sorted(held.items()))
    text = render("Q_NO_YEAR_IN_STORE", year=asked, years=years)
    return Answer(question, None, {"year": mentions.years[0]}, "", [], [], text, [], "unresolved", [asked],
                  [str(year) for year in sorted(held)], error={"code": "Q_NO_YEAR_IN_STORE", "message": text},
                  frame=frame)


__all__ = ["absent_year_answer"]
