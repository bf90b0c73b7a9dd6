"""关联审核: possible 文号 links and low-score program memberships, with each side's evidence.

Accept or reject calls ``linking.decisions.record_decision`` exactly as ``kb links accept/reject``
does, so the decision persists across re-ingests and shows in ``kb links --json``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import api
from ui.review_items import decided_links, pending_links

STATUS_NAMES = {"possible": "待审核", "accepted": "已接受", "rejected": "已拒绝"}

st.title("关联审核")
st.caption("可能相同的文件（文号相近）与低分的同类项目归属。接受或拒绝与 `kb links accept/reject` 相同，"
           "结果保存在数据库目录中，重新导入后仍然有效。")

report = graph = None
with api.shown_errors("读取关联"):
    report = api.links_report()
    graph = api.graph()
if report is None:
    st.stop()

if st.session_state.get("review-message"):
    st.success(st.session_state.pop("review-message"))

pending = pending_links(report, graph)
st.subheader(f"待审核（{len(pending)}）")
if not pending:
    st.info("没有待审核的关联。")
for item in pending:
    with st.container(border=True):
        score = f"{item.score:.3f}" if item.score is not None else "—"
        st.markdown(f"**{item.kind}** · `{item.link_id}` · 分数 {score} · {STATUS_NAMES.get(item.status, item.status)}")
        st.caption(f"依据：{item.method}")
        left, right = st.columns(2)
        for column, side in ((left, item.left), (right, item.right)):
            column.markdown(f"**{side.title}**")
            for line in side.evidence:
                column.caption(line)
        accept, reject, _ = st.columns([1, 1, 6])
        for button_column, label, status in ((accept, "接受", "accepted"), (reject, "拒绝", "rejected")):
            if button_column.button(label, key=f"{status}-{item.link_id}"):
                with api.shown_errors(label):
                    st.session_state["review-message"] = api.record_decision(item.link_id, status)
                    st.rerun()

st.subheader("全部关联")
rows = decided_links(report)
if rows:
    frame = pd.DataFrame(rows)
    frame["状态"] = frame["状态"].map(lambda status: STATUS_NAMES.get(status, status))
    st.dataframe(frame, hide_index=True, width="stretch")
with st.expander("kb links --json"):
    st.json(report, expanded=False)
