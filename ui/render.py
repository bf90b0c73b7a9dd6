"""Rendering shared by the pages: an answer (sentence, table, sources, Cypher, graph) and a graph view."""

from __future__ import annotations

import json
from typing import Any

import networkx as nx
import pandas as pd
import streamlit as st

from kb.query.sentences import ABSENT
from ui import api, frames, graph_view


def show_graph(subgraph: nx.MultiDiGraph, *, height: int = 460, centre: Any = None, alt: str = "图谱") -> None:
    """Draw a networkx subgraph interactively (pyvis in an iframe); say so when it is empty."""
    if subgraph.number_of_nodes() == 0:
        st.caption("没有可显示的节点。")
        return
    st.iframe(graph_view.pyvis_html(subgraph, height=height, centre=centre), height=height + 20, alt=alt)
    legend = sorted({graph_view.node_label(attrs) for _, attrs in subgraph.nodes(data=True)})
    st.caption("图例：" + "　".join(f"{graph_view.LABEL_NAMES.get(label, label)}（{label}）" for label in legend))


def blank_cells(frame):
    """The frame styled for ``st.dataframe``: amounts as printed (540.0 as "540", 1000.3 as "1000.3").

    Streamlit draws its own "None" for a missing value whatever the styler says, so a text column's gaps
    become blank and an amount column (header ending in （万元）) with no figure at all reads "未公开"; a
    numeric column keeps its type and its gaps (numbers sort as numbers).
    """
    shown = frame.copy()
    for position, column in enumerate(shown.columns):
        values = shown.iloc[:, position]
        missing = values.isna()
        textual = values.dtype == object or pd.api.types.is_string_dtype(values.dtype)
        if not missing.any() or not textual or not all(isinstance(v, str) for v in values[~missing]):
            continue
        fill = ABSENT if str(column).endswith("（万元）") and missing.all() else ""
        shown.isetitem(position, values.where(~missing, fill))
    return shown.style.format(_cell_text, na_rep="")


def _cell_text(value) -> str:
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return "" if value is None else str(value)


def show_table(frame, *, key: str, file_name: str) -> None:
    """A result table with a CSV download button under it; empty cells are blank."""
    st.dataframe(blank_cells(frame), hide_index=True, width="stretch")
    st.download_button("下载 CSV", frames.frame_csv(frame), file_name=file_name, mime="text/csv", key=key)


def show_answer(answer: dict[str, Any], *, key: str) -> None:
    """One answer of the chat: the sentence, the table, the sources, the template and Cypher, the graph.

    Args:
        answer: ``Answer.to_dict()`` (question, template, params, cypher, columns, rows, answer, sources).
        key: a unique key prefix for this answer's widgets.
    """
    st.markdown(answer.get("answer") or "（没有结果）")
    rows = answer.get("rows") or []
    if rows:
        frame = frames.labelled(frames.rows_frame(answer.get("columns") or [], rows), answer.get("template"))
        show_table(frame, key=f"{key}-csv", file_name="answer.csv")
    sources = answer.get("sources") or []
    if sources:
        st.markdown("**来源**")
        st.dataframe(blank_cells(frames.sources_frame(sources)), hide_index=True, width="stretch")
    with st.expander(f"模板与 Cypher：{answer.get('template') or '语义检索'}"):
        st.markdown(f"模板 `{answer.get('template') or '语义检索'}`，参数：")
        st.code(json.dumps(answer.get("params") or {}, ensure_ascii=False), language="json")
        if answer.get("cypher"):
            st.code(answer["cypher"], language="cypher")
    if st.toggle("显示相关节点图", key=f"{key}-graph"):  # drawn on demand: each drawing inlines vis.js
        with api.shown_errors("图谱"):
            show_graph(graph_view.involved_subgraph(api.graph(), answer), height=360, alt="答案涉及的节点")
