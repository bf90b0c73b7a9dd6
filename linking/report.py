"""``kb links``: policy documents with their citing projects, possible 文号 links and programs, from the store.

Read with Cypher both engines accept over the graph names of docs/CONTRACTS.md (PolicyDocument, CITES,
Issuer, POSSIBLY_SAME_AS, Program, PART_OF); nothing is recomputed here, so the report shows exactly what
was stored, decisions included.
"""

from __future__ import annotations

import json
from collections import defaultdict

from linking.decisions import STATUS_NAMES
from kb.core.schema import ROLE_NAMES
from linking.programs import member_link_id

POLICY_DOCUMENTS = """
MATCH (d:PolicyDocument)
OPTIONAL MATCH (d)-[:ISSUED_BY]->(i:Issuer)
RETURN d.doc_no AS doc_no, d.issuer_code AS issuer_code, i.name AS issuer, d.titles AS titles
ORDER BY doc_no
"""
CITATIONS = """
MATCH (p:Project)-[c:CITES]->(d:PolicyDocument)
RETURN d.doc_no AS doc_no, p.unit_name AS unit, p.name AS project, c.role AS role
ORDER BY doc_no, unit, project
"""
POLICY_LINKS = """
MATCH (a:PolicyDocument)-[r:POSSIBLY_SAME_AS]->(b:PolicyDocument)
RETURN r.link_id AS id, a.doc_no AS a, b.doc_no AS b, r.score AS score, r.method AS method, r.status AS status
ORDER BY id
"""
PROGRAM_MEMBERS = """
MATCH (p:Project)-[r:PART_OF]->(g:Program)
RETURN g.program_id AS program_id, g.name AS name, p.project_id AS project_id, p.unit_name AS unit,
       p.name AS project, p.subject_code AS subject_code, p.amount AS amount, p.file AS file, p.line AS line,
       r.score AS score, r.method AS method, r.status AS status, r.kind AS kind, r.weights AS weights,
       r.share AS share
ORDER BY program_id, unit, project, subject_code, line
"""
PROGRAM_MODEL = """
MATCH (m:LinkModel)
RETURN m.model_id AS model_id, m.name AS name, m.parameters AS parameters
"""


def links_report(store) -> dict:
    """Everything linking stored, for ``kb links --json``.

    Args:
        store: an open store (``kb.store.open_store``).

    Returns:
        ``{"policy_documents": [{"doc_no", "issuer_code", "issuer", "titles", "cited_by": [{"unit", "project",
        "role"}]}], "policy_links": [{"id", "a", "b", "score", "method", "status"}], "programs": [{"program_id",
        "name", "members": [{"id", "unit", "project", "subject_code", "amount", "file", "line", "score", "method",
        "status", "kind", "weights", "project_amount", "share"}]}], "program_model": {"prior", "prior_weight", "comparisons": [{"name", "levels":
        [{"level", "label", "m", "u", "weight"}]}]}}``; scores 0..1, amounts in 万元, ``id`` is what ``kb links
        accept|reject`` takes; ``kind`` is member | possible | bundle (a bundle's ``amount`` is None, the
        project's own amount is ``project_amount``; ``share`` is the 万元 a person's split counts in the program); ``weights`` gives the match weight
        (log2 m/u) of each comparison of the member's best pair (name, doc_no, subject, amount, indicators,
        vocabulary), with "prior", "total", "probability" and the "partner" name it was compared with. Two lines
        of one unit with the same project name (003 prints 档案整理工作经费 under two subject codes) are told
        apart by subject_code, amount and line.

    Raises:
        StoreQueryFailed: the store failed a query.

    Example:
        >>> links_report(store)["policy_links"][0]["a"]  # doctest: +SKIP
        '渝教人〔2013〕13号'
    """
    cited_by: dict[str, list[dict]] = defaultdict(list)
    for row in store.read(CITATIONS, {}, name="links: citations"):
        cited_by[row["doc_no"]].append({"unit": row["unit"], "project": row["project"], "role": row["role"]})
    documents = [{"doc_no": row["doc_no"], "issuer_code": row["issuer_code"], "issuer": row["issuer"],
                  "titles": list(row["titles"] or []), "cited_by": cited_by.get(row["doc_no"], [])}
                 for row in store.read(POLICY_DOCUMENTS, {}, name="links: policy documents")]
    links = [dict(row) for row in store.read(POLICY_LINKS, {}, name="links: possible 文号 links")]
    programs: dict[str, dict] = {}
    for row in store.read(PROGRAM_MEMBERS, {}, name="links: program members"):
        program = programs.setdefault(row["program_id"], {"program_id": row["program_id"], "name": row["name"],
                                                          "members": []})
        bundle = row["kind"] == "bundle"  # a bundle carries no amount into the program
        program["members"].append({"id": member_link_id(row["program_id"], row["project_id"]), "unit": row["unit"],
                                   "project": row["project"], "subject_code": row["subject_code"],
                                   "amount": None if bundle else row["amount"], "project_amount": row["amount"],
                                   "file": row["file"], "line": row["line"],
                                   "score": row["score"], "method": row["method"], "status": row["status"],
                                   "kind": row["kind"] or "member", "weights": _weights(row["weights"]),
                                   "share": row["share"]})
    models = store.read(PROGRAM_MODEL, {}, name="links: program model")
    model = _weights(models[0]["parameters"]) if models else {}
    return {"policy_documents": documents, "policy_links": links, "programs": list(programs.values()),
            "program_model": model}


def _weights(text: str | None) -> dict:
    """A stored JSON property (PART_OF.weights, LinkModel.parameters) as a dict; {} when absent or damaged."""
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def links_text(report: dict) -> str:
    """The report of ``links_report`` as text for ``kb links`` (Chinese names as printed, scores 0..1, each
    link's review status as ``STATUS_NAMES`` says it, method names as stored).

    Example:
        >>> print(links_text({"policy_documents": [], "policy_links": [], "programs": []}))
        政策文件（0 个）
        可能相同的文号（0 对）
        项目群（0 个）
        审核一条关联：kb links accept 编号 | kb links reject 编号
    """
    lines = [f"政策文件（{len(report['policy_documents'])} 个）"]
    for document in report["policy_documents"]:
        units = {citation["unit"] for citation in document["cited_by"]}
        issuer = document["issuer"] or document["issuer_code"] or "发文机关不详"
        lines.append(f"  {document['doc_no']}  {issuer}  被 {len(units)} 个单位的 {len(document['cited_by'])} 个项目引用")
        lines += [f"      《{title}》" for title in document["titles"]]
        lines += [f"      - {citation['unit']} / {citation['project']}（{ROLE_NAMES.get(citation['role'], citation['role'])}）"
                  for citation in document["cited_by"]]
    lines.append(f"可能相同的文号（{len(report['policy_links'])} 对）")
    lines += [f"  [{_status(link)}] {link['score']:.3f}  {link['a']} ~ {link['b']}  方法 {link['method']}  编号 {link['id']}"
              for link in report["policy_links"]]
    lines.append(f"项目群（{len(report['programs'])} 个）")
    for program in report["programs"]:
        lines.append(f"  {program['name']}  编号 {program['program_id']}")
        for member in program["members"]:
            kind = "  合并项目（金额不计入）" if member.get("kind") == "bundle" else ""
            lines.append(f"      [{_status(member)}] {member['score']:.3f}  {member['unit']} / {member['project']}  "
                         f"{_member_figure(member)}{kind}  方法 {member['method']}  编号 {member['id']}")
            if member.get("weights"):
                lines.append(f"          {waterfall(member['weights'])}")
    lines.append("审核一条关联：kb links accept 编号 | kb links reject 编号")
    return "\n".join(lines)


def _status(link: dict) -> str:
    return STATUS_NAMES.get(link["status"], link["status"])


def _member_figure(member: dict) -> str:
    """``[2013299] 7.16 万元 003_….txt:342``: what tells two lines of one project name apart (blank where unknown,
    and no amount for a bundle)."""
    amount = "" if member.get("amount") is None or member.get("kind") == "bundle" else f"{member['amount']:g} 万元"
    subject = f"[{member['subject_code']}]" if member.get("subject_code") else ""
    where = f"{member.get('file') or ''}:{member.get('line')}" if member.get("line") is not None else member.get("file") or ""
    return " ".join(part for part in (subject, amount, where) if part)


def waterfall(weights: dict) -> str:
    """One line of a member's match weights, as Splink's waterfall chart reads: prior, each comparison, total.

    Example:
        >>> waterfall({"prior": -4.0, "name": 5.9, "doc_no": 5.2, "total": 7.1, "probability": 0.993, "partner": "年金征缴"})
        '先验 -4.00 + name +5.90 + doc_no +5.20 = 7.10（概率 0.993，对照 年金征缴）'
    """
    skip = {"prior", "total", "probability", "partner", "keywords"}
    if "total" not in weights:
        return f"依据文本中的关键词：{weights.get('keywords', '')}" if weights.get("keywords") else ""
    parts = " + ".join(f"{name} {value:+.2f}" for name, value in weights.items() if name not in skip)
    return (f"先验 {weights['prior']:.2f} + {parts} = {weights['total']:.2f}"
            f"（概率 {weights['probability']:.3f}，对照 {weights.get('partner', '')}）")
