"""The records of ``kb check``: one ``Finding`` per self-contradiction, gathered in a ``CheckReport``.

A finding says where a document disagrees with itself: two figures (万元), their difference, the
line(s) they were read from and how serious the gap is. Severity follows the rounding tolerance of
``rounding_tolerance``: a gap a sum of printed, rounded figures can produce is a "warning"; a larger
gap is an "error"; a presentational oddity (amounts in 元, a unit printed under two names) with no
figure in dispute is "info".
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from kb.core.records import Record, stable_id

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}
"""How a severity reads in `kb check` (error: beyond rounding; warning: within the rounding tolerance)."""


def rounding_tolerance(addends: int) -> float:
    """Largest gap (万元) that rounding to 0.01 can open between a printed total and its printed lines.

    Each printed figure is off by at most 0.005 from its exact value, so a total of ``addends`` lines
    can differ from their printed sum by up to 0.005 × (addends + 1).

    Args:
        addends: how many printed figures were added up (at least 1).

    Returns:
        The tolerance in 万元, e.g. 0.015 for two addends, 0.055 for ten.

    Example:
        >>> round(rounding_tolerance(2), 3)
        0.015
    """
    return 0.005 * (max(addends, 1) + 1) + 1e-9


def severity_of(difference: float, addends: int) -> Severity:
    """Return "warning" for a gap within ``rounding_tolerance(addends)``, "error" beyond it."""
    return "warning" if abs(difference) <= rounding_tolerance(addends) else "error"


class Finding(Record):
    """One place where a document disagrees with itself.

    Attributes:
        finding_id: stable id (same document, same finding -> same id).
        doc_id: the document's id (sha256 of its bytes) or its file name when unknown.
        file: the document's base name, shown as the source.
        kind: what was compared: line_sum, split_sum, project_total, summary_tables, narrative_figure,
            project_count, yuan_amounts, unit_aliases, foreign_unit.
        severity: error | warning | info (see the module docstring).
        message: one line in Chinese (shown as is in the UI) naming both figures and their lines.
        figure_a: the figure as printed (万元), or None when the finding has no figure.
        figure_b: the figure it should equal (万元): a sum of lines, another table's figure.
        difference: figure_a - figure_b (万元), rounded to 0.01.
        line: the 1-based source line of figure_a.
        other_lines: the source lines of figure_b, where known.
    """

    finding_id: str = ""
    doc_id: str = ""
    file: str = ""
    kind: str
    severity: Severity
    message: str
    figure_a: float | None = None
    figure_b: float | None = None
    difference: float | None = None
    line: int | None = None
    other_lines: list[int] = Field(default_factory=list)

    def with_identity(self, doc_id: str, file: str) -> "Finding":
        """Return a copy carrying the document's id and file and a stable ``finding_id``."""
        finding_id = stable_id("finding", doc_id, self.kind, self.line, self.figure_a, self.figure_b, self.message)
        return self.model_copy(update={"doc_id": doc_id, "file": file, "finding_id": finding_id})

    def graph_properties(self) -> dict:
        """The ``Finding`` node properties of the graph contract (docs/CONTRACTS.md)."""
        return {"finding_id": self.finding_id, "kind": self.kind, "severity": self.severity,
                "message": self.message, "figure_a": self.figure_a, "figure_b": self.figure_b,
                "difference": self.difference, "line": self.line}


def figure_gap(kind: str, label_a: str, figure_a: float, line_a: int | None, label_b: str, figure_b: float,
               lines_b: list[int], addends: int) -> Finding | None:
    """Compare two figures (万元); return a finding when they differ by 0.005 or more, else None.

    Args:
        kind: the finding kind.
        label_a, label_b: what each figure is, in the document's terms, e.g. "项目支出合计", "10 个项目金额之和".
        figure_a, figure_b: the two figures in 万元.
        line_a, lines_b: their source lines (1-based).
        addends: how many printed figures went into the comparison (sets the rounding tolerance).

    Example:
        >>> figure_gap("project_total", "项目支出合计", 1174.97, 1259, "10 个项目金额之和", 1174.96, [], 10).severity
        'warning'
    """
    difference = round(figure_a - figure_b, 2)
    if abs(figure_a - figure_b) < 0.005:
        return None
    shown = [n for n in dict.fromkeys(lines_b) if n != line_a]  # the same row is not named twice
    where_b = f"（第 {'、'.join(str(n) for n in shown[:6])}{'…' if len(shown) > 6 else ''} 行）" if shown else ""
    where_a = f"（第 {line_a} 行）" if line_a else ""
    message = (f"{label_a} {figure_a:,.2f}{where_a} 与 {label_b} {figure_b:,.2f}{where_b} 不符，"
               f"差额 {difference:+,.2f} 万元")
    return Finding(kind=kind, severity=severity_of(difference, addends), message=message, figure_a=figure_a,
                   figure_b=round(figure_b, 2), difference=difference, line=line_a, other_lines=list(lines_b))


class CheckReport(Record):
    """Findings of every document in a store, per document (what ``kb check`` prints).

    Attributes:
        documents: one entry per document: ``{"doc_id", "file", "findings": [Finding, ...]}``, in
            file order; documents without findings are listed with an empty list.
    """

    documents: list[dict] = Field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        """Every finding of every document, in report order."""
        return [finding for document in self.documents for finding in document["findings"]]

    def to_dict(self) -> dict:
        """JSON-ready dict: ``{"documents": [{"doc_id", "file", "findings": [...]}], "counts": {severity: n}}``."""
        counts: dict[str, int] = {}
        for finding in self.findings:
            counts[finding.severity] = counts.get(finding.severity, 0) + 1
        return {
            "documents": [{"doc_id": d["doc_id"], "file": d["file"],
                           "findings": [f.model_dump(mode="json") for f in d["findings"]]} for d in self.documents],
            "counts": counts,
        }

    def to_text(self) -> str:
        """Plain text: one heading per document, then one line per finding (severity in Chinese, kind, file:line)."""
        if not self.documents:
            return "库中没有文件。"
        out: list[str] = []
        for document in self.documents:
            findings = document["findings"]
            out.append(f"{document['file']}：{len(findings)} 条核查发现")
            for finding in findings:
                where = f"{document['file']}:{finding.line}" if finding.line else document["file"]
                out.append(f"  [{SEVERITY_NAMES.get(finding.severity, finding.severity)}] {finding.kind} {where}  {finding.message}")
        return "\n".join(out)
