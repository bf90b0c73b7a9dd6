"""文件追踪: pick a 文件 by 文号 or title; see its issuer, every citing project, co-cited 文件, subgraph.

Citing projects come from the ``projects_by_policy`` template and co-cited 文件 from
``co_cited_policies`` (the same templates ``kb query`` runs); the issuer and subgraph from the graph.
"""

from __future__ import annotations

import streamlit as st

from kb.core.doc_no import canonicalize
from kb.core.normalize import match_key
from kb.core.schema import ROLE_NAMES
from ui import api, graph_view, render

PROJECT_COLUMNS = {"unit": "单位", "year": "年度", "project": "项目", "amount": "金额（万元）", "role": "引用方式",
                   "file": "文件", "line": "行", "doc_no_line": "文号所在行"}
CO_CITED_COLUMNS = {"doc_no": "文号", "title": "标题", "project_count": "共同引用项目数", "units": "单位"}


def template_section(template: str, doc_no: str, empty_text: str, shape, csv_key: str) -> None:
    """One template's rows for a 文件 (``{"doc_no": doc_no}``) as a table with its CSV download and
    Cypher, or ``empty_text`` when it returns no row; ``shape(frame) -> frame`` drops and renames columns."""
    with api.shown_errors(template):
        table = api.run_table(template, {"doc_no": doc_no})
        if table.frame.empty:
            st.caption(empty_text)
        else:
            render.show_table(shape(table.frame), key=csv_key, file_name=f"{template}.csv")
        with st.expander("Cypher"):
            st.code(table.cypher, language="cypher")


def citing_projects(frame):
    """projects_by_policy rows in Chinese columns, with a caption totalling units, projects and 万元."""
    frame = frame.drop(columns=["doc_no", "title"], errors="ignore").rename(columns=PROJECT_COLUMNS)
    frame["引用方式"] = frame["引用方式"].map(lambda role: ROLE_NAMES.get(role, role))
    total = frame["金额（万元）"].sum()
    st.caption(f"{frame['单位'].nunique()} 个单位的 {len(frame)} 个项目，合计 {total:,.2f} 万元。")
    return frame


st.title("文件追踪")
st.caption("选择或搜索一个政策文件（文号或标题），查看发文机关、引用它的各单位项目及金额、共同引用的文件。")

policies = []
with api.shown_errors("读取政策文件"):
    graph = api.graph()
    citations = graph_view.citation_counts(graph)  # most-cited first: (units, projects)
    policies = sorted(graph_view.nodes_of(graph, "PolicyDocument"),
                      key=lambda item: (tuple(-count for count in citations.get(item[0], (0, 0))),
                                        str(item[1].get("doc_no"))))

if not policies:
    st.info("图谱中还没有政策文件：请先在“导入/导出”页导入公开文件。")
    st.stop()

captions = {node: f"{attrs.get('doc_no')}　{attrs.get('title') or ''}".strip() for node, attrs in policies}
search = st.text_input("搜索文号或标题", key="trace-search", placeholder="例如 渝委办发〔2019〕66号 或 国有企业退休人员")
choices = [node for node, _ in policies]
if search.strip():
    typed_doc_no = canonicalize(search.strip())
    key = match_key(search)
    choices = [node for node, attrs in policies
               if (typed_doc_no and attrs.get("doc_no") == typed_doc_no)
               or key in match_key(captions[node])]
    if not choices:
        st.warning(f"没有文号或标题包含“{search.strip()}”的文件。")
        st.stop()

chosen = st.selectbox("政策文件", choices, format_func=lambda node: captions[node], key="trace-policy")
attrs = graph.nodes[chosen]
doc_no = attrs.get("doc_no")

st.subheader(doc_no)
titles = attrs.get("titles") or ([attrs["title"]] if attrs.get("title") else [])
st.markdown("**标题**：" + ("；".join(f"《{title}》" for title in titles) if titles else "（文中未写标题）"))
issuers = [graph.nodes[target] for _, target, key, edge in graph.out_edges(chosen, keys=True, data=True)
           if graph_view.edge_type(key, edge) == "ISSUED_BY"]
issuer_text = "、".join(f"{issuer.get('name') or issuer.get('issuer_code')}（{issuer.get('issuer_code')}）"
                       for issuer in issuers)
st.markdown(f"**发文机关**：{issuer_text or attrs.get('issuer_code') or '未知'}")



st.markdown("#### 引用该文件的项目")
template_section("projects_by_policy", doc_no, "库中没有项目引用这个文件。", citing_projects, "trace-projects-csv")

st.markdown("#### 共同被引用的文件")
template_section("co_cited_policies", doc_no, "没有与它一起被同一项目引用的文件。",
                 lambda frame: frame.drop(columns=["sources"], errors="ignore").rename(columns=CO_CITED_COLUMNS),
                 "trace-cocited-csv")

st.markdown("#### 子图")
render.show_graph(graph_view.neighbourhood(graph, chosen, radius=2, limit=60), centre=chosen, alt=f"{doc_no} 子图")
