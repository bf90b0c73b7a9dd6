"""Plain-text summaries of records for the CLI (no parsing, no store access)."""

from __future__ import annotations

from kb.core.records import Extraction


def extraction_summary(extraction: Extraction) -> str:
    """A short human-readable summary of one parsed disclosure.

    Args:
        extraction: the loader's record of one document.

    Returns:
        Lines: unit, year and kind; totals in 万元; counts of subjects, projects, 文号 and discrepancies;
        then one line per project with its amount (万元) and 文号.
    """
    unit, totals = extraction.unit, extraction.totals
    lines = [
        f"{extraction.file}: {unit.name or '?'} ({unit.code or '-'}) {unit.year or '?'}年{unit.kind or ''}",
        "totals (万元): " + ", ".join(f"{key}={value}" for key, value in totals.model_dump(exclude={'lines'}).items()),
        f"function subjects: {len(extraction.function_subjects)}, economic subjects: {len(extraction.economic_subjects)}, "
        f"projects: {len(extraction.projects)}, 文号: {len(extraction.policy_docs)}, "
        f"discrepancies: {len(extraction.discrepancies)}",
    ]
    for project in extraction.projects:
        refs = "、".join(project.all_refs) or "-"
        lines.append(f"  {project.name}  {project.amount} 万元  [{refs}]  (line {project.line})")
    return "\n".join(lines)
