"""图谱: an interactive view of any node's neighbourhood, and network measures over the 文件.

Measures (networkx): the most-cited 文件 (by citing units and projects) and communities of co-cited
文件 (Louvain over the co-citation graph, where two 文件 are joined when one project cites both).
"""

from __future__ import annotations

import streamlit as st

from ui import api, graph_view, render

st.title("图谱")

graph = api.graph_or_stop()
if graph.number_of_nodes() == 0:
    st.info("图谱是空的：请先在“导入/导出”页导入公开文件。")
    st.stop()

labels = sorted({graph_view.node_label(attrs) for _, attrs in graph.nodes(data=True)})
left, middle, right = st.columns([1, 3, 1])
label = left.selectbox("类型", labels, index=labels.index("PolicyDocument") if "PolicyDocument" in labels else 0,
                       format_func=lambda name: f"{graph_view.LABEL_NAMES.get(name, name)}（{name}）",
                       key="graph-label")
nodes = sorted(graph_view.nodes_of(graph, label), key=lambda item: -graph.degree(item[0]))  # hubs first
centre = middle.selectbox("节点", [node for node, _ in nodes],
                          format_func=lambda node: graph_view.node_caption(graph.nodes[node]), key="graph-node")
radius = right.slider("跳数", 1, 3, 1, key="graph-radius")
neighbourhood = graph_view.neighbourhood(graph, centre, radius=radius, limit=80)
st.caption(f"{graph_view.node_caption(graph.nodes[centre])}：{neighbourhood.number_of_nodes()} 个节点，"
           f"{neighbourhood.number_of_edges()} 条关系（最多显示 80 个节点）")
render.show_graph(neighbourhood, height=520, centre=centre, alt="邻域图")

st.subheader("网络指标")
cited, communities = st.columns(2)
with cited:
    st.markdown("**被引用最多的文件**")
    most_cited = graph_view.most_cited_policies(graph)
    st.dataframe(render.blank_cells(most_cited), hide_index=True, width="stretch")
    if not most_cited.empty:
        st.bar_chart(most_cited.set_index("文号")[["引用单位数", "引用项目数"]], stack=False)
with communities:
    st.markdown("**共同引用社区**（同一项目同时引用的文件，Louvain 社区划分）")
    st.dataframe(render.blank_cells(graph_view.co_citation_communities(graph)), hide_index=True, width="stretch")
