"""跨区对比: the same kind of program across units, and a budget subject across units and years.

The program × unit matrix sums project amounts (万元) per Program cluster from the graph, leaving out
bundles (合并项目: a PART_OF of kind "bundle", one project paying several programs' groups), which are
listed below it with a note; the detail tables come from the ``program_across_units`` and
``subject_across_units`` templates. Empty cells are blank.
"""

from __future__ import annotations

import streamlit as st

from ui import api, frames, graph_view, render

st.title("跨区对比")

graph = api.graph_or_stop()

programs_tab, subjects_tab = st.tabs(["同类项目 × 单位", "科目 × 单位 × 年度"])

with programs_tab:
    matrix = graph_view.program_unit_matrix(graph)
    if matrix.empty:
        st.info("还没有跨单位的同类项目（Program）。")
    else:
        st.caption("各单位同类项目的预算金额（万元），按同类项目汇总；合并项目不计入。")
        st.dataframe(render.blank_cells(matrix), width="stretch")
        bundles = graph_view.program_bundles(graph)
        if bundles:
            st.caption("合并项目（同时支付多个群体，金额不计入上表的任何同类项目）：" + "；".join(
                f"{bundle['unit']} · {bundle['project']}（{bundle['amount']:g} 万元，涉及 {'、'.join(bundle['programs'])}）"
                if bundle["amount"] is not None else f"{bundle['unit']} · {bundle['project']}（涉及 {'、'.join(bundle['programs'])}）"
                for bundle in bundles))
        st.bar_chart(matrix, stack=False, y_label="万元")
        programs = graph_view.nodes_of(graph, "Program")
        chosen = st.selectbox("同类项目", [node for node, _ in programs],
                              format_func=lambda node: graph.nodes[node].get("name") or str(node), key="compare-program")
        attrs = graph.nodes[chosen]
        with api.shown_errors("program_across_units"):
            table = api.run_table("program_across_units", {"program": attrs.get("name")})
            render.show_table(frames.labelled(table.frame, table.name), key="compare-program-csv",
                              file_name="program_across_units.csv")

with subjects_tab:
    scheme_names = {"function": "功能分类", "economic": "经济分类（部门）", "gov_economic": "经济分类（政府）"}
    scheme = st.radio("科目体系", list(scheme_names), format_func=scheme_names.get, horizontal=True,
                      key="compare-scheme")
    subjects = [(node, attrs) for node, attrs in graph_view.nodes_of(graph, "Subject") if attrs.get("scheme") == scheme]
    if not subjects:
        st.info("这个体系下还没有科目。")
    else:
        subjects.sort(key=lambda item: str(item[1].get("code")))
        chosen_subject = st.selectbox("科目", [node for node, _ in subjects],
                                      format_func=lambda node: graph_view.node_caption(graph.nodes[node]),
                                      key="compare-subject")
        subject = graph.nodes[chosen_subject]
        with api.shown_errors("subject_across_units"):
            table = api.run_table("subject_across_units", {"subject": subject.get("code"), "scheme": scheme})
            frame = frames.labelled(table.frame, table.name)
            render.show_table(frame, key="compare-subject-csv", file_name="subject_across_units.csv")
            chart = graph_view.chart_frame(frame)
            if chart is not None:
                st.caption("各单位、各年度的合计（万元）")
                st.bar_chart(chart, stack=False, y_label="万元")
