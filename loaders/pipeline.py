"""One disclosure file -> ``kb.core.records.Extraction`` (what ``kb parse --json`` prints).

read (loaders/read.py) -> rows (loaders/rows.py) -> unit, totals, subjects (loaders/summary.py)
-> projects, indicators, policy documents (loaders/projects.py, when present).
"""

from __future__ import annotations

from pathlib import Path

from kb.core.errors import UnreadableDocument
from kb.core.records import Extraction
from loaders.projects import extract_projects
from loaders.read import read_source
from loaders.rows import rebuild_rows
from loaders.summary import summarize


def parse_file(path: str | Path) -> Extraction:
    """Parse one disclosure (.txt, .pdf, .docx or .xlsx) into an Extraction.

    Args:
        path: the file.

    Returns:
        The Extraction: unit, totals (万元), function/economic subject lines, projects with their 文号
        and indicators, policy documents, discrepancies and notes; every record carries its source line.

    Raises:
        UnreadableDocument: the file cannot be read (see ``loaders.read.read_source``) or nothing
            recognisable as a budget disclosure remains in it (no unit, no table, no narrative figure).

    Example:
        >>> parse_file("../shared/corpus/000_7c3d463bfeea7d61.txt").totals.income_total  # doctest: +SKIP
        2235.58
    """
    source = read_source(path)
    rows = rebuild_rows(source.lines, source.layout)
    extraction = Extraction(file=Path(path).name, path=str(path), doc_id=source.doc_id, layout=source.layout,
                            lines=source.lines)
    if source.format != "text":
        extraction.notes.append(f"read from {source.format.upper()}: tables as tab rows, line numbers are those of the "
                                f"intermediate text ({len(source.lines)} lines).")
    elif source.encoding not in ("utf-8", None):
        extraction.notes.append(f"text decoded as {source.encoding}.")
    extraction.notes.extend(source.notes)
    summarize(extraction, rows)
    extract_projects(extraction, rows)
    totals = extraction.totals
    recognised = (extraction.unit.name or extraction.function_subjects or extraction.economic_subjects
                  or extraction.projects or any(getattr(totals, f) is not None for f in type(totals).model_fields
                                                if f != "lines"))
    if not recognised:
        raise UnreadableDocument(path, "未识别出预算表格、单位或金额，不像预算公开文件")
    return extraction
