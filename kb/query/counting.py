"""Units ranked by how many projects they run ("哪个单位的项目最多？", "项目数量最少的区县").

One read counts every unit's projects (``cypher/internal/unit_project_counts``: a project counted once per
name and amount, as ``unit_projects`` lists them), so the count is the one ``kb ask "广元有几个项目"`` gives.

Example:
    >>> project_count_answer(store, vocab, "哪个单位的项目最多", frame).answer  # doctest: +SKIP
    '项目最多的是 綦江区社会保险事务中心（17 个）。各单位项目数：綦江 17 个；苍溪 16 个；…'
"""

from __future__ import annotations

import re
from typing import Any

_ASKS = re.compile(r"(?:哪个|哪些|哪家|什么)(?:单位|区县|地方|中心)[^，。？?]{0,6}项目(?:数|数量|个数)?[^，。？?]{0,3}最(?P<a>多|少)"
                   r"|项目(?:数|数量|个数)?最(?P<b>多|少)的(?:单位|区县|是哪个|是谁)"
                   r"|(?:各单位|每个单位|各区县)(?:的)?项目(?:数|数量|个数)(?P<c>)")


def asks_project_counts(mentions: Any) -> str | None:
    """"max", "min" or "list" when the question ranks units by their number of projects and names no unit,
    project, program or 文件; else None."""
    if mentions.kinds() - {"year"}:
        return None
    found = _ASKS.search(mentions.key)
    if not found:
        return None
    word = found.group("a") or found.group("b")
    return {"多": "max", "少": "min"}.get(word or "", "list")


def project_count_answer(store: Any, vocab: Any, question: str, frame: Any, operation: str):
    """The units with their numbers of projects, the most (or fewest) first; ties said.

    Args:
        store: an open kb.store Store. vocab: its vocabulary (unused beyond the caller's contract).
        question: the question as typed. frame: its ``kb.query.frame.Frame`` (the year filter, if any).
        operation: "max", "min" or "list" (``asks_project_counts``).

    Raises:
        StoreQueryFailed: from the store.

    Returns:
        ``kb.query.answer.Answer`` (template unit_projects, rows {unit, year, count}).
    """
    from kb.query.answer import Answer
    from kb.query.sentences import short_unit
    from kb.query.templates import run_internal

    year = frame.mentions.years[0] if frame.mentions.years else 0
    rows = [{"unit": row["unit"], "year": row["year"], "count": int(row["count"])}
            for row in run_internal(store, "unit_project_counts", {"year": year}) if row["count"]]
    rows.sort(key=lambda row: (row["count"] if operation == "min" else -row["count"], row["unit"]))
    listing = "；".join(f"{short_unit(row['unit'])} {row['count']} 个" for row in rows)
    if not rows:
        text = "知识库里没有项目。"
    elif operation in ("max", "min"):
        best = [row for row in rows if row["count"] == rows[0]["count"]]
        word = "最多" if operation == "max" else "最少"
        names = "、".join(short_unit(row["unit"]) for row in best)
        text = f"项目{word}的是 {names}（{rows[0]['count']} 个{'，并列' if len(best) > 1 else ''}）。各单位项目数：{listing}。"
    else:
        text = f"各单位项目数：{listing}。"
    return Answer(question, "unit_projects", {"unit": "（每个单位）", "year": year}, "", ["unit", "year", "count"],
                  rows, text, [], "template", [], [], None, None, operation, [], frame)


__all__ = ["asks_project_counts", "project_count_answer"]
