"""Chinese answer sentences for each template's rows, and the sources behind every figure.

A sentence states the result with its figures in 万元 (two decimals at most), e.g.
"渝委办发〔2019〕66号 被 2 个单位的 3 个项目引用，合计 418.99 万元：…". Lists longer than ``MAX_ITEMS``
end with "等 N 项". Sources: every figure's file and line, from the row's ``file`` with ``line`` or
``<column>_line``, or from an aggregate row's ``sources`` list.
"""

from __future__ import annotations

from typing import Any, Callable

from kb.core.schema import ROLE_NAMES

MAX_ITEMS = 12
FIELD_LABELS = {"income_total": "收入总计", "expense_total": "支出总计", "general_public_budget": "一般公共预算拨款",
                "basic_expense": "基本支出", "project_expense": "项目支出", "carryover": "上年结转",
                "three_public": "“三公”经费"}
SCHEME_LABELS = {"function": "功能分类", "economic": "部门经济分类", "gov_economic": "政府经济分类"}
ABSENT = "未公开"
"""How an answer states a figure the disclosure does not give."""
_NOT_FIGURES = {"year", "line", "score", "weight", "unit_count", "project_count", "core"}


def money(value: Any) -> str:
    """An amount in 万元 as printed in answers: "418.99", "130", "1,000.3" is written "1000.3"; a figure the
    disclosure does not give (None, e.g. a blank 项目支出 cell) is ``ABSENT`` ("未公开")."""
    if value is None:
        return ABSENT
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return text or "0"


def wan_yuan(value: Any) -> str:
    """An amount with its unit, "418.99 万元"; a missing figure reads "未公开", without a unit.

    Example:
        >>> wan_yuan(1000.30), wan_yuan(None)
        ('1000.3 万元', '未公开')
    """
    return ABSENT if value is None else f"{money(value)} 万元"


def total(rows: list[dict], column: str = "amount") -> float:
    """Sum of a column over rows (None counts as nothing), rounded to 0.01 万元."""
    return round(sum(float(row[column]) for row in rows if row.get(column) is not None), 2)


def short_unit(name: str | None) -> str:
    """A unit name without its province prefix, for sentences (重庆市荣昌区… -> 荣昌区…)."""
    if not name:
        return "（未知单位）"
    for prefix in ("重庆市", "四川省"):
        if name.startswith(prefix) and len(name) > len(prefix) + 2:
            return name[len(prefix):]
    return name


def _listing(items: list[str]) -> str:
    shown = "；".join(items[:MAX_ITEMS])
    return shown + (f"；等 {len(items)} 项" if len(items) > MAX_ITEMS else "")


def _distinct(rows: list[dict], *columns: str) -> list[tuple]:
    return list(dict.fromkeys(tuple(row.get(column) for column in columns) for row in rows))


def _projects_by_policy(rows, params):
    projects = _distinct(rows, "unit", "project", "year", "amount", "role")
    amount = round(sum(p[3] or 0 for p in {(p[0], p[1], p[2]): p for p in projects}.values()), 2)
    units = {p[0] for p in projects}
    title = f"（《{rows[0]['title']}》）" if rows[0].get("title") else ""
    cited = "作为立项依据" if params.get("role") == "basis" else "文中提及" if params.get("role") == "mention" else ""
    items = [f"{short_unit(u)} {name} {wan_yuan(a)}（{ROLE_NAMES.get(r, r)}）" for u, name, _, a, r in projects]
    return (f"{params['doc_no']}{title} 被 {len(units)} 个单位的 {len({(p[0], p[1]) for p in projects})} 个项目{cited}引用，"
            f"合计 {wan_yuan(amount)}：{_listing(items)}。")


def _policies_of_project(rows, params):
    first = rows[0]
    by_role: dict[str, list[str]] = {}
    for doc_no, title, role in _distinct(rows, "doc_no", "title", "role"):
        by_role.setdefault(role, []).append(doc_no + (f"《{title}》" if title else ""))
    parts = [f"{ROLE_NAMES.get(role, role)}：{'、'.join(docs)}" for role, docs in sorted(by_role.items())]
    units = {row["unit"] for row in rows}
    where = short_unit(first["unit"]) if len(units) == 1 else f"{len(units)} 个单位"
    return (f"{first['project']}（{where}，{wan_yuan(first.get('amount'))}）引用了 "
            f"{len({row['doc_no'] for row in rows})} 个文件 — {'；'.join(parts)}。")


def _aggregate_policies(rows, params, lead):
    items = []
    for row in rows:
        amount = wan_yuan(round(sum((s.get("amount") or 0) for s in _unique_sources(row)), 2))
        items.append(f"{row['doc_no']}（{row['unit_count']} 个单位、{row['project_count']} 个项目，合计 {amount}）")
    return f"{lead}{_listing(items)}。"


def _unique_sources(row):
    """A row's sources, one per (unit, project), in a fixed order (Cypher's collect() has none)."""
    unique = {(s.get("unit"), s.get("project")): s for s in row.get("sources") or []}
    return [unique[key] for key in sorted(unique, key=lambda key: (str(key[0] or ""), str(key[1] or "")))]


def _several_units(rows, params):
    if params.get("units"):
        named = "和".join(short_unit(unit) for unit in params["units"])
        items = []
        for row in rows:
            projects = "、".join(f"{short_unit(s.get('unit'))} {s.get('project')} {wan_yuan(s.get('amount'))}"
                                 for s in _unique_sources(row))
            items.append(f"{row['doc_no']}（{projects}）")
        return f"{named}共同引用的文件有 {len(rows)} 个：{_listing(items)}。"
    return _aggregate_policies(rows, params, f"{len(rows)} 个文件被不止一个单位引用：")


def _most_cited(rows, params):
    top = (rows[0]["unit_count"], rows[0]["project_count"])
    leaders = [row["doc_no"] for row in rows if (row["unit_count"], row["project_count"]) == top]
    lead = f"被引用最多的文件是 {'、'.join(leaders)}（各被 {top[0]} 个单位的 {top[1]} 个项目引用）。排名："
    return _aggregate_policies(rows, params, lead)


def _co_cited(rows, params):
    items = [f"{row['doc_no']}（{row['project_count']} 个项目，{'、'.join(sorted(short_unit(u) for u in row['units']))}）"
             for row in rows]
    return f"与 {params['doc_no']} 一起被引用的文件有 {len(rows)} 个：{_listing(items)}。"


def _by_issuer(rows, params):
    docs = sorted({row["doc_no"] for row in rows})
    cited = [row for row in rows if row.get("project")]
    issuer = f"（{rows[0]['issuer']}）" if rows[0].get("issuer") else ""
    items = [f"{row['doc_no']} → {short_unit(row['unit'])} {row['project']} {wan_yuan(row['amount'])}" for row in cited]
    return (f"{params['issuer_code']}{issuer} 有 {len(docs)} 个文件被引用：{'、'.join(docs)}；"
            f"涉及 {len({(r['unit'], r['project']) for r in cited})} 个项目，合计 {wan_yuan(total(cited))}：{_listing(items)}。")


def _unit_budget(rows, params, focus=None):
    sentences = []
    for row in rows:
        fields = [focus] if focus else []
        fields += [name for name in FIELD_LABELS if name != focus]
        parts = [f"{FIELD_LABELS[name]} {wan_yuan(row[name])}" for name in fields if row.get(name) is not None]
        sentences.append(f"{short_unit(row['unit'])} {row['year']} 年{row.get('kind') or '预算'}：{'，'.join(parts)}")
    return "；".join(sentences) + "。"


def _unit_projects(rows, params):
    units = {row["unit"] for row in rows}
    year = f" {params['year']} 年" if params.get("year") else ""
    items = [f"{row['project']} {wan_yuan(row['amount'])}" for row in rows]
    return (f"{'、'.join(short_unit(u) for u in units)}{year}共有 {len(rows)} 个项目，合计 {wan_yuan(total(rows))}："
            f"{_listing(items)}。")


def _subject(rows, params):
    seen, items = set(), []
    for row in rows:
        key = (row["unit"], row["year"], row["total"])
        if key in seen:  # the same figure under the functional and the economic scheme
            continue
        seen.add(key)
        split = f"（基本 {money(row['basic'])}，项目 {money(row['project'])}）" if row.get("basic") or row.get("project") else ""
        items.append(f"{short_unit(row['unit'])} {row['year']} 年 {wan_yuan(row['total'])}{split}")
    codes = "、".join(sorted({row["code"] for row in rows}))
    return f"{rows[0]['subject']}（科目 {codes}）：{_listing(items)}。"


def _ranking(rows, params):
    label = FIELD_LABELS.get(params["field"], params["field"])
    top = rows[0]["value"]
    leaders = [short_unit(row["unit"]) for row in rows if row["value"] == top]
    tie = "（并列）" if len(leaders) > 1 else ""
    items = [f"{short_unit(row['unit'])} {row['year']} 年 {wan_yuan(row['value'])}" for row in rows]
    return f"{label}最多的是 {'、'.join(leaders)}{tie}，{wan_yuan(top)}。排名：{_listing(items)}。"


def _program(rows, params):
    items = [f"{short_unit(row['unit'])} {row['year']} 年 {row['project']}"
             + (f" {wan_yuan(row['amount'])}" if row.get("amount") is not None else f"（{row.get('note') or '金额不详'}）")
             for row in rows]
    return (f"{params['program']} 在 {len({row['unit'] for row in rows})} 个单位有预算，合计 {wan_yuan(total(rows))}："
            f"{_listing(items)}。")


def _target(row) -> str:
    op = row.get("op") or ""
    op = "" if op in ("=", "定性") and not (row.get("target") or "").replace(".", "").isdigit() else op
    return f"{op}{row.get('target') or ''}{row.get('measure_unit') or ''}"


def _project_indicators(rows, params):
    items = [f"{row['indicator']} {_target(row)}" for row in rows]
    return f"{rows[0]['project']}（{short_unit(rows[0]['unit'])}）有 {len(rows)} 个绩效指标：{_listing(items)}。"


def _by_indicator(rows, params):
    projects = _distinct(rows, "unit", "project")
    items = [f"{short_unit(row['unit'])} {row['project']}：{row['indicator']} {_target(row)}" for row in rows]
    return f"{len(projects)} 个项目设了含“{params['indicator']}”的指标：{_listing(items)}。"


def _topic(rows, params):
    items = [f"{short_unit(row['unit'])} {row['project']} {wan_yuan(row['amount'])}" for row in rows]
    return f"提到“{params['keyword']}”的项目有 {len(rows)} 个，合计 {wan_yuan(total(rows))}：{_listing(items)}。"


def _project_detail(rows, params):
    items = []
    for row in {(r["unit"], r["project"], r["year"]): r for r in rows}.values():
        extra = f"，项目群“{row['program']}”" if row.get("program") else ""
        code = f"，编码 {row['code']}" if row.get("code") else ""
        items.append(f"{short_unit(row['unit'])} {row['year']} 年的 {row['project']} 预算 {wan_yuan(row['amount'])}{code}{extra}")
    return "；".join(items) + "。"


def _list_units(rows, params):
    items = [f"{short_unit(row['unit'])}（{row['year']} 年{row.get('kind') or ''}，支出总计 {wan_yuan(row['expense_total'])}）"
             for row in rows]
    return f"知识库里有 {len({row['unit'] for row in rows})} 个单位：{_listing(items)}。"


def _unit_subjects(rows, params):
    scheme = SCHEME_LABELS.get(params.get("scheme", "function"), params.get("scheme"))
    items = [f"{row['code']} {row['subject']} {wan_yuan(row['total'])}" for row in rows]
    return f"{short_unit(rows[0]['unit'])} 按{scheme}科目的支出（{len(rows)} 行）：{_listing(items)}。"


def _by_indicator_type(rows, params):
    projects = _distinct(rows, "unit", "project")
    items = [f"{short_unit(u)} {p}" for u, p in projects]
    names = "、".join(dict.fromkeys(row["indicator"] for row in rows))
    return f"{len(projects)} 个项目设了{params['level']}（{names}）：{_listing(items)}。"


def _policies_of_unit(rows, params):
    docs = _distinct(rows, "doc_no", "title")
    units = "、".join(dict.fromkeys(short_unit(row["unit"]) for row in rows))
    items = [doc_no + (f"《{title}》" if title else "") for doc_no, title in docs]
    return f"{units}的项目引用了 {len(docs)} 个文件：{_listing(items)}。"


_BUILDERS: dict[str, Callable] = {
    "projects_by_policy": _projects_by_policy, "policies_of_project": _policies_of_project,
    "policies_cited_by_several_units": _several_units, "most_cited_policies": _most_cited,
    "co_cited_policies": _co_cited, "policies_by_issuer": _by_issuer, "unit_budget": _unit_budget,
    "unit_projects": _unit_projects, "subject_across_units": _subject, "budget_ranking": _ranking,
    "program_across_units": _program, "project_indicators": _project_indicators,
    "projects_by_indicator": _by_indicator, "projects_by_topic": _topic, "project_detail": _project_detail,
    "list_units": _list_units, "unit_subjects": _unit_subjects,
    "projects_by_indicator_type": _by_indicator_type, "policies_of_unit": _policies_of_unit,
}


def sentence(template: str, rows: list[dict], params: dict, focus: str | None = None) -> str:
    """The answer sentence for non-empty ``rows`` of ``template`` run with ``params``.

    Args:
        focus: for unit_budget, the budget figure the question asked about (stated first).
    """
    builder = _BUILDERS.get(template)
    if builder is None:
        return f"查询 {template} 返回 {len(rows)} 行。"
    if template == "unit_budget":
        return builder(rows, params, focus)
    return builder(rows, params)


def figure_sources(rows: list[dict]) -> list[tuple[str, int, float | str | None]]:
    """(file, line, figure) of every figure in ``rows``, in row order, without repeated triples.

    A column X's line is ``X_line`` when the row has it, else the row's ``line``; the file is the row's
    ``file``. An aggregate row contributes each entry of its ``sources`` list. ``figure`` is what the line
    should show: the amount (万元), an indicator's name, or None (a 文号 citation line).
    """
    found: list[tuple[str, int, float | str | None]] = []
    for row in rows:
        file = row.get("file")
        for column, value in row.items():
            if column.endswith("_line") or column in _NOT_FIGURES or column in ("file", "sources") or value is None:
                continue
            is_figure = isinstance(value, (int, float)) and not isinstance(value, bool)
            line = row.get(f"{column}_line")
            if line is None and is_figure:
                line = row.get("line")
            if file and line and (is_figure or f"{column}_line" in row):
                found.append((file, int(line), float(value) if is_figure else None))
        if file and row.get("line"):  # the row's own line (e.g. an indicator and its target)
            found.append((file, int(row["line"]), row.get("indicator")))
        for source in row.get("sources") or []:
            if isinstance(source, dict) and source.get("file") and source.get("line"):
                amount = source.get("amount")
                found.append((source["file"], int(source["line"]), float(amount) if amount is not None else None))
                if source.get("doc_no_line"):  # where the 文号 is cited
                    found.append((source["file"], int(source["doc_no_line"]), None))
    return list(dict.fromkeys(found))


def printed_forms(figure: float) -> list[str]:
    """How an amount in 万元 may be printed in a disclosure: "1,000.30", "1000.30", "1000.3", "170"."""
    forms = {f"{figure:,.2f}", f"{figure:.2f}", money(figure)}
    return sorted(forms, key=len, reverse=True)


__all__ = ["ABSENT", "FIELD_LABELS", "figure_sources", "money", "sentence", "short_unit", "total", "wan_yuan"]
