"""关联审核: possible 文号 links and low-score program memberships, with each side's evidence.

Accept or reject calls ``linking.decisions.record_decision`` exactly as ``kb links accept/reject``
does, so the decision persists across re-ingests and shows in ``kb links --json``.
"""

from __future__ import annotations

import streamlit as st

from ui import api

st.title("关联审核")
st.caption("待审核的关联：可能相同的文件（文号相近）与低分的同类项目归属。接受或拒绝的结果会保存，重新导入后仍然有效。")

report = None
with api.shown_errors("读取关联"):
    report = api.links_report()
if report is None:
    st.stop()

if st.session_state.get("review-message"):
    st.success(st.session_state.pop("review-message"))

pending = api.pending_links(report)
if not pending:
    st.info("没有待审核的关联。")
for item in pending:
    with st.container(border=True):
        st.markdown(f"**{item.kind}** · `{item.link_id}` · 分数 {item.score} · 方法 {item.method} · 状态 {item.status}")
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

with st.expander("全部关联（kb links --json）"):
    st.json(report, expanded=False)
