"""What a parsed disclosure holds and what it lacks: one pure summary per document.

Used by ``loaders.pipeline`` (the note ``document.incomplete`` naming what is missing), ``kb ingest --report`` (one Chinese line
per document) and ``kb check`` (documents ingested with too little are listed).
"""

from __future__ import annotations

from kb.core.records import Extraction

_TOTAL_FIELDS = ("income_total", "expense_total", "general_public_budget", "basic_expense", "project_expense",
                 "carryover", "three_public")
# what each coverage key is called for a user
LABELS = {"unit": "单位", "year": "年度", "kind": "类型", "totals": "总额", "projects": "项目", "doc_nos": "文号"}


def coverage(extraction: Extraction) -> dict[str, bool | int]:
    """What one extraction found.

    Args:
        extraction: a parsed document (``loaders.parse_file``).

    Returns:
        {"unit": bool, "year": bool, "kind": bool, "totals": number of Totals fields found (0..7),
        "projects": number of projects, "doc_nos": number of distinct 文号, "subjects": number of
        functional and economic subject lines, "indicators": number of indicators}.

    Example:
        >>> from kb.core.records import Extraction
        >>> coverage(Extraction(file="x.txt"))["projects"]
        0
    """
    totals = extraction.totals
    return {
        "unit": bool(extraction.unit.name),
        "year": extraction.unit.year is not None,
        "kind": extraction.unit.kind is not None,
        "totals": sum(getattr(totals, field) is not None for field in _TOTAL_FIELDS),
        "projects": len(extraction.projects),
        "doc_nos": len(extraction.policy_docs),
        "subjects": len(extraction.function_subjects) + len(extraction.economic_subjects),
        "indicators": len(extraction.unit_indicators) + sum(len(p.indicators) for p in extraction.projects),
    }


def missing_parts(found: dict[str, bool | int]) -> list[str]:
    """The coverage keys a disclosure should hold and does not: unit, year, kind, and totals when it has
    neither totals nor projects nor 文号 (a funding notice holds 文号 and no totals)."""
    missing = [key for key in ("unit", "year", "kind") if not found[key]]
    if not found["totals"] and not found["projects"] and not found["doc_nos"]:
        missing.append("totals")
    return missing


def report_line(name: str, extraction: Extraction) -> str:
    """One Chinese line saying what a document holds and lacks, for ``kb ingest --report``.

    Example:
        >>> from kb.core.records import Extraction
        >>> report_line("a.txt", Extraction(file="a.txt"))
        'a.txt：单位 无，年度 无，类型 无，总额 0 项，项目 0 个，文号 0 个'
    """
    found = coverage(extraction)
    unit = extraction.unit
    parts = [f"单位 {unit.name}" if unit.name else "单位 无", f"年度 {unit.year}" if unit.year else "年度 无",
             f"类型 {unit.kind}" if unit.kind else "类型 无", f"总额 {found['totals']} 项",
             f"项目 {found['projects']} 个", f"文号 {found['doc_nos']} 个"]
    return f"{name}：" + "，".join(parts)


def coverage_report(paths: list) -> str:
    """``report_line`` for every supported file under ``paths`` (files or folders), one line each.

    A file that cannot be parsed gets its one-line reason instead (it was skipped by the ingest too).
    """
    from pathlib import Path

    from kb.core.errors import UnreadableDocument
    from loaders.pipeline import parse_file
    from loaders.read import SUPPORTED_SUFFIXES

    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted(f for f in path.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES))
        else:
            files.append(path)
    lines = []
    for file in files:
        try:
            lines.append(report_line(file.name, parse_file(file)))
        except UnreadableDocument as error:
            lines.append(f"{file.name}：未导入（{error.reason}）")
    return "\n".join(lines)
