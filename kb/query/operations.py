"""Small composable parts applied to a template's rows: filters, max/min, sum, count — and their sentences.

A template returns its rows ordered (cypher/); "最少", "一共", "几个" need no template of their own: the
operation of the question's frame is applied here, to fresh rows or to the previous answer's rows.
The measure is the first of ``amount`` (projects, 万元), ``value`` (a budget figure), ``total`` (a subject)
a row holds. A project counted in several rows (one per cited 文件 or indicator) counts once.

Example:
    >>> apply_operation([{"project": "a", "amount": 2.0}, {"project": "b", "amount": 5.0}], "max")[0]["project"]
    'b'
"""

from __future__ import annotations

from kb.query.sentences import FIELD_LABELS, short_unit, wan_yuan

MEASURES = ("amount", "value", "total")
OPERATION_LABELS = {"max": "最大", "min": "最小", "sum": "合计", "count": "计数"}


def measure_of(rows: list[dict]) -> str | None:
    """The column that holds the figure of ``rows`` (amount, value or total), or None."""
    for column in MEASURES:
        if any(isinstance(row.get(column), (int, float)) for row in rows):
            return column
    return None


def item_key(row: dict) -> tuple:
    """What one row is about: a project (unit, project, year), a 文件 (doc_no), or a unit's figure (unit, year)."""
    if isinstance(row.get("project"), str) and row["project"]:  # (a subject row's "project" is its 项目 amount)
        # two projects of one unit may share a name (苍溪's 档案整理工作经费): the amount tells
        return ("project", row.get("unit"), row["project"], row.get("year"), row.get("amount"))
    if row.get("doc_no"):
        return ("doc_no", row["doc_no"])
    return ("unit", row.get("unit"), row.get("year"), row.get("code"))


def distinct_items(rows: list[dict]) -> list[dict]:
    """The first row of each item (see ``item_key``), in order."""
    seen: dict[tuple, dict] = {}
    for row in rows:
        seen.setdefault(item_key(row), row)
    return list(seen.values())


def filter_rows(rows: list[dict], filters: dict[str, list]) -> list[dict]:
    """Rows whose ``unit`` (and ``year``) is among the filters' values; rows without the column are kept."""
    kept = rows
    for column, values in filters.items():
        if values:
            kept = [row for row in kept if column not in row or row[column] in values]
    return kept


def bound_rows(rows: list[dict], bounds: list[tuple[str, float]]) -> list[dict]:
    """Rows whose measure meets every bound (">", ">=", "<", "<=" with 万元), e.g. 超过100万元 -> (">", 100)."""
    measure = measure_of(rows)
    if not bounds or measure is None:
        return rows
    tests = {">": lambda a, b: a > b, ">=": lambda a, b: a >= b, "<": lambda a, b: a < b, "<=": lambda a, b: a <= b}
    return [row for row in rows if isinstance(row.get(measure), (int, float))
            and all(tests[op](float(row[measure]), value) for op, value in bounds)]


def apply_operation(rows: list[dict], operation: str) -> list[dict]:
    """The rows an operation keeps: max/min -> the top item's rows (ties kept); other operations -> all rows.

    Args:
        rows: a template's rows. operation: list | sum | count | max | min | lookup.
    """
    measure = measure_of(rows)
    if operation not in ("max", "min") or measure is None:
        return rows
    items = [row for row in distinct_items(rows) if isinstance(row.get(measure), (int, float))]
    if not items:
        return rows
    pick = max if operation == "max" else min
    best = pick(float(row[measure]) for row in items)
    keys = {item_key(row) for row in items if abs(float(row[measure]) - best) < 0.005}
    return [row for row in rows if item_key(row) in keys]


def sort_rows(rows: list[dict], operation: str) -> list[dict]:
    """Rows ordered by their measure: ascending for "min", descending otherwise (the template's order kept
    for rows without a figure)."""
    measure = measure_of(rows)
    if measure is None or operation not in ("max", "min"):
        return rows
    with_figure = [row for row in rows if isinstance(row.get(measure), (int, float))]
    others = [row for row in rows if not isinstance(row.get(measure), (int, float))]
    return sorted(with_figure, key=lambda row: float(row[measure]), reverse=operation != "min") + others


def _label(row: dict) -> str:
    if isinstance(row.get("project"), str) and row["project"]:
        return f"{short_unit(row.get('unit'))} {row['project']}"
    if row.get("doc_no"):
        return row["doc_no"]
    year = f" {row['year']} 年" if row.get("year") else ""
    return f"{short_unit(row.get('unit'))}{year}"


def operation_sentence(rows: list[dict], operation: str, picked: list[dict], what: str = "") -> str:
    """The Chinese sentence for an operation over ``rows`` (``picked`` = what ``apply_operation`` kept).

    Args:
        what: what the figure is (e.g. "“三公”经费"); "" for project amounts.
    """
    measure = measure_of(rows)
    items = distinct_items(rows)
    noun = "个项目" if any(row.get("project") for row in items) else "个文件" if any(
        row.get("doc_no") for row in items) else "项"
    if operation == "count":
        return f"共 {len(items)} {noun}。"
    if measure is None:
        return ""
    figures = [row for row in items if isinstance(row.get(measure), (int, float))]
    label = what or ("金额" if measure == "amount" else "数额")
    if operation == "sum":
        total = round(sum(float(row[measure]) for row in figures), 2)
        return f"{len(figures)} {noun}的{label}合计 {wan_yuan(total)}。"
    if operation in ("max", "min"):
        top = distinct_items(picked)
        word = "最大" if operation == "max" else "最小"
        if measure == "value" and what:
            word = "最多" if operation == "max" else "最少"
        tie = "（并列）" if len(top) > 1 else ""
        names = "、".join(f"{_label(row)}（{wan_yuan(row[measure])}）" for row in top)
        return f"{label}{word}的是 {names}{tie}。"
    return ""


def field_label(field: str | None) -> str:
    """The Chinese name of a budget figure (三公 -> "“三公”经费"); "" for None."""
    return FIELD_LABELS.get(field or "", field or "")


def rows_total(rows: list[dict]) -> float:
    """Sum of the measure over distinct items, 万元 (0 when no figure)."""
    measure = measure_of(rows)
    if measure is None:
        return 0.0
    return round(sum(float(row[measure]) for row in distinct_items(rows)
                     if isinstance(row.get(measure), (int, float))), 2)


__all__ = ["apply_operation", "bound_rows", "distinct_items", "field_label", "filter_rows", "measure_of", "operation_sentence",
           "rows_total", "sort_rows"]

