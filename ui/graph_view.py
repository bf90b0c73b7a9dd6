"""Graph views for the app: neighbourhoods, the nodes an answer involves, network measures, pyvis HTML.

Everything works on the networkx graph ``Store.to_networkx()`` returns (a MultiDiGraph whose node
attributes carry the node ``label`` and its stored properties, edges their relationship ``type``),
so no Cypher is needed here. Node captions follow CONTRACTS.md property names: a Unit or Project
shows its ``name``, a PolicyDocument its ``doc_no``, a Subject ``code name``, a Document its ``file``.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable
from itertools import combinations
from typing import Any

import networkx as nx
import pandas as pd

from kb.query.labels import LABEL_NAMES

# Colours per label (pyvis); the names shown beside them are kb.query.labels.LABEL_NAMES.
LABEL_COLOURS = {
    "Unit": "#1f77b4", "Document": "#7f7f7f", "Budget": "#9467bd", "Project": "#2ca02c",
    "PolicyDocument": "#d62728", "Issuer": "#ff7f0e", "Subject": "#8c564b", "Indicator": "#17becf",
    "Program": "#e377c2", "Finding": "#bcbd22",
}
_CAPTION_KEYS = ("doc_no", "name", "issuer_code", "file", "title", "message", "budget_id")


def node_label(attrs: dict[str, Any]) -> str:
    """The node's label (Unit, Project, PolicyDocument, …) from its attributes."""
    label = attrs.get("label") or attrs.get("labels") or attrs.get("_label") or ""
    if isinstance(label, (list, tuple)):
        label = label[0] if label else ""
    return str(label)


def edge_type(key: Any, attrs: dict[str, Any]) -> str:
    """The relationship type of an edge (CITES, RUNS, …) from its attributes or its key."""
    return str(attrs.get("type") or attrs.get("label") or attrs.get("_type") or key or "")


def node_caption(attrs: dict[str, Any]) -> str:
    """A short human caption: 文号 for a PolicyDocument, ``code name`` for a Subject, else the name."""
    label = node_label(attrs)
    if label == "Subject":
        return f"{attrs.get('code') or ''} {attrs.get('name') or ''}".strip()
    if label == "Budget":
        return f"{attrs.get('unit_name') or ''} {attrs.get('year') or ''}年{attrs.get('kind') or '预算'}".strip()
    for key in _CAPTION_KEYS:
        value = attrs.get(key)
        if value:
            return str(value)
    return str(attrs.get("id") or "")


def nodes_of(graph: nx.MultiDiGraph, label: str) -> list[tuple[Any, dict[str, Any]]]:
    """Every ``(node id, attributes)`` of one label, sorted by caption."""
    found = [(node, attrs) for node, attrs in graph.nodes(data=True) if node_label(attrs) == label]
    return sorted(found, key=lambda item: node_caption(item[1]))


def neighbourhood(graph: nx.MultiDiGraph, centre: Any, radius: int = 1, limit: int = 80) -> nx.MultiDiGraph:
    """The subgraph within ``radius`` hops of ``centre`` (ignoring direction), at most ``limit`` nodes.

    Nearer nodes are kept first, so a hub (a Unit with hundreds of subjects) stays readable.
    """
    undirected = graph.to_undirected(as_view=True)
    distances = nx.single_source_shortest_path_length(undirected, centre, cutoff=radius)
    kept = sorted(distances, key=lambda node: (distances[node], node_caption(graph.nodes[node])))[:limit]
    return graph.subgraph(kept).copy()


_CONTEXT_LABELS = {"Unit", "Document", "Issuer"}


_IDENTITY_KEYS = {"PolicyDocument": ("doc_no",), "Document": ("file",), "Issuer": ("issuer_code", "name"),
                  "Subject": ("code",)}


def _identity_values(attrs: dict[str, Any]) -> set[str]:
    """The values that name a node: its 文号, file or code; else its name (a project's file does not name it)."""
    keys = _IDENTITY_KEYS.get(node_label(attrs), ("name",))
    return {str(attrs[key]) for key in keys if attrs.get(key) and len(str(attrs[key])) >= 2}


def _flatten(values: Iterable[Any]) -> set[str]:
    found: set[str] = set()
    for value in values:
        if isinstance(value, (list, tuple, set)):
            found |= _flatten(value)
        elif isinstance(value, dict):
            found |= _flatten(value.values())
        elif value is not None:
            found.add(str(value))
    return found


def _named(attrs: dict[str, Any], wanted: set[str]) -> bool:
    if node_label(attrs) == "Budget":  # a budget is named by its unit and year together
        return str(attrs.get("unit_name")) in wanted and str(attrs.get("year")) in wanted
    return bool(_identity_values(attrs) & wanted)


def involved_subgraph(graph: nx.MultiDiGraph, answer: dict[str, Any], limit: int = 40) -> nx.MultiDiGraph:
    """The nodes an answer names (in its rows or parameters) with the edges between them.

    A node is named when one of its identifying values (文号, name, file, title; a Budget: unit and year)
    appears verbatim as a cell of the answer's rows or as a parameter value. The projects, 文件,
    subjects, budgets, programs and indicators named are the focus; a named unit, document or issuer is
    drawn when it touches the focus, and a node joining a named unit to the focus (a unit's budget) is
    added so the picture is connected.

    Args:
        graph: ``Store.to_networkx()``.
        answer: ``Answer.to_dict()``.
        limit: the most nodes to draw.

    Returns:
        A MultiDiGraph (empty when nothing in the answer names a node).
    """
    wanted = _flatten(answer.get("rows") or []) | _flatten((answer.get("params") or {}).values())
    named = [node for node, attrs in graph.nodes(data=True) if _named(attrs, wanted)]
    focus = [node for node in named if node_label(graph.nodes[node]) not in _CONTEXT_LABELS][:limit]
    context = [node for node in named if node_label(graph.nodes[node]) in _CONTEXT_LABELS]
    if not focus:
        focus, context = context[:limit], []
    kept = set(focus)
    undirected = graph.to_undirected(as_view=True)
    focus_set = set(focus)
    for node in context:
        if len(kept) >= limit:
            break
        neighbours = set(undirected.neighbors(node))
        if neighbours & focus_set:
            kept.add(node)
            continue
        joins = [other for other in neighbours if set(undirected.neighbors(other)) & focus_set]
        if joins:
            kept.add(node)
            kept.update(joins[: max(limit - len(kept), 0)])
    return graph.subgraph(kept).copy()


def pyvis_html(subgraph: nx.MultiDiGraph, height: int = 460, centre: Any = None) -> str:
    """An interactive HTML page of ``subgraph`` drawn with pyvis (vis.js inlined, no network needed).

    Node colours follow the label; hovering shows the label and main properties.
    """
    from pyvis.network import Network

    network = Network(height=f"{height}px", width="100%", directed=True, cdn_resources="in_line",
                      bgcolor="#ffffff", font_color="#222222")
    for node, attrs in subgraph.nodes(data=True):
        label = node_label(attrs)
        details = "\n".join(f"{key}: {value}" for key, value in attrs.items()
                            if key not in {"label", "overview", "basis_text", "goal"} and value not in (None, "", []))
        network.add_node(str(node), label=node_caption(attrs)[:24], title=html.escape(f"{label}\n{details}"),
                         color=LABEL_COLOURS.get(label, "#999999"), size=22 if node == centre else 14)
    for source, target, key, attrs in subgraph.edges(keys=True, data=True):
        network.add_edge(str(source), str(target), title=edge_type(key, attrs), label=edge_type(key, attrs),
                         font={"size": 9}, arrows="to")
    network.toggle_physics(True)
    page = network.generate_html(notebook=False)
    # Fit the drawing again whenever the frame is resized (e.g. a container opening after the first draw).
    refit = 'window.addEventListener("resize", function () { if (network) { network.redraw(); network.fit(); } });'
    head, call, tail = page.rpartition("drawGraph();")
    return f"{head}{call}\n{refit}{tail}" if call else page


def _citing_units(graph: nx.MultiDiGraph, project: Any) -> set[Any]:
    return {unit for unit in graph.predecessors(project) if node_label(graph.nodes[unit]) == "Unit"}


def policy_citations(graph: nx.MultiDiGraph) -> dict[Any, set[Any]]:
    """For each PolicyDocument node, the set of Project nodes that CITE it."""
    cited: dict[Any, set[Any]] = {}
    for source, target, key, attrs in graph.edges(keys=True, data=True):
        if edge_type(key, attrs) == "CITES" and node_label(graph.nodes[target]) == "PolicyDocument":
            cited.setdefault(target, set()).add(source)
    return cited


def citation_counts(graph: nx.MultiDiGraph) -> dict[Any, tuple[int, int]]:
    """For each cited PolicyDocument node: (number of citing units, number of citing projects)."""
    counts = {}
    for policy, projects in policy_citations(graph).items():
        units = set().union(*(_citing_units(graph, project) for project in projects)) if projects else set()
        counts[policy] = (len(units), len(projects))
    return counts


def most_cited_policies(graph: nx.MultiDiGraph, top: int = 20) -> pd.DataFrame:
    """The most-cited 文件: columns 文号, 标题, 引用项目数, 引用单位数, sorted by units then projects."""
    records = []
    for policy, (units, projects) in citation_counts(graph).items():
        attrs = graph.nodes[policy]
        records.append({"文号": attrs.get("doc_no"), "标题": attrs.get("title") or "",
                        "引用项目数": projects, "引用单位数": units})
    frame = pd.DataFrame(records, columns=["文号", "标题", "引用项目数", "引用单位数"])
    return frame.sort_values(["引用单位数", "引用项目数", "文号"], ascending=[False, False, True]).head(top)


def co_citation_graph(graph: nx.MultiDiGraph) -> nx.Graph:
    """PolicyDocuments joined when one project cites both; ``weight`` = number of such projects."""
    by_project: dict[Any, list[Any]] = {}
    for policy, projects in policy_citations(graph).items():
        for project in projects:
            by_project.setdefault(project, []).append(policy)
    weights: Counter = Counter()
    for policies in by_project.values():
        for pair in combinations(sorted(set(policies), key=str), 2):
            weights[pair] += 1
    co_cited = nx.Graph()
    for (first, second), weight in weights.items():
        co_cited.add_edge(first, second, weight=weight)
    return co_cited


def co_citation_communities(graph: nx.MultiDiGraph) -> pd.DataFrame:
    """Communities of co-cited 文件 (networkx Louvain, seed 0): columns 社区, 文件数, 文号."""
    co_cited = co_citation_graph(graph)
    if co_cited.number_of_nodes() == 0:
        return pd.DataFrame(columns=["社区", "文件数", "文号"])
    communities = nx.community.louvain_communities(co_cited, weight="weight", seed=0)
    communities = sorted(communities, key=lambda members: (-len(members), sorted(map(str, members))))
    records = [{"社区": index + 1, "文件数": len(members),
                "文号": "、".join(sorted(str(graph.nodes[node].get("doc_no") or node) for node in members))}
               for index, members in enumerate(communities)]
    return pd.DataFrame(records)


def program_unit_matrix(graph: nx.MultiDiGraph) -> pd.DataFrame:
    """Programs × units: the summed ``amount`` (万元) of each unit's projects PART_OF each Program.

    Returns:
        A frame indexed by program name (同类项目) with one column per unit name (NaN where a unit has none).
    """
    records = []
    for project, program, key, attrs in graph.edges(keys=True, data=True):
        if edge_type(key, attrs) != "PART_OF" or node_label(graph.nodes[program]) != "Program":
            continue
        if attrs.get("status") == "rejected" or attrs.get("kind") == "bundle":  # as program_across_units: a rejected
            continue  # membership is no member; a bundle (合并项目) pays several programs, its amount is in none
        project_attrs = graph.nodes[project]
        units = _citing_units(graph, project)
        unit_names = [graph.nodes[unit].get("name") for unit in units] or [project_attrs.get("unit_name")]
        for unit_name in unit_names:
            share = attrs.get("share")  # a split bundle counts its share, every other member its amount
            records.append({"program": graph.nodes[program].get("name") or str(program), "unit": unit_name,
                            "amount": share if share is not None else project_attrs.get("amount")})
    if not records:
        return pd.DataFrame()
    frame = pd.DataFrame(records).rename(columns={"program": "同类项目", "unit": "单位"})
    return frame.pivot_table(index="同类项目", columns="单位", values="amount", aggfunc="sum")


def program_bundles(graph: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """Bundles (合并项目): projects in programs with PART_OF kind "bundle", each with the programs it pays.

    Returns:
        [{"unit", "project", "amount" (万元, the project's own), "programs": [program names]}], sorted by unit.
    """
    found: dict[Any, dict[str, Any]] = {}
    for project, program, key, attrs in graph.edges(keys=True, data=True):
        if edge_type(key, attrs) != "PART_OF" or attrs.get("kind") != "bundle" or attrs.get("status") == "rejected":
            continue
        project_attrs = graph.nodes[project]
        entry = found.setdefault(project, {"unit": project_attrs.get("unit_name"), "project": project_attrs.get("name"),
                                           "amount": project_attrs.get("amount"), "programs": []})
        entry["programs"].append(graph.nodes[program].get("name") or str(program))
    return sorted(found.values(), key=lambda entry: (str(entry["unit"]), str(entry["project"])))


def chart_frame(frame: pd.DataFrame) -> pd.DataFrame | None:
    """A template result reshaped for ``st.bar_chart``: units as rows, years (if any) as columns.

    The unit column is the one named like ``unit``/单位, the year column ``year``/年度, the value the
    first other numeric column (万元). None when the table has no unit or numeric column.
    """
    if frame.empty:
        return None
    columns = list(frame.columns)
    unit = next((column for column in columns if "unit" in str(column).lower() or "单位" in str(column)), None)
    year = next((column for column in columns if "year" in str(column).lower() or "年" in str(column)), None)
    numeric = [column for column in columns if column not in (unit, year)
               and pd.api.types.is_numeric_dtype(frame[column])]
    if unit is None or not numeric:
        return None
    if year is None:
        return frame.groupby(unit)[numeric[0]].sum().to_frame()
    return frame.pivot_table(index=unit, columns=year, values=numeric[0], aggfunc="sum")
