"""数据核查: the findings of ``kb check`` per document (totals that do not add up, …)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kb.checks.findings import SEVERITY_NAMES
from ui import api, render

st.title("数据核查")
st.caption("与 `kb check` 相同的一致性核查：每份公开文件中对不上的合计、金额与文字不符等。")

COLUMNS = {"severity": "级别", "kind": "类型", "line": "行", "message": "说明", "figure_a": "所列数",
           "figure_b": "应为", "difference": "差额（万元）"}

report = None
with api.shown_errors("核查"):
    report = api.check_report()
if report is None:
    st.info("数据核查模块（kb.checks）尚未提供，暂无核查结果。")
    st.stop()

data = report.to_dict()
counts = data.get("counts") or {}
columns = st.columns(len(SEVERITY_NAMES) + 1)
columns[0].metric("文件", len(data.get("documents") or []))
for column, (severity, name) in zip(columns[1:], SEVERITY_NAMES.items()):
    column.metric(name, counts.get(severity, 0))

if not data.get("documents"):
    st.info("库中还没有文件。")
for document in data.get("documents") or []:
    findings = document.get("findings") or []
    with st.expander(f"{document['file']}（{len(findings)} 条）", expanded=bool(findings)):
        if not findings:
            st.success("没有发现不一致。")
            continue
        frame = pd.DataFrame(findings)
        frame = frame[[column for column in COLUMNS if column in frame.columns]].rename(columns=COLUMNS)
        frame["级别"] = frame["级别"].map(lambda severity: SEVERITY_NAMES.get(severity, severity))
        st.dataframe(render.blank_cells(frame), hide_index=True, width="stretch")
