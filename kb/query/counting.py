"""Units ranked by how many projects they run ("哪个单位的项目最多？", "项目数量最少的区县"), and the projects of
every unit together ("全部项目一共多少钱", "库里一共有多少个项目", "重庆几个单位的项目总数").

One read counts every unit's projects and sums their amounts (``cypher/internal/unit_project_counts``: a project
counted once per name and amount, as ``unit_projects`` lists them), so the count is the one
``kb ask "广元有几个项目"`` gives. A province named (重庆, 四川: the provinces of the stored units' regions) keeps
that province's units.

Example:
    >>> project_count_answer(store, vocab, "哪个单位的项目最多", frame, "max").answer  # doctest: +SKIP
    '项目最多的是 綦江区社会保险事务中心（17 个）。各单位项目数：綦江 17 个；苍溪 16 个；…'
"""

from __future__ import annotations

import re
from typing import Any

_ASKS = re.compile(r"(?:哪个|哪些|哪家|什么)(?:单位|区县|地方|中心)[^，。？?]{0,6}项目(?:数|数量|个数)?[^，。？?]{0,3}最(?P<a>多|少)"
                   r"|项目(?:数|数量|个数)?最(?P<b>多|少)的(?:单位|区县|是哪个|是谁)"
                   r"|(?:各单位|每个单位|各区县)(?:的)?项目(?:数|数量|个数)(?P<c>)")
# Every unit's projects together: 全部项目一共多少钱, 库里一共有多少个项目, 所有单位的项目总数, 重庆几个单位的项目总数
_ALL = re.compile(r"(?:全部|所有|库里|知识库|一共|总共|[几两三四五]个单位|各单位)[^，。？?]{0,6}项目"
                  r"[^，。？?]{0,6}(?P<what>多少钱|多少万|总额|总金额|金额|加起来|合计|总数|多少个|几个|个数|数量)")
_MONEY = re.compile(r"钱|万|金额|总额|加起来|合计")


def asks_project_counts(mentions: Any) -> str | None:
    """"max", "min" or "list" when the question ranks units by their number of projects, "all" when it asks the
    projects of every unit together; it names no unit, project, program or 文件; else None."""
    if mentions.kinds() - {"year"}:
        return None
    found = _ASKS.search(mentions.key)
    if found:
        word = found.group("a") or found.group("b")
        return {"多": "max", "少": "min"}.get(word or "", "list")
    if _ALL.search(mentions.key):
        return "all"
    return None


def province_named(masked: str, vocab: Any) -> str | None:
    """The province (as the start of a stored unit's region: 重庆市, 四川省) a question names in its text left
    after entity linking (重庆的三个单位, 四川的单位), or None."""
    for unit in vocab.units.values():
        found = re.match(r"^(.{2,3}?)(省|市|自治区)", unit.region or "")
        if found and found.group(1) in masked:
            return found.group(0)
    return None


def project_count_answer(store: Any, vocab: Any, question: str, frame: Any, operation: str):
    """The units with their numbers of projects, the most (or fewest) first, ties said; or ("all") the number and
    sum of every unit's projects.

    Args:
        store: an open kb.store Store. vocab: its vocabulary (the units' regions, for a province named).
        question: the question as typed. frame: its ``kb.query.frame.Frame`` (the year filter, if any).
        operation: "max", "min", "list" or "all" (``asks_project_counts``).

    Raises:
        StoreQueryFailed: from the store.

    Returns:
        ``kb.query.answer.Answer`` (template unit_projects, rows {unit, year, count, amount}; amount in 万元).
    """
    from kb.query.answer import Answer
    from kb.query.sentences import short_unit, wan_yuan
    from kb.query.templates import run_internal

    year = frame.mentions.years[0] if frame.mentions.years else 0
    rows = [{"unit": row["unit"], "year": row["year"], "count": int(row["count"]), "amount": round(row["amount"] or 0, 2)}
            for row in run_internal(store, "unit_project_counts", {"year": year}) if row["count"]]
    province = province_named(frame.mentions.masked, vocab)
    if province:
        rows = [row for row in rows if (getattr(vocab.units.get(row["unit"]), "region", "") or "").startswith(province)]
    rows.sort(key=lambda row: (row["count"] if operation == "min" else -row["count"], row["unit"]))
    listing = "；".join(f"{short_unit(row['unit'])} {row['count']} 个" for row in rows)
    if not rows:
        text = f"知识库里没有{province or ''}{f'{year} 年的' if year else ''}项目。"
    elif operation == "all":
        count, total = sum(row["count"] for row in rows), round(sum(row["amount"] for row in rows), 2)
        lead = (f"{province or ''}{len(rows)} 个单位共 {count} 个项目，合计 {wan_yuan(total)}" if _MONEY.search(
            frame.mentions.key) else f"{province or ''}{len(rows)} 个单位共 {count} 个项目（合计 {wan_yuan(total)}）")
        text = f"{lead}。各单位：" + "；".join(f"{short_unit(row['unit'])} {row['count']} 个、{wan_yuan(row['amount'])}"
                                          for row in rows) + "。"
    elif operation in ("max", "min"):
        best = [row for row in rows if row["count"] == rows[0]["count"]]
        word = "最多" if operation == "max" else "最少"
        names = "、".join(short_unit(row["unit"]) for row in best)
        text = f"项目{word}的是 {names}（{rows[0]['count']} 个{'，并列' if len(best) > 1 else ''}）。各单位项目数：{listing}。"
    else:
        text = f"各单位项目数：{listing}。"
    return Answer(question, "unit_projects", {"unit": "（每个单位）", "year": year}, "", ["unit", "year", "count", "amount"],
                  rows, text, [], "template", [], [], None, None, operation, [], frame)


__all__ = ["asks_project_counts", "project_count_answer", "province_named"]
