"""One disclosure file -> ``kb.core.records.Extraction`` (what ``kb parse --json`` prints).

read (loaders/read.py) -> the one typed stream of rows and tables (loaders/stream.py) -> unit, totals,
subjects (loaders/summary.py) -> projects, indicators, policy documents (loaders/projects.py, when present).
"""

from __future__ import annotations

from pathlib import Path

from kb.core.errors import UnreadableDocument
from kb.core.records import Extraction
from loaders.projects import extract_projects
from loaders.read import read_source
from loaders.stream import Stream
from loaders.coverage import LABELS, coverage, missing_parts
from loaders.notes import note
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
            recognisable as a budget disclosure remains in it: no unit, no table with a figure, no total,
            no project and no 文号. A document with some of these and not others is parsed, with a note
            "[document.incomplete] 披露内容不完整，未找到：…" naming what is missing (``loaders.coverage``).

    Example:
        >>> parse_file("../shared/corpus/000_7c3d463bfeea7d61.txt").totals.income_total  # doctest: +SKIP
        2235.58
    """
    source = read_source(path)
    stream = Stream.from_lines(source.lines, source.layout)
    extraction = Extraction(file=Path(path).name, path=str(path), doc_id=source.doc_id, layout=source.layout,
                            lines=source.lines)
    if source.format != "text":
        extraction.notes.append(note("read.converted", format=source.format.upper(), lines=len(source.lines)))
    elif source.encoding not in ("utf-8", None):
        extraction.notes.append(note("read.encoding", encoding=source.encoding))
    extraction.notes.extend(source.notes)
    summarize(extraction, stream)
    extract_projects(extraction, stream)
    extraction.keep_stream(stream)  # the checks read its rows as printed (before 元 tables were scaled)
    found = coverage(extraction)
    has_table = stream.has_table_figure()
    if not (has_table or any(found[field] for field in ("unit", "year", "kind", "totals", "projects", "doc_nos"))):
        raise UnreadableDocument(path, "未识别出预算表格、单位或金额（也没有文号），不像预算公开文件")
    missing = missing_parts(found)
    if missing:
        extraction.notes.append(note("document.incomplete", missing="、".join(LABELS[part] for part in missing)))
    return extraction
