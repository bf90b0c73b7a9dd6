"""The 关联审核 page's items: links awaiting a decision, each side with its evidence.

Built from ``linking.report.links_report`` (what ``kb links --json`` prints) and, for the evidence of
a project, the project node in the graph (amount, 立项依据, overview). Two kinds of item:

- a possible 文号 link (``policy_links`` with status ``possible``): both PolicyDocuments with their
  issuer, titles and citing projects;
- a low-score program membership (a ``programs[].members`` entry with status ``possible``): the project
  on one side, the program with its accepted members on the other.

Bundles (合并项目: members of kind ``bundle``, one project paying several programs' groups) are items of
their own (``pending_bundles``): a person confirms the bundle or splits its amount among the programs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from kb.core.schema import ROLE_NAMES
from ui.graph_view import node_label

PENDING = "possible"


@dataclass
class Side:
    """One side of a link: a title line and evidence lines (each short, in Chinese as printed)."""

    title: str
    evidence: list[str] = field(default_factory=list)


@dataclass
class ReviewItem:
    """A link awaiting review.

    Attributes:
        link_id: what ``kb links accept|reject`` takes (``policy_link:…`` or ``program_member:…``).
        kind: "可能相同的文件" or "同类项目归属".
        score: 0..1 as linking stored it.
        method: the features that produced the link.
        status: "possible" until decided.
        left, right: the two sides with their evidence.
    """

    link_id: str
    kind: str
    score: float | None
    method: str
    status: str
    left: Side
    right: Side


def _policy_side(doc_no: str, documents: dict[str, dict]) -> Side:
    document = documents.get(doc_no, {})
    evidence = []
    issuer = document.get("issuer") or document.get("issuer_code")
    if issuer:
        evidence.append(f"发文机关：{issuer}")
    evidence += [f"标题：《{title}》" for title in document.get("titles") or []]
    for citation in document.get("cited_by") or []:
        role = ROLE_NAMES.get(citation.get("role"), citation.get("role") or "")
        evidence.append(f"引用：{citation.get('unit')} · {citation.get('project')}（{role}）")
    return Side(doc_no, evidence or ["（库中没有更多信息）"])


def _project_evidence(graph: nx.MultiDiGraph | None, unit: str, project: str) -> list[str]:
    if graph is None:
        return []
    for _, attrs in graph.nodes(data=True):
        if node_label(attrs) == "Project" and attrs.get("name") == project and attrs.get("unit_name") == unit:
            evidence = []
            if attrs.get("amount") is not None:
                evidence.append(f"金额：{attrs['amount']} 万元（{attrs.get('year') or ''}年）")
            for key, name in (("basis_text", "立项依据"), ("overview", "项目概述"), ("goal", "绩效目标")):
                if attrs.get(key):
                    text = str(attrs[key])
                    evidence.append(f"{name}：{text[:160]}{'…' if len(text) > 160 else ''}")
            if attrs.get("file"):
                evidence.append(f"来源：{attrs['file']} 第 {attrs.get('line')} 行")
            return evidence
    return []


def pending_links(report: dict[str, Any], graph: nx.MultiDiGraph | None = None) -> list[ReviewItem]:
    """Every link of ``report`` still ``possible``, 文号 links first, then memberships by score.

    Args:
        report: ``links_report(store)``.
        graph: ``Store.to_networkx()``, for the evidence of projects (None: names only).

    Returns:
        ReviewItems; empty when nothing awaits a decision.
    """
    documents = {document["doc_no"]: document for document in report.get("policy_documents") or []}
    items = [ReviewItem(link["id"], "可能相同的文件", link.get("score"), link.get("method") or "", link["status"],
                        _policy_side(link["a"], documents), _policy_side(link["b"], documents))
             for link in report.get("policy_links") or [] if link.get("status") == PENDING]
    memberships = []
    for program in report.get("programs") or []:
        members = program.get("members") or []
        for member in members:
            if member.get("status") != PENDING or member.get("kind") == "bundle":
                continue
            project = Side(f"{member.get('unit')} · {member.get('project')}",
                           _project_evidence(graph, member.get("unit"), member.get("project")))
            others = [f"成员：{other.get('unit')} · {other.get('project')}（{other.get('status')}，{other.get('score')}）"
                      for other in members if other is not member and other.get("project") != member.get("project")]
            memberships.append(ReviewItem(member["id"], "同类项目归属", member.get("score"), member.get("method") or "",
                                          member["status"], project,
                                          Side(f"同类项目：{program.get('name')}", others or ["（没有其他成员）"])))
    memberships.sort(key=lambda item: (item.score if item.score is not None else 0, item.link_id))
    return items + memberships


@dataclass
class BundleItem:
    """A bundle awaiting review: one project in several programs, carrying its amount into none of them.

    Attributes:
        unit, project: the project as printed.
        amount: the project's amount in 万元 (None when not printed).
        memberships: [(membership id, program name, status)], one per program it pays.
    """

    unit: str
    project: str
    amount: float | None
    memberships: list[tuple[str, str, str]] = field(default_factory=list)


def pending_bundles(report: dict[str, Any]) -> list[BundleItem]:
    """Every bundle of ``report`` with at least one membership still ``possible``, by unit and project.

    Args:
        report: ``links_report(store)``.

    Returns:
        BundleItems; empty when no bundle awaits a decision.
    """
    bundles: dict[tuple, BundleItem] = {}
    for program in report.get("programs") or []:
        for member in program.get("members") or []:
            if member.get("kind") != "bundle":
                continue
            key = (member.get("unit"), member.get("project"), member.get("file"), member.get("line"))
            item = bundles.setdefault(key, BundleItem(member.get("unit") or "", member.get("project") or "",
                                                      member.get("project_amount")))
            item.memberships.append((member["id"], program.get("name") or "", member.get("status") or ""))
    return [item for _, item in sorted(bundles.items(), key=lambda entry: tuple(str(part) for part in entry[0]))
            if any(status == PENDING for _, _, status in item.memberships)]


def decided_links(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Every 文号 link and program membership with its status, for the page's overview table."""
    rows = [{"类型": "文件", "编号": link["id"], "一方": link["a"], "另一方": link["b"], "分数": link.get("score"),
             "状态": link.get("status")} for link in report.get("policy_links") or []]
    for program in report.get("programs") or []:
        rows += [{"类型": "合并项目" if member.get("kind") == "bundle" else "同类项目", "编号": member["id"],
                  "一方": _member_text(member), "另一方": program.get("name"), "分数": member.get("score"),
                  "状态": member.get("status")}
                 for member in program.get("members") or []]
    return rows


def _member_text(member: dict[str, Any]) -> str:
    """``unit · project（科目 2080107 · 5 万元）``: two lines of one project name stay apart."""
    details = [f"科目 {member['subject_code']}" if member.get("subject_code") else "",
               f"{member['amount']:g} 万元" if member.get("amount") is not None else ""]
    detail = " · ".join(part for part in details if part)
    return f"{member.get('unit')} · {member.get('project')}" + (f"（{detail}）" if detail else "")
