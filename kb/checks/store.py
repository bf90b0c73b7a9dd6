"""``kb check``: read the findings ``kb.graph`` stored beside each document back out of the store.

Findings are computed once, when the graph is built (``kb.graph.build_graph`` calls
``kb.checks.check_extraction`` for each document and adds ``(Document)-[:HAS_FINDING]->(Finding)``),
so ``kb check`` is a read and works on either backend.
"""

from __future__ import annotations

from kb.checks.findings import SEVERITY_ORDER, CheckReport, Finding

DOCUMENTS_CYPHER = "MATCH (d:Document) RETURN d.doc_id AS doc_id, d.file AS file ORDER BY d.file"
FINDINGS_CYPHER = """
MATCH (d:Document)-[:HAS_FINDING]->(f:Finding)
WHERE f.severity IN $severities
RETURN d.doc_id AS doc_id, d.file AS file, f.finding_id AS finding_id, f.kind AS kind,
       f.severity AS severity, f.message AS message, f.figure_a AS figure_a, f.figure_b AS figure_b,
       f.difference AS difference, f.line AS line
ORDER BY d.file, f.line, f.finding_id
"""


def check_store(store, severities: tuple[str, ...] = ("error", "warning", "info")) -> CheckReport:
    """Gather the stored findings of every document, per document.

    Args:
        store: an open ``kb.store`` Store (reads ``Document`` and ``Finding`` nodes).
        severities: which severities to report (error, warning, info).

    Returns:
        A ``CheckReport``; every stored document appears, with its findings sorted by severity then line.

    Raises:
        StoreQueryFailed: when the store cannot run the read.

    Example:
        >>> with open_store(Path("kb-data"), "embedded") as store:  # doctest: +SKIP
        ...     print(check_store(store).to_text())
    """
    documents = {row["doc_id"]: {"doc_id": row["doc_id"], "file": row["file"], "findings": []}
                 for row in store.read(DOCUMENTS_CYPHER, {})}
    for row in store.read(FINDINGS_CYPHER, {"severities": list(severities)}):
        document = documents.setdefault(row["doc_id"], {"doc_id": row["doc_id"], "file": row["file"], "findings": []})
        values = {key: row[key] for key in ("finding_id", "kind", "severity", "message", "figure_a", "figure_b",
                                            "difference", "line")}
        document["findings"].append(Finding(doc_id=row["doc_id"], file=row["file"] or "", **values))
    for document in documents.values():
        document["findings"].sort(key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.line or 0, f.finding_id))
    return CheckReport(documents=sorted(documents.values(), key=lambda d: d["file"] or ""))
