"""文件 ranked by the projects and money they support ("哪个文件支持的资金最多？", "哪个文号涉及的项目最多？").

One read of ``cypher/policy_support`` (every 文件 with its citing projects, optionally of one unit, one issuer or
one role) and a ranking here: by the sum of the citing projects' amounts (万元) or by their number. A project
citing a 文件 twice (as 立项依据 and in its text) counts once. Ties are said.

Example:
    >>> policy_ranking_answer(store, "哪个文件支持的资金最多", frame, "amount", "max").answer  # doctest: +SKIP
    '支持金额最多的文件是 渝人社发〔2012〕219号（1 个项目，合计 1000.3 万元）。…'
"""

from __future__ import annotations

import re
from typing import Any

_ASKS = re.compile(r"(?:哪个|哪些|哪份|哪一个|什么)(?:政策)?(?:文件|文号|政策)[^，。？?]{0,10}?"
                   r"(?:支持|涉及|资助|关联|对应|覆盖|引用)[^，。？?]{0,8}?(?:最多|最大|最少|最小|最高|最低)"
                   r"|(?:支持|涉及|资助)(?:的)?(?:金额|资金|钱|项目|项目数)(?:最多|最大|最少|最小|最高|最低)的(?:政策)?(?:文件|文号)"
                   r"|(?:文件|文号)[^，。？?]{0,3}按(?:支持|涉及)?的?(?:金额|资金|项目数?|钱)"
                   r"|(?:支持|涉及)[^，。？?]{0,4}?(?:最多|最大)的(?:政策)?(?:文件|文号)"
                   r"|(?:文件|文号)(?:里|中|当中)?(?:哪个|哪份|哪一个)[^，。？?]{0,6}?(?:支持|涉及|资助)[^，。？?]{0,6}?"
                   r"(?:最多|最大|最少|最小)")
_BY_COUNT = re.compile(r"项目(?:数|个数|数量)?(?:最多|最少)|几个项目|项目最|个数")
_BY_MONEY = re.compile(r"金额|资金|钱|经费|万元")
_LEAST = re.compile(r"最少|最小|最低|从少到多|从小到大|从低到高")
_RANKED = re.compile(r"排名|排序|排行|从高到低|从大到小|从小到大|从低到高|依次|按")


def asks_policy_ranking(mentions: Any, routed: bool = False) -> tuple[str, str] | None:
    """(measure, operation) when the question ranks 文件 by what they support, else None.

    measure is "amount" (万元 of the citing projects) or "projects" (their number); operation "max", "min" or
    "list" (a ranking asked for). A question naming a 文号, project or program is not one. ``routed``: the
    classifier chose ``policy_support`` (its paraphrases, ``kb.query.paraphrases``); otherwise the wording must
    say it (哪个文件支持的…最多, 文件按金额排).
    """
    if mentions.kinds() & {"doc_no", "project", "program", "indicator", "keyword"}:
        return None
    key = mentions.key
    if not routed and not _ASKS.search(key):
        return None
    measure = "projects" if _BY_COUNT.search(key) and not _BY_MONEY.search(key) else "amount"
    operation = "list" if _RANKED.search(key) else "min" if _LEAST.search(key) else "max"
    return measure, operation


def policy_ranking_answer(store: Any, vocab: Any, question: str, frame: Any, measure: str, operation: str):
    """The 文件 supporting the most (or least) money or projects, with the ranking of the first ten.

    Args:
        store: an open kb.store Store. vocab: its vocabulary (for the sources of the rows).
        question: as typed. frame: its ``Frame`` (a unit, an issuer and 立项依据 named filter the read).
        measure: "amount" or "projects". operation: "max", "min" or "list".

    Returns:
        ``kb.query.answer.Answer`` (template policy_support; rows {doc_no, title, units, project_count, amount,
        sources}, amount in 万元).

    Raises:
        StoreQueryFailed: from the store.
    """
    from kb.query.answer import Answer, sources_of
    from kb.query.sentences import short_unit, wan_yuan
    from kb.query.templates import run_template

    mentions = frame.mentions
    codes = mentions.issuer_codes or [""]
    params = {"role": mentions.role or "", "unit": mentions.units[0] if mentions.units else ""}
    rows: list[dict] = []
    result = None
    for code in codes:  # 重庆市财政局: every code of that issuer
        result = run_template(store, "policy_support", {**params, "issuer_code": code})
        rows += result.rows
    for row in rows:  # collect() leaves its lists' order to the engine: put them in one order for the sentence
        row["units"] = sorted(row["units"])
        row["sources"] = sorted(row["sources"], key=lambda source: (source["unit"], source["project"] or "",
                                                                    source["line"] or 0))
        projects = {(source["unit"], source["project"], source["amount"]) for source in row["sources"]}
        row["project_count"] = len(projects)
        row["amount"] = round(sum(amount or 0.0 for _, _, amount in projects), 2)
    column = "amount" if measure == "amount" else "project_count"
    rows.sort(key=lambda row: (row[column] if operation == "min" else -row[column], -row["amount"], row["doc_no"]))
    scope = "、".join(short_unit(unit) for unit in mentions.units[:1]) + ("作为立项依据" if mentions.role else "")
    what = "支持金额" if measure == "amount" else "支持项目数"
    if not rows:
        text = f"{scope or '知识库里'}没有被项目引用的文件。"
        return Answer(question, "policy_support", result.params, result.cypher, result.columns, [], text, [],
                      "template", [], [], None, None, operation, [], frame)

    def item(row: dict) -> str:
        units = "、".join(short_unit(unit) for unit in row["units"])
        return f"{row['doc_no']}（{row['project_count']} 个项目，合计 {wan_yuan(row['amount'])}，{units}）"

    ranking = "；".join(item(row) for row in rows[:10])
    if operation == "list":
        text = f"{scope}文件按{what}从{'低到高' if _LEAST.search(mentions.key) else '高到低'}：{ranking}。"
        shown = rows[:10]
    else:
        best = [row for row in rows if row[column] == rows[0][column]]
        word = "最多" if operation == "max" else "最少"
        tie = f"（{len(best)} 个并列）" if len(best) > 1 else ""
        text = f"{scope}{what}{word}的文件是 {'、'.join(item(row) for row in best)}{tie}。排名：{ranking}。"
        shown = best
    return Answer(question, "policy_support", result.params, result.cypher, result.columns, shown, text,
                  sources_of(store, vocab, shown), "template", [], [], None, None, operation, [], frame)


__all__ = ["asks_policy_ranking", "policy_ranking_answer"]
